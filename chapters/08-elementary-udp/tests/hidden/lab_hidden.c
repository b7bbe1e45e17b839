/*
 * Lab 8 hidden tests (grading only): a server that is not running, bad
 * options.
 */
#include "../labudp.h"

static void server_not_running_reported(void **state)
{
	int port, fd = lab_udp("h2", &port);
	hn_proc *cli;

	(void)state;
	Close(fd);              /* nobody on that port: ICMP unreachable */
	cli = lab_client(port, "200", "1");
	hn_feed(cli, "hello?\n", 7, 1000);
	TK_EXPECT(tk_exited(cli, 1500), "with no server running, the "
		  "client (-t 200 -r 1) did not give up within 1.5 s");
	TK_EXPECT(tk_exit_code(cli) == 1 &&
		  strstr(hn_stderr(cli), lab_server()) != NULL, "with no "
		  "server running the client should exit 1 naming the "
		  "server; stderr: \"%s\"", hn_stderr(cli));
}

static void bad_options_explained(void **state)
{
	const char *cases[][2] = { { "0", "1" }, { "100", "-1" },
				   { "abc", "1" }, { "100", "1000" } };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hn_proc *cli = lab_client(9, cases[i][0], cases[i][1]);

		TK_EXPECT(tk_exited(cli, 2000) && tk_exit_code(cli) == 1 &&
			  strstr(hn_stderr(cli), "is not a number") != NULL,
			  "udpcli_retry -t %s -r %s should exit 1 saying the "
			  "option \"is not a number of ...\"; it said \"%s\"",
			  cases[i][0], cases[i][1], hn_stderr(cli));
	}
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(server_not_running_reported),
		TK_TEST(bad_options_explained),
	};
	return TK_RUN("lab08 hidden", tests);
}
