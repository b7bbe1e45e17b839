/*
 * labudp.h - what lab 8's public and hidden tests share.  Each test runs
 * on a harness LAN of three hosts: h1 runs the student's client, the
 * test plays the server on h2 with a UDP socket of its own (so it decides
 * which requests are "lost"), and h3 is a stranger that answers in the
 * server's place.  The LAN is captured at h1, for Wireshark on failure.
 */
#ifndef LABUDP_H
#define LABUDP_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

static hn_net *lab_net;
static hn_proc *lab_cli;        /* the client the test started last */

/* Builds the LAN (once per test); returns the server's address. */
static inline const char *lab_server(void)
{
	static const char *built_for;   /* the test the LAN is for */

	if (built_for != tk_current_test) {
		lab_net = hn_lan(3);    /* torn down when the test ends */
		lab_cli = NULL;
		hn_capture(lab_net, "h1", "lan0");
		built_for = tk_current_test;
	}
	return hn_addr(lab_net, "h2", AF_INET);
}

/* A UDP socket on HOST ("h2": the server, "h3": the stranger), bound to
 * its FAMILY address and *port (0: a free one, returned in *port); the
 * socket stays in that host. */
static inline int lab_udp_on(const char *host, int family, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	lab_server();
	hn_sockaddr(lab_net, host, family, *port, &ss, &len);
	hn_enter(lab_net, host);
	fd = Socket(family, SOCK_DGRAM, 0);
	Bind(fd, (struct sockaddr *)&ss, len);
	Getsockname(fd, (struct sockaddr *)&ss, &len);
	*port = sock_get_port((struct sockaddr *)&ss, len);
	hn_leave(lab_net);
	return fd;
}

/* The same on HOST's IPv4 address and a free port. */
static inline int lab_udp(const char *host, int *port)
{
	*port = 0;
	return lab_udp_on(host, AF_INET, port);
}

/* One request as the server sees it: its text and who sent it. */
static inline ssize_t lab_request(int fd, char *buf, size_t size,
				  struct sockaddr_storage *from,
				  int timeout_ms)
{
	long long deadline = tk_now_ms() + timeout_ms;
	socklen_t len = sizeof(*from);
	ssize_t n;

	for (;;) {
		long long left = deadline - tk_now_ms();

		if (tk_readable(fd, left > 20 ? 20 : left > 0 ? (int)left : 0))
			break;
		if (tk_now_ms() >= deadline)
			return -1;
		/* a client that has ended sends nothing more: one last
		 * look, then fail now rather than wait out the time */
		if (lab_cli != NULL && tk_exited(lab_cli, 0)) {
			if (!tk_readable(fd, 50))
				return -1;
			break;
		}
	}
	n = recvfrom(fd, buf, size - 1, 0, (struct sockaddr *)from, &len);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Starts the student's udpcli_retry on h1 with -t timeout -r retries
 * against the server at addr (h2's, IPv4 or IPv6) and port. */
static inline hn_proc *lab_client_to(const char *addr, int port,
					  const char *timeout,
					  const char *retries)
{
	static char *prog;
	char portarg[16];
	char *argv[] = { NULL, "-t", (char *)timeout, "-r", (char *)retries,
			 (char *)addr, portarg, NULL };
	hn_proc *p;

	if (prog == NULL)
		prog = tk_sibling("udpcli_retry");
	argv[0] = prog;
	snprintf(portarg, sizeof(portarg), "%d", port);
	p = hn_spawn(lab_net, "h1", argv, NULL);
	lab_cli = p;
	return p;
}

/* The same against the server's IPv4 address. */
static inline hn_proc *lab_client(int port, const char *timeout,
				       const char *retries)
{
	return lab_client_to(lab_server(), port, timeout, retries);
}

/* Counts the requests that arrive (the server never answers) until the
 * client has exited or ms have passed. */
static inline int lab_count_requests(int fd, hn_proc *cli, int ms)
{
	long long deadline = tk_now_ms() + ms;
	struct sockaddr_storage from;
	char buf[MAXLINE];
	int n = 0;

	for (;;) {
		while (lab_request(fd, buf, sizeof(buf), &from, 0) >= 0)
			n++;
		if (tk_now_ms() >= deadline)
			return n;
		if (tk_exited(cli, 20)) /* it ended: count what it sent */
			break;
	}
	while (lab_request(fd, buf, sizeof(buf), &from, 0) >= 0)
		n++;
	return n;
}

#endif
