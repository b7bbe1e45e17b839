/*
 * rtdump - the main routing table, asked for over rtnetlink as a dump:
 * one RTM_GETROUTE request with NLM_F_DUMP, answered by RTM_NEWROUTE
 * messages over as many reads as they need and closed by NLMSG_DONE.
 * Usage: rtdump [-6]
 */
#include "lnp.h"

#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* include rtdump_print */
/* One route as a line: "DST/LEN [via GW] dev NAME". */
static void print_route(struct nlmsghdr *nh)
{
	struct rtmsg *rtm = NLMSG_DATA(nh);
	int len = (int)RTM_PAYLOAD(nh);
	char dst[INET6_ADDRSTRLEN] = "", gw[INET6_ADDRSTRLEN] = "";
	char dev[IF_NAMESIZE] = "?";

	if (rtm->rtm_table != RT_TABLE_MAIN)
		return;                 /* the local and other tables */
	for (struct rtattr *a = RTM_RTA(rtm); RTA_OK(a, len);
	     a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_DST)
			Inet_ntop(rtm->rtm_family, RTA_DATA(a), dst,
				  sizeof(dst));
		else if (a->rta_type == RTA_GATEWAY)
			Inet_ntop(rtm->rtm_family, RTA_DATA(a), gw,
				  sizeof(gw));
		else if (a->rta_type == RTA_OIF)
			if_indextoname(*(unsigned *)RTA_DATA(a), dev);
	}
	if (rtm->rtm_dst_len == 0)
		printf("default");
	else
		printf("%s/%d", dst, rtm->rtm_dst_len);
	if (gw[0] != '\0')
		printf(" via %s", gw);
	printf(" dev %s\n", dev);
}
/* end rtdump_print */

/* include rtdump */
int main(int argc, char **argv)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rtm;
	} req;
	static char buf[32768];
	int fd, reads = 0, msgs = 0;

	fd = Socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nh.nlmsg_seq = 1;
	req.rtm.rtm_family = argc > 1 && strcmp(argv[1], "-6") == 0 ?
			     AF_INET6 : AF_INET;
	Send(fd, &req, req.nh.nlmsg_len, 0);    /* to the kernel: port 0 */

	for (;;) {
		int n = (int)Recv(fd, buf, sizeof(buf), 0);

		reads++;
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		     NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_type == NLMSG_DONE) {
				printf("NLMSG_DONE: %d messages in %d "
				       "reads\n", msgs, reads);
				return 0;
			}
			if (nh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nh);

				errno = -e->error;
				err_sys("RTM_GETROUTE");
			}
			msgs++;
			print_route(nh);
		}
	}
}
/* end rtdump */
