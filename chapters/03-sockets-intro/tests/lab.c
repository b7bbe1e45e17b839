/*
 * Lab 3 public tests: the sock_ntop family (section 3.8) and readn,
 * writen and readline (section 3.9).  Run them with `make lab-03`.
 *
 * Reads and writes go through a socketpair whose other end is played by
 * a peer thread (lib/tests/testpeer.h) that sends a line in pieces, one
 * byte at a time, or interrupts a blocked read with a signal: each piece
 * is sent only once the one before it has been read, so every run sees
 * the same reads.
 */
#include "labkit.h"

/* ---- 3.8 sock_ntop and friends ---------------------------------------- */

struct ntop_case {
	const char *what;
	struct sockaddr_storage ss;
	socklen_t salen;
	const char *want;
};

/* The port of an IP address with its two bytes the other way round:
 * what a program shows that forgot ntohs() on a little-endian machine. */
static int swapped_port(const struct sockaddr_storage *ss)
{
	uint16_t net = ((const struct sockaddr_in *)ss)->sin_port;

	return (int)net == ntohs(net) ? -1 : (int)net;
}

/* Did sock_ntop show the port in network byte order, "...:1792" for 7? */
static bool shows_port(const char *got, int port)
{
	char tail[16];
	size_t len = (size_t)snprintf(tail, sizeof(tail), ":%d", port);
	size_t glen = strlen(got);

	return port >= 0 && glen > len && strcmp(got + glen - len, tail) == 0;
}

/* Calls sock_ntop on each case and compares with what it should say. */
static void check_ntop_cases(struct ntop_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char buf[SOCK_NTOP_LEN] = "";
		char *got;
		int swapped = -1;

		if (cases[i].ss.ss_family != AF_UNIX)
			swapped = swapped_port(&cases[i].ss);
		errno = 0;
		got = sock_ntop(SA(&cases[i].ss), cases[i].salen, buf,
				sizeof(buf));
		TK_EXPECT(got != NULL, "sock_ntop returned NULL (errno: %s) "
			  "for %s; expected \"%s\"", strerror(errno),
			  cases[i].what, cases[i].want);
		TK_EXPECT(!shows_port(got, swapped), "sock_ntop gave \"%s\" "
			  "for %s: the port's two bytes are the wrong way "
			  "round. sin_port holds network byte order: ntohs() "
			  "gives the number (see 3.4 Byte ordering functions)",
			  got, cases[i].what);
		TK_EXPECT(cases[i].ss.ss_family != AF_INET6 || got[0] == '[',
			  "sock_ntop gave \"%s\" for %s; expected \"%s\": an "
			  "IPv6 address goes in brackets, or its colons run "
			  "into the port's", got, cases[i].what,
			  cases[i].want);
		TK_EXPECT(strcmp(got, cases[i].want) == 0, "sock_ntop gave "
			  "\"%s\" for %s; expected \"%s\"", got,
			  cases[i].what, cases[i].want);
		TK_EXPECT(got == buf, "sock_ntop must return the caller's "
			  "buffer, buf, not a buffer of its own");
	}
}

static void sock_ntop_formats_ipv4(void **state)
{
	struct ntop_case c[3] = {
		{ .what = "192.0.2.1 port 7", .want = "192.0.2.1:7" },
		{ .what = "203.0.113.255 port 65535",
		  .want = "203.0.113.255:65535" },
		{ .what = "0.0.0.0 port 0 (the wildcard)",
		  .want = "0.0.0.0:0" },
	};

	(void)state;
	c[0].salen = lab_in4(&c[0].ss, "192.0.2.1", 7);
	c[1].salen = lab_in4(&c[1].ss, "203.0.113.255", 65535);
	c[2].salen = lab_in4(&c[2].ss, "0.0.0.0", 0);
	check_ntop_cases(c, 3);
}

static void sock_ntop_formats_ipv6(void **state)
{
	struct ntop_case c[3] = {
		{ .what = "2001:db8::1 port 7", .want = "[2001:db8::1]:7" },
		{ .what = "::1 port 9877", .want = "[::1]:9877" },
		{ .what = "2001:db8:1:2:3:4:5:6 port 80",
		  .want = "[2001:db8:1:2:3:4:5:6]:80" },
	};

	(void)state;
	c[0].salen = lab_in6(&c[0].ss, "2001:db8::1", 7, 0);
	c[1].salen = lab_in6(&c[1].ss, "::1", 9877, 0);
	c[2].salen = lab_in6(&c[2].ss, "2001:db8:1:2:3:4:5:6", 80, 0);
	check_ntop_cases(c, 3);
}

static void sock_ntop_formats_unix(void **state)
{
	struct ntop_case c[3] = {
		{ .what = "the Unix path /tmp/lab3.sock",
		  .want = "/tmp/lab3.sock" },
		{ .what = "the abstract name \\0lab3 (a NUL, then lab3)",
		  .want = "@lab3" },
		{ .what = "an unnamed Unix socket (salen 2)",
		  .want = "(unnamed)" },
	};

	(void)state;
	c[0].salen = lab_un(&c[0].ss, "/tmp/lab3.sock");
	c[1].salen = lab_un(&c[1].ss, "@lab3");
	c[2].salen = lab_un(&c[2].ss, NULL);
	check_ntop_cases(c, 3);
}

/* Bad input: an error with the right errno, never garbage. */
static void sock_ntop_rejects_bad_input(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len = lab_in4(&ss, "192.0.2.1", 7);
	char buf[SOCK_NTOP_LEN], tiny[11];
	char *got;

	(void)state;
	errno = 0;
	got = sock_ntop(SA(&ss), len - 1, buf, sizeof(buf));
	TK_EXPECT(got == NULL && errno == EINVAL, "sock_ntop of an IPv4 "
		  "address with salen %u, one byte short of a sockaddr_in, "
		  "returned %s (errno: %s); expected NULL with EINVAL",
		  (unsigned)len - 1, got ? got : "NULL", strerror(errno));
	len = lab_in6(&ss, "2001:db8::1", 7, 0);
	errno = 0;
	got = sock_ntop(SA(&ss), sizeof(struct sockaddr_in), buf,
			sizeof(buf));
	TK_EXPECT(got == NULL && errno == EINVAL, "sock_ntop of an IPv6 "
		  "address with the length of an IPv4 one returned %s "
		  "(errno: %s); expected NULL with EINVAL", got ? got : "NULL",
		  strerror(errno));
	ss.ss_family = 12345;
	errno = 0;
	got = sock_ntop(SA(&ss), len, buf, sizeof(buf));
	TK_EXPECT(got == NULL && errno == EAFNOSUPPORT, "sock_ntop of an "
		  "address of unknown family 12345 returned %s (errno: %s); "
		  "expected NULL with EAFNOSUPPORT", got ? got : "NULL",
		  strerror(errno));
	len = lab_in4(&ss, "192.0.2.1", 7);
	errno = 0;
	got = sock_ntop(SA(&ss), len, tiny, sizeof(tiny));
	TK_EXPECT(got == NULL && errno == ENOSPC, "sock_ntop of 192.0.2.1:7 "
		  "(11 characters and a NUL) into an 11-byte buffer returned "
		  "%s (errno: %s); expected NULL with ENOSPC",
		  got ? "a string" : "NULL", strerror(errno));
}

static void sock_ntop_host_leaves_out_the_port(void **state)
{
	struct sockaddr_storage a, b, c;
	socklen_t la = lab_in4(&a, "198.51.100.7", 80);
	socklen_t lb = lab_in6(&b, "2001:db8::7", 80, 0);
	socklen_t lc = lab_un(&c, "/tmp/lab3.sock");
	char buf[SOCK_NTOP_LEN];
	char *got;

	(void)state;
	got = sock_ntop_host(SA(&a), la, buf, sizeof(buf));
	TK_EXPECT(got && strcmp(got, "198.51.100.7") == 0, "sock_ntop_host"
		  " gave \"%s\" (errno: %s) for 198.51.100.7 port 80; "
		  "expected \"198.51.100.7\"", got ? got : "NULL",
		  strerror(errno));
	got = sock_ntop_host(SA(&b), lb, buf, sizeof(buf));
	TK_EXPECT(got && strcmp(got, "2001:db8::7") == 0, "sock_ntop_host "
		  "gave \"%s\" for 2001:db8::7 port 80; expected "
		  "\"2001:db8::7\" (no brackets, no port)",
		  got ? got : "NULL");
	got = sock_ntop_host(SA(&c), lc, buf, sizeof(buf));
	TK_EXPECT(got && strcmp(got, "/tmp/lab3.sock") == 0, "sock_ntop_host"
		  " gave \"%s\" for the path /tmp/lab3.sock", got ? got :
		  "NULL");
}

/* The port field holds network byte order: 9877 = 0x2695 is stored as
 * the bytes 0x26, 0x95, whatever the machine. */
static void sock_ports_are_in_network_byte_order(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len = lab_in4(&ss, "192.0.2.1", 7);
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	const unsigned char *bytes = (const unsigned char *)&in->sin_port;
	int got, r;

	(void)state;
	got = sock_get_port(SA(&ss), len);
	TK_EXPECT(swapped_port(&ss) < 0 || got != swapped_port(&ss),
		  "sock_get_port returned %d for "
		  "192.0.2.1 port 7: the port's bytes the wrong way round "
		  "(ntohs() converts sin_port; see 3.4 Byte ordering "
		  "functions)", got);
	TK_EXPECT(got == 7, "sock_get_port returned %d for 192.0.2.1 port 7 "
		  "(errno: %s)", got, lab_err(got, errno));
	r = sock_set_port(SA(&ss), len, 9877);
	TK_EXPECT(r == 0, "sock_set_port(9877) failed (errno: %s)",
		  strerror(errno));
	TK_EXPECT(bytes[0] == 0x26 && bytes[1] == 0x95, "after "
		  "sock_set_port(9877) the port's bytes are %02x %02x; "
		  "expected 26 95, network byte order: store htons(port) "
		  "(see 3.4 Byte ordering functions)", bytes[0], bytes[1]);
	len = lab_in6(&ss, "2001:db8::1", 65535, 0);
	got = sock_get_port(SA(&ss), len);
	TK_EXPECT(got == 65535, "sock_get_port returned %d for IPv6 port "
		  "65535", got);
	errno = 0;
	r = sock_set_port(SA(&ss), len, 65536);
	TK_EXPECT(r == -1 && errno == EINVAL, "sock_set_port(65536) "
		  "returned %d (errno: %s); a port has 16 bits: expected -1 "
		  "with EINVAL", r, strerror(errno));
	len = lab_un(&ss, "/tmp/lab3.sock");
	errno = 0;
	got = sock_get_port(SA(&ss), len);
	TK_EXPECT(got == -1 && errno == EAFNOSUPPORT, "sock_get_port of a "
		  "Unix-domain address returned %d (errno: %s); it has no "
		  "port: expected -1 with EAFNOSUPPORT", got, strerror(errno));
}

static void sock_cmp_addr_compares_addresses_not_ports(void **state)
{
	struct sockaddr_storage a, b;
	socklen_t len = sizeof(struct sockaddr_in6);
	int r;

	(void)state;
	lab_in4(&a, "192.0.2.1", 7);
	lab_in4(&b, "192.0.2.1", 8);
	r = sock_cmp_addr(SA(&a), SA(&b), sizeof(struct sockaddr_in));
	TK_EXPECT(r == 0, "sock_cmp_addr(192.0.2.1:7, 192.0.2.1:8) returned "
		  "%d (errno: %s); the addresses are the same: expected 0", r,
		  lab_err(r, errno));
	lab_in4(&b, "192.0.2.2", 7);
	r = sock_cmp_addr(SA(&a), SA(&b), sizeof(struct sockaddr_in));
	TK_EXPECT(r == 1, "sock_cmp_addr(192.0.2.1:7, 192.0.2.2:7) returned "
		  "%d; expected 1 (different)", r);
	r = sock_cmp_port(SA(&a), SA(&b), sizeof(struct sockaddr_in));
	TK_EXPECT(r == 0, "sock_cmp_port(192.0.2.1:7, 192.0.2.2:7) returned "
		  "%d (errno: %s); expected 0 (same port)", r,
		  lab_err(r, errno));
	lab_in6(&a, "2001:db8::1", 7, 0);
	lab_in6(&b, "2001:db8::1", 9, 0);
	r = sock_cmp_addr(SA(&a), SA(&b), len);
	TK_EXPECT(r == 0, "sock_cmp_addr([2001:db8::1]:7, [2001:db8::1]:9) "
		  "returned %d; expected 0", r);
	lab_in4(&b, "192.0.2.1", 7);
	r = sock_cmp_addr(SA(&a), SA(&b), len);
	TK_EXPECT(r == 1, "sock_cmp_addr of an IPv6 and an IPv4 address "
		  "returned %d; a different family is simply different: "
		  "expected 1", r);
}

static void sock_bind_wild_reports_the_port(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char buf[SOCK_NTOP_LEN];
	int fd = Socket(AF_INET, SOCK_DGRAM, 0);
	int port = sock_bind_wild(fd, AF_INET);

	(void)state;
	TK_EXPECT(port > 0, "sock_bind_wild(AF_INET) returned %d (errno: "
		  "%s); expected the port the kernel chose", port,
		  lab_err(port, errno));
	Getsockname(fd, SA(&ss), &len);
	TK_EXPECT(ntohs(((struct sockaddr_in *)&ss)->sin_port) == port,
		  "sock_bind_wild returned %d, but getsockname says the "
		  "socket is bound to %s", port,
		  lab_show(&ss, buf, sizeof(buf)));
	TK_EXPECT(((struct sockaddr_in *)&ss)->sin_addr.s_addr ==
		  htonl(INADDR_ANY), "sock_bind_wild bound the socket to %s,"
		  " not to the wildcard address",
		  lab_show(&ss, buf, sizeof(buf)));
	Close(fd);
}

/* ---- 3.9 readn, writen and readline ----------------------------------- */

static void readn_reads_across_short_reads(void **state)
{
	struct lab_run r = lab_readn_in_two_pieces();

	(void)state;
	TK_EXPECT(r.n == 12, "readn returned %zd for 12 bytes sent in two "
		  "writes of 6 (errno: %s); a read() returns what has "
		  "arrived, so readn must call it until it has all 12", r.n,
		  lab_err(r.n, r.err));
	TK_EXPECT(memcmp(r.text, "hello world!", 12) == 0, "readn stored "
		  "\"%.12s\"; expected \"hello world!\"", r.text);
	TK_EXPECT(r.peer_ok, "while readn ran: %s", r.peer_error);
}

/* Two readn(12) calls on a socket whose peer sent "abc" and closed. */
struct two_reads {
	ssize_t n[2];
	int err[2];
};

static void readn_twice(void *arg, void *result)
{
	int fd = *(int *)arg;
	struct two_reads *r = result;
	char buf[16];

	for (int i = 0; i < 2; i++) {
		errno = 0;
		r->n[i] = readn(fd, buf, 12);
		r->err[i] = errno;
	}
}

static void readn_stops_at_end_of_file(void **state)
{
	int sv[2];
	struct two_reads r;
	enum lab_bounded how;

	(void)state;
	lab_pair(sv);
	Write(sv[1], "abc", 3);
	Shutdown(sv[1], SHUT_WR);
	how = lab_run_bounded(readn_twice, &sv[0], &r, sizeof(r), 1000);
	lab_close_pair(sv);
	TK_EXPECT(how != LAB_STILL_RUNNING, "readn(12) was still running "
		  "1 s after the peer sent 3 bytes and closed: read() "
		  "returning 0 means end of file; stop there and return the "
		  "3 bytes, or you loop for ever");
	TK_EXPECT(how == LAB_RETURNED, "readn(12) crashed when the peer sent "
		  "3 bytes and closed");
	TK_EXPECT(r.n[0] == 3, "readn(12) returned %zd (errno: %s) when the "
		  "peer sent 3 bytes and closed; expected 3, the bytes before "
		  "end of file", r.n[0], lab_err(r.n[0], r.err[0]));
	TK_EXPECT(r.n[1] == 0, "readn returned %zd at end of file; expected "
		  "0", r.n[1]);
}

/* A signal arrives while readn waits in read(): read() fails with EINTR
 * (the handler was installed without SA_RESTART), and readn must read
 * again. */
static void readn_restarts_after_eintr(void **state)
{
	int sv[2];
	char buf[16] = "";
	ssize_t n;
	bool peer_ok;
	struct tp_peer peer;
	struct tp_step steps[] = {
		TP_WRITE(-1, "hell", 4), TP_WAIT_CONSUMED(-1),
		TP_WAIT_BLOCKED(SYS_read), TP_SIGNAL(SIGUSR1),
		TP_WAIT_HANDLED(), TP_WRITE(-1, "o, world", 8), TP_END,
	};

	(void)state;
	lab_need_short_reads_readn();   /* or the signal is not to blame */
	lab_pair(sv);
	steps[0].fd = steps[5].fd = sv[1];
	steps[1].fd = sv[0];
	signal_intr(SIGUSR1, tp_count_signal);
	tp_start(&peer, steps, sv[0]);
	n = readn(sv[0], buf, 12);
	peer_ok = tp_finish(&peer);
	signal_install(SIGUSR1, SIG_DFL);
	lab_close_pair(sv);
	TK_EXPECT(n == 12, "readn returned %zd (errno: %s) when a signal "
		  "interrupted it after 4 of 12 bytes; EINTR is not an "
		  "error: read again", n, lab_err(n, errno));
	TK_EXPECT(peer_ok, "while readn ran: %s", peer.error);
}

/* Bytes that never repeat with a short period, so that data sent twice
 * from the start cannot pass for the rest. */
static void fill_pattern(char *data, size_t n)
{
	uint32_t x = 2463534242u;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[i] = (char)(x >> 24);
	}
}

/* Says how what the peer received differs from what was written. */
static const char *difference(const struct tp_peer *peer, const char *data,
			      size_t n)
{
	static char why[256];
	size_t at = 0, len = peer->drained_len;

	while (at < len && at < n && peer->drained[at] == data[at])
		at++;
	if (at < len && len - at >= 64 && memcmp(peer->drained + at, data,
						 64) == 0)
		snprintf(why, sizeof(why), "from byte %zu on, the peer "
			 "received the start of the buffer again: after a "
			 "short write, go on from where write() stopped "
			 "(advance the pointer by what it returned)", at);
	else
		snprintf(why, sizeof(why), "the peer received %zu bytes, "
			 "different from what was written from byte %zu on",
			 len, at);
	return why;
}

/* 1 MB does not fit in a socket buffer: write() blocks with part of it
 * sent, a signal interrupts it, and write() returns the part it sent (a
 * short write).  writen must send the rest. */
static void writen_finishes_after_a_short_write(void **state)
{
	const size_t n = 1u << 20;
	char *data = malloc(n);
	int sv[2];
	ssize_t put;
	bool peer_ok, same;
	struct tp_peer peer;
	struct tp_step steps[] = {
		TP_WAIT_BLOCKED(SYS_write), TP_SIGNAL(SIGUSR1),
		TP_WAIT_HANDLED(), TP_DRAIN(-1, n), TP_END,
	};
	char why[256];

	(void)state;
	fill_pattern(data, n);
	lab_pair(sv);
	steps[3].fd = sv[1];
	signal_intr(SIGUSR1, tp_count_signal);
	tp_start(&peer, steps, sv[0]);
	put = writen(sv[0], data, n);
	peer_ok = tp_finish(&peer);
	signal_install(SIGUSR1, SIG_DFL);
	same = peer.drained_len == n && memcmp(peer.drained, data, n) == 0;
	snprintf(why, sizeof(why), "%s", difference(&peer, data, n));
	tp_free(&peer);
	free(data);
	lab_close_pair(sv);
	TK_EXPECT(!same || put == (ssize_t)n, "writen sent all 1048576 "
		  "bytes but returned %zd, the count of one write(); it "
		  "returns n, all it was asked to write", put);
	TK_EXPECT(put == (ssize_t)n, "writen returned %zd (errno: %s) for "
		  "1048576 bytes after a signal cut a write() short; it must "
		  "go on until all are written", put, lab_err(put, errno));
	TK_EXPECT(same, "writen returned 1048576, but %s", why);
	TK_EXPECT(peer_ok, "while writen ran: %s", peer.error);
}

/* What each readline() call returned.  Each text is filled with '#'
 * first, so that a missing NUL, or a byte stored past maxlen, shows. */
struct lines {
	ssize_t n[4];
	int err[4];
	char text[4][64];
};

static void read_lines(struct linebuf *lb, struct lines *out, int calls,
		       size_t maxlen)
{
	int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < calls; i++) {
		memset(out->text[i], '#', sizeof(out->text[i]) - 1);
		errno = 0;
		out->n[i] = readline(lb, out->text[i], maxlen);
		out->err[i] = errno;
	}
}

/* What every readline call must do with the caller's buffer: at most
 * maxlen bytes changed, the last of them the NUL after the line. */
static void check_stored(const char *text, size_t size, ssize_t n,
			 size_t maxlen)
{
	size_t changed = size - 1;      /* the last byte is always a NUL */

	while (changed > 0 && text[changed - 1] == '#')
		changed--;
	TK_EXPECT(changed <= maxlen, "readline wrote %zu bytes into a buffer"
		  " of maxlen %zu, past its end: at most maxlen - 1 bytes of"
		  " the line fit, then the NUL", changed, maxlen);
	if (n >= 0 && (size_t)n < size && text[n] != '\0') {
		char shown[64];

		snprintf(shown, sizeof(shown), "%.*s", (int)n, text);
		TK_FAIL("readline returned %zd bytes (\"%s\") but stored no "
			"NUL after them: the caller's buffer must hold a C "
			"string", n, lab_esc(shown));
	}
}

static void readline_joins_a_line_split_across_reads(void **state)
{
	struct lab_run r = lab_readline_in_three_pieces();

	(void)state;
	check_stored(r.text, sizeof(r.text), r.n, sizeof(r.text) - 1);
	TK_EXPECT(!(r.n == 11 && strncmp(r.text, "hello world", 11) == 0),
		  "readline returned \"hello world\" without its '\\n': the "
		  "newline is part of the line (without it the caller cannot "
		  "tell a whole line from the piece of a long one)");
	TK_EXPECT(!(r.n < 0 && r.err == EAGAIN), "readline was still "
		  "waiting 1 s after all of \"hello world\\n\" had arrived "
		  "(the peer then waits for an answer): return once the '\\n'"
		  " is in; refill with one read(), which returns what has "
		  "arrived, never wait for the buffer to fill");
	TK_EXPECT(r.n == 12, "readline returned %zd bytes (errno: %s) "
		  "for a 12-byte line split across three reads; it must read"
		  " again until the '\\n'", r.n, lab_err(r.n, r.err));
	TK_EXPECT(strcmp(r.text, "hello world\n") == 0, "readline "
		  "stored \"%s\"; expected \"hello world\\n\" with a NUL after"
		  " it", lab_esc(r.text));
	TK_EXPECT(r.peer_ok, "while readline ran: %s", r.peer_error);
}

/* The peer sends each byte in its own write(), only once the previous
 * one was read: every read() readline makes returns 1 byte. */
static void readline_peer_sends_one_byte_at_a_time(void **state)
{
	static const char text[] = "one\nbyte at a time\n";
	struct tp_step steps[2 * sizeof(text) + 1];
	struct tp_peer peer;
	struct linebuf lb;
	struct lines got;
	int sv[2];
	bool peer_ok;

	(void)state;
	lab_pair(sv);
	tp_trickle(steps, sv[1], sv[0], text);
	linebuf_init(&lb, sv[0]);
	tp_start(&peer, steps, sv[0]);
	read_lines(&lb, &got, 2, sizeof(got.text[0]) - 1);
	peer_ok = tp_finish(&peer);
	lab_close_pair(sv);
	TK_EXPECT(got.n[0] == 4 && strcmp(got.text[0], "one\n") == 0,
		  "readline returned %zd bytes (\"%s\") for the 4-byte line "
		  "\"one\\n\" sent one byte at a time", got.n[0],
		  lab_esc(got.text[0]));
	TK_EXPECT(got.n[1] == 15 && strcmp(got.text[1], "byte at a time\n")
		  == 0, "readline returned %zd bytes (\"%s\") for the second "
		  "line, 15 bytes sent one at a time", got.n[1],
		  lab_esc(got.text[1]));
	TK_EXPECT(peer_ok, "while readline ran: %s", peer.error);
}

/* A line longer than the caller's buffer comes back in pieces of at most
 * maxlen - 1 bytes (room for the NUL); nothing is lost. */
static void readline_splits_a_line_longer_than_the_buffer(void **state)
{
	int sv[2];
	struct linebuf lb;
	struct lines got;
	const char *want[] = { "abcde", "fghij", "k\n", "next\n" };
	int i;

	(void)state;
	lab_pair(sv);
	Write(sv[1], "abcdefghijk\nnext\n", 17);
	Shutdown(sv[1], SHUT_WR);       /* a wrong reader gets end of file */
	linebuf_init(&lb, sv[0]);       /* instead of waiting for ever */
	read_lines(&lb, &got, 4, 6);
	lab_close_pair(sv);
	for (i = 0; i < 4; i++) {
		check_stored(got.text[i], sizeof(got.text[i]), got.n[i], 6);
		TK_EXPECT(got.n[i] == (ssize_t)strlen(want[i]) &&
			  strcmp(got.text[i], want[i]) == 0, "with maxlen 6, "
			  "readline call %d on \"abcdefghijk\\nnext\\n\" gave "
			  "%zd bytes \"%s\"; expected \"%s\" (at most 5 bytes "
			  "and a NUL; the rest comes on the next call)", i + 1,
			  got.n[i], lab_esc(got.text[i]), lab_esc(want[i]));
	}
}

static void read_three_lines(void *arg, void *result)
{
	struct linebuf lb;
	struct lines *got = result;

	linebuf_init(&lb, *(int *)arg);
	read_lines(&lb, got, 3, sizeof(got->text[0]) - 1);
}

static void readline_returns_a_partial_line_at_eof(void **state)
{
	int sv[2];
	struct lines got;
	enum lab_bounded how;

	(void)state;
	lab_pair(sv);
	Write(sv[1], "full\npart", 9);
	Shutdown(sv[1], SHUT_WR);
	how = lab_run_bounded(read_three_lines, &sv[0], &got, sizeof(got),
			      1000);
	lab_close_pair(sv);
	TK_EXPECT(how != LAB_STILL_RUNNING, "readline was still running 1 s "
		  "after the peer sent \"full\\npart\" and closed: read() "
		  "returning 0 means end of file; return the partial line, "
		  "then 0, or you loop for ever");
	TK_EXPECT(how == LAB_RETURNED, "readline crashed when the peer sent "
		  "\"full\\npart\" and closed");
	TK_EXPECT(got.n[0] == 5, "readline returned %zd (errno: %s) for "
		  "\"full\\n\"", got.n[0], lab_err(got.n[0], got.err[0]));
	TK_EXPECT(got.n[1] == 4 && strcmp(got.text[1], "part") == 0,
		  "readline returned %zd (%s) when the peer closed after "
		  "\"part\" with no newline; expected 4 bytes: the partial "
		  "line, then 0 on the next call", got.n[1], got.n[1] < 0 ?
		  strerror(got.err[1]) : lab_esc(got.text[1]));
	TK_EXPECT(got.n[2] == 0, "readline returned %zd at end of file, "
		  "after the partial line; expected 0", got.n[2]);
}

/* Two descriptors, two readers: bytes read ahead for one must never be
 * handed out by the other (a static buffer shared by all calls would). */
static void readline_keeps_two_descriptors_apart(void **state)
{
	int a[2], b[2];
	struct linebuf la, lb;
	char line[4][16];
	ssize_t n[4];

	(void)state;
	lab_pair(a);
	lab_pair(b);
	Write(a[1], "a1\na2\n", 6);
	Write(b[1], "b1\nb2\n", 6);
	Shutdown(a[1], SHUT_WR);        /* a wrong reader gets end of file */
	Shutdown(b[1], SHUT_WR);        /* instead of waiting for ever */
	linebuf_init(&la, a[0]);
	linebuf_init(&lb, b[0]);
	n[0] = readline(&la, line[0], sizeof(line[0]));
	n[1] = readline(&lb, line[1], sizeof(line[1]));
	n[2] = readline(&la, line[2], sizeof(line[2]));
	n[3] = readline(&lb, line[3], sizeof(line[3]));
	lab_close_pair(a);
	lab_close_pair(b);
	TK_EXPECT(n[0] == 3 && n[1] == 3 && n[2] == 3 && n[3] == 3 &&
		  strcmp(line[0], "a1\n") == 0 && strcmp(line[1], "b1\n") == 0
		  && strcmp(line[2], "a2\n") == 0 &&
		  strcmp(line[3], "b2\n") == 0, "reading alternately from two "
		  "sockets (a1 a2 on one, b1 b2 on the other) gave \"%s\" "
		  "\"%s\" \"%s\" \"%s\"; each struct linebuf must keep its "
		  "own bytes", n[0] > 0 ? lab_esc(line[0]) : "?",
		  n[1] > 0 ? lab_esc(line[1]) : "?",
		  n[2] > 0 ? lab_esc(line[2]) : "?",
		  n[3] > 0 ? lab_esc(line[3]) : "?");
}

/* readline reads in big gulps into the struct linebuf, not one byte per
 * read(): after the first line, the rest that had arrived is in lb. */
static void readline_buffers_what_it_reads(void **state)
{
	int sv[2], unread = -1;
	struct linebuf lb;
	char buf[16];
	ssize_t r;

	(void)state;
	lab_pair(sv);
	Write(sv[1], "a\nbb\nccc\n", 9);
	linebuf_init(&lb, sv[0]);
	r = readline(&lb, buf, sizeof(buf));
	ioctl(sv[0], FIONREAD, &unread);
	lab_close_pair(sv);
	TK_EXPECT(r == 2, "readline returned %zd for \"a\\n\"", r);
	TK_EXPECT(unread == 0 && linebuf_pending(&lb) == 7, "after the "
		  "first of three lines that arrived together, %d bytes are "
		  "still in the socket and %zu in the struct linebuf; "
		  "readline should read() as much as fits, and keep the rest",
		  unread, linebuf_pending(&lb));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		LAB_TEST(sock_ntop_formats_ipv4),
		LAB_TEST(sock_ntop_formats_ipv6),
		LAB_TEST(sock_ntop_formats_unix),
		LAB_TEST(sock_ntop_rejects_bad_input),
		LAB_TEST(sock_ntop_host_leaves_out_the_port),
		LAB_TEST(sock_ports_are_in_network_byte_order),
		LAB_TEST(sock_cmp_addr_compares_addresses_not_ports),
		LAB_TEST(sock_bind_wild_reports_the_port),
		LAB_TEST(readn_reads_across_short_reads),
		LAB_TEST(readn_stops_at_end_of_file),
		LAB_TEST(readn_restarts_after_eintr),
		LAB_TEST(writen_finishes_after_a_short_write),
		LAB_TEST(readline_joins_a_line_split_across_reads),
		LAB_TEST(readline_peer_sends_one_byte_at_a_time),
		LAB_TEST(readline_splits_a_line_longer_than_the_buffer),
		LAB_TEST(readline_returns_a_partial_line_at_eof),
		LAB_TEST(readline_keeps_two_descriptors_apart),
		LAB_TEST(readline_buffers_what_it_reads),
	};
	return TK_RUN("lab03", tests);
}
