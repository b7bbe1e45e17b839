/*
 * mcast.c - chapter 21's multicast helpers (mcast.h).  Joins use the
 * protocol-independent MCAST_* options of RFC 3678, which take a
 * sockaddr_storage and an interface index for both families; the
 * sending options have one name per family.
 */
#include "mcast.h"

#include <errno.h>
#include <string.h>
#include <net/if.h>
#include <netinet/in.h>

int mcast_family(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	return ss.ss_family;
}

static int level_of(int fd)
{
	int family = mcast_family(fd);

	if (family == AF_INET)
		return IPPROTO_IP;
	if (family == AF_INET6)
		return IPPROTO_IPV6;
	errno = EAFNOSUPPORT;
	return -1;
}

/* 0 for "the kernel chooses", the index of IFNAME, or -1 (ENXIO). */
static int index_of(const char *ifname)
{
	unsigned idx;

	if (ifname == NULL || *ifname == '\0')
		return 0;
	if ((idx = if_nametoindex(ifname)) == 0) {
		errno = ENXIO;
		return -1;
	}
	return (int)idx;
}

/* include mcast_join */
static int group_op(int fd, int op, const struct sockaddr *grp,
		    socklen_t len, const char *ifname)
{
	struct group_req gr;
	int level = level_of(fd), idx = index_of(ifname);

	if (level < 0 || idx < 0)
		return -1;
	if (len > sizeof(gr.gr_group)) {
		errno = EINVAL;
		return -1;
	}
	memset(&gr, 0, sizeof(gr));
	gr.gr_interface = (uint32_t)idx;
	memcpy(&gr.gr_group, grp, len);
	return setsockopt(fd, level, op, &gr, sizeof(gr));
}

int mcast_join(int fd, const struct sockaddr *grp, socklen_t len,
	       const char *ifname)
{
	return group_op(fd, MCAST_JOIN_GROUP, grp, len, ifname);
}

int mcast_leave(int fd, const struct sockaddr *grp, socklen_t len,
		const char *ifname)
{
	return group_op(fd, MCAST_LEAVE_GROUP, grp, len, ifname);
}
/* end mcast_join */

/* include mcast_join_source */
int mcast_join_source(int fd, const struct sockaddr *src,
		      const struct sockaddr *grp, socklen_t len,
		      const char *ifname)
{
	struct group_source_req gsr;
	int level = level_of(fd), idx = index_of(ifname);

	if (level < 0 || idx < 0)
		return -1;
	if (len > sizeof(gsr.gsr_group)) {
		errno = EINVAL;
		return -1;
	}
	memset(&gsr, 0, sizeof(gsr));
	gsr.gsr_interface = (uint32_t)idx;
	memcpy(&gsr.gsr_group, grp, len);
	memcpy(&gsr.gsr_source, src, len);
	return setsockopt(fd, level, MCAST_JOIN_SOURCE_GROUP, &gsr,
			  sizeof(gsr));
}
/* end mcast_join_source */

/* include mcast_set_ttl */
int mcast_set_ttl(int fd, int ttl)
{
	int family = mcast_family(fd);

	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl,
				  sizeof(ttl));
	if (family == AF_INET6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS,
				  &ttl, sizeof(ttl));
	errno = EAFNOSUPPORT;
	return -1;
}

int mcast_get_ttl(int fd)
{
	int family = mcast_family(fd), v = -1;
	socklen_t len = sizeof(v);

	if (family == AF_INET6) {
		if (getsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &v,
			       &len) < 0)
			return -1;
		return v;
	}
	if (getsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &v, &len) < 0)
		return -1;
	return v;
}

int mcast_set_loop(int fd, int on)
{
	int family = mcast_family(fd);

	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &on,
				  sizeof(on));
	if (family == AF_INET6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &on,
				  sizeof(on));
	errno = EAFNOSUPPORT;
	return -1;
}
/* end mcast_set_ttl */

/* include mcast_set_if */
int mcast_set_if(int fd, const char *ifname)
{
	int family = mcast_family(fd), idx = index_of(ifname);

	if (idx < 0)
		return -1;
	if (family == AF_INET) {
		struct ip_mreqn mr = { .imr_ifindex = idx };

		return setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr,
				  sizeof(mr));
	}
	if (family == AF_INET6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx,
				  sizeof(idx));
	errno = EAFNOSUPPORT;
	return -1;
}
/* end mcast_set_if */
