/*
 * lab05test.h - what lab 5's public and hidden tests share: the echo
 * server running in a two-host network, checks that it is alive and
 * serving, and the sum service running in a child of the test.
 */
#ifndef LAB05TEST_H
#define LAB05TEST_H

#include "ch05test.h"
#include "../lab/sumsrv.h"

#define PORT 9877

/* ---- the echo server ---------------------------------------------------- */

struct echo_scene {
	hn_net *net;
	hn_cap *cap;            /* at the server's end of the link */
	hn_proc *srv;
	const char *addr;       /* the server's address */
};

/* client 192.0.2.1 -- server 192.0.2.2, echosrv listening on 9877. */
static inline void echo_up(struct echo_scene *s)
{
	s->net = hn_up("host client server\n"
		       "link client server 192.0.2.0/24\n");
	s->cap = hn_capture(s->net, "server", "client");
	s->addr = hn_addr(s->net, "server", AF_INET);
	s->srv = hn_run(s->net, "server", tk_lab_prog("echosrv"), "9877",
			NULL);
	hn_wait_port(s->srv, IPPROTO_TCP, PORT, 2000);
}

/* The server's wait status if it has exited, else -1. */
static inline int echo_exited(struct echo_scene *s)
{
	return hn_exit_status(s->srv);
}

/* What the server's last words point to, if they name a lesson of
 * another section: accept() ended by a signal handler (5.9). */
static inline const char *echo_hint(struct echo_scene *s)
{
	if (strstr(hn_stderr(s->srv), "Interrupted system call") != NULL)
		return "(accept() failed with EINTR when a child's SIGCHLD "
		       "interrupted it: see 5.9 first)";
	return "";
}

/* Fails the test, in words, if the server process has ended. */
static inline void expect_alive(struct echo_scene *s, const char *after)
{
	int status = echo_exited(s);

	if (status == -1)
		return;
	TK_FAIL("%s, the server exited (%s %d).  Its last words:\n%s%s",
		after, WIFSIGNALED(status) ? "killed by signal" : "status",
		WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
		hn_stderr(s->srv), echo_hint(s));
}

/* Waits until the server has no zombie children and sleeps again (in
 * accept), or has exited; fails the test, in words, if it exited or if
 * zombies stay 1 s (a handler runs within microseconds).  see names the
 * section that explains those zombies ("5.9": no child is reaped at
 * all; "5.10": children that end together are not all reaped). */
static inline void expect_settled(struct echo_scene *s, const char *after,
				  const char *see)
{
	pid_t srv = hn_pid(s->srv);

	for (int ms = 0; ms < 1000; ms++) {
		if (echo_exited(s) != -1)
			break;
		if (hn_zombies(s->srv) == 0 && tk_proc_state(srv) == 'S')
			return;
		tk_tick();
	}
	expect_alive(s, after);
	TK_FAIL("%s, %d of the server's children stayed zombies for 1 s: "
		"see %s", after, hn_zombies(s->srv), see);
}

/* A new client must still be served. */
static inline void expect_serving(struct echo_scene *s, const char *after)
{
	int fd;

	expect_alive(s, after);
	fd = tk_connect(s->net, "client", s->addr, PORT);
	TK_EXPECT(tk_echoes(fd, "are you still there?\n", 2000),
		  "%s, a new client got no echo within 2 s", after);
	close(fd);
}

/* The one child serving the one client. */
static inline pid_t echo_child(struct echo_scene *s)
{
	pid_t kids[2];

	TK_EXPECT(tk_wait_children(hn_pid(s->srv), 1, kids, 2, 2000) == 1,
		  "no child of the server serves the client");
	return kids[0];
}

/* Waits until the process has exited (a zombie, or gone). */
static inline bool pt_wait_dead(pid_t pid, int timeout_ms)
{
	for (int ms = 0; ms <= timeout_ms; ms++) {
		char state = tk_proc_state(pid);

		if (state == 'Z' || state == 0)
			return true;
		tk_tick();
	}
	return false;
}

/* ---- the sum service ---------------------------------------------------- */

struct sum_peer {
	int fd;                 /* the client's end */
	pid_t pid;              /* the child running sum_serve() */
};

/* Runs sum_serve() in a child on one end of a socket pair. */
static inline struct sum_peer sum_start(void)
{
	struct sum_peer p;
	int sv[2];

	Socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	p.pid = Fork();
	if (p.pid == 0) {
		close(sv[0]);
		alarm(10);              /* never outlive a stuck test */
		_exit(sum_serve(sv[1]) == 0 ? 0 : 3);
	}
	close(sv[1]);
	p.fd = sv[0];
	return p;
}

/* Fails the test if the service has ended: ending says whether the
 * connection showed it (end of file, EPIPE), so that it is worth
 * waiting for the child to finish exiting. */
static inline void sum_expect_alive(struct sum_peer *p, const char *after,
				    bool ending)
{
	int status;

	if (waitpid(p->pid, &status, ending ? 0 : WNOHANG) == p->pid) {
		p->pid = -1;
		TK_EXPECT(!(WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM),
			  "after %s, sum_serve was stuck for 10 s", after);
		TK_EXPECT(!WIFSIGNALED(status), "after %s, sum_serve crashed "
			  "(signal %d)", after, WTERMSIG(status));
		TK_FAIL("after %s, sum_serve returned (%s) and the connection "
			"ended", after, WEXITSTATUS(status) == 0 ? "as if at "
			"end of file" : "with an error");
	}
}

/* Sends len bytes of requests while collecting the replies, as a client
 * that reads while it writes (so a service that answers too much cannot
 * deadlock with it), until nlines lines came back, the service closed,
 * or nothing moved for 1 s (a socket pair in one machine answers in
 * microseconds).  Returns what came back (allocated); *sent says how
 * much of the request went out, *closed whether the service closed. */
static inline char *sum_exchange(struct sum_peer *p, const char *req,
				 size_t len, int nlines, size_t *sent,
				 bool *closed)
{
	char *got = NULL, buf[4096];
	size_t gotlen = 0;
	FILE *f = open_memstream(&got, &gotlen);
	struct pollfd pfd = { .fd = p->fd };
	int lines = 0;

	*sent = 0;
	*closed = false;
	for (int ms = 0; ms < 1000 && (lines < nlines || *sent < len); ) {
		pfd.events = POLLIN | (*sent < len ? POLLOUT : 0);
		if (poll(&pfd, 1, 10) == 0) {
			ms += 10;
			continue;
		}
		if (pfd.revents & POLLOUT) {
			ssize_t n = send(p->fd, req + *sent, len - *sent,
					 MSG_NOSIGNAL | MSG_DONTWAIT);

			if (n > 0)
				*sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN) {
				*closed = true;
				break;
			}
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT);

			if (n == 0 || (n < 0 && errno != EAGAIN)) {
				*closed = true;
				break;
			}
			for (ssize_t i = 0; i < n; i++)
				lines += buf[i] == '\n';
			if (n > 0)
				fwrite(buf, 1, (size_t)n, f);
		}
	}
	fclose(f);
	return got;
}

/* Sends len bytes of requests and expects these replies, in order. */
static inline void sum_talk(struct sum_peer *p, const char *what,
			    const char *requests, size_t len,
			    const char *const replies[])
{
	int n = 0;
	size_t sent;
	bool closed;
	char *got, *line;

	while (replies[n] != NULL)
		n++;
	got = sum_exchange(p, requests, len, n, &sent, &closed);
	line = got;
	for (int i = 0; i < n; i++) {
		char *end = strchr(line, '\n');
		size_t linelen = end != NULL ? (size_t)(end - line + 1) : 0;

		if (end == NULL) {
			sum_expect_alive(p, what, closed);
			TK_FAIL("after %s, reply %d (\"%.*s\") did not come "
				"within 1 s%s", what, i + 1,
				(int)strcspn(replies[i], "\n"), replies[i],
				sent < len ? " (and the service stopped "
				"reading the requests)" : "");
		}
		TK_EXPECT(strncmp(line, replies[i], linelen) == 0 &&
			  strlen(replies[i]) == linelen,
			  "after %s, reply %d should be \"%.*s\" but was "
			  "\"%.*s\"", what, i + 1,
			  (int)strcspn(replies[i], "\n"), replies[i],
			  (int)(end - line), line);
		line = end + 1;
	}
	TK_EXPECT(*line == '\0', "after %s, the service sent more than the "
		  "%d repl%s expected: \"%.*s\"", what, n, n == 1 ? "y" :
		  "ies", (int)strcspn(line, "\n"), line);
	free(got);
}

/* Expects one reply line within 1 s. */
static inline void sum_expect(struct sum_peer *p, const char *after,
			      const char *want)
{
	sum_talk(p, after, "", 0, (const char *const[]){ want, NULL });
}

#define TALK(p, what, req, ...) \
	sum_talk(p, what, req, sizeof(req) - 1, \
		 (const char *const[]){ __VA_ARGS__, NULL })

/* Ends the conversation: the service must close and return 0. */
static inline void sum_stop(struct sum_peer *p, const char *after)
{
	char buf[64];
	int status;
	ssize_t n;

	shutdown(p->fd, SHUT_WR);
	n = pt_read_line(p->fd, buf, sizeof(buf), 2000);
	TK_EXPECT(n == 0, "after %s and the client's end of file, the "
		  "service %s", after, n > 0 ? "sent an extra reply" :
		  "did not close the connection within 2 s");
	close(p->fd);
	waitpid(p->pid, &status, 0);
	TK_EXPECT(!WIFSIGNALED(status), "after %s, sum_serve crashed "
		  "(signal %d)", after, WTERMSIG(status));
	TK_EXPECT(WEXITSTATUS(status) == 0, "after %s, sum_serve returned "
		  "an error at the client's end of file", after);
}

#endif
