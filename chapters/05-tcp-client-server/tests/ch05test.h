/*
 * ch05test.h - what the tests of chapter 5 and lab 5 share.
 *
 * Processes: a server's children, their states (running, stopped,
 * zombie) and how a zombie ended, all read from /proc; a wait polls it
 * every millisecond until the event happens or the deadline passes.
 * Sockets: connecting from a host of a harness network, reading a line
 * with a deadline, aborting a connection, counting a host's connections.
 */
#ifndef CH05TEST_H
#define CH05TEST_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

/* A path made by tk_path() or tk_sibling(), kept for the test binary's
 * life so it is found again (and is not a leak). */
static inline char *pt_keep(const char *key, char *(*make)(const char *))
{
	static struct { char key[64]; char *path; } kept[32];
	int i;

	for (i = 0; i < 32 && kept[i].path != NULL; i++)
		if (strcmp(kept[i].key, key) == 0)
			return kept[i].path;
	if (i == 32)
		abort();
	snprintf(kept[i].key, sizeof(kept[i].key), "%s", key);
	kept[i].path = make(key);
	return kept[i].path;
}

static inline char *pt_make_ch05(const char *name)
{
	return tk_path("ch/05-tcp-client-server/%s", name);
}

/* A program of chapter 5 (built under build/ch/05-tcp-client-server/). */
static inline char *pt_prog(const char *name)
{
	return pt_keep(name, pt_make_ch05);
}

/* A program of the lab, next to the test binary. */
static inline char *pt_sibling(const char *name)
{
	return pt_keep(name, tk_sibling);
}

static inline void pt_nap(void)
{
	struct timespec tick = { 0, 1000000 };          /* 1 ms */

	nanosleep(&tick, NULL);
}

/* The fields of /proc/PID/stat after "pid (comm)": fields[0] is the
 * state, fields[1] the parent's pid ... (field N of proc(5) is
 * fields[N - 3]).  Returns how many were read, 0 if the process is gone. */
static inline int pt_stat(pid_t pid, long long fields[], int max,
			  char *state)
{
	char path[64], line[1024], *p, *save = NULL;
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	if (p == NULL || (p = strrchr(line, ')')) == NULL || p[1] == '\0')
		return 0;
	*state = p[2];
	for (char *t = strtok_r(p + 2, " \n", &save); t != NULL && n < max;
	     t = strtok_r(NULL, " \n", &save))
		fields[n++] = t[0] == '-' || (t[0] >= '0' && t[0] <= '9') ?
			      atoll(t) : 0;
	return n;
}

/* 'R', 'S', 'T' (stopped), 'Z' (zombie) ..., or 0 if there is none. */
static inline char pt_state(pid_t pid)
{
	long long f[2];
	char state = 0;

	return pt_stat(pid, f, 2, &state) > 0 ? state : 0;
}

/* The wait status (as from waitpid) of a zombie: field 52 of stat. */
static inline int pt_exit_status(pid_t pid)
{
	long long f[50];
	char state;

	if (pt_stat(pid, f, 50, &state) < 50 || state != 'Z')
		return -1;
	return (int)f[49];
}

/* The children of parent now, up to max of them; returns how many. */
static inline int pt_children(pid_t parent, pid_t out[], int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long long f[2];
	char state;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < max) {
		pid_t pid = (pid_t)atoi(e->d_name);

		if (pid > 0 && pt_stat(pid, f, 2, &state) == 2 &&
		    f[1] == parent)
			out[n++] = pid;
	}
	closedir(d);
	return n;
}

/* Waits until parent has at least n children; fills out[].  Returns how
 * many it has at the end. */
static inline int pt_wait_children(pid_t parent, int n, pid_t out[],
				   int max, int timeout_ms)
{
	int have = pt_children(parent, out, max);

	for (int ms = 0; have < n && ms < timeout_ms; ms++) {
		pt_nap();
		have = pt_children(parent, out, max);
	}
	return have;
}

/* Waits until the process is in state (0: gone).  Returns true if so. */
static inline bool pt_wait_state(pid_t pid, char state, int timeout_ms)
{
	for (int ms = 0; pt_state(pid) != state; ms++) {
		if (ms >= timeout_ms)
			return false;
		pt_nap();
	}
	return true;
}

/* Stops a process and waits until it is stopped. */
static inline bool pt_stop(pid_t pid)
{
	return kill(pid, SIGSTOP) == 0 && pt_wait_state(pid, 'T', 2000);
}

/* ---- sockets ----------------------------------------------------------- */

/* A TCP connection from HOST to addr:port (IPv4), made by the test
 * itself; fails the test if connect() fails. */
static inline int pt_connect_from(hn_net *net, const char *host,
				  const char *addr, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, rc;

	sin.sin_port = htons((uint16_t)port);
	TK_EXPECT(inet_pton(AF_INET, addr, &sin.sin_addr) == 1,
		  "bad test address %s", addr);
	hn_enter(net, host);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	hn_leave(net);
	TK_EXPECT(fd >= 0, "socket: %s", strerror(errno));
	rc = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	TK_EXPECT(rc == 0, "a client in host %s could not connect to %s "
		  "port %d: %s", host, addr, port, strerror(errno));
	return fd;
}

/* Sends all len bytes; a dead peer gives an error, never a SIGPIPE
 * (which would kill the test, and which an ignored SIGPIPE would hide
 * from the programs the test starts).  Returns len, or -1. */
static inline ssize_t pt_send(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = send(fd, (const char *)buf + done, len - done,
				 MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += (size_t)n;
	}
	return (ssize_t)len;
}

/* A TCP socket in HOST listening on port (IPv4 wildcard), made by the
 * test itself. */
static inline int pt_listen_in(hn_net *net, const char *host, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, on = 1;

	sin.sin_port = htons((uint16_t)port);
	hn_enter(net, host);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	hn_leave(net);
	TK_EXPECT(fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
					sizeof(on)) == 0 &&
		  bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
		  listen(fd, 5) == 0, "could not listen on port %d in host "
		  "%s: %s", port, host, strerror(errno));
	return fd;
}

/* Waits until fd is readable (data, end of file or error). */
static inline bool pt_readable(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, timeout_ms) == 1;
}

/* Reads one line ending in '\n' within timeout_ms; NUL-terminates it.
 * Returns its length, 0 at end of file, -1 on error or at the deadline
 * (errno ETIMEDOUT). */
static inline ssize_t pt_read_line(int fd, char *buf, size_t size,
				   int timeout_ms)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < size) {
		if (!pt_readable(fd, timeout_ms)) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = read(fd, buf + len, 1);
		if (n <= 0)
			return n;
		if (buf[len++] == '\n')
			break;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

/* Sends line and expects it back within timeout_ms. */
static inline bool pt_echoes(int fd, const char *line, int timeout_ms)
{
	char got[MAXLINE];

	return pt_send(fd, line, strlen(line)) == (ssize_t)strlen(line) &&
	       pt_read_line(fd, got, sizeof(got), timeout_ms) > 0 &&
	       strcmp(got, line) == 0;
}

/* Closes fd so that the peer gets a RST: SO_LINGER with a zero time. */
static inline void pt_close_rst(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* How many TCP sockets in HOST, other than listening ones, have local
 * port lport (IPv4 and IPv6 tables of the host's namespace). */
static inline int pt_conn_count(hn_net *net, const char *host, int lport)
{
	static const char *tables[] = { "/proc/thread-self/net/tcp",
					"/proc/thread-self/net/tcp6" };
	char line[512];
	unsigned port, state;
	int n = 0;

	hn_enter(net, host);
	for (int i = 0; i < 2; i++) {
		FILE *f = fopen(tables[i], "r");

		while (f != NULL && fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:"
				   "%*x %x", &port, &state) == 2 &&
			    (int)port == lport && state != 0x0A)  /* LISTEN */
				n++;
		if (f != NULL)
			fclose(f);
	}
	hn_leave(net);
	return n;
}

/* Waits until HOST has exactly want such connections. */
static inline bool pt_wait_conns(hn_net *net, const char *host, int lport,
				 int want, int timeout_ms)
{
	for (int ms = 0; pt_conn_count(net, host, lport) != want; ms++) {
		if (ms >= timeout_ms)
			return false;
		pt_nap();
	}
	return true;
}

/* Waits until the harness counts want zombies among p's children. */
static inline bool pt_wait_zombies(hn_proc *p, int want, int timeout_ms)
{
	for (int ms = 0; hn_zombies(p) != want; ms++) {
		if (ms >= timeout_ms)
			return false;
		pt_nap();
	}
	return true;
}

#endif
