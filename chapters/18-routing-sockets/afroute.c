/*
 * afroute - what AF_ROUTE is on Linux: glibc defines it as AF_NETLINK,
 * so the book's socket(AF_ROUTE, SOCK_RAW, 0) opens a netlink socket
 * whose protocol 0 is NETLINK_ROUTE.  A BSD routing message written to
 * it is read as a netlink header, and refused.
 */
#include "lnp.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* include afroute */
int main(void)
{
	struct sockaddr_nl nl;
	socklen_t len = sizeof(nl);
	int fd, proto;

	printf("AF_ROUTE %d, AF_NETLINK %d\n", AF_ROUTE, AF_NETLINK);
	fd = Socket(AF_ROUTE, SOCK_RAW, 0);
	len = sizeof(proto);
	Getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len);
	len = sizeof(nl);
	Getsockname(fd, (struct sockaddr *)&nl, &len);
	printf("socket(AF_ROUTE, SOCK_RAW, 0): family %d, protocol %d%s, "
	       "port id %s\n", nl.nl_family, proto,
	       proto == NETLINK_ROUTE ? " (NETLINK_ROUTE)" : "",
	       nl.nl_pid != 0 ? "given" : "0");
	Close(fd);
	return 0;
}
/* end afroute */
