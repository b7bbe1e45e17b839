/*
 * Lab 24's tests, public and hidden: what both need.  The student's
 * hbcli and hbserv run next to the test binary (tk_lab_prog); the test
 * plays the other end itself, on loopback, or runs the reference
 * program in the other host of a two-host network whose TCP timers are
 * the kernel's own (so TCP's retransmissions never end a test: only
 * the heartbeat can find a crashed host in time).
 */
#ifndef LAB24_H
#define LAB24_H

#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include "lnp.h"

#include <poll.h>

#define PERIOD_MS 50
#define MAXMISSED 4
#define PERIOD "50"
#define MAXMISS "4"

/* The network of the crash tests: the kernel's timers. */
static const char lab24_net[] =
	"host client server\n"
	"link client server 192.0.2.0/24\n"
	"timing kernel\n";

/* The test as the server: a listener on loopback, the student's hbcli
 * connected to it with the given period and limit. */
struct fake_server {
	int fd;                 /* the test's end of the connection */
	hn_proc *cli;
	char inline_data[512];  /* ordinary bytes that came meanwhile */
	size_t ninline;
};

static inline void fake_server_start(struct fake_server *s,
				     const char *period, const char *max)
{
	int l = tk_listen(NULL, NULL, "127.0.0.1", 0, 1);
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char port[16];

	memset(s, 0, sizeof(*s));
	Getsockname(l, (struct sockaddr *)&sin, &len);
	snprintf(port, sizeof(port), "%d", ntohs(sin.sin_port));
	s->cli = hn_run(NULL, NULL, tk_lab_prog("hbcli"), "127.0.0.1", port,
			period, max, NULL);
	TK_EXPECT(tk_readable(l, 2000), "hbcli did not connect within 2 s: "
		  "%s", tk_shown(hn_stderr(s->cli)));
	s->fd = Accept(l, NULL, NULL);
	close(l);
}

/* Waits up to ms for an urgent byte on fd, keeping any ordinary bytes
 * that come first in buf (size bytes at most; a zeroed buffer stays a
 * string if size leaves room for its NUL).  The byte, -1 on time out,
 * -2 at end of file or on an error. */
static inline int next_urgent(int fd, int ms, char *buf, size_t *nbuf,
			      size_t size)
{
	long long end = tk_now_ms() + ms;
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI };
	unsigned char c;
	ssize_t n;

	for (;;) {
		int left = (int)(end - tk_now_ms());

		if (left < 0 || poll(&p, 1, left) == 0)
			return -1;
		if (p.revents & POLLPRI) {
			char tmp[256];

			if (recv(fd, &c, 1, MSG_OOB) != 1)
				continue;       /* announced, not yet here */
			/* ordinary bytes that came with it, before the mark */
			n = recv(fd, tmp, sizeof(tmp), MSG_DONTWAIT);
			if (n > 0 && *nbuf + (size_t)n <= size) {
				memcpy(buf + *nbuf, tmp, (size_t)n);
				*nbuf += (size_t)n;
			}
			return c;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			char tmp[256];

			n = recv(fd, tmp, sizeof(tmp), MSG_DONTWAIT);
			if (n <= 0)
				return n < 0 && errno == EAGAIN ? -1 : -2;
			if (*nbuf + (size_t)n <= size) {
				memcpy(buf + *nbuf, tmp, (size_t)n);
				*nbuf += (size_t)n;
			}
		}
	}
}

/* Whether the peer has closed fd (end of file or a reset is waiting). */
static inline bool peer_closed(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	return n == 0 || (n < 0 && errno != EAGAIN);
}

static inline int fake_next_beat(struct fake_server *s, int ms)
{
	return next_urgent(s->fd, ms, s->inline_data, &s->ninline,
			   sizeof(s->inline_data) - 1);
}

/* The reference program NAME of lab 24 (for the other end). */
static inline const char *lab24_ref(const char *name)
{
	return tk_path("lab-24/ref/%s", name);
}

/* Types a line into p and waits for its echo on p's stdout. */
static inline bool lab24_echoes(hn_proc *p, const char *line)
{
	char text[128], *got;

	snprintf(text, sizeof(text), "%s\n", line);
	if (hn_write_stdin(p, text, strlen(text)) < 0)
		return false;
	got = hn_next_line(p, line, 2000);
	free(got);
	return got != NULL;
}

/* hbserv (the student's or the reference) with the given period and
 * limit in host (NULL: here), listening on 9877. */
static inline hn_proc *hbserv_start(hn_net *net, const char *host,
				    const char *prog, const char *period,
				    const char *max)
{
	hn_proc *srv = hn_run(net, host, prog, "9877", period, max, NULL);

	TK_EXPECT(tk_listening_port(srv, 2000) == 9877, "hbserv did not say "
		  "\"listening on port 9877\" within 2 s: %s",
		  tk_shown(hn_stderr(srv)));
	return srv;
}

/* The child of hbserv that serves the test's connection. */
static inline pid_t hbserv_child(hn_proc *srv)
{
	pid_t child = 0;

	TK_EXPECT(tk_wait_children(hn_pid(srv), 1, &child, 1, 2000) >= 1,
		  "hbserv made no child for the connection within 2 s "
		  "(section 24.6: a child per client)");
	return child;
}

#endif
