/*
 * lab14test.h - what lab 14's public and hidden tests share: the
 * student's functions (timeo.h), a black-holed server on a network that
 * keeps the kernel's own timers, and a way to call a student's function
 * in a child process with a deadline, so that a call that never returns
 * fails the test at once instead of hanging it.
 */
#ifndef LAB14TEST_H
#define LAB14TEST_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include "../lab/timeo.h"

#include <sys/time.h>

/* Two hosts with the kernel's own timers ("timing kernel": six SYN
 * retries, two minutes before connect gives up by itself), and
 * everything between them dropped: b is a black hole.  A timeout the
 * student forgot to set is not ended by a fast harness default. */
static inline hn_net *lab_black_hole(void)
{
	hn_net *net = hn_up("host a b\n"
			    "link a b 192.0.2.0/24 2001:db8:1::/64\n"
			    "timing kernel\n");

	hn_partition(net, "a", "b");
	return net;
}

/* A TCP socket made in HOST of NET. */
static inline int lab_socket_in(hn_net *net, const char *host, int family)
{
	int fd;

	hn_enter(net, host);
	fd = Socket(family, SOCK_STREAM, 0);
	hn_leave(net);
	return fd;
}

/* A connected pair on loopback: *cli (the student's side) and *srv. */
static inline void lab_tcp_pair(int *cli, int *srv)
{
	int l = tk_listen(NULL, NULL, TK_LOOPBACK, 0, 4);
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	Getsockname(l, (struct sockaddr *)&sin, &len);
	*cli = tk_connect_here(TK_LOOPBACK, ntohs(sin.sin_port));
	*srv = Accept(l, NULL, NULL);
	Close(l);
}

/* A loopback port with nobody listening (bound, never listened on, so
 * no one else can take it while the test runs). */
static inline int lab_closed_port(int *holder)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);

	*holder = Socket(AF_INET, SOCK_STREAM, 0);
	Bind(*holder, (struct sockaddr *)&sin, sizeof(sin));
	Getsockname(*holder, (struct sockaddr *)&sin, &len);
	return ntohs(sin.sin_port);
}

enum lab_fn { CONNECT_ALARM, READ_ALARM, READABLE, READN, CONNECT_SNDTIMEO,
	      READ_RCVTIMEO };

/* One call of a student's function, and what the test saw of it. */
struct lab_call {
	enum lab_fn fn;
	int fd, ms;
	struct sockaddr_storage ss;
	socklen_t len;
	size_t n;
	/* filled in by the child */
	bool finished;          /* the call returned before the deadline */
	long ret;
	int err;                /* errno after the call */
	long elapsed_ms;
	long timer_left_us;     /* ITIMER_REAL still running after it */
	bool handler_kept;      /* SIGALRM's action is the test's again */
	char data[128];
	int status;             /* the child's wait status if it died */
};

static inline void lab_marker(int signo)
{
	(void)signo;
}

static inline void lab_child(struct lab_call *c)
{
	struct sigaction act, now;
	struct itimerval left;
	long long t0;

	memset(&act, 0, sizeof(act));
	act.sa_handler = lab_marker;    /* the caller's own handler */
	act.sa_flags = SA_RESTART;
	sigemptyset(&act.sa_mask);
	sigaction(SIGALRM, &act, NULL);
	t0 = tk_now_ms();
	errno = 0;
	switch (c->fn) {
	case CONNECT_ALARM:
		c->ret = connect_alarm(c->fd, (struct sockaddr *)&c->ss,
				       c->len, c->ms);
		break;
	case READ_ALARM:
		c->ret = read_alarm(c->fd, c->data, c->n, c->ms);
		break;
	case READABLE:
		c->ret = readable_timeo(c->fd, c->ms);
		break;
	case READN:
		c->ret = readn_timeo(c->fd, c->data, c->n, c->ms);
		break;
	case CONNECT_SNDTIMEO:
		c->ret = connect_sndtimeo(c->fd, (struct sockaddr *)&c->ss,
					  c->len, c->ms);
		break;
	case READ_RCVTIMEO:
		c->ret = read_rcvtimeo(c->fd, c->data, c->n, c->ms);
		break;
	}
	c->err = errno;
	c->elapsed_ms = tk_now_ms() - t0;
	getitimer(ITIMER_REAL, &left);
	c->timer_left_us = left.it_value.tv_sec * 1000000L +
			   left.it_value.tv_usec;
	sigaction(SIGALRM, NULL, &now);
	c->handler_kept = now.sa_handler == lab_marker;
	c->finished = true;
}

/* Runs the call in a child (which has the test's descriptors) and
 * waits at most deadline_ms for it; a child still blocked then is
 * killed and c->finished stays false.  If pace is given, the test calls
 * it while the child runs (to send data in pieces). */
static inline void lab_run(struct lab_call *c, int deadline_ms,
			   void (*pace)(void *), void *arg)
{
	int p[2];
	pid_t pid;
	ssize_t got = 0;

	c->finished = false;
	Pipe(p);
	if ((pid = Fork()) == 0) {
		close(p[0]);
		lab_child(c);
		if (write(p[1], c, sizeof(*c)) != (ssize_t)sizeof(*c))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	if (pace != NULL)
		pace(arg);
	if (tk_readable(p[0], deadline_ms))
		got = read(p[0], c, sizeof(*c));
	close(p[0]);
	if (got != (ssize_t)sizeof(*c)) {
		kill(pid, SIGKILL);
		c->finished = false;
	}
	waitpid(pid, &c->status, 0);
}

/* What the call returned, in words, for a message. */
static inline const char *lab_said(const struct lab_call *c)
{
	static char buf[160];

	if (!c->finished && WIFSIGNALED(c->status) &&
	    WTERMSIG(c->status) != SIGKILL)
		snprintf(buf, sizeof(buf), "it crashed (%s)",
			 strsignal(WTERMSIG(c->status)));
	else if (!c->finished)
		snprintf(buf, sizeof(buf), "it had not returned when the "
			 "test gave up");
	else if (c->ret < 0)
		snprintf(buf, sizeof(buf), "it returned -1, errno %s, after "
			 "%ld ms", strerrorname_np(c->err) ?
			 strerrorname_np(c->err) : "?", c->elapsed_ms);
	else
		snprintf(buf, sizeof(buf), "it returned %ld after %ld ms",
			 c->ret, c->elapsed_ms);
	return buf;
}

#endif
