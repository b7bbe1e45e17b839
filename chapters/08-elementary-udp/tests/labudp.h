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

/* Builds the LAN (once per test); returns the server's address. */
static inline const char *lab_server(void)
{
	static const char *built_for;   /* the test the LAN is for */

	if (built_for != tk_current_test) {
		lab_net = hn_lan(3);    /* torn down when the test ends */
		hn_capture(lab_net, "h1", "lan0");
		built_for = tk_current_test;
	}
	return hn_addr(lab_net, "h2", AF_INET);
}

/* A UDP socket on HOST ("h2": the server, "h3": the stranger), bound to
 * its address and a free port; the socket stays in that host. */
static inline int lab_udp(const char *host, int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd;

	lab_server();
	hn_enter(lab_net, host);
	fd = Socket(AF_INET, SOCK_DGRAM, 0);
	Inet_pton(AF_INET, hn_addr(lab_net, host, AF_INET), &sin.sin_addr);
	Bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	Getsockname(fd, (struct sockaddr *)&sin, &len);
	*port = ntohs(sin.sin_port);
	hn_leave(lab_net);
	return fd;
}

/* One request as the server sees it: its text and who sent it. */
static inline ssize_t lab_request(int fd, char *buf, size_t size,
				  struct sockaddr_in *from, int timeout_ms)
{
	socklen_t len = sizeof(*from);
	ssize_t n;

	if (!tk_readable(fd, timeout_ms))
		return -1;
	n = recvfrom(fd, buf, size - 1, 0, (struct sockaddr *)from, &len);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Starts the student's udpcli_retry on h1 with -t timeout -r retries
 * against the server (h2) and port. */
static inline hn_proc *lab_client(int port, const char *timeout,
				       const char *retries)
{
	static char *prog;
	char portarg[16];
	char *argv[] = { NULL, "-t", (char *)timeout, "-r", (char *)retries,
			 (char *)lab_server(), portarg, NULL };
	hn_proc *p;

	if (prog == NULL)
		prog = tk_sibling("udpcli_retry");
	argv[0] = prog;
	snprintf(portarg, sizeof(portarg), "%d", port);
	p = hn_spawn(lab_net, "h1", argv, NULL);
	return p;
}

/* Counts the requests that arrive within ms (the server never answers). */
static inline int lab_count_requests(int fd, int ms)
{
	long long deadline = tk_now_ms() + ms;
	struct sockaddr_in from;
	char buf[MAXLINE];
	int n = 0;

	while (tk_now_ms() < deadline) {
		long long left = deadline - tk_now_ms();

		if (lab_request(fd, buf, sizeof(buf), &from,
				(int)(left > 0 ? left : 0)) >= 0)
			n++;
	}
	return n;
}

#endif
