/*
 * readio_test.c - unit tests of lib/readio.c on real descriptors:
 * socketpairs and pipes, a peer that sends in pieces or one byte at a
 * time, signals that interrupt a blocked read or write, closed
 * descriptors, and two threads reading lines at once.
 * (inject_test.c covers what only a fake read()/write() can arrange.)
 */
#include "lnp.h"
#include "testkit.h"
#include "testpeer.h"

#define MAX_PIECES 8
#define MAX_STEPS 64

static void make_pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

static void close_pair(int sv[2])
{
	close(sv[0]);
	close(sv[1]);
}

/* A peer that sends each piece only after the last one was read, so
 * that every read() returns exactly one piece; then end of file. */
static void pieces_script(struct tp_step *steps, int sv[2],
			  const char *const *pieces, bool eof)
{
	int n = 0;

	for (; *pieces != NULL; pieces++) {
		steps[n++] = (struct tp_step)TP_WRITE(sv[1], *pieces,
						      strlen(*pieces));
		steps[n++] = (struct tp_step)TP_WAIT_CONSUMED(sv[0]);
	}
	if (eof)
		steps[n++] = (struct tp_step)TP_SHUTDOWN_WR(sv[1]);
	steps[n] = (struct tp_step)TP_END;
}

/* ---- readn ------------------------------------------------------------- */

struct readn_case {
	const char *what;
	const char *pieces[MAX_PIECES];
	bool eof;               /* the peer shuts down after its pieces */
	size_t n;               /* bytes asked for */
	const char *want;       /* what readn must return, all of it */
};

static const struct readn_case readn_cases[] = {
	{ "12 bytes in one piece", { "hello world!" }, false, 12,
	  "hello world!" },
	{ "12 bytes in three pieces", { "hell", "o wo", "rld!" }, false, 12,
	  "hello world!" },
	{ "one byte at a time", { "a", "b", "c", "d", "e" }, false, 5,
	  "abcde" },
	{ "end of file after 3 of 12 bytes", { "abc" }, true, 12, "abc" },
	{ "end of file at once", { NULL }, true, 5, "" },
	{ "0 bytes asked for", { NULL }, false, 0, "" },
};

static void readn_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(readn_cases) / sizeof(readn_cases[0]); i++) {
		const struct readn_case *c = &readn_cases[i];
		struct tp_step steps[MAX_STEPS];
		struct tp_peer peer;
		char buf[64];
		int sv[2];
		ssize_t got;
		bool peer_ok;

		make_pair(sv);
		pieces_script(steps, sv, c->pieces, c->eof);
		tp_start(&peer, steps, sv[0]);
		memset(buf, 0, sizeof(buf));
		got = readn(sv[0], buf, c->n);
		peer_ok = tp_finish(&peer);
		TK_EXPECT(got == (ssize_t)strlen(c->want), "readn(%s) returned"
			  " %zd; expected %zu (%s)", c->what, got,
			  strlen(c->want), got < 0 ? strerror(errno) : "");
		TK_EXPECT(memcmp(buf, c->want, strlen(c->want)) == 0,
			  "readn(%s) read \"%s\"; expected \"%s\"", c->what,
			  buf, c->want);
		TK_EXPECT(peer_ok, "readn(%s): %s", c->what, peer.error);
		tp_free(&peer);
		close_pair(sv);
	}
}

/* readn must not read beyond the n bytes asked for: the rest belongs to
 * whoever reads next. */
static void readn_leaves_the_rest_unread(void **state)
{
	int sv[2];
	char buf[8];

	(void)state;
	make_pair(sv);
	assert_int_equal(write(sv[1], "abcdef", 6), 6);
	assert_int_equal(readn(sv[0], buf, 3), 3);
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(tp_unread(sv[0]), 3);
	close_pair(sv);
}

static void readn_through_a_pipe(void **state)
{
	int fds[2];
	char buf[16];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "pipe data", 9), 9);
	close(fds[1]);
	assert_int_equal(readn(fds[0], buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "pipe data", 9);
	assert_int_equal(readn(fds[0], buf, sizeof(buf)), 0);
	close(fds[0]);
}

/* ---- writen ------------------------------------------------------------ */

static char *pattern(size_t n)
{
	char *p = malloc(n);
	size_t i;

	assert_non_null(p);
	for (i = 0; i < n; i++)
		p[i] = (char)('a' + i % 26 + (i / 26) % 7);
	return p;
}

/* 1 MB is far more than a socket buffer holds: write() blocks until the
 * peer drains it, and writen must still hand over every byte in order. */
static void writen_a_megabyte(void **state)
{
	const size_t n = 1u << 20;
	char *data = pattern(n);
	int sv[2];
	struct tp_step steps[] = { TP_DRAIN(-1, n), TP_END };
	struct tp_peer peer;
	ssize_t put;
	bool peer_ok;

	(void)state;
	make_pair(sv);
	steps[0].fd = sv[1];
	tp_start(&peer, steps, sv[0]);
	put = writen(sv[0], data, n);
	peer_ok = tp_finish(&peer);
	TK_EXPECT(put == (ssize_t)n, "writen returned %zd for 1 MB (%s)",
		  put, put < 0 ? strerror(errno) : "");
	TK_EXPECT(peer_ok, "writen of 1 MB: %s", peer.error);
	assert_memory_equal(peer.drained, data, n);
	assert_int_equal(writen(sv[0], data, 0), 0);
	tp_free(&peer);
	free(data);
	close_pair(sv);
}

/* A signal arrives while write() is blocked with part of the data sent:
 * write() returns the part (a short write) and writen must go on. */
static void writen_survives_a_signal_mid_write(void **state)
{
	const size_t n = 1u << 20;
	char *data = pattern(n);
	int sv[2];
	struct tp_step steps[] = {
		TP_WAIT_BLOCKED(SYS_write), TP_SIGNAL(SIGUSR1),
		TP_WAIT_HANDLED(), TP_DRAIN(-1, n), TP_END,
	};
	struct tp_peer peer;
	ssize_t put;
	bool peer_ok;

	(void)state;
	make_pair(sv);
	steps[3].fd = sv[1];
	assert_true(signal_intr(SIGUSR1, tp_count_signal) != SIG_ERR);
	tp_start(&peer, steps, sv[0]);
	put = writen(sv[0], data, n);
	peer_ok = tp_finish(&peer);
	signal_install(SIGUSR1, SIG_DFL);
	TK_EXPECT(put == (ssize_t)n, "writen returned %zd of %zu bytes "
		  "after a signal cut a write short", put, n);
	TK_EXPECT(peer_ok, "writen interrupted mid-write: %s", peer.error);
	assert_memory_equal(peer.drained, data, n);
	tp_free(&peer);
	free(data);
	close_pair(sv);
}

/* Fills the socket's buffer so that the next write() blocks before it
 * has sent anything; returns how many bytes that took. */
static size_t fill_socket(int fd)
{
	char chunk[4096];
	size_t total = 0;
	int flags = fcntl(fd, F_GETFL);

	memset(chunk, 'z', sizeof(chunk));
	assert_int_equal(fcntl(fd, F_SETFL, flags | O_NONBLOCK), 0);
	for (;;) {
		ssize_t put = write(fd, chunk, sizeof(chunk));

		if (put < 0) {
			assert_int_equal(errno, EAGAIN);
			break;
		}
		total += (size_t)put;
		assert_true(total < (64u << 20));       /* bounded */
	}
	assert_int_equal(fcntl(fd, F_SETFL, flags), 0);
	return total;
}

/* The signal comes before write() has sent a byte: it fails with EINTR,
 * and writen must simply try again. */
static void writen_restarts_after_eintr(void **state)
{
	int sv[2];
	size_t filled;
	struct tp_step steps[] = {
		TP_WAIT_BLOCKED(SYS_write), TP_SIGNAL(SIGUSR1),
		TP_WAIT_HANDLED(), TP_DRAIN(-1, 0), TP_END,
	};
	struct tp_peer peer;
	ssize_t put;
	bool peer_ok;

	(void)state;
	make_pair(sv);
	filled = fill_socket(sv[0]);
	steps[3].fd = sv[1];
	steps[3].len = filled + 10;
	assert_true(signal_intr(SIGUSR1, tp_count_signal) != SIG_ERR);
	tp_start(&peer, steps, sv[0]);
	put = writen(sv[0], "0123456789", 10);
	peer_ok = tp_finish(&peer);
	signal_install(SIGUSR1, SIG_DFL);
	TK_EXPECT(put == 10, "writen returned %zd (%s) after a signal "
		  "interrupted a write that had sent nothing", put,
		  put < 0 ? strerror(errno) : "");
	TK_EXPECT(peer_ok, "writen after EINTR: %s", peer.error);
	assert_memory_equal(peer.drained + filled, "0123456789", 10);
	tp_free(&peer);
	close_pair(sv);
}

static void readn_restarts_after_eintr(void **state)
{
	int sv[2];
	char buf[16];
	struct tp_step steps[] = {
		TP_WRITE(-1, "hell", 4), TP_WAIT_CONSUMED(-1),
		TP_WAIT_BLOCKED(SYS_read), TP_SIGNAL(SIGUSR1),
		TP_WAIT_HANDLED(), TP_WRITE(-1, "o, world", 8), TP_END,
	};
	struct tp_peer peer;
	ssize_t got;
	bool peer_ok;

	(void)state;
	make_pair(sv);
	steps[0].fd = steps[5].fd = sv[1];
	steps[1].fd = sv[0];
	assert_true(signal_intr(SIGUSR1, tp_count_signal) != SIG_ERR);
	tp_start(&peer, steps, sv[0]);
	got = readn(sv[0], buf, 12);
	peer_ok = tp_finish(&peer);
	signal_install(SIGUSR1, SIG_DFL);
	TK_EXPECT(got == 12, "readn returned %zd (%s) when a signal "
		  "interrupted it after 4 of 12 bytes", got,
		  got < 0 ? strerror(errno) : "");
	TK_EXPECT(peer_ok, "readn after EINTR: %s", peer.error);
	assert_memory_equal(buf, "hello, world", 12);
	close_pair(sv);
}

/* ---- closed descriptors ------------------------------------------------ */

static void closed_descriptors_are_ebadf(void **state)
{
	int sv[2];
	struct linebuf lb;
	char buf[16];

	(void)state;
	make_pair(sv);
	close_pair(sv);         /* sv[0] is now a closed descriptor */
	errno = 0;
	assert_int_equal(readn(sv[0], buf, sizeof(buf)), -1);
	assert_int_equal(errno, EBADF);
	errno = 0;
	assert_int_equal(writen(sv[0], "x", 1), -1);
	assert_int_equal(errno, EBADF);
	linebuf_init(&lb, sv[0]);
	errno = 0;
	assert_int_equal(readline(&lb, buf, sizeof(buf)), -1);
	assert_int_equal(errno, EBADF);
}

/* Writing to a socket whose peer has closed fails with EPIPE (once
 * SIGPIPE, which would kill the process, is ignored). */
static void writen_to_a_closed_peer_is_epipe(void **state)
{
	int sv[2];
	sigfunc *old = signal_install(SIGPIPE, SIG_IGN);

	(void)state;
	make_pair(sv);
	close(sv[1]);
	errno = 0;
	assert_int_equal(writen(sv[0], "hello\n", 6), -1);
	assert_int_equal(errno, EPIPE);
	close(sv[0]);
	signal_install(SIGPIPE, old);
}

/* ---- readline ---------------------------------------------------------- */

struct line_case {
	const char *what;
	const char *pieces[MAX_PIECES];
	size_t maxlen;
	const char *want[MAX_PIECES];   /* each call's result; then 0 */
};

static const struct line_case line_cases[] = {
	{ "one line", { "hello\n" }, MAXLINE, { "hello\n" } },
	{ "two lines in one read", { "a\nb\n" }, MAXLINE, { "a\n", "b\n" } },
	{ "a 12-byte line split across three reads",
	  { "hell", "o wo", "rld\n" }, MAXLINE, { "hello world\n" } },
	{ "one byte at a time", { "a", "b", "\n", "c", "\n" }, MAXLINE,
	  { "ab\n", "c\n" } },
	{ "end of file in the middle of a line", { "abc\nde" }, MAXLINE,
	  { "abc\n", "de" } },
	{ "a line longer than the caller's buffer", { "abcdefghij\n" }, 4,
	  { "abc", "def", "ghi", "j\n" } },
	{ "a buffer of 2: one byte a call", { "ab\n" }, 2,
	  { "a", "b", "\n" } },
	{ "a line that exactly fills the buffer", { "abc\n" }, 5,
	  { "abc\n" } },
	{ "empty lines", { "\n\n", "x\n" }, MAXLINE, { "\n", "\n", "x\n" } },
	{ "a line and its end split", { "abc", "\n", "def\n" }, MAXLINE,
	  { "abc\n", "def\n" } },
	{ "carriage return kept", { "GET / HTTP/1.0\r\n" }, MAXLINE,
	  { "GET / HTTP/1.0\r\n" } },
	{ "end of file at once", { NULL }, MAXLINE, { NULL } },
};

/* What each readline() call of a case returned and stored. */
struct line_results {
	ssize_t got[MAX_PIECES + 1];
	char text[MAX_PIECES + 1][MAXLINE];
};

/* Calls readline once per expected line, and once more for the end of
 * file; checks nothing yet (the peer is still running). */
static void run_line_case(const struct line_case *c, struct linebuf *lb,
			  struct line_results *r)
{
	int i;

	for (i = 0; i == 0 || c->want[i - 1] != NULL; i++) {
		memset(r->text[i], 0, MAXLINE);
		r->got[i] = readline(lb, r->text[i], c->maxlen);
		if (r->got[i] <= 0)
			break;
	}
}

static void check_line_case(const struct line_case *c,
			    const struct line_results *r)
{
	int i;

	for (i = 0; c->want[i] != NULL; i++) {
		size_t want = strlen(c->want[i]);

		TK_EXPECT(r->got[i] == (ssize_t)want, "readline(%s), call "
			  "%d, returned %zd; expected %zu (\"%s\")", c->what,
			  i + 1, r->got[i], want, c->want[i]);
		TK_EXPECT(memcmp(r->text[i], c->want[i], want + 1) == 0,
			  "readline(%s), call %d, stored \"%.*s\"; expected "
			  "\"%s\", NUL-terminated", c->what, i + 1,
			  (int)want, r->text[i], c->want[i]);
	}
	TK_EXPECT(r->got[i] == 0, "readline(%s) returned %zd at end of "
		  "file; expected 0", c->what, r->got[i]);
}

static void readline_table(void **state)
{
	static struct line_results results[1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(line_cases) / sizeof(line_cases[0]); i++) {
		const struct line_case *c = &line_cases[i];
		struct tp_step steps[MAX_STEPS];
		struct tp_peer peer;
		struct linebuf lb;
		int sv[2];
		bool peer_ok;

		make_pair(sv);
		pieces_script(steps, sv, c->pieces, true);
		linebuf_init(&lb, sv[0]);
		tp_start(&peer, steps, sv[0]);
		run_line_case(c, &lb, results);
		peer_ok = tp_finish(&peer);
		close_pair(sv);
		check_line_case(c, results);
		TK_EXPECT(peer_ok, "readline(%s): %s", c->what, peer.error);
	}
}

/* The peer sends every byte in its own write, and waits for it to be
 * read before sending the next. */
static void readline_one_byte_at_a_time(void **state)
{
	static const char text[] = "one byte\nat a time\n";
	struct tp_step steps[2 * sizeof(text) + 2];
	struct tp_peer peer;
	struct linebuf lb;
	char first[64] = "", buf[64] = "";
	int sv[2];
	ssize_t a, b;
	bool peer_ok;

	(void)state;
	make_pair(sv);
	tp_trickle(steps, sv[1], sv[0], text);
	linebuf_init(&lb, sv[0]);
	tp_start(&peer, steps, sv[0]);
	a = readline(&lb, first, sizeof(first));
	b = readline(&lb, buf, sizeof(buf));
	peer_ok = tp_finish(&peer);
	TK_EXPECT(a == 9 && strcmp(first, "one byte\n") == 0, "readline "
		  "returned %zd bytes (\"%s\") for a 9-byte line sent one "
		  "byte at a time", a, a > 0 ? first : "");
	TK_EXPECT(b == 10 && strcmp(buf, "at a time\n") == 0, "readline "
		  "returned %zd bytes (\"%s\") for the second line", b,
		  b > 0 ? buf : "");
	TK_EXPECT(peer_ok, "one byte at a time: %s", peer.error);
	close_pair(sv);
}

/* A line longer than the reader's own buffer (MAXLINE) arrives in many
 * reads; with a big enough caller's buffer it still comes back whole. */
static void readline_longer_than_its_buffer(void **state)
{
	const size_t n = 3 * MAXLINE + 100;
	char *line = pattern(n + 1), *got = malloc(n + 2);
	int sv[2];
	struct tp_step steps[] = { TP_WRITE(-1, NULL, 0), TP_END };
	struct tp_peer peer;
	struct linebuf lb;
	ssize_t r;
	bool peer_ok;

	(void)state;
	line[n] = '\n';
	make_pair(sv);
	steps[0].fd = sv[1];
	steps[0].data = line;
	steps[0].len = n + 1;
	linebuf_init(&lb, sv[0]);
	tp_start(&peer, steps, sv[0]);
	r = readline(&lb, got, n + 2);
	peer_ok = tp_finish(&peer);
	TK_EXPECT(r == (ssize_t)n + 1, "readline returned %zd bytes of a "
		  "%zu-byte line", r, n + 1);
	TK_EXPECT(peer_ok, "long line: %s", peer.error);
	assert_memory_equal(got, line, n + 1);
	free(line);
	free(got);
	close_pair(sv);
}

/* Bytes are bytes: a NUL inside a line is stored like any other. */
static void readline_keeps_nul_bytes(void **state)
{
	int sv[2];
	struct linebuf lb;
	char buf[16];

	(void)state;
	make_pair(sv);
	assert_int_equal(write(sv[1], "a\0b\n", 4), 4);
	linebuf_init(&lb, sv[0]);
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "a\0b\n", 5);
	close_pair(sv);
}

static void readline_rejects_tiny_buffers(void **state)
{
	int sv[2];
	struct linebuf lb;
	char buf[4];

	(void)state;
	make_pair(sv);
	assert_int_equal(write(sv[1], "ab\n", 3), 3);
	linebuf_init(&lb, sv[0]);
	errno = 0;
	assert_int_equal(readline(&lb, buf, 1), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(readline(&lb, buf, 0), -1);
	assert_int_equal(errno, EINVAL);
	/* ...and lost nothing: the line is still there */
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "ab\n");
	close_pair(sv);
}

/* What was read from the descriptor and not yet returned is pending. */
static void linebuf_pending_counts_what_is_buffered(void **state)
{
	int sv[2];
	struct linebuf lb;
	char buf[16];

	(void)state;
	make_pair(sv);
	linebuf_init(&lb, sv[0]);
	assert_int_equal(linebuf_pending(&lb), 0);
	assert_int_equal(write(sv[1], "a\nbc\nd", 6), 6);
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 2);
	assert_int_equal(linebuf_pending(&lb), 4);
	assert_int_equal(tp_unread(sv[0]), 0);  /* all in lb now */
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 3);
	assert_int_equal(linebuf_pending(&lb), 1);
	close(sv[1]);
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 1);
	assert_int_equal(linebuf_pending(&lb), 0);
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 0);
	close(sv[0]);
}

static void readline_through_a_pipe(void **state)
{
	int fds[2];
	struct linebuf lb;
	char buf[16];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "one\ntwo", 7), 7);
	close(fds[1]);
	linebuf_init(&lb, fds[0]);
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "one\n");
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "two");
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 0);
	close(fds[0]);
}

static void readline_restarts_after_eintr(void **state)
{
	int sv[2];
	char buf[32];
	struct linebuf lb;
	struct tp_step steps[] = {
		TP_WRITE(-1, "half a ", 7), TP_WAIT_CONSUMED(-1),
		TP_WAIT_BLOCKED(SYS_read), TP_SIGNAL(SIGUSR1),
		TP_WAIT_HANDLED(), TP_WRITE(-1, "line\n", 5), TP_END,
	};
	struct tp_peer peer;
	ssize_t got;
	bool peer_ok;

	(void)state;
	make_pair(sv);
	steps[0].fd = steps[5].fd = sv[1];
	steps[1].fd = sv[0];
	linebuf_init(&lb, sv[0]);
	assert_true(signal_intr(SIGUSR1, tp_count_signal) != SIG_ERR);
	tp_start(&peer, steps, sv[0]);
	got = readline(&lb, buf, sizeof(buf));
	peer_ok = tp_finish(&peer);
	signal_install(SIGUSR1, SIG_DFL);
	TK_EXPECT(got == 12 && strcmp(buf, "half a line\n") == 0,
		  "readline returned %zd (%s) when a signal interrupted it "
		  "mid-line", got, got < 0 ? strerror(errno) : buf);
	TK_EXPECT(peer_ok, "readline after EINTR: %s", peer.error);
	close_pair(sv);
}

/* ---- two descriptors, two threads ------------------------------------- */

/* One reader per descriptor: lines read ahead from one must never come
 * back from the other (a shared static buffer would do exactly that). */
static void readline_keeps_descriptors_apart(void **state)
{
	int a[2], b[2];
	struct linebuf la, lb;
	char buf[16];

	(void)state;
	make_pair(a);
	make_pair(b);
	assert_int_equal(write(a[1], "a1\na2\n", 6), 6);
	assert_int_equal(write(b[1], "b1\nb2\n", 6), 6);
	shutdown(a[1], SHUT_WR);        /* end of file, not a hang, for */
	shutdown(b[1], SHUT_WR);        /* a reader that mixes them up */
	linebuf_init(&la, a[0]);
	linebuf_init(&lb, b[0]);
	assert_int_equal(readline(&la, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "a1\n");
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "b1\n");
	assert_int_equal(readline(&la, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "a2\n");
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "b2\n");
	close_pair(a);
	close_pair(b);
}

#define THREAD_LINES 2000

struct reader {
	char name;              /* 'A' or 'B': the lines it must see */
	int fd;
	pthread_barrier_t *start;
	int good;               /* lines that were its own, in order */
	char bad[64];           /* the first line that was not */
};

static void *read_lines(void *arg)
{
	struct reader *r = arg;
	struct linebuf lb;
	char buf[64], want[64];

	linebuf_init(&lb, r->fd);
	pthread_barrier_wait(r->start);
	while (r->good < THREAD_LINES) {
		ssize_t n = readline(&lb, buf, sizeof(buf));

		snprintf(want, sizeof(want), "%c %04d\n", r->name, r->good);
		if (n <= 0 || strcmp(buf, want) != 0) {
			snprintf(r->bad, sizeof(r->bad), "%s",
				 n <= 0 ? "(end of file or error)" : buf);
			break;
		}
		r->good++;
	}
	return NULL;
}

/* Writes each reader's lines, alternating, in pieces that cut lines in
 * two, so both threads are inside readline() at the same time.  Few,
 * big writes: each write() costs socket buffer space of its own, and
 * all must fit even if a reader stops early. */
static void write_lines(int fa, int fb)
{
	char text[2][THREAD_LINES * 8 + 1];
	size_t len = 0, off;
	int i;

	for (i = 0; i < THREAD_LINES; i++) {
		char line[16];

		snprintf(line, sizeof(line), "A %04d\n", i);
		memcpy(text[0] + len, line, 7);
		line[0] = 'B';
		memcpy(text[1] + len, line, 7);
		len += 7;
	}
	for (off = 0; off < len; off += 333) {
		size_t n = len - off < 333 ? len - off : 333;

		assert_int_equal(writen(fa, text[0] + off, n), (ssize_t)n);
		assert_int_equal(writen(fb, text[1] + off, n), (ssize_t)n);
	}
}

static void readline_two_threads_at_once(void **state)
{
	int a[2], b[2];
	pthread_barrier_t start;
	struct reader ra = { 'A', -1, &start, 0, "" };
	struct reader rb = { 'B', -1, &start, 0, "" };
	pthread_t ta, tb;

	(void)state;
	make_pair(a);
	make_pair(b);
	ra.fd = a[0];
	rb.fd = b[0];
	pthread_barrier_init(&start, NULL, 3);
	assert_int_equal(pthread_create(&ta, NULL, read_lines, &ra), 0);
	assert_int_equal(pthread_create(&tb, NULL, read_lines, &rb), 0);
	pthread_barrier_wait(&start);
	write_lines(a[1], b[1]);
	shutdown(a[1], SHUT_WR);        /* a reader that stopped early... */
	shutdown(b[1], SHUT_WR);        /* ...cannot block the other */
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&start);
	TK_EXPECT(ra.good == THREAD_LINES, "thread A read %d good lines, "
		  "then \"%s\"", ra.good, ra.bad);
	TK_EXPECT(rb.good == THREAD_LINES, "thread B read %d good lines, "
		  "then \"%s\"", rb.good, rb.bad);
	close_pair(a);
	close_pair(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(readn_table),
		TK_TEST(readn_leaves_the_rest_unread),
		TK_TEST(readn_through_a_pipe),
		TK_TEST(readn_restarts_after_eintr),
		TK_TEST(writen_a_megabyte),
		TK_TEST(writen_survives_a_signal_mid_write),
		TK_TEST(writen_restarts_after_eintr),
		TK_TEST(closed_descriptors_are_ebadf),
		TK_TEST(writen_to_a_closed_peer_is_epipe),
		TK_TEST(readline_table),
		TK_TEST(readline_one_byte_at_a_time),
		TK_TEST(readline_longer_than_its_buffer),
		TK_TEST(readline_keeps_nul_bytes),
		TK_TEST(readline_rejects_tiny_buffers),
		TK_TEST(linebuf_pending_counts_what_is_buffered),
		TK_TEST(readline_through_a_pipe),
		TK_TEST(readline_restarts_after_eintr),
		TK_TEST(readline_keeps_descriptors_apart),
		TK_TEST(readline_two_threads_at_once),
	};
	return TK_RUN("lib readio", tests);
}
