/*
 * mcast.h - chapter 21's multicast helpers: join and leave a group
 * (any source, or one source), and the sending options, for IPv4 and
 * IPv6 alike.  Each returns 0, or -1 with errno set.
 */
#ifndef MCAST_H
#define MCAST_H

#include <sys/socket.h>

/* Joins GRP on the interface IFNAME (NULL or "": the kernel chooses,
 * by the route to the group). */
int mcast_join(int fd, const struct sockaddr *grp, socklen_t len,
	       const char *ifname);
/* Joins GRP but only for datagrams whose source is SRC (SSM). */
int mcast_join_source(int fd, const struct sockaddr *src,
		      const struct sockaddr *grp, socklen_t len,
		      const char *ifname);
int mcast_leave(int fd, const struct sockaddr *grp, socklen_t len,
		const char *ifname);
/* The sending side: TTL (hop limit), loopback on or off, interface. */
int mcast_set_ttl(int fd, int ttl);
int mcast_get_ttl(int fd);
int mcast_set_loop(int fd, int on);
int mcast_set_if(int fd, const char *ifname);
/* The family of the socket FD (AF_INET or AF_INET6), or -1. */
int mcast_family(int fd);

#endif
