/*
 * netlink.c - links, addresses and routes through rtnetlink (libmnl),
 * which is what `ip` does, without starting a program for each step.
 * Every socket works in the network namespace it was opened in.
 */
#include "hn_int.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <net/if.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

struct mnl_socket *hn_nl_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);

	if (nl == NULL) {
		hn_err("cannot open a netlink socket: %s", strerror(errno));
		return NULL;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		hn_err("cannot bind a netlink socket: %s", strerror(errno));
		mnl_socket_close(nl);
		return NULL;
	}
	return nl;
}

void hn_nl_close(struct mnl_socket *nl)
{
	if (nl != NULL)
		mnl_socket_close(nl);
}

/* Sends one request and waits for the kernel's acknowledgement.
 * Returns 0, or -1 with errno set to the kernel's answer. */
static int talk(struct mnl_socket *nl, struct nlmsghdr *nlh)
{
	char buf[8192];
	unsigned seq = (unsigned)time(NULL) ^ (unsigned)nlh->nlmsg_type;
	unsigned portid = mnl_socket_get_portid(nl);
	ssize_t n;
	int rc;

	nlh->nlmsg_seq = seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -1;
		rc = mnl_cb_run(buf, (size_t)n, seq, portid, NULL, NULL);
	} while (rc > 0);
	return rc < 0 ? -1 : 0;
}

static struct nlmsghdr *link_msg(char *buf, int type, int flags,
				 int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nlh;
}

/* The ifinfomsg that starts a veth peer's nested attributes. */
static void put_peer_header(struct nlmsghdr *nlh, int index)
{
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload_tail(nlh);

	memset(ifm, 0, sizeof(*ifm));
	ifm->ifi_index = index;
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*ifm));
}

int hn_nl_veth(struct mnl_socket *nl, const struct hn_veth *v)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK,
					NLM_F_CREATE | NLM_F_EXCL, v->index);
	struct nlattr *info, *data, *pa;
	const char *name = v->name, *peer = v->peer;
	int nsfd = v->nsfd, peer_nsfd = v->peer_nsfd, mtu = v->mtu;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
	if (mtu > 0)
		mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t)mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	pa = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	put_peer_header(nlh, v->peer_index);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_nsfd);
	if (mtu > 0)
		mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t)mtu);
	mnl_attr_nest_end(nlh, pa);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	if (talk(nl, nlh) < 0)
		return hn_err("cannot create veth pair %s/%s: %s", name, peer,
			      strerror(errno));
	return 0;
}

int hn_nl_bridge(struct mnl_socket *nl, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK,
					NLM_F_CREATE | NLM_F_EXCL, 0);
	struct nlattr *info, *data;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* flood multicast: IPv6 neighbour discovery must always pass */
	mnl_attr_put_u8(nlh, IFLA_BR_MCAST_SNOOPING, 0);
	mnl_attr_put_u32(nlh, IFLA_BR_FORWARD_DELAY, 0);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	if (talk(nl, nlh) < 0)
		return hn_err("cannot create bridge %s: %s", name,
			      strerror(errno));
	return 0;
}

int hn_nl_link_set(struct mnl_socket *nl, const char *ifname, int up,
		   int master, int mtu, int nsfd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int index = (int)if_nametoindex(ifname);
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;

	if (index == 0)
		return hn_err("no interface %s here", ifname);
	nlh = link_msg(buf, RTM_NEWLINK, 0, index);
	ifm = mnl_nlmsg_get_payload(nlh);
	if (up >= 0) {
		ifm->ifi_change = IFF_UP;
		ifm->ifi_flags = up ? IFF_UP : 0;
	}
	if (master >= 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	if (mtu > 0)
		mnl_attr_put_u32(nlh, IFLA_MTU, (uint32_t)mtu);
	if (nsfd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)nsfd);
	if (talk(nl, nlh) < 0)
		return hn_err("cannot change interface %s: %s", ifname,
			      strerror(errno));
	return 0;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

int hn_nl_addr(struct mnl_socket *nl, const char *ifname,
	       const struct hn_prefix *a)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], text[INET6_ADDRSTRLEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)a->family;
	ifa->ifa_prefixlen = (uint8_t)a->len;
	ifa->ifa_index = if_nametoindex(ifname);
	mnl_attr_put(nlh, IFA_LOCAL, addr_len(a->family), &a->a);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_len(a->family), &a->a);
	/* no duplicate address detection; we add the prefix route
	 * ourselves, with the fast rto_min metric */
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD | IFA_F_NOPREFIXROUTE);
	if (talk(nl, nlh) < 0)
		return hn_err("cannot add address %s/%d to %s: %s",
			      hn_prefix_ntop(a, text, sizeof(text)), a->len,
			      ifname, strerror(errno));
	return 0;
}

int hn_nl_route(struct mnl_socket *nl, const struct hn_prefix *dst,
		const struct hn_prefix *gw, const char *ifname,
		int rto_min_ms)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], text[INET6_ADDRSTRLEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	struct nlattr *metrics;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)dst->family;
	rtm->rtm_dst_len = (uint8_t)dst->len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = gw != NULL ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_DST, addr_len(dst->family), &dst->a);
	if (gw != NULL)
		mnl_attr_put(nlh, RTA_GATEWAY, addr_len(gw->family), &gw->a);
	mnl_attr_put_u32(nlh, RTA_OIF, if_nametoindex(ifname));
	if (rto_min_ms > 0) {
		metrics = mnl_attr_nest_start(nlh, RTA_METRICS);
		mnl_attr_put_u32(nlh, RTAX_RTO_MIN, (uint32_t)rto_min_ms);
		mnl_attr_put_u32(nlh, RTAX_LOCK, 1u << RTAX_RTO_MIN);
		mnl_attr_nest_end(nlh, metrics);
	}
	if (talk(nl, nlh) < 0)
		return hn_err("cannot add route to %s/%d via %s: %s",
			      hn_prefix_ntop(dst, text, sizeof(text)),
			      dst->len, ifname, strerror(errno));
	return 0;
}

/* Sets one legacy ethtool flag and reads it back. */
static int ethtool_flag(int fd, const char *ifname, uint32_t set,
			uint32_t get)
{
	struct ethtool_value ev = { .cmd = set, .data = 0 };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0 && errno != EOPNOTSUPP)
		return -1;
	ev.cmd = get;
	ev.data = 1;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		return errno == EOPNOTSUPP ? 0 : -1;
	return ev.data == 0 ? 0 : -1;
}

int hn_offloads_off(const char *ifname)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (fd < 0)
		return hn_err("socket: %s", strerror(errno));
	/* checksums computed in software, no scatter-gather, and no
	 * segmentation or coalescing: each packet is what a wire carries */
	if (ethtool_flag(fd, ifname, ETHTOOL_STSO, ETHTOOL_GTSO) < 0 ||
	    ethtool_flag(fd, ifname, ETHTOOL_SGSO, ETHTOOL_GGSO) < 0 ||
	    ethtool_flag(fd, ifname, ETHTOOL_SGRO, ETHTOOL_GGRO) < 0 ||
	    ethtool_flag(fd, ifname, ETHTOOL_STXCSUM, ETHTOOL_GTXCSUM) < 0 ||
	    ethtool_flag(fd, ifname, ETHTOOL_SSG, ETHTOOL_GSG) < 0)
		rc = hn_err("cannot turn segmentation offloads off on %s: "
			    "%s", ifname, strerror(errno));
	close(fd);
	return rc;
}

/* ---- waiting for interfaces to be operational ------------------------ */

/* IF_OPER_UP from <linux/if.h>, which clashes with <net/if.h> */
#define OPER_UP 6

struct up_check {
	const char *const *names;
	int n;
	int up;                     /* how many of them are IF_OPER_UP */
};

static int link_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type == IFLA_IFNAME || type == IFLA_OPERSTATE)
		tb[type] = a;
	return MNL_CB_OK;
}

static int count_up(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	struct up_check *c = data;
	int i;

	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), link_attr, tb);
	if (tb[IFLA_IFNAME] == NULL || tb[IFLA_OPERSTATE] == NULL)
		return MNL_CB_OK;
	for (i = 0; i < c->n; i++)
		if (strcmp(c->names[i], mnl_attr_get_str(tb[IFLA_IFNAME]))
		    == 0 && mnl_attr_get_u8(tb[IFLA_OPERSTATE]) == OPER_UP)
			c->up++;
	return MNL_CB_OK;
}

/* How many of NAMES are operationally up right now (a link dump). */
static int dump_up(struct mnl_socket *nl, const char *const *names, int n)
{
	char buf[16384];
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, NLM_F_DUMP, 0);
	struct up_check c = { .names = names, .n = n };
	unsigned portid = mnl_socket_get_portid(nl);
	ssize_t len;
	int rc;

	nlh->nlmsg_flags |= NLM_F_REQUEST;
	nlh->nlmsg_seq = (unsigned)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		len = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (len < 0)
			return -1;
		rc = mnl_cb_run(buf, (size_t)len, nlh->nlmsg_seq, portid,
				count_up, &c);
	} while (rc > 0);
	return c.up;
}

int hn_nl_wait_up(const char *const *names, int n, int timeout_ms)
{
	struct mnl_socket *events = mnl_socket_open2(NETLINK_ROUTE,
						     SOCK_CLOEXEC);
	struct mnl_socket *nl = hn_nl_open();
	struct timespec start, now;
	char junk[16384];
	int up = -1;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (events == NULL || nl == NULL ||
	    mnl_socket_bind(events, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	/* subscribed first, then looked: no change can slip between */
	while ((up = dump_up(nl, names, n)) >= 0 && up < n) {
		struct pollfd pfd = { .fd = mnl_socket_get_fd(events),
				      .events = POLLIN };
		long left;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = timeout_ms - ((now.tv_sec - start.tv_sec) * 1000L +
				     (now.tv_nsec - start.tv_nsec) / 1000000L);
		if (left <= 0 || poll(&pfd, 1, (int)left) != 1)
			break;
		while (recv(pfd.fd, junk, sizeof(junk), MSG_DONTWAIT) > 0)
			;
	}
out:
	hn_nl_close(nl);
	if (events != NULL)
		mnl_socket_close(events);
	if (up == n)
		return 0;
	return hn_err("interface %s did not come up within %d ms (the "
		      "kernel's link watcher is late: is the machine very "
		      "busy?)", n > 0 ? names[0] : "?", timeout_ms);
}
