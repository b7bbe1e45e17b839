/*
 * ch05test.h - what the tests of chapter 5 and lab 5 share.
 *
 * Processes: a server's children, their states (running, stopped,
 * zombie) and how a zombie ended, all read from /proc; a wait polls it
 * every millisecond until the event happens or the deadline passes.
 * Sockets: sending without SIGPIPE, reading a line with a deadline,
 * expecting an echo, counting a host's connections.  Connecting,
 * listening and aborting come from the test kit (harness/tkhelpers.h).
 */
#ifndef CH05TEST_H
#define CH05TEST_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

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
		tk_tick();
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
		tk_tick();
	}
	return true;
}

/* Stops a process and waits until it is stopped. */
static inline bool pt_stop(pid_t pid)
{
	return kill(pid, SIGSTOP) == 0 && pt_wait_state(pid, 'T', 2000);
}

/* ---- sockets ----------------------------------------------------------- */

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

/* Reads one line ending in '\n' within timeout_ms; NUL-terminates it.
 * Returns its length, 0 at end of file, -1 on error or at the deadline
 * (errno ETIMEDOUT). */
static inline ssize_t pt_read_line(int fd, char *buf, size_t size,
				   int timeout_ms)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < size) {
		if (!tk_readable(fd, timeout_ms)) {
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
		tk_tick();
	}
	return true;
}

/* Waits until the harness counts want zombies among p's children. */
static inline bool pt_wait_zombies(hn_proc *p, int want, int timeout_ms)
{
	for (int ms = 0; hn_zombies(p) != want; ms++) {
		if (ms >= timeout_ms)
			return false;
		tk_tick();
	}
	return true;
}

#endif
