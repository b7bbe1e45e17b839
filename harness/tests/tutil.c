/*
 * tutil.c - socket helpers for the harness's own tests (see tutil.h).
 */
#include "tutil.h"
#include "testkit.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

long t_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int sock_in(hn_net *net, const char *host, int family, int type)
{
	int fd;

	hn_enter(net, host);
	fd = socket(family, type | SOCK_CLOEXEC, 0);
	hn_leave(net);
	TK_EXPECT(fd >= 0, "socket() in host %s: %s", host, strerror(errno));
	return fd;
}

static void bind_any(int fd, int family, int port)
{
	struct sockaddr_storage ss = { .ss_family = (sa_family_t)family };
	int one = 1;

	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	TK_EXPECT(bind(fd, (struct sockaddr *)&ss, sizeof(ss)) == 0,
		  "bind to port %d: %s", port, strerror(errno));
}

int t_udp(hn_net *net, const char *host, int family, int port)
{
	int fd = sock_in(net, host, family, SOCK_DGRAM);

	bind_any(fd, family, port);
	return fd;
}

int t_udp_to(hn_net *net, const char *host, const char *dst, int family,
	     int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = sock_in(net, host, family, SOCK_DGRAM);

	hn_sockaddr(net, dst, family, port, &ss, &len);
	TK_EXPECT(connect(fd, (struct sockaddr *)&ss, len) == 0,
		  "connect UDP from %s to %s: %s", host, dst, strerror(errno));
	return fd;
}

int t_listen(hn_net *net, const char *host, int family, int port)
{
	int fd = sock_in(net, host, family, SOCK_STREAM);

	bind_any(fd, family, port);
	TK_EXPECT(listen(fd, 16) == 0, "listen: %s", strerror(errno));
	return fd;
}

int t_connect(hn_net *net, const char *host, const char *dst, int family,
	      int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = sock_in(net, host, family, SOCK_STREAM);

	hn_sockaddr(net, dst, family, port, &ss, &len);
	TK_EXPECT(connect(fd, (struct sockaddr *)&ss, len) == 0,
		  "connect from %s to %s port %d: %s", host, dst, port,
		  strerror(errno));
	return fd;
}

static int wait_readable(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, timeout_ms);
}

int t_accept(int lfd, int timeout_ms)
{
	int fd;

	TK_EXPECT(wait_readable(lfd, timeout_ms) == 1,
		  "no connection came within %d ms", timeout_ms);
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	TK_EXPECT(fd >= 0, "accept: %s", strerror(errno));
	return fd;
}

ssize_t t_recv(int fd, void *buf, size_t len, int timeout_ms)
{
	if (wait_readable(fd, timeout_ms) != 1) {
		errno = ETIMEDOUT;
		return -1;
	}
	return recv(fd, buf, len, MSG_DONTWAIT);
}

int t_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	getsockname(fd, (struct sockaddr *)&ss, &len);
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}
