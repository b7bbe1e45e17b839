/*
 * routeget - prints the route the kernel would use to reach a
 * destination, as `ip route get` does: one RTM_GETROUTE request with
 * RTA_DST, one RTM_NEWROUTE answer (or NLMSG_ERROR), printed as
 *     DEST [via GATEWAY] dev NAME src ADDRESS
 * Usage: routeget ADDRESS      (IPv4 or IPv6)
 */
#include "lnp.h"

#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* include routeget_req */
struct request {
	struct nlmsghdr nh;
	struct rtmsg rtm;
	char attrs[64];
};

/* Fills REQ with an RTM_GETROUTE for the address in DST (family FAM). */
static void make_request(struct request *req, int fam, const void *dst)
{
	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req->nh.nlmsg_type = RTM_GETROUTE;
	req->nh.nlmsg_flags = NLM_F_REQUEST;
	req->nh.nlmsg_seq = 1;
	req->rtm.rtm_family = (unsigned char)fam;
	/* BEGIN SOLUTION */
	size_t alen = fam == AF_INET ? 4 : 16;
	struct rtattr *a = (struct rtattr *)((char *)&req->nh +
					     NLMSG_ALIGN(req->nh.nlmsg_len));

	req->rtm.rtm_dst_len = (unsigned char)(alen * 8);
	a->rta_type = RTA_DST;
	a->rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(RTA_DATA(a), dst, alen);
	req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) +
			    RTA_ALIGN(a->rta_len);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 18.4): append an RTA_DST attribute holding DST
	// (4 bytes for IPv4, 16 for IPv6), set rtm_dst_len to its length
	// in bits and grow nlmsg_len to count the attribute.
	(void)dst;
	STARTER */
}
/* end routeget_req */

/* include routeget_print */
/* Prints the route in NH, an RTM_NEWROUTE. */
static void print_route(struct nlmsghdr *nh)
{
	/* BEGIN SOLUTION */
	struct rtmsg *rtm = NLMSG_DATA(nh);
	int len = (int)RTM_PAYLOAD(nh);
	char dst[INET6_ADDRSTRLEN] = "", gw[INET6_ADDRSTRLEN] = "";
	char src[INET6_ADDRSTRLEN] = "", dev[IF_NAMESIZE] = "";

	for (struct rtattr *a = RTM_RTA(rtm); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		switch (a->rta_type) {
		case RTA_DST:
			Inet_ntop(rtm->rtm_family, RTA_DATA(a), dst,
				  sizeof(dst));
			break;
		case RTA_GATEWAY:
			Inet_ntop(rtm->rtm_family, RTA_DATA(a), gw,
				  sizeof(gw));
			break;
		case RTA_PREFSRC:
			Inet_ntop(rtm->rtm_family, RTA_DATA(a), src,
				  sizeof(src));
			break;
		case RTA_OIF:
			if (if_indextoname(*(unsigned *)RTA_DATA(a), dev)
			    == NULL)
				err_sys("if_indextoname");
			break;
		}
	}
	printf("%s", dst);
	if (gw[0] != '\0')
		printf(" via %s", gw);
	printf(" dev %s", dev);
	if (src[0] != '\0')
		printf(" src %s", src);
	printf("\n");
	/* END SOLUTION */
	/* STARTER
	// TODO (section 18.3): walk the attributes after the rtmsg
	// (RTM_RTA, RTA_OK, RTA_NEXT) and print "DEST [via GATEWAY] dev
	// NAME src ADDRESS" from RTA_DST, RTA_GATEWAY, RTA_OIF (an index:
	// if_indextoname) and RTA_PREFSRC.
	(void)nh;
	STARTER */
}
/* end routeget_print */

/* include routeget */
int main(int argc, char **argv)
{
	struct request req;
	unsigned char addr[16];
	static char buf[8192];
	int fd, n, fam;

	if (argc != 2)
		err_quit("usage: routeget ADDRESS");
	fam = strchr(argv[1], ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(fam, argv[1], addr) != 1)
		err_quit("%s is not an address", argv[1]);
	make_request(&req, fam, addr);

	fd = Socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	Send(fd, &req, req.nh.nlmsg_len, 0);
	n = (int)Recv(fd, buf, sizeof(buf), 0);
	for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n);
	     nh = NLMSG_NEXT(nh, n)) {
		/* BEGIN SOLUTION */
		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nh);

			err_quit("%s: %s", argv[1],
				 strerror(-e->error));
		}
		/* END SOLUTION */
		/* STARTER
		// TODO (section 18.6): an NLMSG_ERROR answer carries a
		// negated errno: say it, as strerror() words it, and
		// exit 1.
		STARTER */
		if (nh->nlmsg_type == RTM_NEWROUTE) {
			print_route(nh);
			return 0;
		}
	}
	err_quit("no route in the answer");
}
/* end routeget */
