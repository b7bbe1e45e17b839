/*
 * names.c - chapter 11: a host name (or address) and a service name (or
 * port) into a socket, for whichever address family the name has
 * (lab 11).
 *
 * Every function returns a descriptor, or a negative getaddrinfo() code:
 * name_strerror(code) says what went wrong in words (gai_strerror(), or
 * errno's text when the code is EAI_SYSTEM, as it is when every address
 * was tried and none worked).
 */
#include "lnp.h"

/* include host_serv */
struct addrinfo *host_serv(const char *host, const char *serv, int family,
			   int socktype, int *gaierr)
{
	struct addrinfo hints, *res = NULL;
	int n;

	memset(&hints, 0, sizeof(hints));
	/* BEGIN SOLUTION */
	hints.ai_flags = AI_CANONNAME;      /* the name's own name too */
	hints.ai_family = family;           /* AF_UNSPEC: any family */
	hints.ai_socktype = socktype;       /* 0: any type */
	n = getaddrinfo(host, serv, &hints, &res);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 11.8): fill hints (family, socktype, and ask for
	// the canonical name), call getaddrinfo()
	(void)host; (void)serv; (void)family; (void)socktype;
	n = EAI_FAIL;
	STARTER */
	if (gaierr != NULL)
		*gaierr = n;
	return n == 0 ? res : NULL;
}
/* end host_serv */

const char *name_strerror(int code)
{
	return code == EAI_SYSTEM ? strerror(errno) : gai_strerror(code);
}

/* BEGIN SOLUTION */
/* include connect_within */
/* Connects fd to sa, waiting at most ms milliseconds (ms < 0: as long
 * as the kernel tries).  Returns 0 with fd blocking again, or -1 with
 * errno set (ETIMEDOUT when our own limit ran out). */
static int connect_within(int fd, const struct sockaddr *sa,
			  socklen_t salen, int ms)
{
	int flags, err = 0, n;
	socklen_t len = sizeof(err);
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	if (ms < 0)
		return connect(fd, sa, salen);
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -1;
	if (connect(fd, sa, salen) < 0) {
		if (errno != EINPROGRESS)
			return -1;
		while ((n = poll(&p, 1, ms)) < 0 && errno == EINTR)
			;
		if (n == 0)
			err = ETIMEDOUT;
		else if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
					     &len) < 0)
			return -1;
		if (err != 0) {
			errno = err;
			return -1;
		}
	}
	return fcntl(fd, F_SETFL, flags);       /* blocking again */
}
/* end connect_within */
/* END SOLUTION */

/* include tcp_connect */
int tcp_connect(const char *host, const char *serv)
{
	/* BEGIN SOLUTION */
	struct addrinfo *res, *ai;
	int err, fd = -1, saved = 0;

	res = host_serv(host, serv, AF_UNSPEC, SOCK_STREAM, &err);
	if (res == NULL)
		return err;                 /* the name did not resolve */
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		/* every address but the last gets a bounded try */
		int ms = ai->ai_next != NULL ? TCP_CONNECT_TRY_MS : -1;

		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		if (connect_within(fd, ai->ai_addr, ai->ai_addrlen, ms) == 0)
			break;                              /* connected */
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		errno = saved;               /* the last address's error */
		return EAI_SYSTEM;
	}
	return fd;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 11.9): every address of the name in turn, in
	// getaddrinfo's order, any family; a bounded try for all but the
	// last; return the connected socket or a getaddrinfo code
	(void)host; (void)serv;
	return EAI_FAIL;
	STARTER */
}
/* end tcp_connect */

/* include tcp_listen */
/* BEGIN SOLUTION */
/* The first of res's addresses (of FAMILY, or any if 0) that a socket
 * of its type binds to; listening too if it is a stream.  Returns the
 * socket with *aip its address, or -1 with errno set. */
static int bind_first(struct addrinfo *res, int family,
		      struct addrinfo **aip)
{
	struct addrinfo *ai;
	int fd, on = 1, saved = EAFNOSUPPORT;

	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (family != 0 && ai->ai_family != family)
			continue;
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
			       sizeof(on)) == 0 &&
		    bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    (ai->ai_socktype != SOCK_STREAM ||
		     listen(fd, LISTENQ) == 0)) {
			*aip = ai;
			return fd;
		}
		saved = errno;
		close(fd);
	}
	errno = saved;
	return -1;
}

/* A socket bound to HOST and SERV (NULL host: the wildcard, IPv6's
 * first: one socket for both families), or a getaddrinfo code. */
static int passive(const char *host, const char *serv, int socktype,
		   socklen_t *addrlenp)
{
	struct addrinfo hints, *res, *ai = NULL;
	int n, fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_PASSIVE;        /* NULL host: the wildcard */
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = socktype;
	if ((n = getaddrinfo(host, serv, &hints, &res)) != 0)
		return n;
	if (host == NULL)                   /* glibc lists 0.0.0.0 first */
		fd = bind_first(res, AF_INET6, &ai);
	if (fd < 0)
		fd = bind_first(res, 0, &ai);
	if (fd >= 0 && addrlenp != NULL)
		*addrlenp = ai->ai_addrlen;  /* the size of this family's */
	freeaddrinfo(res);
	return fd >= 0 ? fd : EAI_SYSTEM;
}
/* END SOLUTION */

int tcp_listen(const char *host, const char *serv, socklen_t *addrlenp)
{
	/* BEGIN SOLUTION */
	return passive(host, serv, SOCK_STREAM, addrlenp);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 11.10): a listening TCP socket on the first address
	// that binds, SO_REUSEADDR on (NULL host: the wildcard, IPv6's
	// first); store that address's length in *addrlenp
	(void)host; (void)serv; (void)addrlenp;
	return EAI_FAIL;
	STARTER */
}
/* end tcp_listen */

/* include udp_client */
int udp_client(const char *host, const char *serv, struct sockaddr **saptr,
	       socklen_t *lenp)
{
	/* BEGIN SOLUTION */
	struct addrinfo *res, *ai;
	int err, fd = -1, saved = 0;

	res = host_serv(host, serv, AF_UNSPEC, SOCK_DGRAM, &err);
	if (res == NULL)
		return err;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd >= 0)
			break;                 /* nothing is sent yet */
		saved = errno;
	}
	if (fd >= 0 && (*saptr = malloc(ai->ai_addrlen)) == NULL) {
		saved = errno;
		close(fd);
		fd = -1;
	}
	if (fd >= 0) {
		memcpy(*saptr, ai->ai_addr, ai->ai_addrlen);
		*lenp = ai->ai_addrlen;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		errno = saved;
		return EAI_SYSTEM;
	}
	return fd;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 11.11): an unconnected UDP socket for the name's
	// first usable address; that address (malloc'd copy) in *saptr,
	// its length in *lenp
	(void)host; (void)serv; (void)saptr; (void)lenp;
	return EAI_FAIL;
	STARTER */
}
/* end udp_client */

/* include udp_connect */
int udp_connect(const char *host, const char *serv)
{
	/* BEGIN SOLUTION */
	struct addrinfo *res, *ai;
	int err, fd = -1, saved = 0;

	res = host_serv(host, serv, AF_UNSPEC, SOCK_DGRAM, &err);
	if (res == NULL)
		return err;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;              /* no packet: only a route */
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		errno = saved;
		return EAI_SYSTEM;
	}
	return fd;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 11.11): a UDP socket connected to the first of the
	// name's addresses that connect() accepts
	(void)host; (void)serv;
	return EAI_FAIL;
	STARTER */
}
/* end udp_connect */

/* include udp_server */
int udp_server(const char *host, const char *serv, socklen_t *addrlenp)
{
	/* BEGIN SOLUTION */
	return passive(host, serv, SOCK_DGRAM, addrlenp);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 11.11): a UDP socket bound to the first address
	// that binds (NULL host: the wildcard, IPv6's first); its length
	// in *addrlenp
	(void)host; (void)serv; (void)addrlenp;
	return EAI_FAIL;
	STARTER */
}
/* end udp_server */

/* The wrappers: exit with "tcp_connect for HOST SERV: what went wrong". */
static int checked(int fd, const char *what, const char *host,
		   const char *serv)
{
	if (fd < 0)
		err_quit("%s for %s %s: %s", what, host ? host : "(any)",
			 serv, name_strerror(fd));
	return fd;
}

int Tcp_connect(const char *host, const char *serv)
{
	return checked(tcp_connect(host, serv), "tcp_connect", host, serv);
}

int Tcp_listen(const char *host, const char *serv, socklen_t *addrlenp)
{
	return checked(tcp_listen(host, serv, addrlenp), "tcp_listen", host,
		       serv);
}

int Udp_client(const char *host, const char *serv, struct sockaddr **saptr,
	       socklen_t *lenp)
{
	return checked(udp_client(host, serv, saptr, lenp), "udp_client",
		       host, serv);
}

int Udp_connect(const char *host, const char *serv)
{
	return checked(udp_connect(host, serv), "udp_connect", host, serv);
}

int Udp_server(const char *host, const char *serv, socklen_t *addrlenp)
{
	return checked(udp_server(host, serv, addrlenp), "udp_server", host,
		       serv);
}
