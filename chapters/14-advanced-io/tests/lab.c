/*
 * Lab 14 public tests: the student's timeouts, three ways.  Connects go
 * to a black-holed server on a network that keeps the kernel's own SYN
 * retries (two minutes), so only the student's timeout can end the wait
 * in time; reads wait on a loopback connection whose other end, the
 * test, stays silent.  Each call runs in a child with a deadline.
 */
#include "lab14test.h"

#define SHORT 100               /* the student's timeout, ms */
#define DEADLINE 2500           /* the test's patience, ms */

/* ---- 14.3: connect with SIGALRM ---------------------------------------- */

static void connect_alarm_times_out(void **state)
{
	hn_net *net = lab_black_hole();
	struct lab_call c = { .fn = CONNECT_ALARM, .ms = SHORT };

	(void)state;
	c.fd = lab_socket_in(net, "a", AF_INET);
	hn_sockaddr(net, "b", AF_INET, 9, &c.ss, &c.len);
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished, "connect_alarm to a black-holed server with a "
		  "%d ms timeout: %s; the kernel alone would wait about two "
		  "minutes.  Is SIGALRM's handler installed with SA_RESTART, "
		  "so that connect() is restarted instead of failing with "
		  "EINTR?  Is the timer started? (section 14.3)", SHORT,
		  lab_said(&c));
	TK_EXPECT(c.ret == -1 && c.err == ETIMEDOUT, "connect_alarm to a "
		  "black-holed server: %s; a timeout is -1 with errno "
		  "ETIMEDOUT (section 14.3)", lab_said(&c));
	TK_EXPECT(c.elapsed_ms >= SHORT - 20 && c.elapsed_ms < SHORT + 1000,
		  "connect_alarm with a %d ms timeout gave up after %ld ms "
		  "(section 14.3)", SHORT, c.elapsed_ms);
	TK_EXPECT(c.handler_kept, "after connect_alarm timed out, SIGALRM "
		  "no longer has the caller's handler: put the old action "
		  "back (section 14.3)");
	close(c.fd);
}

static void connect_alarm_connects_and_tidies_up(void **state)
{
	int l = tk_listen(NULL, NULL, TK_LOOPBACK, 0, 4);
	struct lab_call c = { .fn = CONNECT_ALARM, .ms = 5000 };

	(void)state;
	c.len = sizeof(c.ss);
	Getsockname(l, (struct sockaddr *)&c.ss, &c.len);
	c.fd = Socket(AF_INET, SOCK_STREAM, 0);
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == 0, "connect_alarm to a listening "
		  "server: %s (section 14.3)", lab_said(&c));
	TK_EXPECT(c.timer_left_us == 0, "connect_alarm succeeded but left "
		  "its timer running (%ld ms to go): SIGALRM will hit the "
		  "caller later, in the middle of something else.  Stop the "
		  "timer after connect() (section 14.3)",
		  c.timer_left_us / 1000);
	TK_EXPECT(c.handler_kept, "after connect_alarm, SIGALRM no longer "
		  "has the caller's handler: put the old action back "
		  "(section 14.3)");
	close(c.fd);
	close(l);
}

static void connect_alarm_keeps_the_error(void **state)
{
	struct lab_call c = { .fn = CONNECT_ALARM, .ms = 5000 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&c.ss;
	int holder;

	(void)state;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin->sin_port = htons(lab_closed_port(&holder));
	c.len = sizeof(*sin);
	c.fd = Socket(AF_INET, SOCK_STREAM, 0);
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == -1 && c.err == ECONNREFUSED,
		  "connect_alarm to a port where nobody listens: %s; the "
		  "caller must see ECONNREFUSED, not a timeout or an errno "
		  "that a later call left (section 14.3)", lab_said(&c));
	TK_EXPECT(c.timer_left_us == 0 && c.handler_kept, "after a refused "
		  "connect_alarm the timer %s and SIGALRM's handler %s "
		  "(section 14.3)", c.timer_left_us ? "still runs" :
		  "is stopped", c.handler_kept ? "is the caller's" :
		  "was not put back");
	close(c.fd);
	close(holder);
}

/* ---- 14.4: read with SIGALRM ------------------------------------------- */

static void read_alarm_times_out_and_reads(void **state)
{
	struct lab_call c = { .fn = READ_ALARM, .ms = SHORT, .n = 64 };
	int srv;

	(void)state;
	lab_tcp_pair(&c.fd, &srv);
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == -1 && c.err == ETIMEDOUT,
		  "read_alarm on a connection whose peer says nothing, "
		  "timeout %d ms: %s; expected -1 with ETIMEDOUT (section "
		  "14.4: no SA_RESTART, and EINTR means the time ran out)",
		  SHORT, lab_said(&c));
	TK_EXPECT(c.timer_left_us == 0 && c.handler_kept, "after "
		  "read_alarm the timer %s and SIGALRM's handler %s "
		  "(section 14.4)", c.timer_left_us ? "still runs" :
		  "is stopped", c.handler_kept ? "is the caller's" :
		  "was not put back");

	Write(srv, "hello", 5);
	c.ms = 5000;
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == 5 && memcmp(c.data, "hello", 5) == 0,
		  "read_alarm with 5 bytes waiting: %s (section 14.4)",
		  lab_said(&c));
	TK_EXPECT(c.timer_left_us == 0, "read_alarm read its data but left "
		  "the timer running (%ld ms to go): stop it after the read "
		  "(section 14.4)", c.timer_left_us / 1000);

	shutdown(srv, SHUT_WR);
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == 0, "read_alarm at end of file: %s; "
		  "expected 0 (section 14.4)", lab_said(&c));
	close(c.fd);
	close(srv);
}

/* ---- 14.5: select and poll --------------------------------------------- */

static void readable_timeo_answers(void **state)
{
	struct lab_call c = { .fn = READABLE, .ms = SHORT };
	int srv;

	(void)state;
	lab_tcp_pair(&c.fd, &srv);
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == 0 && c.err == 0,
		  "readable_timeo on a silent connection, %d ms: %s; a "
		  "timeout is 0 (and errno untouched), -1 is for errors "
		  "(section 14.5)", SHORT, lab_said(&c));
	TK_EXPECT(c.elapsed_ms >= SHORT - 20, "readable_timeo(%d ms) said "
		  "\"not readable\" after only %ld ms (section 14.5)", SHORT,
		  c.elapsed_ms);
	Write(srv, "x", 1);
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == 1, "readable_timeo with a byte "
		  "waiting: %s; expected 1 (section 14.5)", lab_said(&c));
	close(srv);
	c.ms = 5000;
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == 1, "readable_timeo at end of file "
		  "(a read would return 0 at once): %s; expected 1 (section "
		  "14.5)", lab_said(&c));
	close(c.fd);
	c.fd = 999;                     /* a number nothing uses */
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == -1 && c.err == EBADF,
		  "readable_timeo on a closed descriptor: %s; expected -1 "
		  "with EBADF (section 14.5)", lab_said(&c));
}

struct pieces {
	int fd, count, gap_ms;
};

/* Sends count 4-byte pieces, gap_ms apart: the scenario's pace (a slow
 * peer), not a wait for anything. */
static void send_pieces(void *arg)
{
	const struct pieces *p = arg;
	struct timespec gap = { .tv_sec = 0,
				.tv_nsec = p->gap_ms * 1000000L };

	for (int i = 0; i < p->count; i++) {
		if (i > 0)
			nanosleep(&gap, NULL);
		Write(p->fd, "abcd", 4);
	}
}

static void readn_timeo_waits_for_each_piece(void **state)
{
	struct lab_call c = { .fn = READN, .ms = 200, .n = 20 };
	struct pieces p = { .count = 5, .gap_ms = 80 };
	int srv;

	(void)state;
	lab_tcp_pair(&c.fd, &srv);
	p.fd = srv;
	lab_run(&c, DEADLINE, send_pieces, &p);
	TK_EXPECT(c.finished && c.ret == 20, "readn_timeo(20 bytes, %d ms) "
		  "from a peer sending 4 bytes every %d ms, 320 ms in all: "
		  "%s; each wait may last %d ms, so it should get all 20.  "
		  "Linux's select() leaves in the timeval what was left of "
		  "it: set the timeout again before each call (section 14.5)",
		  c.ms, p.gap_ms, lab_said(&c), c.ms);

	p.count = 1;                    /* then silence */
	lab_run(&c, DEADLINE, send_pieces, &p);
	TK_EXPECT(c.finished && c.ret == -1 && c.err == ETIMEDOUT,
		  "readn_timeo(20 bytes, %d ms) from a peer that sent 4 and "
		  "fell silent: %s; expected -1 with ETIMEDOUT (section "
		  "14.5)", c.ms, lab_said(&c));

	Write(srv, "abcdefgh", 8);
	close(srv);
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == 8, "readn_timeo(20 bytes) from a "
		  "peer that sent 8 and closed: %s; expected the short count "
		  "8 (section 14.5: end of file is not a timeout, and not a "
		  "loop)", lab_said(&c));
	close(c.fd);
}

/* ---- 14.6: SO_RCVTIMEO and SO_SNDTIMEO --------------------------------- */

static void read_rcvtimeo_times_out_and_reads(void **state)
{
	struct lab_call c = { .fn = READ_RCVTIMEO, .ms = SHORT, .n = 64 };
	struct timeval tv;
	socklen_t len = sizeof(tv);
	int srv;

	(void)state;
	lab_tcp_pair(&c.fd, &srv);
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished, "read_rcvtimeo(%d ms) on a connection whose "
		  "peer says nothing: %s.  Is SO_RCVTIMEO set before the "
		  "read, on the socket read from? (section 14.6)", SHORT,
		  lab_said(&c));
	TK_EXPECT(c.ret == -1 && c.err == ETIMEDOUT, "read_rcvtimeo(%d ms) "
		  "on a silent connection: %s; the kernel says EAGAIN when "
		  "SO_RCVTIMEO runs out, and the caller must see a timeout "
		  "(-1, ETIMEDOUT), never 0, which means end of file "
		  "(section 14.6)", SHORT, lab_said(&c));
	Getsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len);
	/* the kernel keeps it in clock ticks: 150 ms may read back 152 */
	TK_EXPECT(labs(tv.tv_sec * 1000 + tv.tv_usec / 1000 - SHORT) < 20,
		  "after read_rcvtimeo(%d ms) the socket's SO_RCVTIMEO is "
		  "%ld.%06ld s (section 14.6)", SHORT, (long)tv.tv_sec,
		  (long)tv.tv_usec);

	Write(srv, "hello", 5);
	c.ms = 1500;                    /* more than a second */
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == 5, "read_rcvtimeo(1500 ms) with 5 "
		  "bytes waiting: %s.  A timeval's tv_usec must stay below "
		  "1000000, or setsockopt fails with EDOM (section 14.6)",
		  lab_said(&c));
	close(srv);
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == 0, "read_rcvtimeo at end of file: "
		  "%s; expected 0 (section 14.6)", lab_said(&c));
	close(c.fd);
}

static void connect_sndtimeo_times_out(void **state)
{
	hn_net *net = lab_black_hole();
	struct lab_call c = { .fn = CONNECT_SNDTIMEO, .ms = SHORT };

	(void)state;
	c.fd = lab_socket_in(net, "a", AF_INET);
	hn_sockaddr(net, "b", AF_INET, 9, &c.ss, &c.len);
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished, "connect_sndtimeo to a black-holed server "
		  "with a %d ms timeout: %s; the kernel alone would wait "
		  "about two minutes: is SO_SNDTIMEO set, before connect()? "
		  "(section 14.6)", SHORT, lab_said(&c));
	TK_EXPECT(c.ret == -1 && c.err == ETIMEDOUT, "connect_sndtimeo to a "
		  "black-holed server: %s; Linux's connect() reports the "
		  "end of SO_SNDTIMEO as EINPROGRESS, and the caller must "
		  "see ETIMEDOUT (section 14.6)", lab_said(&c));
	TK_EXPECT(c.elapsed_ms >= SHORT - 20 && c.elapsed_ms < SHORT + 1000,
		  "connect_sndtimeo with a %d ms timeout gave up after %ld "
		  "ms (section 14.6)", SHORT, c.elapsed_ms);
	close(c.fd);
}

static void connect_sndtimeo_keeps_the_error(void **state)
{
	struct lab_call c = { .fn = CONNECT_SNDTIMEO, .ms = 1500 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&c.ss;
	int holder;

	(void)state;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin->sin_port = htons(lab_closed_port(&holder));
	c.len = sizeof(*sin);
	c.fd = Socket(AF_INET, SOCK_STREAM, 0);
	lab_run(&c, DEADLINE, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == -1 && c.err == ECONNREFUSED,
		  "connect_sndtimeo(1500 ms) to a port where nobody listens: "
		  "%s; expected ECONNREFUSED (section 14.6)", lab_said(&c));
	close(c.fd);
	close(holder);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(connect_alarm_times_out),
		TK_TEST(connect_alarm_connects_and_tidies_up),
		TK_TEST(connect_alarm_keeps_the_error),
		TK_TEST(read_alarm_times_out_and_reads),
		TK_TEST(readable_timeo_answers),
		TK_TEST(readn_timeo_waits_for_each_piece),
		TK_TEST(read_rcvtimeo_times_out_and_reads),
		TK_TEST(connect_sndtimeo_times_out),
		TK_TEST(connect_sndtimeo_keeps_the_error),
	};
	return TK_RUN("lab14", tests);
}
