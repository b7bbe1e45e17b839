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
