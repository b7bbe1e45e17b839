/*
 * Lab 20 public tests: the student's whoisthere on a LAN of three
 * servers (two echo servers of chapter 8 and the test's own, which
 * answers late or more than once), with its timer forced to expire at
 * the worst moment.
 */
#include "lab20.h"

static void feed(struct lab *l, const char *text)
{
	hn_write_stdin(l->cli, text, strlen(text));
	hn_write_stdin(l->cli, "", 0);
}

/* Fails the test if the client is still running after ms, saying why. */
static void expect_end(struct lab *l, int ms)
{
	TK_EXPECT(tk_exited(l->cli, ms), "whoisthere was still running "
		  "%d ms after its last window should have closed: %s; it "
		  "printed \"%s\"", ms, lab_why_running(l->cli),
		  tk_shown(hn_stdout(l->cli)));
	TK_EXPECT(!strstr(hn_stderr(l->cli), "Interrupted"), "whoisthere "
		  "stopped on EINTR: when the wait is interrupted, that is "
		  "the timer saying the window is over (see 20.6): %s",
		  hn_stderr(l->cli));
	TK_EXPECT(tk_exit_code(l->cli) == 0, "whoisthere exited with %d: %s",
		  tk_exit_code(l->cli), hn_stderr(l->cli));
}

static void expect_all_three(struct lab *l, const char *text)
{
	const char *out = hn_stdout(l->cli);

	for (int i = 2; i <= 4; i++) {
		char want[64];

		snprintf(want, sizeof(want), "203.0.113.%d: %s\n", i, text);
		TK_EXPECT(strstr(out, want), "no line \"%.*s\" from the "
			  "server in h%d: whoisthere printed \"%s\"",
			  (int)strlen(want) - 1, want, i, tk_shown(out));
	}
	TK_EXPECT(strstr(out, "3 servers\n"), "no \"3 servers\" line: "
		  "whoisthere printed \"%s\"", tk_shown(out));
}

static void request_goes_to_the_broadcast_address(void **state)
{
	struct lab l;

	(void)state;
	lab_up(&l);
	lab_client(&l, "200", NULL);
	feed(&l, "hi\n");
	TK_EXPECT(lab_h4_answers(&l, 1, 2000), "no request reached the "
		  "servers%s: %s", strstr(hn_stderr(l.cli), "denied") ?
		  " (sendto() to a broadcast address needs SO_BROADCAST on "
		  "the socket: see 20.2)" : "", hn_stderr(l.cli));
}

/* One request; h4 answers it twice.  Each server once, the count, and
 * a window as long as asked: not shorter, and over in good time. */
static void hears_every_server(void **state)
{
	struct lab l;
	long t0, took;
	int n = 0;

	(void)state;
	lab_up(&l);
	t0 = tk_now_ms();
	lab_client(&l, "150", NULL);
	feed(&l, "hello\n");
	TK_EXPECT(lab_h4_answers(&l, 2, 2000), "no request reached h4: %s",
		  hn_stderr(l.cli));
	TK_EXPECT(tk_exited(l.cli, 1500), "a 150 ms window was still open "
		  "after 1.5 s (MS is milliseconds: see 20.4): %s",
		  lab_why_running(l.cli));
	took = tk_now_ms() - t0;
	expect_end(&l, 0);
	expect_all_three(&l, "hello");
	for (const char *p = hn_stdout(l.cli);
	     (p = strstr(p, "203.0.113.4:")) != NULL; p++)
		n++;
	TK_EXPECT(n == 1, "h4 answered twice and whoisthere printed it %d "
		  "times, not once (keep the addresses heard in this window:"
		  " see 20.4): \"%s\"", n, tk_shown(hn_stdout(l.cli)));
	TK_EXPECT(took >= 150, "whoisthere ended after %ld ms, before its "
		  "150 ms window closed (see 20.4)", took);
}

static void slow_server_is_heard(void **state)
{
	struct lab l;

	(void)state;
	lab_up(&l);
	lab_client(&l, "300", NULL);
	feed(&l, "slow\n");
	TK_EXPECT(lab_h4_readable(&l, 2000), "no request reached h4");
	/* the two echo servers' lines, in either order */
	TK_EXPECT(tk_saw(l.cli, "203.0.113.", 2000) &&
		  tk_saw(l.cli, "203.0.113.", 2000), "the replies of h2 "
		  "and h3 were not printed: \"%s\"",
		  tk_shown(hn_stdout(l.cli)));
	/* h4 answers only now, when nothing else is on its way */
	TK_EXPECT(lab_h4_answers(&l, 1, 100), "the request vanished");
	expect_end(&l, 2500);
	TK_EXPECT(strstr(hn_stdout(l.cli), "203.0.113.4: slow\n") &&
		  strstr(hn_stdout(l.cli), "3 servers\n"), "h4 answered "
		  "after the others, inside the window, and was not printed "
		  "(collect until the timer fires, not until the replies stop"
		  ": see 20.4): \"%s\"", tk_shown(hn_stdout(l.cli)));
}

static void every_request_has_its_own_window(void **state)
{
	struct lab l;
	const char *out;

	(void)state;
	lab_up(&l);
	lab_client(&l, "150", NULL);
	feed(&l, "one\ntwo\n");
	TK_EXPECT(lab_h4_answers(&l, 1, 2000), "no first request at h4");
	TK_EXPECT(lab_h4_answers(&l, 1, 2000), "no second request at h4: "
		  "%s", lab_why_running(l.cli));
	expect_end(&l, 2000);
	out = hn_stdout(l.cli);
	expect_all_three(&l, "two");
	TK_EXPECT(strstr(out, "3 servers\n") && strstr(strstr(out,
		  "3 servers\n") + 1, "3 servers\n"), "each request should "
		  "end with \"3 servers\" (a fresh list and a fresh timer per "
		  "request: see 20.4): \"%s\"", tk_shown(out));
}

static void timer_fires_just_before_the_wait(void **state)
{
	struct lab l;

	(void)state;
	lab_up(&l);
	lab_client(&l, "60000", "3");  /* only the race can end it soon */
	feed(&l, "race\n");
	lab_h4_answers(&l, 1, 2000);
	TK_EXPECT(hn_stderr_has(l.cli, "race:", 3000), "race_point() was "
		  "not called after the third reply (call it right before "
		  "each wait: see 20.5): %s", tk_shown(hn_stdout(l.cli)));
	TK_EXPECT(tk_exited(l.cli, 1000), "the timer expired just before "
		  "the wait and whoisthere did not notice: %s",
		  lab_why_running(l.cli));
	expect_end(&l, 0);
	expect_all_three(&l, "race");
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(request_goes_to_the_broadcast_address),
		TK_TEST(hears_every_server),
		TK_TEST(slow_server_is_heard),
		TK_TEST(every_request_has_its_own_window),
		TK_TEST(timer_fires_just_before_the_wait),
	};
	return TK_RUN("lab20", tests);
}
