/*
 * rtroute - adds or deletes a route over rtnetlink and asks for an
 * acknowledgement (NLM_F_ACK): the kernel answers NLMSG_ERROR, whose
 * error is 0 for success or a negated errno.
 * Usage: rtroute add|del PREFIX/LEN [via GATEWAY] [dev NAME]
 */
#include "lnp.h"

#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

struct req {
	struct nlmsghdr nh;
	struct rtmsg rtm;
	char attrs[256];
};

/* include addattr */
/* Appends attribute TYPE with LEN bytes of DATA to the message. */
static void addattr(struct nlmsghdr *nh, int type, const void *data,
		    size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)nh +
					     NLMSG_ALIGN(nh->nlmsg_len));

	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(a->rta_len);
}
/* end addattr */

static void usage(void)
{
	err_quit("usage: rtroute add|del PREFIX/LEN [via GATEWAY] "
		 "[dev NAME]");
}

/* include rtroute */
int main(int argc, char **argv)
{
	struct req req;
	unsigned char addr[16];
	char *slash, buf[8192];
	int fd, n, family;

	if (argc < 3 || argc % 2 == 0 || (slash = strchr(argv[2], '/'))
	    == NULL)
		usage();
	*slash = '\0';
	family = strchr(argv[2], ':') != NULL ? AF_INET6 : AF_INET;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	if (strcmp(argv[1], "add") == 0) {
		req.nh.nlmsg_type = RTM_NEWROUTE;
		req.nh.nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
	} else if (strcmp(argv[1], "del") == 0) {
		req.nh.nlmsg_type = RTM_DELROUTE;
	} else {
		usage();
	}
	req.nh.nlmsg_seq = 1;
	req.rtm.rtm_family = (unsigned char)family;
	req.rtm.rtm_dst_len = (unsigned char)atoi(slash + 1);
	req.rtm.rtm_table = RT_TABLE_MAIN;
	req.rtm.rtm_protocol = RTPROT_STATIC;
	req.rtm.rtm_scope = RT_SCOPE_UNIVERSE;
	req.rtm.rtm_type = RTN_UNICAST;
	Inet_pton(family, argv[2], addr);
	addattr(&req.nh, RTA_DST, addr, family == AF_INET ? 4 : 16);
	for (int i = 3; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "via") == 0) {
			Inet_pton(family, argv[i + 1], addr);
			addattr(&req.nh, RTA_GATEWAY, addr,
				family == AF_INET ? 4 : 16);
		} else if (strcmp(argv[i], "dev") == 0) {
			unsigned idx = if_nametoindex(argv[i + 1]);

			if (idx == 0)
				err_sys("%s", argv[i + 1]);
			addattr(&req.nh, RTA_OIF, &idx, sizeof(idx));
		} else {
			usage();
		}
	}

	fd = Socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	Send(fd, &req, req.nh.nlmsg_len, 0);
	n = (int)Recv(fd, buf, sizeof(buf), 0);
	for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, n);
	     nh = NLMSG_NEXT(nh, n)) {
		struct nlmsgerr *e = NLMSG_DATA(nh);

		if (nh->nlmsg_type != NLMSG_ERROR)
			continue;
		if (e->error == 0) {
			printf("NLMSG_ERROR 0: done\n");
			return 0;
		}
		printf("NLMSG_ERROR %d: %s (%s)\n", e->error,
		       strerrorname_np(-e->error), strerror(-e->error));
		return 1;
	}
	err_quit("no acknowledgement");
}
/* end rtroute */
