/*
 * Chapter 24's measurements and examples: what Linux does with urgent
 * data (the one-byte mark, EINVAL and EWOULDBLOCK from MSG_OOB, a new
 * mark over an unread one, SO_OOBINLINE, sockatmark() and SIOCATMARK,
 * poll()'s POLLPRI, tcp_stdurg), the urgent pointer in a capture, the
 * three receivers (SIGURG, select()'s exception set, reading up to the
 * mark) fed by oobsend, and the heartbeat of lab 24 finding a crashed
 * host.
 */
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include "lnp.h"

#include <fcntl.h>
#include <poll.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>

#define CH "24-out-of-band"

/* A connected pair on loopback made by the test: *snd connects, the
 * returned socket is the accepted end.  rcvbuf > 0 sets the receiver's
 * SO_RCVBUF first; oobinline sets SO_OOBINLINE on it. */
static int tcp_pair(int *snd, int rcvbuf, bool oobinline)
{
	int l = tk_listen(NULL, NULL, "127.0.0.1", 0, 1), r, on = 1;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (rcvbuf > 0)
		Setsockopt(l, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (oobinline)
		Setsockopt(l, SOL_SOCKET, SO_OOBINLINE, &on, sizeof(on));
	Getsockname(l, (struct sockaddr *)&sin, &len);
	*snd = tk_connect_here("127.0.0.1", ntohs(sin.sin_port));
	Setsockopt(*snd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	r = Accept(l, NULL, NULL);
	close(l);
	return r;
}

/* poll()'s answer for fd now (0 ms). */
static short revents(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI };

	return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

/* Waits until the peer's FIN is in: everything it sent has come. */
static void wait_fin(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	TK_EXPECT(poll(&p, 1, 2000) == 1, "the sender's FIN did not come "
		  "within 2 s");
}

/* Reads what is there without waiting: the text, "" if nothing. */
static const char *read_now(int fd)
{
	static char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* recv(MSG_OOB) of one byte: the byte, or -errno. */
static int oob(int fd)
{
	unsigned char c;

	return recv(fd, &c, 1, MSG_OOB) == 1 ? c : -errno;
}

/* ---- 24.2 and 24.3: one byte, read once ------------------------------- */

static void only_the_last_byte_is_urgent(void **state)
{
	int snd, rcv = tcp_pair(&snd, 0, false), at;
	struct pollfd p = { .fd = rcv, .events = POLLPRI };

	(void)state;
	TK_EXPECT(oob(rcv) == -EINVAL, "recv(MSG_OOB) with no urgent data "
		  "gave %d, not -EINVAL", oob(rcv));
	Send(snd, "ab", 2, MSG_OOB);
	TK_EXPECT(poll(&p, 1, 2000) == 1, "no POLLPRI after send(MSG_OOB)");
	TK_EXPECT(revents(rcv) == (POLLIN | POLLPRI), "revents %#x, not "
		  "POLLIN|POLLPRI", revents(rcv));
	TK_EXPECT(ioctl(rcv, SIOCATMARK, &at) == 0 && at == 0 &&
		  sockatmark(rcv) == 0, "at the mark before reading 'a'");
	TK_EXPECT(oob(rcv) == 'b', "the urgent byte of \"ab\" is %d, not "
		  "'b'", oob(rcv));
	TK_EXPECT(revents(rcv) == POLLIN, "POLLPRI still set after the "
		  "urgent byte was read (revents %#x)", revents(rcv));
	TK_EXPECT(oob(rcv) == -EINVAL, "a second recv(MSG_OOB) gave %d, not "
		  "-EINVAL", oob(rcv));
	TK_EXPECT(strcmp(read_now(rcv), "a") == 0, "the stream holds "
		  "\"%s\", not \"a\" alone", read_now(rcv));
	TK_EXPECT(ioctl(rcv, SIOCATMARK, &at) == 0 && at == 1 &&
		  sockatmark(rcv) == 1, "not at the mark after reading 'a' "
		  "(SIOCATMARK %d)", at);
	close(snd);
	close(rcv);
}

/* "12", "x" urgent, "34", "y" urgent, "56", and the FIN: all of it in
 * before rcv reads anything. */
static void send_two_marks(int snd, int rcv)
{
	Send(snd, "12", 2, 0);
	Send(snd, "x", 1, MSG_OOB);
	Send(snd, "34", 2, 0);
	Send(snd, "y", 1, MSG_OOB);
	Send(snd, "56", 2, 0);
	shutdown(snd, SHUT_WR);
	wait_fin(rcv);
}

/* A second urgent send before the first urgent byte was read: the mark
 * moves, and the first urgent byte joins the ordinary data. */
static void a_new_mark_overwrites_an_unread_one(void **state)
{
	int snd, rcv = tcp_pair(&snd, 0, false);

	(void)state;
	send_two_marks(snd, rcv);
	TK_EXPECT(oob(rcv) == 'y', "the urgent byte is %d, not 'y'",
		  oob(rcv));
	TK_EXPECT(sockatmark(rcv) == 0 && strcmp(read_now(rcv),
		  "12x34") == 0, "the first read gave \"%s\", not "
		  "\"12x34\"", read_now(rcv));
	TK_EXPECT(sockatmark(rcv) == 1 && strcmp(read_now(rcv),
		  "56") == 0, "the read at the mark gave \"%s\"",
		  read_now(rcv));
	close(snd);
	close(rcv);

	rcv = tcp_pair(&snd, 0, true);
	send_two_marks(snd, rcv);
	TK_EXPECT(oob(rcv) == -EINVAL, "recv(MSG_OOB) with SO_OOBINLINE "
		  "gave %d, not -EINVAL", oob(rcv));
	TK_EXPECT(strcmp(read_now(rcv), "12x34") == 0, "inline: the "
		  "first read did not stop before the mark");
	TK_EXPECT(sockatmark(rcv) == 1 && strcmp(read_now(rcv), "y56") ==
		  0, "inline: the read at the mark gave \"%s\"",
		  read_now(rcv));
	close(snd);
	close(rcv);

	/* the first urgent byte is the next byte to read: it is dropped */
	rcv = tcp_pair(&snd, 0, false);
	Send(snd, "x", 1, MSG_OOB);
	Send(snd, "y", 1, MSG_OOB);
	Send(snd, "z", 1, 0);
	shutdown(snd, SHUT_WR);
	wait_fin(rcv);
	TK_EXPECT(oob(rcv) == 'y' && strcmp(read_now(rcv), "z") == 0,
		  "with nothing before it, the first urgent byte was not "
		  "dropped");
	close(snd);
	close(rcv);
}

/* SO_OOBINLINE: POLLPRI still comes, MSG_OOB is refused, and a read
 * stops before the mark and starts at it. */
static void oobinline_keeps_the_byte_in_the_stream(void **state)
{
	int snd, rcv = tcp_pair(&snd, 0, true);
	struct pollfd p = { .fd = rcv, .events = POLLPRI };

	(void)state;
	TK_EXPECT(tk_sockopt_int(rcv, SOL_SOCKET, SO_OOBINLINE) == 1,
		  "SO_OOBINLINE was not inherited from the listener");
	Send(snd, "123", 3, 0);
	Send(snd, "4", 1, MSG_OOB);
	Send(snd, "56", 2, 0);
	shutdown(snd, SHUT_WR);
	wait_fin(rcv);
	TK_EXPECT(poll(&p, 1, 0) == 1 && (p.revents & POLLPRI), "no POLLPRI "
		  "with SO_OOBINLINE");
	TK_EXPECT(oob(rcv) == -EINVAL, "recv(MSG_OOB) gave %d", oob(rcv));
	TK_EXPECT(strcmp(read_now(rcv), "123") == 0, "read past the mark");
	TK_EXPECT(sockatmark(rcv) == 1 && strcmp(read_now(rcv), "456") == 0,
		  "the read at the mark");
	close(snd);
	close(rcv);
}

/* 24.5: the urgent pointer came but the urgent byte cannot yet (the
 * receiver's window is full): EWOULDBLOCK, even on a blocking socket,
 * and no POLLPRI; once the data before it is read, the byte comes. */
static void announced_but_not_here_is_ewouldblock(void **state)
{
	static char buf[100000];
	int snd, rcv = tcp_pair(&snd, 4096, false), c;
	struct pollfd p = { .fd = rcv, .events = POLLIN };
	ssize_t sent;
	long long end = tk_now_ms() + 3000;
	sigset_t urg, old, pending;
	struct timespec zero = { 0, 0 };

	(void)state;
	/* SIGURG blocked, to see whether it is sent at this point */
	sigemptyset(&urg);
	sigaddset(&urg, SIGURG);
	sigprocmask(SIG_BLOCK, &urg, &old);
	TK_EXPECT(fcntl(rcv, F_SETOWN, getpid()) == 0, "F_SETOWN: %s",
		  strerror(errno));
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	sent = send(snd, buf, sizeof(buf), MSG_OOB | MSG_DONTWAIT);
	TK_EXPECT(sent > 8192, "send() took only %zd bytes", sent);
	TK_EXPECT(poll(&p, 1, 2000) == 1, "nothing came");
	sigpending(&pending);
	TK_EXPECT(sigismember(&pending, SIGURG), "no SIGURG when the urgent "
		  "pointer came ahead of its byte");
	sigtimedwait(&urg, NULL, &zero);
	sigprocmask(SIG_SETMASK, &old, NULL);
	TK_EXPECT(oob(rcv) == -EWOULDBLOCK, "recv(MSG_OOB) with the byte "
		  "still on its way gave %d, not -EWOULDBLOCK", oob(rcv));
	TK_EXPECT(!(revents(rcv) & POLLPRI), "POLLPRI before the byte came");
	/* read the ordinary data until the urgent byte is announced */
	while (!(revents(rcv) & POLLPRI) && tk_now_ms() < end) {
		if (tk_readable(rcv, 100))
			(void)!recv(rcv, buf, 1000, MSG_DONTWAIT);
	}
	c = oob(rcv);
	TK_EXPECT(c == 'a' + (sent - 1) % 26, "the urgent byte is %d, not "
		  "the last byte sent", c);
	close(snd);
	close(rcv);
}

/* tcp_stdurg 1 (RFC 1122's reading): the pointer points at the urgent
 * byte, not after it; with a Linux sender, one byte too far. */
static void tcp_stdurg_reads_one_byte_too_far(void **state)
{
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_stdurg", "r+");
	int snd, rcv, val = -1;
	struct pollfd p = { .fd = -1, .events = POLLIN };

	(void)state;
	TK_EXPECT(f != NULL && fscanf(f, "%d", &val) == 1 && val == 0,
		  "net.ipv4.tcp_stdurg is %d here, not the default 0", val);
	rewind(f);
	TK_EXPECT(fprintf(f, "1\n") == 2 && fclose(f) == 0,
		  "cannot set tcp_stdurg in the test's namespace");
	rcv = tcp_pair(&snd, 0, false);
	p.fd = rcv;
	Send(snd, "ab", 2, MSG_OOB);
	TK_EXPECT(poll(&p, 1, 2000) == 1, "nothing came");
	TK_EXPECT(oob(rcv) == -EWOULDBLOCK, "with tcp_stdurg 1, gave %d",
		  oob(rcv));
	Send(snd, "cd", 2, 0);
	p.events = POLLPRI;
	TK_EXPECT(poll(&p, 1, 2000) == 1 && oob(rcv) == 'c', "with "
		  "tcp_stdurg 1 the urgent byte is not 'c'");
	close(snd);
	close(rcv);
	f = fopen("/proc/sys/net/ipv4/tcp_stdurg", "w");
	TK_EXPECT(f != NULL && fprintf(f, "0\n") == 2 && fclose(f) == 0,
		  "cannot put tcp_stdurg back");
}

/* ---- the receivers, fed by oobsend ------------------------------------ */

struct scene {
	hn_proc *rcv, *snd;
	FILE *tr;
	const char *name;
};

static void start(struct scene *s, const char *name, const char *opt)
{
	s->name = name;
	s->tr = tk_transcript_open();
	s->rcv = opt ? tk_run(CH, name, opt, "9877", NULL)
		     : tk_run(CH, name, "9877", NULL);
	fprintf(s->tr, "server$ %s%s%s 9877 &\n", name, opt ? " " : "",
		opt ? opt : "");
	TK_EXPECT(tk_listening_port(s->rcv, 2000) == 9877, "%s did not "
		  "listen: %s", name, tk_shown(hn_stderr(s->rcv)));
	fprintf(s->tr, "listening on port 9877\n");
	s->snd = tk_run(CH, "oobsend", "127.0.0.1", "9877", NULL);
	fprintf(s->tr, "client$ oobsend 127.0.0.1 9877\n");
}

static void says(struct scene *s, const char *needle)
{
	char *line = hn_next_line(s->rcv, needle, 2000);

	TK_EXPECT(line != NULL, "%s did not say \"%s\"; all it said: %s %s",
		  s->name, needle, tk_shown(hn_stdout(s->rcv)),
		  tk_shown(hn_stderr(s->rcv)));
	fprintf(s->tr, "%s\n", line);
	free(line);
}

/* Types a line into oobsend and waits until it is sent. */
static void type(struct scene *s, const char *line)
{
	char text[64];

	snprintf(text, sizeof(text), "%s\n", line);
	TK_EXPECT(hn_write_stdin(s->snd, text, strlen(text)) == 0,
		  "cannot type into oobsend");
	fprintf(s->tr, TK_TYPED "%s\n", line);
	TK_EXPECT(tk_saw(s->snd, "sent", 2000), "oobsend sent nothing: %s",
		  tk_shown(hn_stderr(s->snd)));
}

static void finish(struct scene *s)
{
	TK_EXPECT(hn_feed(s->snd, "", 0, 2000) == 0, "cannot end oobsend");
	fprintf(s->tr, TK_TYPED "^D\n");
	says(s, "end of file");
	tk_transcript_close(s->tr, CH, s->name);
}

static void sigurg_reads_the_urgent_byte(void **state)
{
	struct scene s;

	(void)state;
	start(&s, "oobsig", NULL);
	type(&s, "123");
	says(&s, "read 3 bytes: 123");
	type(&s, "!4");
	says(&s, "SIGURG: urgent byte 4");
	type(&s, "56");
	says(&s, "read 2 bytes: 56");
	type(&s, "!789");
	says(&s, "SIGURG: urgent byte 9");
	says(&s, "read 2 bytes: 78");
	finish(&s);
}

static void select_exception_set(void **state)
{
	struct scene s;

	(void)state;
	start(&s, "oobsel", NULL);
	type(&s, "123");
	says(&s, "readable; read 3 bytes: 123");
	type(&s, "!4");
	says(&s, "exception; recv MSG_OOB 1 byte: 4");
	type(&s, "!789");
	says(&s, "exception; recv MSG_OOB 1 byte: 9");
	says(&s, "readable; read 2 bytes: 78");
	type(&s, "56");
	says(&s, "readable; read 2 bytes: 56");
	finish(&s);
	/* Linux reports the exception once: after the byte was read,
	 * select() waited (nothing more was printed in between) */
	TK_EXPECT(strstr(hn_stdout(s.rcv), "recv MSG_OOB: Invalid") == NULL,
		  "select() reported the exception again after the urgent "
		  "byte was read: %s", tk_shown(hn_stdout(s.rcv)));
}

static void mark_scene(const char *opt, const char *name,
		       const char *lines[])
{
	struct scene s;

	start(&s, "oobmark", opt);
	s.name = name;
	type(&s, "12");
	type(&s, "!x");
	type(&s, "34");
	type(&s, "!y");
	type(&s, "56");
	TK_EXPECT(hn_feed(s.snd, "", 0, 2000) == 0, "cannot end oobsend");
	fprintf(s.tr, TK_TYPED "^D\n");
	s.name = "oobmark";
	for (int i = 0; lines[i] != NULL; i++)
		says(&s, lines[i]);
	tk_transcript_close(s.tr, CH, name);
}

static void oobmark_overwritten_mark(void **state)
{
	const char *plain[] = { "recv MSG_OOB: urgent byte y",
		"read 5 bytes: 12x34", "at the mark; read 2 bytes: 56",
		"end of file", NULL };
	const char *inl[] = { "read 5 bytes: 12x34",
		"at the mark; read 3 bytes: y56", "end of file", NULL };

	(void)state;
	mark_scene(NULL, "oobmark", plain);
	mark_scene("-i", "oobmark-inline", inl);
}

/* ---- the urgent pointer on the wire ----------------------------------- */

static void urgent_pointer_in_a_capture(void **state)
{
	hn_net *net = hn_up("host client server\n"
			    "link client server 192.0.2.0/24\n");
	hn_cap *cap = hn_capture(net, "client", "server");
	hn_proc *rcv = hn_run(net, "server", tk_prog(CH, "oobsel"), "9877",
			      NULL);
	hn_proc *snd;

	(void)state;
	TK_EXPECT(tk_listening_port(rcv, 2000) == 9877, "oobsel: %s",
		  tk_shown(hn_stderr(rcv)));
	snd = hn_run(net, "client", tk_prog(CH, "oobsend"), "192.0.2.2",
		     "9877", NULL);
	TK_EXPECT(hn_write_stdin(snd, "123\n!4\n", 7) == 0, "cannot type");
	TK_EXPECT(tk_saw(rcv, "recv MSG_OOB 1 byte: 4", 2000), "oobsel did "
		  "not read the urgent byte: %s", tk_shown(hn_stdout(rcv)));
	/* one segment with URG, pointing one past its one byte; the
	 * segment before it has none */
	TK_EXPECT(hn_cap_count(cap, "tcp[13] & 0x20 != 0") == 1,
		  "%d segments with URG, not 1",
		  hn_cap_count(cap, "tcp[13] & 0x20 != 0"));
	TK_EXPECT(hn_cap_count(cap, "tcp[13] & 0x20 != 0 and tcp[18:2] = 1 "
			       "and src host 192.0.2.1") == 1,
		  "the urgent pointer is not 1: %s",
		  hn_cap_summary(cap, "tcp[13] & 0x20 != 0"));
	hn_down(net);
}

/* ---- 24.6: the heartbeat finds a crashed host ------------------------- */

static void heartbeat_finds_a_crashed_server(void **state)
{
	hn_net *net = hn_up("host client server\n"
			    "link client server 192.0.2.0/24\n"
			    "timing kernel\n");
	hn_proc *srv = hn_run(net, "server", tk_path("lab-24/ref/hbserv"),
			      "9877", "100", "5", NULL);
	hn_proc *cli;
	FILE *tr = tk_transcript_open();
	long long t0;
	char *line;

	(void)state;
	TK_EXPECT(tk_listening_port(srv, 2000) == 9877, "hbserv: %s",
		  tk_shown(hn_stderr(srv)));
	fprintf(tr, "server$ hbserv 9877 100 5 &\nlistening on port 9877\n");
	cli = hn_run(net, "client", tk_path("lab-24/ref/hbcli"), "192.0.2.2",
		     "9877", "100", "5", NULL);
	fprintf(tr, "client$ hbcli 192.0.2.2 9877 100 5\n");
	TK_EXPECT(hn_write_stdin(cli, "hello\n", 6) == 0, "cannot type");
	fprintf(tr, TK_TYPED "hello\n");
	line = hn_next_line(cli, "hello", 2000);
	TK_EXPECT(line != NULL, "no echo: %s", tk_shown(hn_stderr(cli)));
	fprintf(tr, "%s\n", line);
	free(line);
	fprintf(tr, "(the server's host crashes)\n");
	hn_crash(net, "server");
	t0 = tk_now_ms();
	TK_EXPECT(tk_exited(cli, 3000), "hbcli did not give up within 3 s");
	t0 = tk_now_ms() - t0;
	TK_EXPECT(tk_exit_code(cli) == 1 && strstr(hn_stderr(cli),
		  "server is unreachable"), "hbcli: status %d, %s",
		  tk_exit_code(cli), tk_shown(hn_stderr(cli)));
	TK_EXPECT(t0 >= 400 && t0 < 1500, "hbcli gave up after %lld ms, "
		  "not 5 to 6 periods of 100 ms", t0);
	fprintf(tr, "%s", hn_stderr(cli));
	tk_transcript_close(tr, CH, "hbcli-crash");
	hn_down(net);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(only_the_last_byte_is_urgent),
		TK_TEST(a_new_mark_overwrites_an_unread_one),
		TK_TEST(oobinline_keeps_the_byte_in_the_stream),
		TK_TEST(announced_but_not_here_is_ewouldblock),
		TK_TEST(tcp_stdurg_reads_one_byte_too_far),
		TK_TEST(sigurg_reads_the_urgent_byte),
		TK_TEST(select_exception_set),
		TK_TEST(oobmark_overwritten_mark),
		TK_TEST(urgent_pointer_in_a_capture),
		TK_TEST(heartbeat_finds_a_crashed_server),
	};
	return TK_RUN("oob", tests);
}
