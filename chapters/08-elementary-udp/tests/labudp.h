/*
 * labudp.h - what lab 8's public and hidden tests share: the test plays
 * the server with a UDP socket of its own, so it decides which requests
 * are "lost" and who else answers.
 */
#ifndef LABUDP_H
#define LABUDP_H

#include "lnp.h"
#include "testkit.h"
#include "../../06-io-multiplexing/tests/tproc.h"

/* A UDP socket bound to addr (a loopback address) and a free port. */
static inline int lab_udp(const char *addr, int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = Socket(AF_INET, SOCK_DGRAM, 0);

	Inet_pton(AF_INET, addr, &sin.sin_addr);
	Bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	Getsockname(fd, (struct sockaddr *)&sin, &len);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* One request as the server sees it: its text and who sent it. */
static inline ssize_t lab_request(int fd, char *buf, size_t size,
				  struct sockaddr_in *from, int timeout_ms)
{
	socklen_t len = sizeof(*from);
	ssize_t n;

	if (!tp_readable(fd, timeout_ms))
		return -1;
	n = recvfrom(fd, buf, size - 1, 0, (struct sockaddr *)from, &len);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Starts the student's udpcli_retry with -t timeout -r retries against
 * 127.0.0.1:port. */
static inline struct tproc *lab_client(int port, const char *timeout,
				       const char *retries)
{
	static char *prog;
	char portarg[16];
	char *argv[] = { NULL, "-t", (char *)timeout, "-r", (char *)retries,
			 "127.0.0.1", portarg, NULL };

	if (prog == NULL)
		prog = tk_sibling("udpcli_retry");
	argv[0] = prog;
	snprintf(portarg, sizeof(portarg), "%d", port);
	return tproc_start(argv);
}

/* Counts the requests that arrive within ms (the server never answers). */
static inline int lab_count_requests(int fd, int ms)
{
	long long deadline = tp_now_ms() + ms;
	struct sockaddr_in from;
	char buf[MAXLINE];
	int n = 0;

	while (tp_now_ms() < deadline) {
		long long left = deadline - tp_now_ms();

		if (lab_request(fd, buf, sizeof(buf), &from,
				(int)(left > 0 ? left : 0)) >= 0)
			n++;
	}
	return n;
}

#endif
