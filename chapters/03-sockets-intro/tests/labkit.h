/*
 * labkit.h - what lab 3's public and hidden tests share: a watchdog per
 * test, addresses built from text, and socketpairs.  The scripted peer
 * that sends in pieces and interrupts reads with signals is
 * lib/tests/testpeer.h.
 */
#ifndef LABKIT_H
#define LABKIT_H

#include "lnp.h"
#include "testkit.h"
#include "tests/testpeer.h"     /* lib/tests/testpeer.h */

/* ---- a watchdog: a test that loops for ever is stopped, with a reason */

#define LAB_WATCHDOG_S 20

static inline void lab_watchdog_fired(int signo)
{
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "%s was still running after %d s "
			 "and was stopped: a loop that never ends (read() "
			 "returning 0 means end of file), or a read() "
			 "waiting for data that was never sent?\n",
			 tk_current_test, LAB_WATCHDOG_S);

	(void)signo;
	if (write(STDERR_FILENO, msg, (size_t)n) < 0)
		_exit(3);
	_exit(3);
}

static inline int lab_setup(void **state)
{
	tk_begin(state);
	signal_install(SIGALRM, lab_watchdog_fired);
	signal_install(SIGPIPE, SIG_IGN);       /* EPIPE instead of death */
	alarm(LAB_WATCHDOG_S);
	return 0;
}

static inline int lab_teardown(void **state)
{
	(void)state;
	alarm(0);
	return 0;
}

#define LAB_TEST(f) { #f, f, lab_setup, lab_teardown, (void *)#f }

/* ---- addresses ---------------------------------------------------------- */

static inline socklen_t lab_in4(struct sockaddr_storage *ss,
				const char *ip, int port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &in->sin_addr) != 1)
		abort();
	return sizeof(*in);
}

static inline socklen_t lab_in6(struct sockaddr_storage *ss,
				const char *ip, int port, uint32_t scope)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons((uint16_t)port);
	in6->sin6_scope_id = scope;
	if (inet_pton(AF_INET6, ip, &in6->sin6_addr) != 1)
		abort();
	return sizeof(*in6);
}

/* A path ("/tmp/x"), an abstract name ("@name": the kernel's form is a
 * NUL then the name), or NULL for an unnamed socket.  Returns salen as
 * the kernel would report it. */
static inline socklen_t lab_un(struct sockaddr_storage *ss, const char *name)
{
	struct sockaddr_un *un = (struct sockaddr_un *)ss;
	socklen_t base = offsetof(struct sockaddr_un, sun_path);

	memset(ss, 0, sizeof(*ss));
	un->sun_family = AF_UNIX;
	if (name == NULL)
		return base;
	if (name[0] == '@') {
		memcpy(un->sun_path + 1, name + 1, strlen(name) - 1);
		return base + (socklen_t)strlen(name);
	}
	strcpy(un->sun_path, name);
	return base + (socklen_t)strlen(name) + 1;
}

#define SA(ss) ((struct sockaddr *)(ss))

/* An IP address as text for a failure message, made without the
 * student's sock_ntop (which may be what is wrong). */
static inline const char *lab_show(const struct sockaddr_storage *ss,
				   char *buf, size_t size)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
	size_t used;

	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &in->sin_addr, buf, (socklen_t)size);
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &in6->sin6_addr, buf, (socklen_t)size);
	else
		snprintf(buf, size, "(family %d)", ss->ss_family);
	used = strlen(buf);
	snprintf(buf + used, size - used, " port %d", ntohs(in->sin_port));
	return buf;
}

/* ---- descriptors -------------------------------------------------------- */

/* How long a read() on the test's sockets waits for bytes before it
 * fails with EAGAIN.  The test's peer sends everything it will send
 * within milliseconds, so a function still waiting after this long waits
 * for bytes that will never come: it fails now instead of hanging. */
#define LAB_READ_TIMEOUT_MS 1000

static inline void lab_pair(int sv[2])
{
	struct timeval tv = { LAB_READ_TIMEOUT_MS / 1000,
			      LAB_READ_TIMEOUT_MS % 1000 * 1000 };

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		TK_FAIL("socketpair: %s", strerror(errno));
	for (int i = 0; i < 2; i++)
		if (setsockopt(sv[i], SOL_SOCKET, SO_RCVTIMEO, &tv,
			       sizeof(tv)) < 0)
			TK_FAIL("SO_RCVTIMEO: %s", strerror(errno));
}

static inline void lab_close_pair(int sv[2])
{
	close(sv[0]);
	close(sv[1]);
}

/* Writes all of buf with the test's own loop: a test must not depend on
 * the student's writen to feed the student's readline. */
static inline void lab_put(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t put = write(fd, buf, n);

		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			TK_FAIL("the test's own write failed: %s",
				strerror(errno));
		buf += put;
		n -= (size_t)put;
	}
}

/* A line for a failure message: "\n" shown as \n, at most ~60 bytes.
 * Returns one of 8 rotating buffers, so one message can show several. */
static inline const char *lab_esc(const char *s)
{
	static char ring[8][80];
	static int next;
	char *out = ring[next++ % 8];
	size_t used = 0;

	for (; *s != '\0' && used < 60; s++) {
		if (*s == '\n') {
			out[used++] = '\\';
			out[used++] = 'n';
		} else {
			out[used++] = *s;
		}
	}
	out[used] = '\0';
	return out;
}

/* errno's text for a failure message, or "no error" after a success. */
static inline const char *lab_err(long result, int err)
{
	if (result >= 0)
		return "no error";
	if (err == EAGAIN)      /* the receive timeout of lab_pair */
		return "EAGAIN: the read() was still waiting 1 s later, for "
		       "bytes the peer never sent";
	return strerror(err);
}

/* ---- a function that may never return, run where it can be stopped -- */

enum lab_bounded { LAB_RETURNED, LAB_STILL_RUNNING, LAB_DIED };

/* Runs fn(arg, result) in a child process and copies result back.  A
 * function under test that loops for ever (taking read()'s 0, end of
 * file, for "nothing yet") is killed after timeout_ms, so the test can
 * say so at once instead of the whole program hanging. */
static inline enum lab_bounded lab_run_bounded(void (*fn)(void *, void *),
					       void *arg, void *result,
					       size_t size, int timeout_ms)
{
	struct pollfd pfd = { .events = POLLIN };
	long deadline = tp_now_ms() + timeout_ms;
	enum lab_bounded how = LAB_STILL_RUNNING;
	int p[2], ready = 0;
	pid_t pid;

	if (pipe(p) < 0 || (pid = fork()) < 0)
		TK_FAIL("the test could not start a process: %s",
			strerror(errno));
	if (pid == 0) {
		close(p[0]);
		fn(arg, result);
		_exit(write(p[1], result, size) == (ssize_t)size ? 0 : 1);
	}
	close(p[1]);
	pfd.fd = p[0];
	while (ready == 0 && tp_now_ms() < deadline) {
		ready = poll(&pfd, 1, (int)(deadline - tp_now_ms()));
		if (ready < 0 && errno == EINTR)
			ready = 0;
	}
	if (ready > 0)
		how = read(p[0], result, size) == (ssize_t)size ?
		      LAB_RETURNED : LAB_DIED;
	if (how == LAB_STILL_RUNNING)
		kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(p[0]);
	return how;
}

/* ---- short reads, the lesson the EINTR tests need first ---------------- */

/* What one call of the function under test gave, and what the peer saw. */
struct lab_run {
	ssize_t n;
	int err;                /* errno after the call */
	char text[64];          /* what it stored (NUL-terminated here) */
	bool peer_ok;
	char peer_error[512];
};

/* readn(12) while the peer sends "hello " and, once that has been read,
 * "world!": two short reads, no signal. */
static inline struct lab_run lab_readn_in_two_pieces(void)
{
	struct lab_run r;
	struct tp_peer peer;
	int sv[2];
	struct tp_step steps[] = {
		TP_WRITE(-1, "hello ", 6), TP_WAIT_CONSUMED(-1),
		TP_WRITE(-1, "world!", 6), TP_END,
	};

	memset(&r, 0, sizeof(r));
	lab_pair(sv);
	steps[0].fd = steps[2].fd = sv[1];
	steps[1].fd = sv[0];
	tp_start(&peer, steps, sv[0]);
	r.n = readn(sv[0], r.text, 12);
	r.err = errno;
	r.peer_ok = tp_finish(&peer);
	snprintf(r.peer_error, sizeof(r.peer_error), "%s", peer.error);
	lab_close_pair(sv);
	return r;
}

/* readline of "hello world\n", which the peer sends in three pieces of
 * 4 bytes, each once the one before has been read: no signal. */
static inline struct lab_run lab_readline_in_three_pieces(void)
{
	struct lab_run r;
	struct tp_peer peer;
	struct linebuf lb;
	int sv[2];
	struct tp_step steps[] = {
		TP_WRITE(-1, "hell", 4), TP_WAIT_CONSUMED(-1),
		TP_WRITE(-1, "o wo", 4), TP_WAIT_CONSUMED(-1),
		TP_WRITE(-1, "rld\n", 4), TP_WAIT_CONSUMED(-1), TP_END,
	};

	memset(&r, 0, sizeof(r));
	memset(r.text, '#', sizeof(r.text) - 1);        /* shows a lost NUL */
	lab_pair(sv);
	steps[0].fd = steps[2].fd = steps[4].fd = sv[1];
	steps[1].fd = steps[3].fd = steps[5].fd = sv[0];
	linebuf_init(&lb, sv[0]);
	tp_start(&peer, steps, sv[0]);
	r.n = readline(&lb, r.text, sizeof(r.text) - 1);
	r.err = errno;
	r.peer_ok = tp_finish(&peer);
	snprintf(r.peer_error, sizeof(r.peer_error), "%s", peer.error);
	lab_close_pair(sv);
	return r;
}

/* An EINTR test checks first that the function gets through plain short
 * reads: one that does not fails the EINTR test too, and the student
 * must be sent to the lesson that is really missing. */
static inline void lab_need_short_reads_readn(void)
{
	struct lab_run r = lab_readn_in_two_pieces();

	TK_EXPECT(r.n == 12 && memcmp(r.text, "hello world!", 12) == 0,
		  "before any signal: readn returned %zd (errno: %s) for 12 "
		  "bytes sent in two writes of 6, with no signal at all. That "
		  "is a short read, not EINTR: a read() returns what has "
		  "arrived, so loop until all 12 are in (3.9, \"A short "
		  "read\"; test readn_reads_across_short_reads)", r.n,
		  lab_err(r.n, r.err));
}

static inline void lab_need_short_reads_readline(void)
{
	struct lab_run r = lab_readline_in_three_pieces();

	TK_EXPECT(r.n == 12 && strcmp(r.text, "hello world\n") == 0,
		  "before any signal: readline returned %zd (errno: %s) for "
		  "the line \"hello world\\n\" sent in three pieces, with no "
		  "signal at all. That is a short read, not EINTR: refill the "
		  "buffer until the '\\n' comes (3.9, \"A short read\"; test "
		  "readline_joins_a_line_split_across_reads)", r.n,
		  lab_err(r.n, r.err));
}

#endif /* LABKIT_H */
