/*
 * Lab 8 hidden tests (grading only): a server that is not running, a
 * reply from the right host but the wrong port, stray datagrams not
 * restarting the clock, bad options.
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

static void same_host_other_port_ignored(void **state)
{
	int port, oport, fd = lab_udp("h2", &port);
	int other = lab_udp("h2", &oport);
	hn_proc *cli = lab_client(port, "1000", "1");
	struct sockaddr_in from;
	char buf[MAXLINE];

	(void)state;
	hn_feed(cli, "port?\n", 6, 1000);
	TK_EXPECT(lab_request(fd, buf, sizeof(buf), &from, 2000) == 6,
		  "the request did not reach the server");
	Sendto(other, "wrong port\n", 11, 0, (struct sockaddr *)&from,
	       sizeof(from));
	TK_EXPECT(hn_stderr_has(cli, "ignored", 1000), "a datagram from the "
		  "server's host but another port was not reported ignored");
	Sendto(fd, "right\n", 6, 0, (struct sockaddr *)&from, sizeof(from));
	TK_EXPECT(tk_exited(cli, 2000) && strcmp(hn_stdout(cli), "right\n")
		  == 0, "the client printed \"%s\" instead of the server's "
		  "reply", hn_stdout(cli));
	Close(other);
}

static void strangers_do_not_restart_the_clock(void **state)
{
	int port, sport, fd = lab_udp("h2", &port);
	int stranger = lab_udp("h3", &sport);
	hn_proc *cli = lab_client(port, "400", "0");
	struct sockaddr_in from;
	char buf[MAXLINE];
	long long start;
	bool gave_up;

	(void)state;
	hn_feed(cli, "tick\n", 5, 1000);
	TK_EXPECT(lab_request(fd, buf, sizeof(buf), &from, 2000) == 5,
		  "the request did not reach the server");
	start = tk_now_ms();
	/* a stranger chatters every 100 ms; the server never answers */
	while (!tk_exited(cli, 100) && tk_now_ms() - start < 2000)
		Sendto(stranger, "noise\n", 6, 0, (struct sockaddr *)&from,
		       sizeof(from));
	gave_up = hn_exit_status(cli) != -1;
	TK_EXPECT(gave_up && tk_now_ms() - start < 1000, "with -t 400 -r 0 "
		  "and a stranger sending every 100 ms, the client should "
		  "give up after about 400 ms; it took %lld ms%s",
		  tk_now_ms() - start, gave_up ? "" : " and went on");
	Close(stranger);
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
		TK_TEST(same_host_other_port_ignored),
		TK_TEST(strangers_do_not_restart_the_clock),
		TK_TEST(bad_options_explained),
	};
	return TK_RUN("lab08 hidden", tests);
}
