/*
 * Lab 25 public tests: the student's sigioserv on loopback.  A datagram
 * must be echoed; a burst that comes while the server is stopped (busy)
 * raises one SIGIO and must all be echoed, an empty datagram too; and a
 * datagram whose SIGIO comes while the server writes its report (the
 * test holds its stdout, a pipe, full) must not be lost.
 */
#include "lab25.h"

/* Sends msg and expects it back within 1 s, and the report after it. */
static void expect_echo(hn_proc *srv, int cli, const char *msg)
{
	char buf[MAXLINE];
	ssize_t n;

	if (send(cli, msg, strlen(msg), 0) < 0)
		TK_FAIL("the test could not send: %s", strerror(errno));
	n = s25_recv(cli, buf, sizeof(buf), 1000);
	TK_EXPECT(n >= 0, "the server did not echo \"%s\" within 1 s: %s",
		  msg, lab_why_silent(srv));
	TK_EXPECT((size_t)n == strlen(msg) && strcmp(buf, msg) == 0, "the "
		  "server was sent \"%s\" and echoed \"%s\" (see 25.5)", msg,
		  tk_shown(buf));
	if (!tk_saw(srv, "echoed 1", 1000))
		TK_FAIL("the server echoed \"%s\" but did not print \"echoed "
			"1\" after it (stdout: \"%s\"): %s", msg,
			tk_shown(hn_stdout(srv)), lab_why_silent(srv));
}

static void one_datagram_echoed(void **state)
{
	hn_proc *srv = lab_server();
	int cli = s25_client();

	(void)state;
	expect_echo(srv, cli, "hello");
	expect_echo(srv, cli, "and again, a little later");
	close(cli);
}

static void burst_while_busy_all_echoed(void **state)
{
	enum { N = 20 };
	const char *msgs[N];
	char text[N][24], line[32];
	bool seen[N];
	hn_proc *srv = lab_server();
	int cli = s25_client(), got;

	(void)state;
	for (int i = 0; i < N; i++) {
		snprintf(text[i], sizeof(text[i]), "burst %02d", i + 1);
		msgs[i] = text[i];
	}
	lab_burst_while_stopped(srv, cli, msgs, N);
	got = lab_echoes(cli, msgs, N, seen, 1000);
	TK_EXPECT(got > 0, "20 datagrams came while the server was stopped "
		  "(busy), and it echoed none: %s", lab_why_silent(srv));
	TK_EXPECT(got == N, "20 datagrams came while the server was stopped "
		  "(busy); they raised one SIGIO, and the server echoed %d "
		  "of them: read until recvfrom() fails with EAGAIN after "
		  "each SIGIO, not one datagram a signal (see 25.6)", got);
	for (int i = 0; i < N; i++)
		TK_EXPECT(seen[i], "\"%s\" was not echoed as sent (see 25.5)",
			  msgs[i]);
	snprintf(line, sizeof(line), "echoed %d", N);
	TK_EXPECT(tk_saw(srv, line, 1000), "the server echoed the burst of "
		  "%d but did not print \"%s\" (stdout: \"%s\"; see 25.6)",
		  N, line, tk_shown(hn_stdout(srv)));
	close(cli);
}

static void empty_datagram_in_burst_echoed(void **state)
{
	const char *msgs[] = { "first", "", "third", "fourth" };
	bool seen[4];
	hn_proc *srv = lab_server();
	int cli = s25_client(), got;

	(void)state;
	lab_burst_while_stopped(srv, cli, msgs, 4);
	got = lab_echoes(cli, msgs, 4, seen, 1000);
	TK_EXPECT(got == 4 && seen[1], "\"first\", an empty datagram, "
		  "\"third\" and \"fourth\" came in one burst; the server "
		  "echoed %d of them%s: recvfrom() returns 0 for an empty "
		  "datagram, which is a datagram like any other, not an end "
		  "(see 25.5)", got, seen[1] ? "" : ", not the empty one");
	close(cli);
}

static void signal_while_reporting_not_lost(void **state)
{
	struct s25_held h;
	pid_t pid;
	int cli;
	unsigned long long switches;
	long long end;
	char buf[MAXLINE];
	ssize_t n;

	(void)state;
	s25_start_held(&h, tk_lab_prog("sigioserv"));
	pid = hn_pid(h.p);
	cli = s25_client();
	s25_hold(&h);           /* the next report will sleep in write() */
	if (send(cli, "one", 3, 0) < 0)
		TK_FAIL("send: %s", strerror(errno));
	TK_EXPECT(s25_recv(cli, buf, sizeof(buf), 1000) == 3, "the server "
		  "did not echo \"one\": %s", lab_why_silent(h.p));
	TK_EXPECT(s25_wait_syscall(pid, SYS_write, 1000), "after it echoed "
		  "\"one\", the server did not go on to write \"echoed 1\" "
		  "(it is in system call %ld): %s", s25_syscall_of(pid),
		  lab_why_silent(h.p));
	/* "two" comes while the server sleeps writing its report: its
	 * SIGIO is kept pending, or handled there and then. */
	switches = s25_status(pid, "voluntary_ctxt_switches", 10);
	if (send(cli, "two", 3, 0) < 0)
		TK_FAIL("send: %s", strerror(errno));
	end = tk_now_ms() + 1000;
	while (!s25_sigio_pending(pid) &&
	       !(s25_status(pid, "voluntary_ctxt_switches", 10) > switches &&
		 s25_wait_syscall(pid, SYS_write, 0)) && tk_now_ms() < end)
		tk_tick();
	TK_EXPECT(s25_held_saw(&h, "echoed 1", 1000), "the server did not "
		  "finish its report \"echoed 1\" when the test let it");
	n = s25_recv(cli, buf, sizeof(buf), 1000);
	s25_held_close(&h);
	TK_EXPECT(n == 3, "\"two\" came while the server was writing its "
		  "report \"echoed 1\" (the test held its stdout, a pipe, "
		  "full); its SIGIO was handled there and then, the loop "
		  "cleared the flag and went to sleep with \"two\" unread: "
		  "keep SIGIO blocked everywhere but inside sigsuspend(), so "
		  "it stays pending until the loop waits (see 25.7)");
	close(cli);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(one_datagram_echoed),
		TK_TEST(burst_while_busy_all_echoed),
		TK_TEST(empty_datagram_in_burst_echoed),
		TK_TEST(signal_while_reporting_not_lost),
	};
	return TK_RUN("lab25", tests);
}
