/*
 * rtwatch - prints link and route changes as they happen, one line
 * each, after saying "subscribed" once it has joined the groups:
 *     NEWLINK INDEX NAME UP|DOWN      DELLINK INDEX NAME UP|DOWN
 *     NEWROUTE PREFIX/LEN [via GATEWAY] dev NAME      DELROUTE ...
 * Routes of the main table only, IPv4 and IPv6.
 */
#include "lnp.h"

#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

static void print_link(struct nlmsghdr *nh)
{
	struct ifinfomsg *ifi = NLMSG_DATA(nh);
	int len = (int)IFLA_PAYLOAD(nh);
	const char *name = "?";

	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len);
	     a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_IFNAME)
			name = RTA_DATA(a);
	printf("%s %d %s %s\n", nh->nlmsg_type == RTM_NEWLINK ? "NEWLINK" :
	       "DELLINK", ifi->ifi_index, name,
	       (ifi->ifi_flags & IFF_UP) ? "UP" : "DOWN");
}

static void print_route(struct nlmsghdr *nh)
{
	struct rtmsg *rtm = NLMSG_DATA(nh);
	int len = (int)RTM_PAYLOAD(nh);
	char dst[INET6_ADDRSTRLEN] = "", gw[INET6_ADDRSTRLEN] = "";
	char dev[IF_NAMESIZE] = "?";

	// TODO (section 18.5): print the main table's routes only.
	for (struct rtattr *a = RTM_RTA(rtm); RTA_OK(a, len);
	     a = RTA_NEXT(a, len))
		if (a->rta_type == RTA_DST)
			Inet_ntop(rtm->rtm_family, RTA_DATA(a), dst,
				  sizeof(dst));
		else if (a->rta_type == RTA_GATEWAY)
			Inet_ntop(rtm->rtm_family, RTA_DATA(a), gw,
				  sizeof(gw));
		else if (a->rta_type == RTA_OIF)
			if_indextoname(*(unsigned *)RTA_DATA(a), dev);
	printf("%s %s/%d%s%s dev %s\n", nh->nlmsg_type == RTM_NEWROUTE ?
	       "NEWROUTE" : "DELROUTE", rtm->rtm_dst_len ? dst : "default",
	       rtm->rtm_dst_len, gw[0] ? " via " : "", gw, dev);
}

int main(void)
{
	struct sockaddr_nl sa;
	static char buf[32768];
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = Socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	// TODO (section 18.7): join the multicast groups for link, IPv4
	// route and IPv6 route changes (nl_groups), and bind.
	printf("subscribed\n");

	for (;;) {
		int n = (int)Recv(fd, buf, sizeof(buf), 0);

		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		     NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			// TODO (section 18.7): print_link() for RTM_NEWLINK
			// and RTM_DELLINK, print_route() for RTM_NEWROUTE
			// and RTM_DELROUTE.
			(void)print_link;
			(void)print_route;
		}
	}
}
