/*
 * rtmon - prints link and route changes as they happen: a netlink
 * socket bound to the multicast groups RTMGRP_LINK, RTMGRP_IPV4_ROUTE
 * and RTMGRP_IPV6_ROUTE receives an RTM_NEWLINK, RTM_DELLINK,
 * RTM_NEWROUTE or RTM_DELROUTE for each change, unasked.  It says
 * "subscribed" once bind() has returned: from then on no change is
 * missed.
 */
#include "lnp.h"

#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* "NEWLINK 3 eth0 UP" */
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

/* "NEWROUTE 203.0.113.128/25 via 192.0.2.1 dev eth0" */
static void print_route(struct nlmsghdr *nh)
{
	struct rtmsg *rtm = NLMSG_DATA(nh);
	int len = (int)RTM_PAYLOAD(nh);
	char dst[INET6_ADDRSTRLEN] = "::", gw[INET6_ADDRSTRLEN] = "";
	char via[INET6_ADDRSTRLEN + 8] = "", dev[IF_NAMESIZE] = "?";

	if (rtm->rtm_table != RT_TABLE_MAIN)
		return;
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
	if (gw[0] != '\0')
		snprintf(via, sizeof(via), " via %s", gw);
	printf("%s %s/%d%s dev %s\n", nh->nlmsg_type == RTM_NEWROUTE ?
	       "NEWROUTE" : "DELROUTE", rtm->rtm_dst_len ? dst : "default",
	       rtm->rtm_dst_len, via, dev);
}

/* include rtmon */
int main(void)
{
	struct sockaddr_nl sa;
	static char buf[32768];
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = Socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
	Bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	printf("subscribed: link, ipv4 route, ipv6 route\n");

	for (;;) {
		int n = (int)Recv(fd, buf, sizeof(buf), 0);

		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf;
		     NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n))
			if (nh->nlmsg_type == RTM_NEWLINK ||
			    nh->nlmsg_type == RTM_DELLINK)
				print_link(nh);
			else if (nh->nlmsg_type == RTM_NEWROUTE ||
				 nh->nlmsg_type == RTM_DELROUTE)
				print_route(nh);
	}
}
/* end rtmon */
