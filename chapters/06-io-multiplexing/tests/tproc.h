/*
 * tproc.h - test helpers for chapters 6, 7 and 8: run a program with its
 * standard input, output and error on pipes, wait for a line it prints or
 * for its exit with a deadline, and connect to it.
 *
 * Every process started here is killed and reaped by tproc_cleanup(),
 * which TP_TEST runs after each test (pass or fail), and by an atexit
 * handler; each child also dies with the test binary (PR_SET_PDEATHSIG),
 * so nothing is left behind on a crash or Ctrl-C.
 */
#ifndef TPROC_H
#define TPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "testkit.h"

struct tproc {
	pid_t pid;
	int in;                 /* its stdin, or -1 once closed */
	int out, err;           /* its stdout and stderr, -1 at end of file */
	char *outbuf, *errbuf;  /* everything it printed so far (NUL ended) */
	size_t outlen, errlen;
	size_t outseen;         /* tproc_line() consumed up to here */
	bool exited;
	int status;             /* wait status, once exited */
};

/* Like TK_TEST, but kills every process the test started when it ends,
 * then runs TK_TEST's own teardown (the harness's networks go down). */
int tproc_teardown(void **state);
#define TP_TEST(f) { #f, f, tk_begin, tproc_teardown, (void *)#f }

/* Starts argv[0] (a path) with argv; fails the test if it cannot. */
struct tproc *tproc_start(char *const argv[]);
/* Starts a program built for chapter ch: tk_path("ch/CH/NAME"). */
struct tproc *tproc_run(const char *ch, const char *name, ...)
	__attribute__((sentinel));

/* Waits for a line on stdout that contains needle (after the lines an
 * earlier call consumed); returns it (allocated) or NULL at the deadline
 * or when the program ends first. */
char *tproc_line(struct tproc *p, const char *needle, int timeout_ms);
/* The same, for a test that only needs to know whether it came. */
bool tproc_saw(struct tproc *p, const char *needle, int timeout_ms);
/* The same on stderr (searches everything printed so far). */
bool tproc_err_has(struct tproc *p, const char *needle, int timeout_ms);
/* Waits for "listening on port N" and returns N; fails the test if it
 * does not come within timeout_ms. */
int tproc_port(struct tproc *p, int timeout_ms);

/* Writes len bytes to its stdin while collecting its output, then closes
 * stdin.  Returns false if the deadline passed first. */
bool tproc_feed(struct tproc *p, const void *data, size_t len,
		int timeout_ms);
void tproc_close_stdin(struct tproc *p);
/* Waits for the process to exit, collecting output.  True if it did. */
bool tproc_wait(struct tproc *p, int timeout_ms);
/* Sends sig; then tproc_wait() to see it go. */
void tproc_signal(struct tproc *p, int sig);
/* Kills (SIGKILL) and reaps every process started so far. */
void tproc_cleanup(void);

/* A program run with bad arguments, and what it must say on stderr. */
struct tproc_bad_args {
	const char *prog;
	const char *args[4];
	const char *want;
};
/* Runs each of chapter ch's programs with its bad arguments: each must
 * exit with status 1 within 2 s, saying `want` on stderr. */
void tproc_expect_bad_args(const char *ch, const struct tproc_bad_args *c,
			   size_t n);

/* Milliseconds from a monotonic clock. */
long long tp_now_ms(void);
/* The IPv4 address tp_connect() and tp_server_addr() use: 127.0.0.1
 * unless a test sets another (a host of a harness network).  Reset to
 * 127.0.0.1 after every test. */
void tp_set_server(const char *ipv4);
void tp_server_addr(struct sockaddr_in *sin, int port);
/* A TCP connection to the server's address and port, blocking; fails the
 * test if the connection is refused. */
int tp_connect(int port);
/* Reads until n bytes arrived, end of file or the deadline; returns the
 * number read. */
size_t tp_read_n(int fd, void *buf, size_t n, int timeout_ms);
/* Reads until a '\n' arrived (or deadline/EOF); NUL-terminates; returns
 * the number of bytes read. */
size_t tp_read_line(int fd, char *buf, size_t size, int timeout_ms);
/* Waits until fd is readable (or at EOF/error); false at the deadline. */
bool tp_readable(int fd, int timeout_ms);
/* Closes fd so that the peer gets a RST (SO_LINGER with zero time). */
void tp_close_rst(int fd);

#endif
