/*
 * ch01test.h - what chapter 1's tests share: a daytime server played by
 * the test itself (so it can send its reply in pieces, on cue), a way to
 * see that a client has read what arrived, and names the test controls.
 *
 * Included by tests/daytime.c, tests/lab.c and tests/hidden/lab_hidden.c;
 * every function is static inline, so each test binary takes only what
 * it uses.
 */
#ifndef CH01TEST_H
#define CH01TEST_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#include <regex.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <linux/sockios.h>

#define CH01 "01-introduction"
#define WAIT_MS 5000          /* the longest any step may take */

/* A daytime line as ctime() lays it out, CR LF at the end. */
#define DAYTIME_RE "^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] " \
	"[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}\r?\n$"

static inline int matches(const char *text, const char *regex)
{
	regex_t re;
	int ok;

	if (regcomp(&re, regex, REG_EXTENDED | REG_NOSUB) != 0)
		TK_FAIL("bad regex %s", regex);
	ok = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* The same text with the time of day replaced, for transcripts. */
static inline char *scrub_time(const char *text)
{
	char *copy = strdup(text);

	copy = tk_scrub(copy, "[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] "
			"[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}",
			"DAY MON DD HH:MM:SS YYYY");
	return tk_scrub(copy, "\r", "");
}

/* Chapter 1's example NAME (build/ch/01-introduction/NAME). */
static inline const char *ch_prog(const char *name)
{
	return tk_prog(CH01, name);
}

/* ---- /etc/hosts and /etc/resolv.conf under the test's control -------- */

/* The sandbox has its own mount namespace: files mounted over
 * /etc/hosts and /etc/resolv.conf there are what the test's programs
 * see, and vanish with the sandbox.  Name lookups beyond /etc/hosts go
 * to 127.0.0.1, where nothing answers, so no query leaves the host. */
static char hosts_path[512];

static inline void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0)
		TK_FAIL("cannot write %s: %s", path, strerror(errno));
}

static inline void own_name_files(void)
{
	char resolv[512];

	snprintf(hosts_path, sizeof(hosts_path), "%s/hosts", hn_tmpdir());
	snprintf(resolv, sizeof(resolv), "%s/resolv.conf", hn_tmpdir());
	write_file(hosts_path, "127.0.0.1 localhost\n");
	write_file(resolv, "nameserver 127.0.0.1\noptions attempts:1 "
		   "timeout:1\n");
	if (mount(hosts_path, "/etc/hosts", NULL, MS_BIND, NULL) < 0 ||
	    mount(resolv, "/etc/resolv.conf", NULL, MS_BIND, NULL) < 0) {
		fprintf(stderr, "cannot mount over /etc/hosts: %s\n",
			strerror(errno));
		exit(1);
	}
}

/* Rewrites /etc/hosts in place (the mount keeps showing this file). */
static inline void set_hosts(const char *text)
{
	write_file(hosts_path, text);
}

/* The addresses NAME resolves to for a TCP client in HOST, in the order
 * getaddrinfo() gives them there; returns how many (at most max). */
static inline int resolve_in(hn_net *net, const char *host,
			     const char *name,
			     char addrs[][INET6_ADDRSTRLEN], int max)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *list, *ai;
	int n = 0, rc;

	hn_enter(net, host);
	rc = getaddrinfo(name, "13", &hints, &list);
	hn_leave(net);
	if (rc != 0)
		TK_FAIL("the test cannot resolve %s: %s", name,
			gai_strerror(rc));
	for (ai = list; ai != NULL && n < max; ai = ai->ai_next)
		sock_ntop_host(ai->ai_addr, ai->ai_addrlen, addrs[n++],
			       INET6_ADDRSTRLEN);
	freeaddrinfo(list);
	return n;
}

/* ---- the test as a daytime server ---------------------------------- */

/* The client program a test waits to hear from, if it set one: once it
 * has exited, no connection from it can come any more. */
/* (Each lab test that serves the client sets it, in the same test.) */
static hn_proc *awaited_client;

/* Accepts one connection, waiting at most WAIT_MS, or less if the
 * awaited client exits first; -1 if none came. */
static inline int accept_within(int listenfd)
{
	struct pollfd p = { .fd = listenfd, .events = POLLIN };
	int waited;

	for (waited = 0; waited < WAIT_MS; waited += 20) {
		if (poll(&p, 1, 20) == 1)
			return accept4(listenfd, NULL, NULL, SOCK_CLOEXEC);
		if (awaited_client != NULL &&
		    hn_exit_status(awaited_client) != -1)
			break;  /* it ended: one last look, then give up */
	}
	if (poll(&p, 1, 0) != 1)
		return -1;
	return accept4(listenfd, NULL, NULL, SOCK_CLOEXEC);
}

/*
 * How many bytes wait unread in the receive queue of the TCP socket in
 * HOST whose local port is lport and peer port pport, from the host's
 * /proc/net/tcp (or tcp6).  0 also when the socket is gone.
 */
static inline long unread_bytes(hn_net *net, const char *host,
				int lport, int pport)
{
	static const char *const tables[] = {
		"/proc/thread-self/net/tcp", "/proc/thread-self/net/tcp6",
	};
	char line[512];
	long found = 0;
	size_t t;

	hn_enter(net, host);
	for (t = 0; t < 2; t++) {
		FILE *f = fopen(tables[t], "r");

		if (f == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL) {
			unsigned lp, pp;
			unsigned long tx, rx;

			/* "  0: ADDR:PORT ADDR:PORT ST TX:RX ..." (hex) */
			if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%x "
				   "%*[0-9A-Fa-f]:%x %*x %lx:%lx",
				   &lp, &pp, &tx, &rx) == 4 &&
			    (int)lp == lport && (int)pp == pport)
				found = (long)rx;
		}
		fclose(f);
	}
	hn_leave(net);
	return found;
}

/* The peer's port of a connected socket. */
static inline int peer_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	Getpeername(fd, (struct sockaddr *)&ss, &len);
	return sock_get_port((struct sockaddr *)&ss, len);
}

static inline int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	Getsockname(fd, (struct sockaddr *)&ss, &len);
	return sock_get_port((struct sockaddr *)&ss, len);
}

/* Whether the client has closed or reset the connection behind fd. */
static inline int client_gone(int fd)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0)
		return 1;
	return info.tcpi_state == TCP_CLOSE_WAIT ||
	       info.tcpi_state == TCP_CLOSE;
}

/*
 * Waits until the piece just sent has reached the client's kernel (our
 * socket has nothing unacknowledged) and the client has read it (nothing
 * waits in its receive queue).  Returns 1 when it has, 0 when the client
 * has gone, -1 after WAIT_MS.
 */
static inline int await_piece_read(hn_net *net, int fd,
				   const char *client_host, int cport,
				   int sport)
{
	int waited, unacked = 1;

	for (waited = 0; waited < WAIT_MS; waited++) {
		if (client_gone(fd))
			return 0;
		if (unacked != 0 && ioctl(fd, SIOCOUTQ, &unacked) < 0)
			return 0;
		if (unacked == 0 &&
		    unread_bytes(net, client_host, cport, sport) == 0)
			return 1;
		poll(NULL, 0, 1);
	}
	return -1;
}

/*
 * Serves one daytime reply in pieces: writes each piece, then waits until
 * the client (in CLIENT_HOST) has read it before writing the next, so a
 * client that stops after one read() has really seen only the first.
 * Stops early, without complaint, if the client goes away.  Returns 0,
 * or -1 if no client came.
 */
static inline int serve_in_pieces(hn_net *net, int listenfd,
				  const char *client_host,
				  const char *const *pieces, int npieces)
{
	int fd = accept_within(listenfd);
	int i, cport, sport, read = 1;

	if (fd < 0)
		return -1;
	cport = peer_port(fd);
	sport = local_port(fd);
	for (i = 0; i < npieces && read == 1; i++) {
		if (send(fd, pieces[i], strlen(pieces[i]), MSG_NOSIGNAL) < 0)
			break;          /* the client has gone: fine */
		read = await_piece_read(net, fd, client_host, cport, sport);
		if (read < 0)
			TK_FAIL("the client did not read the piece \"%s\" "
				"within %d ms", pieces[i], WAIT_MS);
	}
	close(fd);
	return 0;
}

/*
 * Sends LEN bytes of REPLY on the connection fd, as one write would, but
 * without SIGPIPE: a client that closes before it has read everything
 * resets the connection, and that is the client's doing, told in its
 * words.  Returns how many bytes were sent before that (LEN if all).
 */
static inline size_t send_reply(int fd, const char *reply, size_t len)
{
	size_t sent = 0;
	ssize_t n;

	while (sent < len) {
		n = send(fd, reply + sent, len - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		sent += (size_t)n;
	}
	return sent;
}

/* Serves one reply of LEN bytes in a single write; -1 if nobody came.
 * A client that closes the connection before reading the whole reply
 * fails the test, saying so. */
static inline int serve_once(int listenfd, const char *reply,
			     size_t len)
{
	int fd = accept_within(listenfd);
	size_t sent;

	if (fd < 0)
		return -1;
	sent = send_reply(fd, reply, len);
	if (sent < len)
		TK_FAIL("your client closed the connection before it had "
			"read the whole reply: the server had sent %zu of "
			"%zu bytes when the connection was reset (%s). Read "
			"until read() returns 0, the server's close: see 1.3",
			sent, len, strerror(errno));
	close(fd);
	return 0;
}

/* Waits for P to exit; fails the test if it does not within WAIT_MS.
 * Returns its exit status (128 + signal if killed). */
static inline int exit_status(hn_proc *p, const char *what)
{
	int status = hn_wait_exit(p, WAIT_MS);

	if (status < 0)
		TK_FAIL("%s was still running after %d ms; its output: %s%s",
			what, WAIT_MS, hn_stdout(p), hn_stderr(p));
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

#endif
