/*
 * Lab 20 hidden tests: the timer forced to expire before the first wait
 * (replies already queued must not keep the window open), and a forced
 * expiry in the first request followed by an ordinary second one.
 */
#include "../lab20.h"

static void timer_fires_before_the_first_wait(void **state)
{
	struct lab l;

	(void)state;
	lab_up(&l);
	lab_client(&l, "60000", "0");
	hn_write_stdin(l.cli, "zero\n", 5);
	hn_write_stdin(l.cli, "", 0);
	TK_EXPECT(hn_stderr_has(l.cli, "race:", 3000), "race_point(0) was "
		  "not called before the first wait (see 20.5)");
	TK_EXPECT(tk_exited(l.cli, 1000) && tk_exit_code(l.cli) == 0,
		  "the timer expired before the first wait and whoisthere "
		  "did not end: %s", lab_why_running(l.cli));
}

static void next_request_after_a_forced_expiry(void **state)
{
	struct lab l;

	(void)state;
	lab_up(&l);
	lab_client(&l, "400", "3");
	hn_write_stdin(l.cli, "a\nb\n", 4);
	hn_write_stdin(l.cli, "", 0);
	TK_EXPECT(lab_h4_answers(&l, 1, 2000) && lab_h4_answers(&l, 1, 2000),
		  "h4 did not get both requests: %s", lab_why_running(l.cli));
	TK_EXPECT(tk_exited(l.cli, 2000) && tk_exit_code(l.cli) == 0,
		  "the second window did not close: %s",
		  lab_why_running(l.cli));
	TK_EXPECT(strstr(hn_stdout(l.cli), "203.0.113.4: b\n"), "the "
		  "second request's replies were not printed: \"%s\"",
		  tk_shown(hn_stdout(l.cli)));
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(timer_fires_before_the_first_wait),
		TK_TEST(next_request_after_a_forced_expiry),
	};
	return TK_RUN("lab20_hidden", tests);
}
