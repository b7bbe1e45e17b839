/*
 * Lab 24 hidden tests: another period (20 ms) is honoured by hbcli, and
 * a long input goes through the student's client and server untouched
 * while heartbeats cross it, ending with status 0.  Ten misses are
 * allowed (200 ms), as the public tests allow four of 50 ms: a loaded
 * machine may leave a process unscheduled for tens of milliseconds.
 */
#include "../lab24.h"

static void client_honours_a_short_period(void **state)
{
	struct fake_server s;
	long long end;
	int beats = 0;

	(void)state;
	fake_server_start(&s, "20", "10");
	end = tk_now_ms() + 300;
	while (tk_now_ms() < end) {
		if (fake_next_beat(&s, 200) < 0)
			break;
		beats++;
		Send(s.fd, "h", 1, MSG_OOB);
	}
	TK_EXPECT(beats >= 8, "%d heartbeats in 300 ms with a period of 20 "
		  "ms, not about 15 (section 24.6: PERIOD_MS is a parameter)",
		  beats);
	TK_EXPECT(s.ninline == 0 && hn_exit_status(s.cli) == -1, "hbcli "
		  "ended, or sent ordinary data, with every heartbeat "
		  "answered (section 24.6)");
	close(s.fd);
}

/* 1500 numbered lines through client and server; the same out.  A
 * heartbeat every 20 ms, and 50 may be missed (1 s): many marks cross
 * the data, yet a machine busy with other tests cannot starve either
 * program long enough to end a live connection (10, 200 ms, could). */
static void run_long_input(const char *cli_prog, const char *srv_prog)
{
	hn_proc *srv = hbserv_start(NULL, NULL, srv_prog, "20", "50");
	hn_proc *cli;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)srv;
	for (int i = 0; i < 1500; i++)
		fprintf(f, "line %04d of a long input, with heartbeats\n", i);
	fclose(f);
	cli = hn_run(NULL, NULL, cli_prog, "127.0.0.1", "9877", "20", "50",
		     NULL);
	TK_EXPECT(hn_feed(cli, text, len, 5000) == 0, "cannot feed hbcli");
	TK_EXPECT(tk_exited(cli, 5000), "hbcli did not end within 5 s of "
		  "the end of its input (section 24.6)");
	TK_EXPECT(tk_exit_code(cli) == 0 && strlen(hn_stdout(cli)) == len &&
		  memcmp(hn_stdout(cli), text, len) == 0, "status %d; %zu "
		  "bytes came back for %zu sent, or not the same (section "
		  "24.6): %s", tk_exit_code(cli), strlen(hn_stdout(cli)), len,
		  tk_shown(hn_stderr(cli)));
	free(text);
}

static void long_input_through_the_client(void **state)
{
	(void)state;
	run_long_input(tk_lab_prog("hbcli"), lab24_ref("hbserv"));
}

static void long_input_through_the_server(void **state)
{
	(void)state;
	run_long_input(lab24_ref("hbcli"), tk_lab_prog("hbserv"));
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(client_honours_a_short_period),
		TK_TEST(long_input_through_the_client),
		TK_TEST(long_input_through_the_server),
	};
	return TK_RUN("lab_hidden", tests);
}
