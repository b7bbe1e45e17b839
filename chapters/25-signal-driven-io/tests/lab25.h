/*
 * lab25.h - what lab 25's public and hidden tests share: the student's
 * sigioserv started here on port 9877, bursts sent while it is stopped
 * (busy), and a diagnosis, in words, of a server that does not answer.
 */
#ifndef LAB25_H
#define LAB25_H

#include "sigio25.h"

/* Starts the student's server and waits for "listening on port". */
static inline hn_proc *lab_server(void)
{
	hn_proc *srv = hn_run(NULL, NULL, tk_lab_prog("sigioserv"),
			      S25_PORT_TEXT, NULL);

	if (tk_listening_port(srv, 2000) != S25_PORT)
		TK_FAIL("sigioserv " S25_PORT_TEXT " did not print "
			"\"listening on port " S25_PORT_TEXT "\"; it said: %s",
			tk_chomp(hn_stderr(srv)));
	return srv;
}

/* Why a server that should have answered did not: a message naming
 * the section that explains it. */
static inline const char *lab_why_silent(hn_proc *srv)
{
	static char why[512];
	pid_t pid = hn_pid(srv);
	int st = hn_exit_status(srv), sock, owner, flags;

	if (st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGIO)
		return "the server was killed by SIGIO, whose default action "
		       "ends a process: install the handler with sigaction() "
		       "before you set O_ASYNC (see 25.2)";
	if (st >= 0 && strstr(hn_stderr(srv), "temporarily unavailable"))
		return "the server exited when recvfrom() failed with EAGAIN "
		       "(\"Resource temporarily unavailable\"): on a "
		       "non-blocking socket that is how a drain ends, \"the "
		       "queue is empty\", not an error (see 25.5)";
	if (st >= 0) {
		snprintf(why, sizeof(why), "the server exited (status %d); "
			 "it said: %s", tk_exit_code(srv),
			 tk_chomp(hn_stderr(srv)));
		return why;
	}
	if ((sock = s25_server_socket(pid)) < 0)
		return "the server holds no UDP socket";
	owner = fcntl(sock, F_GETOWN);
	flags = fcntl(sock, F_GETFL);
	close(sock);
	if (owner != pid) {
		snprintf(why, sizeof(why), "the socket's owner (F_GETOWN) is "
			 "%d, not the server (%d), so no SIGIO is sent to it: "
			 "set it with F_SETOWN (see 25.2)", owner, (int)pid);
		return why;
	}
	if (!(flags & O_ASYNC))
		return "the socket has no O_ASYNC flag, so the kernel sends "
		       "no SIGIO: set it with F_SETFL (see 25.2)";
	if (!(flags & O_NONBLOCK))
		return "the socket is blocking, so the recvfrom() after the "
		       "last datagram sleeps instead of failing with EAGAIN "
		       "(see 25.5)";
	if (s25_sigio_pending(pid))
		return "SIGIO came and is still pending: it is blocked while "
		       "the server waits, so the wait never ends; wait with "
		       "sigsuspend() and a mask without SIGIO (see 25.7)";
	return "the socket is signal-driven, but the server did not read "
	       "the datagram after SIGIO came (see 25.5)";
}

/* Sends the datagrams while the server is stopped (as if busy), each
 * queued before the next, then lets it go on. */
static inline void lab_burst_while_stopped(hn_proc *srv, int cli,
					   const char *const msgs[], int n)
{
	int sock = s25_server_socket(hn_pid(srv));

	if (sock < 0)
		TK_FAIL("%s", lab_why_silent(srv));
	TK_EXPECT(tk_stop(hn_pid(srv)), "the test could not stop the "
		  "server");
	for (int i = 0; i < n; i++)
		s25_send_queued(cli, sock, msgs[i], strlen(msgs[i]));
	close(sock);
	hn_signal(srv, SIGCONT);
}

/* Receives echoes until n came or none for ms; marks which came in
 * seen[] (by text), returns how many came. */
static inline int lab_echoes(int cli, const char *const msgs[], int n,
			     bool seen[], int ms)
{
	char buf[MAXLINE];
	int got = 0;
	ssize_t len;

	for (int i = 0; i < n; i++)
		seen[i] = false;
	while (got < n && (len = s25_recv(cli, buf, sizeof(buf), ms)) >= 0) {
		got++;
		for (int i = 0; i < n; i++)
			if (!seen[i] && strlen(msgs[i]) == (size_t)len &&
			    memcmp(msgs[i], buf, (size_t)len) == 0) {
				seen[i] = true;
				break;
			}
	}
	return got;
}

#endif
