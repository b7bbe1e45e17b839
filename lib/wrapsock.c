/*
 * wrapsock.c - wrappers for the socket calls.  Each calls the function it
 * is named after and exits with a message naming that call if it fails.
 */
#include "lnp.h"

/* include Socket */
int Socket(int family, int type, int protocol)
{
	int fd = socket(family, type, protocol);

	if (fd < 0)
		err_sys("socket");
	return fd;
}
/* end Socket */

void Bind(int fd, const struct sockaddr *sa, socklen_t salen)
{
	if (bind(fd, sa, salen) < 0)
		err_sys("bind");
}

void Connect(int fd, const struct sockaddr *sa, socklen_t salen)
{
	if (connect(fd, sa, salen) < 0)
		err_sys("connect");
}

void Listen(int fd, int backlog)
{
	/* LISTENQ may be overridden from the environment, as in the book. */
	const char *env = getenv("LISTENQ");
	char *end;
	long value;

	if (env != NULL) {
		errno = 0;
		value = strtol(env, &end, 10);
		if (errno != 0 || end == env || *end != '\0' || value < 0 ||
		    value > 65535)
			err_quit("listen: LISTENQ=\"%s\" is not a backlog "
				 "between 0 and 65535", env);
		backlog = (int)value;
	}
	if (listen(fd, backlog) < 0)
		err_sys("listen");
}

int Accept(int fd, struct sockaddr *sa, socklen_t *salenp)
{
	int n;

	/* A connection the client aborted before we accepted it is not an
	 * error for the server: try the next one. */
	do {
		n = accept(fd, sa, salenp);
	} while (n < 0 && (errno == ECONNABORTED || errno == EPROTO));
	if (n < 0)
		err_sys("accept");
	return n;
}

void Getpeername(int fd, struct sockaddr *sa, socklen_t *salenp)
{
	if (getpeername(fd, sa, salenp) < 0)
		err_sys("getpeername");
}

void Getsockname(int fd, struct sockaddr *sa, socklen_t *salenp)
{
	if (getsockname(fd, sa, salenp) < 0)
		err_sys("getsockname");
}

void Getsockopt(int fd, int level, int name, void *val, socklen_t *lenp)
{
	if (getsockopt(fd, level, name, val, lenp) < 0)
		err_sys("getsockopt");
}

void Setsockopt(int fd, int level, int name, const void *val,
		socklen_t len)
{
	if (setsockopt(fd, level, name, val, len) < 0)
		err_sys("setsockopt");
}

void Shutdown(int fd, int how)
{
	if (shutdown(fd, how) < 0)
		err_sys("shutdown");
}

ssize_t Recv(int fd, void *buf, size_t n, int flags)
{
	ssize_t r = recv(fd, buf, n, flags);

	if (r < 0)
		err_sys("recv");
	return r;
}

void Send(int fd, const void *buf, size_t n, int flags)
{
	ssize_t put = send(fd, buf, n, flags);

	if (put < 0)
		err_sys("send");
	if ((size_t)put != n)
		err_quit("send: only %zd of %zu bytes were sent", put, n);
}

ssize_t Recvfrom(int fd, void *buf, size_t n, int flags,
		 struct sockaddr *sa, socklen_t *salenp)
{
	ssize_t r = recvfrom(fd, buf, n, flags, sa, salenp);

	if (r < 0)
		err_sys("recvfrom");
	return r;
}

void Sendto(int fd, const void *buf, size_t n, int flags,
	    const struct sockaddr *sa, socklen_t salen)
{
	ssize_t put = sendto(fd, buf, n, flags, sa, salen);

	if (put < 0)
		err_sys("sendto");
	if ((size_t)put != n)
		err_quit("sendto: only %zd of %zu bytes were sent", put, n);
}

int Select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
	int n = select(nfds, r, w, e, tv);

	if (n < 0)
		err_sys("select");
	return n;
}

int Poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	int n = poll(fds, nfds, timeout);

	if (n < 0)
		err_sys("poll");
	return n;
}

void Socketpair(int family, int type, int protocol, int sv[2])
{
	if (socketpair(family, type, protocol, sv) < 0)
		err_sys("socketpair");
}
