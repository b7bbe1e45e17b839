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


char *sock_ntop(const struct sockaddr *sa, socklen_t salen,
		char *buf, size_t buflen)
{
	// TODO (section 3.8): "192.0.2.1:7" for IPv4, "[2001:db8::1]:7" for
	// IPv6, the path (or "@name", or "(unnamed)") for AF_UNIX.  Check
	// salen against the family first: EINVAL, EAFNOSUPPORT, ENOSPC.
	(void)sa;
	(void)salen;
	(void)buf;
	(void)buflen;
	errno = ENOSYS;
	return NULL;
}

char *sock_ntop_host(const struct sockaddr *sa, socklen_t salen,
		     char *buf, size_t buflen)
{
	// TODO (section 3.8): like sock_ntop, without the port.
	(void)sa;
	(void)salen;
	(void)buf;
	(void)buflen;
	errno = ENOSYS;
	return NULL;
}

int sock_get_port(const struct sockaddr *sa, socklen_t salen)
{
	// TODO (section 3.8): the port in host byte order (ntohs).
	(void)sa;
	(void)salen;
	errno = ENOSYS;
	return -1;
}

int sock_set_port(struct sockaddr *sa, socklen_t salen, int port)
{
	// TODO (section 3.8): store port (0..65535) in network byte order.
	(void)sa;
	(void)salen;
	(void)port;
	errno = ENOSYS;
	return -1;
}

int sock_set_addr(struct sockaddr *sa, socklen_t salen, const void *addr)
{
	// TODO (section 3.8): copy an in_addr, an in6_addr, or (AF_UNIX) a
	// path that must fit with its NUL (else ENAMETOOLONG).
	(void)sa;
	(void)salen;
	(void)addr;
	errno = ENOSYS;
	return -1;
}

int sock_set_wild(struct sockaddr *sa, socklen_t salen)
{
	// TODO (section 3.8): INADDR_ANY or in6addr_any, by family.
	(void)sa;
	(void)salen;
	errno = ENOSYS;
	return -1;
}

int sock_cmp_addr(const struct sockaddr *a, const struct sockaddr *b,
		  socklen_t salen)
{
	// TODO (section 3.8): 0 if the addresses (not the ports) are equal,
	// 1 if not (a different family is simply different), -1 on bad input.
	// A Unix path ends at its NUL; an IPv6 address includes its scope.
	(void)a;
	(void)b;
	(void)salen;
	errno = ENOSYS;
	return -1;
}

int sock_cmp_port(const struct sockaddr *a, const struct sockaddr *b,
		  socklen_t salen)
{
	// TODO (section 3.8): 0 if the ports are equal, 1 if not, -1 on bad
	// input (including AF_UNIX, which has no ports).
	(void)a;
	(void)b;
	(void)salen;
	errno = ENOSYS;
	return -1;
}

int sock_bind_wild(int sockfd, int family)
{
	// TODO (section 3.8): bind to the wildcard address and port 0, then
	// ask getsockname() which port the kernel chose.
	(void)sockfd;
	(void)family;
	errno = ENOSYS;
	return -1;
}
