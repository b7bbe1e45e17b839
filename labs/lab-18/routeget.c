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
	// TODO (section 18.4): append an RTA_DST attribute holding DST
	// (4 bytes for IPv4, 16 for IPv6), set rtm_dst_len to its length
	// in bits and grow nlmsg_len to count the attribute.
	(void)dst;
}

/* Prints the route in NH, an RTM_NEWROUTE. */
static void print_route(struct nlmsghdr *nh)
{
	// TODO (section 18.3): walk the attributes after the rtmsg
	// (RTM_RTA, RTA_OK, RTA_NEXT) and print "DEST [via GATEWAY] dev
	// NAME src ADDRESS" from RTA_DST, RTA_GATEWAY, RTA_OIF (an index:
	// if_indextoname) and RTA_PREFSRC.
	(void)nh;
}

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
		// TODO (section 18.6): an NLMSG_ERROR answer carries a
		// negated errno: say it, as strerror() words it, and
		// exit 1.
		if (nh->nlmsg_type == RTM_NEWROUTE) {
			print_route(nh);
			return 0;
		}
	}
	err_quit("no route in the answer");
}
