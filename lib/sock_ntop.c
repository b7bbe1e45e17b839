/*
 * sock_ntop.c - socket addresses as text, and the small operations that
 * let a program handle IPv4, IPv6 and Unix-domain addresses alike.
 * (Lab 3: the student writes the regions marked SOLUTION.)
 *
 * Every function checks that salen is long enough for the family the
 * address claims, since a too-short address is a common bug and reading
 * past it would show garbage.
 */
#include "lnp.h"

/* BEGIN SOLUTION */
/* Checks that salen covers the whole address for its family.  Returns 0,
 * or -1 with errno EINVAL (too short) or EAFNOSUPPORT (unknown family). */
static int check_len(const struct sockaddr *sa, socklen_t salen)
{
	socklen_t need;

	if (sa == NULL || salen < sizeof(sa_family_t)) {
		errno = EINVAL;
		return -1;
	}
	switch (sa->sa_family) {
	case AF_INET:
		need = sizeof(struct sockaddr_in);
		break;
	case AF_INET6:
		need = sizeof(struct sockaddr_in6);
		break;
	case AF_UNIX:
		need = offsetof(struct sockaddr_un, sun_path);
		break;
	default:
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (salen < need) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* Formats a Unix-domain address: its path, "@name" for Linux's abstract
 * names, or "(unnamed)" for a socket that was never bound. */
static char *unix_ntop(const struct sockaddr_un *un, socklen_t salen,
		       char *buf, size_t buflen)
{
	size_t pathlen = salen - offsetof(struct sockaddr_un, sun_path);
	int n;

	if (pathlen > sizeof(un->sun_path))
		pathlen = sizeof(un->sun_path);
	if (pathlen == 0)
		n = snprintf(buf, buflen, "(unnamed)");
	else if (un->sun_path[0] == '\0')
		n = snprintf(buf, buflen, "@%.*s", (int)pathlen - 1,
			     un->sun_path + 1);
	else
		n = snprintf(buf, buflen, "%.*s", (int)pathlen, un->sun_path);
	if (n < 0 || (size_t)n >= buflen) {
		errno = ENOSPC;
		return NULL;
	}
	return buf;
}

/* Formats the IP address alone ("2001:db8::1"); shared by both functions
 * below. */
static char *ip_ntop(const struct sockaddr *sa, char *buf, size_t buflen)
{
	const void *addr;
	const struct sockaddr_in6 *sin6;

	if (sa->sa_family == AF_INET)
		addr = &((const struct sockaddr_in *)sa)->sin_addr;
	else
		addr = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (inet_ntop(sa->sa_family, addr, buf, (socklen_t)buflen) == NULL)
		return NULL;                    /* errno is ENOSPC */
	sin6 = (const struct sockaddr_in6 *)sa;
	if (sa->sa_family == AF_INET6 && sin6->sin6_scope_id != 0) {
		size_t used = strlen(buf);
		int n = snprintf(buf + used, buflen - used, "%%%u",
				 (unsigned)sin6->sin6_scope_id);

		if (n < 0 || (size_t)n >= buflen - used) {
			errno = ENOSPC;
			return NULL;
		}
	}
	return buf;
}

/* include unix_cmp */
/* Compares two Unix-domain addresses the way the kernel reads them: a
 * path is the text up to its NUL (bytes after it are leftovers), an
 * abstract name (first byte NUL) is every byte of the length given. */
static int unix_cmp(const struct sockaddr_un *a, const struct sockaddr_un *b,
		    socklen_t salen)
{
	size_t room = salen - offsetof(struct sockaddr_un, sun_path);

	if (room > sizeof(a->sun_path))
		room = sizeof(a->sun_path);
	if (room == 0)
		return 0;                       /* both unnamed */
	if (a->sun_path[0] != '\0' && b->sun_path[0] != '\0')
		return strncmp(a->sun_path, b->sun_path, room) != 0;
	return memcmp(a->sun_path, b->sun_path, room) != 0;
}
/* end unix_cmp */

/* Two IPv6 addresses are the same only on the same link: fe80::1 on
 * eth0 is not fe80::1 on eth1. */
static int in6_cmp(const struct sockaddr_in6 *a, const struct sockaddr_in6 *b)
{
	if (memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(a->sin6_addr)) != 0)
		return 1;
	return a->sin6_scope_id != b->sin6_scope_id;
}
/* END SOLUTION */

/* include sock_ntop */
char *sock_ntop(const struct sockaddr *sa, socklen_t salen,
		char *buf, size_t buflen)
{
	/* BEGIN SOLUTION */
	char host[INET6_ADDRSTRLEN + 16];
	int n;

	if (check_len(sa, salen) < 0)
		return NULL;
	if (sa->sa_family == AF_UNIX)
		return unix_ntop((const struct sockaddr_un *)sa, salen,
				 buf, buflen);
	if (ip_ntop(sa, host, sizeof(host)) == NULL)
		return NULL;
	if (sa->sa_family == AF_INET)
		n = snprintf(buf, buflen, "%s:%d", host,
			     sock_get_port(sa, salen));
	else
		n = snprintf(buf, buflen, "[%s]:%d", host,
			     sock_get_port(sa, salen));
	if (n < 0 || (size_t)n >= buflen) {
		errno = ENOSPC;
		return NULL;
	}
	return buf;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 3.8): "192.0.2.1:7" for IPv4, "[2001:db8::1]:7" for
	// IPv6, the path (or "@name", or "(unnamed)") for AF_UNIX.  Check
	// salen against the family first: EINVAL, EAFNOSUPPORT, ENOSPC.
	(void)sa;
	(void)salen;
	(void)buf;
	(void)buflen;
	errno = ENOSYS;
	return NULL;
	STARTER */
}
/* end sock_ntop */

char *sock_ntop_host(const struct sockaddr *sa, socklen_t salen,
		     char *buf, size_t buflen)
{
	/* BEGIN SOLUTION */
	if (check_len(sa, salen) < 0)
		return NULL;
	if (sa->sa_family == AF_UNIX)
		return unix_ntop((const struct sockaddr_un *)sa, salen,
				 buf, buflen);
	return ip_ntop(sa, buf, buflen);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 3.8): like sock_ntop, without the port.
	(void)sa;
	(void)salen;
	(void)buf;
	(void)buflen;
	errno = ENOSYS;
	return NULL;
	STARTER */
}

/* include sock_get_port */
int sock_get_port(const struct sockaddr *sa, socklen_t salen)
{
	/* BEGIN SOLUTION */
	if (check_len(sa, salen) < 0)
		return -1;
	switch (sa->sa_family) {
	case AF_INET:
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	case AF_INET6:
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	default:
		errno = EAFNOSUPPORT;   /* Unix-domain sockets have no port */
		return -1;
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (section 3.8): the port in host byte order (ntohs).
	(void)sa;
	(void)salen;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end sock_get_port */

int sock_set_port(struct sockaddr *sa, socklen_t salen, int port)
{
	/* BEGIN SOLUTION */
	if (check_len(sa, salen) < 0)
		return -1;
	if (port < 0 || port > 65535) {
		errno = EINVAL;
		return -1;
	}
	switch (sa->sa_family) {
	case AF_INET:
		((struct sockaddr_in *)sa)->sin_port = htons((uint16_t)port);
		return 0;
	case AF_INET6:
		((struct sockaddr_in6 *)sa)->sin6_port = htons((uint16_t)port);
		return 0;
	default:
		errno = EAFNOSUPPORT;
		return -1;
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (section 3.8): store port (0..65535) in network byte order.
	(void)sa;
	(void)salen;
	(void)port;
	errno = ENOSYS;
	return -1;
	STARTER */
}

int sock_set_addr(struct sockaddr *sa, socklen_t salen, const void *addr)
{
	/* BEGIN SOLUTION */
	struct sockaddr_un *un = (struct sockaddr_un *)sa;
	size_t room;

	if (check_len(sa, salen) < 0)
		return -1;
	switch (sa->sa_family) {
	case AF_INET:
		memcpy(&((struct sockaddr_in *)sa)->sin_addr, addr,
		       sizeof(struct in_addr));
		return 0;
	case AF_INET6:
		memcpy(&((struct sockaddr_in6 *)sa)->sin6_addr, addr,
		       sizeof(struct in6_addr));
		return 0;
	default:
		room = salen - offsetof(struct sockaddr_un, sun_path);
		if (room > sizeof(un->sun_path))
			room = sizeof(un->sun_path);
		if (strlen(addr) + 1 > room) {
			errno = ENAMETOOLONG;
			return -1;
		}
		strcpy(un->sun_path, addr);
		return 0;
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (section 3.8): copy an in_addr, an in6_addr, or (AF_UNIX) a
	// path that must fit with its NUL (else ENAMETOOLONG).
	(void)sa;
	(void)salen;
	(void)addr;
	errno = ENOSYS;
	return -1;
	STARTER */
}

int sock_set_wild(struct sockaddr *sa, socklen_t salen)
{
	/* BEGIN SOLUTION */
	struct in_addr any4 = { .s_addr = htonl(INADDR_ANY) };

	if (check_len(sa, salen) < 0)
		return -1;
	switch (sa->sa_family) {
	case AF_INET:
		return sock_set_addr(sa, salen, &any4);
	case AF_INET6:
		return sock_set_addr(sa, salen, &in6addr_any);
	default:
		errno = EAFNOSUPPORT;   /* no wildcard for a path */
		return -1;
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (section 3.8): INADDR_ANY or in6addr_any, by family.
	(void)sa;
	(void)salen;
	errno = ENOSYS;
	return -1;
	STARTER */
}

/* include sock_cmp_addr */
int sock_cmp_addr(const struct sockaddr *a, const struct sockaddr *b,
		  socklen_t salen)
{
	/* BEGIN SOLUTION */
	if (check_len(a, salen) < 0 || check_len(b, salen) < 0)
		return -1;
	if (a->sa_family != b->sa_family)
		return 1;
	switch (a->sa_family) {
	case AF_INET:
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			      &((const struct sockaddr_in *)b)->sin_addr,
			      sizeof(struct in_addr)) != 0;
	case AF_INET6:
		return in6_cmp((const struct sockaddr_in6 *)a,
			       (const struct sockaddr_in6 *)b);
	default:
		return unix_cmp((const struct sockaddr_un *)a,
				(const struct sockaddr_un *)b, salen);
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (section 3.8): 0 if the addresses (not the ports) are equal,
	// 1 if not (a different family is simply different), -1 on bad input.
	// A Unix path ends at its NUL; an IPv6 address includes its scope.
	(void)a;
	(void)b;
	(void)salen;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end sock_cmp_addr */

int sock_cmp_port(const struct sockaddr *a, const struct sockaddr *b,
		  socklen_t salen)
{
	/* BEGIN SOLUTION */
	int pa = sock_get_port(a, salen);
	int pb = sock_get_port(b, salen);

	if (pa < 0 || pb < 0)
		return -1;
	if (a->sa_family != b->sa_family)
		return 1;
	return pa != pb;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 3.8): 0 if the ports are equal, 1 if not, -1 on bad
	// input (including AF_UNIX, which has no ports).
	(void)a;
	(void)b;
	(void)salen;
	errno = ENOSYS;
	return -1;
	STARTER */
}

int sock_bind_wild(int sockfd, int family)
{
	/* BEGIN SOLUTION */
	struct sockaddr_storage ss;
	socklen_t len;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		len = sizeof(struct sockaddr_in);
	else if (family == AF_INET6)
		len = sizeof(struct sockaddr_in6);
	else {
		errno = EAFNOSUPPORT;
		return -1;
	}
	/* wildcard address and port 0: the kernel picks a free port */
	if (sock_set_wild((struct sockaddr *)&ss, len) < 0 ||
	    bind(sockfd, (struct sockaddr *)&ss, len) < 0 ||
	    getsockname(sockfd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	return sock_get_port((struct sockaddr *)&ss, len);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 3.8): bind to the wildcard address and port 0, then
	// ask getsockname() which port the kernel chose.
	(void)sockfd;
	(void)family;
	errno = ENOSYS;
	return -1;
	STARTER */
}
