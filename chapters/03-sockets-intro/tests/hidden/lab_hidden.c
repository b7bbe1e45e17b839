/*
 * Lab 3 hidden tests (used when grading): the corners of the same
 * functions that the public tests do not show.
 */
#include "../labkit.h"

/* ---- 3.8 sock_ntop and friends ---------------------------------------- */

static void sock_ntop_shows_the_ipv6_scope(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len = lab_in6(&ss, "fe80::1", 22, 2);
	char buf[SOCK_NTOP_LEN];
	char *got;

	(void)state;
	got = sock_ntop(SA(&ss), len, buf, sizeof(buf));
	TK_EXPECT(got && strcmp(got, "[fe80::1%2]:22") == 0, "sock_ntop "
		  "gave \"%s\" for fe80::1 on interface 2, port 22; expected "
		  "\"[fe80::1%%2]:22\": a link-local address needs its scope",
		  got ? got : "NULL");
}

static void sock_ntop_never_overflows_the_buffer(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len = lab_in6(&ss, "2001:db8::1", 7, 0);
	char buf[32];
	size_t size;

	(void)state;
	/* "[2001:db8::1]:7" is 15 characters: it fits in 16 bytes, not 15 */
	for (size = 1; size <= 16; size++) {
		char *got;

		memset(buf, 'X', sizeof(buf));
		errno = 0;
		got = sock_ntop(SA(&ss), len, buf, size);
		TK_EXPECT(buf[size] == 'X', "sock_ntop wrote past the end of "
			  "a %zu-byte buffer", size);
		if (size < 16)
			TK_EXPECT(got == NULL && errno == ENOSPC, "sock_ntop "
				  "of [2001:db8::1]:7 into %zu bytes returned "
				  "%s (errno: %s); expected NULL with ENOSPC",
				  size, got ? "a string" : "NULL",
				  strerror(errno));
		else
			TK_EXPECT(got && strcmp(got, "[2001:db8::1]:7") == 0,
				  "sock_ntop of [2001:db8::1]:7 into 16 bytes "
				  "failed (errno: %s)", strerror(errno));
	}
}

/* Did sa end up holding the address in text (any port)? */
static bool holds(const struct sockaddr_storage *ss, const char *text)
{
	unsigned char want[16];
	const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		return inet_pton(AF_INET, text, want) == 1 &&
		       memcmp(&in->sin_addr, want, 4) == 0;
	return inet_pton(AF_INET6, text, want) == 1 &&
	       memcmp(&in6->sin6_addr, want, 16) == 0;
}

static void sock_set_addr_and_wild(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len = lab_in4(&ss, "192.0.2.1", 7);
	struct in_addr a4;
	char buf[SOCK_NTOP_LEN];
	char longpath[200];
	int r;

	(void)state;
	inet_pton(AF_INET, "203.0.113.5", &a4);
	r = sock_set_addr(SA(&ss), len, &a4);
	TK_EXPECT(r == 0 && holds(&ss, "203.0.113.5"), "after "
		  "sock_set_addr(203.0.113.5) returned %d the address is %s",
		  r, lab_show(&ss, buf, sizeof(buf)));
	r = sock_set_wild(SA(&ss), len);
	TK_EXPECT(r == 0 && holds(&ss, "0.0.0.0"), "after sock_set_wild "
		  "returned %d the IPv4 address is %s; expected 0.0.0.0", r,
		  lab_show(&ss, buf, sizeof(buf)));
	len = lab_in6(&ss, "2001:db8::1", 7, 0);
	r = sock_set_wild(SA(&ss), len);
	TK_EXPECT(r == 0 && holds(&ss, "::"), "after sock_set_wild returned"
		  " %d the IPv6 address is %s; expected ::", r,
		  lab_show(&ss, buf, sizeof(buf)));
	len = lab_un(&ss, "/tmp/old");
	r = sock_set_addr(SA(&ss), sizeof(struct sockaddr_un), "/tmp/new");
	TK_EXPECT(r == 0 && strcmp(((struct sockaddr_un *)&ss)->sun_path,
				   "/tmp/new") == 0, "sock_set_addr of the "
		  "path /tmp/new returned %d", r);
	memset(longpath, 'p', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	errno = 0;
	r = sock_set_addr(SA(&ss), sizeof(struct sockaddr_un), longpath);
	TK_EXPECT(r == -1 && errno == ENAMETOOLONG, "sock_set_addr of a "
		  "199-character path returned %d (errno: %s); sun_path holds "
		  "108 bytes: expected -1 with ENAMETOOLONG", r,
		  strerror(errno));
	errno = 0;
	r = sock_set_wild(SA(&ss), len);
	TK_EXPECT(r == -1 && errno == EAFNOSUPPORT, "sock_set_wild of a "
		  "Unix-domain address returned %d (errno: %s); expected -1 "
		  "with EAFNOSUPPORT", r, strerror(errno));
}

static void sock_cmp_rejects_bad_input(void **state)
{
	struct sockaddr_storage a, b;
	int r;

	(void)state;
	lab_in4(&a, "192.0.2.1", 7);
	lab_in4(&b, "192.0.2.1", 7);
	errno = 0;
	r = sock_cmp_addr(SA(&a), SA(&b), sizeof(struct sockaddr_in) - 1);
	TK_EXPECT(r == -1 && errno == EINVAL, "sock_cmp_addr with a length "
		  "one byte short of a sockaddr_in returned %d (errno: %s); "
		  "expected -1 with EINVAL", r, strerror(errno));
	lab_un(&a, "/tmp/a");
	lab_un(&b, "/tmp/a");
	r = sock_cmp_addr(SA(&a), SA(&b), sizeof(struct sockaddr_un));
	TK_EXPECT(r == 0, "sock_cmp_addr of two equal Unix paths returned "
		  "%d", r);
	errno = 0;
	r = sock_cmp_port(SA(&a), SA(&b), sizeof(struct sockaddr_un));
	TK_EXPECT(r == -1 && errno == EAFNOSUPPORT, "sock_cmp_port of two "
		  "Unix-domain addresses returned %d (errno: %s); they have no"
		  " ports: expected -1 with EAFNOSUPPORT", r, strerror(errno));
}

/* ---- 3.9 readn, writen and readline ----------------------------------- */

static void readline_restarts_after_eintr(void **state)
{
	int sv[2];
	struct linebuf lb;
	char line[32] = "";
	ssize_t n;
	bool peer_ok;
	struct tp_peer peer;
	struct tp_step steps[] = {
		TP_WRITE(-1, "half a ", 7), TP_WAIT_CONSUMED(-1),
		TP_WAIT_BLOCKED(SYS_read), TP_SIGNAL(SIGUSR1),
		TP_WAIT_HANDLED(), TP_WRITE(-1, "line\n", 5), TP_END,
	};

	(void)state;
	lab_need_short_reads_readline();        /* else EINTR is not to blame */
	lab_pair(sv);
	steps[0].fd = steps[5].fd = sv[1];
	steps[1].fd = sv[0];
	linebuf_init(&lb, sv[0]);
	signal_intr(SIGUSR1, tp_count_signal);
	tp_start(&peer, steps, sv[0]);
	n = readline(&lb, line, sizeof(line));
	peer_ok = tp_finish(&peer);
	signal_install(SIGUSR1, SIG_DFL);
	lab_close_pair(sv);
	TK_EXPECT(n == 12 && strcmp(line, "half a line\n") == 0, "readline "
		  "returned %zd (errno: %s) when a signal interrupted its "
		  "read() mid-line; EINTR is not an error: read again", n,
		  lab_err(n, errno));
	TK_EXPECT(peer_ok, "while readline ran: %s", peer.error);
}

/* Fills fd's send buffer, so that the next write() blocks at once. */
static size_t fill(int fd)
{
	char chunk[1024];
	size_t total = 0;
	int flags = fcntl(fd, F_GETFL);

	memset(chunk, 'z', sizeof(chunk));
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	while (total < (64u << 20)) {
		ssize_t put = write(fd, chunk, sizeof(chunk));

		if (put < 0)
			break;
		total += (size_t)put;
	}
	fcntl(fd, F_SETFL, flags);
	return total;
}

/* The signal comes before write() has sent anything: it fails with
 * EINTR and writen must try again. */
static void writen_restarts_after_eintr(void **state)
{
	int sv[2];
	ssize_t put;
	size_t full;
	bool peer_ok, tail_ok;
	struct tp_peer peer;
	struct tp_step steps[] = {
		TP_WAIT_BLOCKED(SYS_write), TP_SIGNAL(SIGUSR1),
		TP_WAIT_HANDLED(), TP_DRAIN(-1, 0), TP_END,
	};

	(void)state;
	lab_pair(sv);
	full = fill(sv[0]);
	steps[3].fd = sv[1];
	steps[3].len = full + 10;
	signal_intr(SIGUSR1, tp_count_signal);
	tp_start(&peer, steps, sv[0]);
	put = writen(sv[0], "0123456789", 10);
	peer_ok = tp_finish(&peer);
	signal_install(SIGUSR1, SIG_DFL);
	tail_ok = peer.drained_len == full + 10 &&
		  memcmp(peer.drained + full, "0123456789", 10) == 0;
	tp_free(&peer);
	lab_close_pair(sv);
	TK_EXPECT(put == 10, "writen returned %zd (errno: %s) when a signal "
		  "interrupted a write() that had sent nothing; EINTR is not "
		  "an error: write again", put, lab_err(put, errno));
	TK_EXPECT(peer_ok, "while writen ran: %s", peer.error);
	TK_EXPECT(tail_ok, "the peer did not receive the 10 bytes written");
}

static void closed_descriptors_give_ebadf(void **state)
{
	int sv[2];
	struct linebuf lb;
	char buf[8];
	ssize_t r;

	(void)state;
	lab_pair(sv);
	lab_close_pair(sv);
	errno = 0;
	r = readn(sv[0], buf, sizeof(buf));
	TK_EXPECT(r == -1 && errno == EBADF, "readn on a closed descriptor "
		  "returned %zd (errno: %s); expected -1 with EBADF", r,
		  strerror(errno));
	errno = 0;
	r = writen(sv[0], "x", 1);
	TK_EXPECT(r == -1 && errno == EBADF, "writen on a closed descriptor "
		  "returned %zd (errno: %s); expected -1 with EBADF", r,
		  strerror(errno));
	linebuf_init(&lb, sv[0]);
	errno = 0;
	r = readline(&lb, buf, sizeof(buf));
	TK_EXPECT(r == -1 && errno == EBADF, "readline on a closed "
		  "descriptor returned %zd (errno: %s); expected -1 with "
		  "EBADF", r, strerror(errno));
}

static void readline_rejects_a_buffer_without_room(void **state)
{
	int sv[2];
	struct linebuf lb;
	char buf[4] = "";
	ssize_t r;

	(void)state;
	lab_pair(sv);
	Write(sv[1], "ab\n", 3);
	linebuf_init(&lb, sv[0]);
	errno = 0;
	r = readline(&lb, buf, 1);
	TK_EXPECT(r == -1 && errno == EINVAL, "readline with maxlen 1 (room "
		  "for the NUL only) returned %zd (errno: %s); expected -1 "
		  "with EINVAL", r, strerror(errno));
	r = readline(&lb, buf, 2);
	TK_EXPECT(r == 1 && strcmp(buf, "a") == 0, "readline with maxlen 2 "
		  "returned %zd (\"%s\"); expected 1 byte, \"a\"", r, buf);
	lab_close_pair(sv);
}

/* A non-blocking socket runs dry in the middle of a line: readline fails
 * with EAGAIN, and the part it had read must come back with the rest. */
static void readline_keeps_a_partial_line_after_an_error(void **state)
{
	int sv[2];
	struct linebuf lb;
	char buf[32] = "";
	ssize_t r;

	(void)state;
	lab_pair(sv);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	linebuf_init(&lb, sv[0]);
	Write(sv[1], "abc", 3);
	errno = 0;
	r = readline(&lb, buf, sizeof(buf));
	TK_EXPECT(r == -1 && errno == EAGAIN, "on a non-blocking socket "
		  "holding \"abc\" (no newline), readline returned %zd "
		  "(errno: %s); expected -1 with EAGAIN", r, strerror(errno));
	Write(sv[1], "def\n", 4);
	r = readline(&lb, buf, sizeof(buf));
	lab_close_pair(sv);
	TK_EXPECT(r == 7 && strcmp(buf, "abcdef\n") == 0, "after EAGAIN in "
		  "the middle of \"abc\", then \"def\\n\", readline returned "
		  "%zd (\"%s\"); expected \"abcdef\\n\": the part read before "
		  "the error must not be lost", r, tk_shown(buf));
}

#define LINES 1000

struct reader {
	int fd;
	char name;
	int good;
	char bad[32];
};

static void *reader(void *arg)
{
	struct reader *r = arg;
	struct linebuf lb;
	char buf[32], want[32];

	linebuf_init(&lb, r->fd);
	while (r->good < LINES) {
		ssize_t n = readline(&lb, buf, sizeof(buf));

		snprintf(want, sizeof(want), "%c%d\n", r->name, r->good);
		if (n <= 0 || strcmp(buf, want) != 0) {
			snprintf(r->bad, sizeof(r->bad), "%s",
				 n <= 0 ? "(nothing)" : lab_esc(buf));
			break;
		}
		r->good++;
	}
	return NULL;
}

/* Both sockets' lines, written alternately in pieces that cut lines in
 * two.  Few, big writes: a socket's buffer must hold all of them even if
 * a reader stops early (each write() costs buffer space of its own). */
static void write_both(int fa, int fb)
{
	static char text[2][LINES * 8];
	size_t len[2] = { 0, 0 }, off;
	int i, s;

	for (i = 0; i < LINES; i++)
		for (s = 0; s < 2; s++)
			len[s] += (size_t)snprintf(text[s] + len[s],
						   sizeof(text[s]) - len[s],
						   "%c%d\n", "ab"[s], i);
	for (off = 0; off < len[0]; off += 257) {
		lab_put(fa, text[0] + off, len[0] - off < 257 ?
			len[0] - off : 257);
		lab_put(fb, text[1] + off, len[1] - off < 257 ?
			len[1] - off : 257);
	}
}

/* Two threads, each reading lines from its own socket, at once. */
static void readline_two_threads_at_once(void **state)
{
	int a[2], b[2];
	struct reader ra = { -1, 'a', 0, "" }, rb = { -1, 'b', 0, "" };
	pthread_t ta, tb;

	(void)state;
	lab_pair(a);
	lab_pair(b);
	ra.fd = a[0];
	rb.fd = b[0];
	pthread_create(&ta, NULL, reader, &ra);
	pthread_create(&tb, NULL, reader, &rb);
	write_both(a[1], b[1]);
	shutdown(a[1], SHUT_WR);
	shutdown(b[1], SHUT_WR);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	lab_close_pair(a);
	lab_close_pair(b);
	TK_EXPECT(ra.good == LINES && rb.good == LINES, "two threads reading"
		  " lines from two sockets at once: one read %d good lines "
		  "then \"%s\", the other %d then \"%s\"; readline must keep "
		  "all its state in the struct linebuf", ra.good, ra.bad,
		  rb.good, rb.bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LAB_TEST(sock_ntop_shows_the_ipv6_scope),
		LAB_TEST(sock_ntop_never_overflows_the_buffer),
		LAB_TEST(sock_set_addr_and_wild),
		LAB_TEST(sock_cmp_rejects_bad_input),
		LAB_TEST(readline_restarts_after_eintr),
		LAB_TEST(writen_restarts_after_eintr),
		LAB_TEST(closed_descriptors_give_ebadf),
		LAB_TEST(readline_rejects_a_buffer_without_room),
		LAB_TEST(readline_keeps_a_partial_line_after_an_error),
		LAB_TEST(readline_two_threads_at_once),
	};
	return TK_RUN("lab03 hidden", tests);
}
