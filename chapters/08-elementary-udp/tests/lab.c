/*
 * Lab 8 public tests: the student's udpcli_retry against a server the
 * test plays, which loses requests, stays silent, or lets a stranger
 * answer first.
 */
#include "labudp.h"

static void replies_are_printed(void **state)
{
	int port, fd = lab_udp("h2", &port);
	hn_proc *cli = lab_client(port, "1000", "2");
	struct sockaddr_in from;
	char buf[MAXLINE];

	(void)state;
	hn_feed(cli, "one\ntwo\n", 8, 1000);
	for (int i = 0; i < 2; i++) {
		ssize_t n = lab_request(fd, buf, sizeof(buf), &from, 2000);

		TK_EXPECT(n > 0, "request %d did not reach the server", i + 1);
		Sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
		       sizeof(from));
	}
	TK_EXPECT(tk_exited(cli, 2000), "the client did not exit after its "
		  "input ended and both replies came");
	TK_EXPECT(strcmp(hn_stdout(cli), "one\ntwo\n") == 0, "the client sent "
		  "\"one\" and \"two\", got them echoed, and printed \"%s\"",
		  hn_stdout(cli));
}

static void lost_request_is_sent_again(void **state)
{
	int port, fd = lab_udp("h2", &port);
	hn_proc *cli;
	struct sockaddr_in from;
	char buf[MAXLINE], match[64];
	long long start;

	(void)state;
	/* the network loses the client's first datagram to the server */
	snprintf(match, sizeof(match), "udp dport %d", port);
	hn_drop_nth(lab_net, "h1", "lan0", HN_OUT, 1, match);
	cli = lab_client(port, "300", "3");
	start = tk_now_ms();
	hn_feed(cli, "hello?\n", 7, 1000);
	TK_EXPECT(lab_request(fd, buf, sizeof(buf), &from, 1500) == 7,
		  "the first request was lost on the way and the client did "
		  "not send it again within 1.5 s (with -t 300)");
	TK_EXPECT(tk_now_ms() - start >= 250, "the client sent its request "
		  "again after %lld ms, before its 300 ms timeout",
		  tk_now_ms() - start);
	Sendto(fd, buf, 7, 0, (struct sockaddr *)&from, sizeof(from));
	TK_EXPECT(tk_exited(cli, 2000) && hn_exit_status(cli) == 0 &&
		  strcmp(hn_stdout(cli), "hello?\n") == 0, "after a lost "
		  "request and a retry, the client printed \"%s\" (status %d;"
		  " stderr: %s)", hn_stdout(cli), hn_exit_status(cli),
		  hn_stderr(cli));
}

static void gives_up_after_bounded_retries(void **state)
{
	int port, fd = lab_udp("h2", &port);
	hn_proc *cli = lab_client(port, "200", "2");
	int copies;

	(void)state;
	hn_feed(cli, "silence\n", 8, 1000);
	copies = lab_count_requests(fd, 1200);
	TK_EXPECT(copies == 3, "with -r 2 the client should send the request "
		  "3 times in all to a silent server; it sent %d in 1.2 s",
		  copies);
	TK_EXPECT(tk_exited(cli, 1000), "the client did not give up: with "
		  "-t 200 -r 2 it should stop after about 600 ms");
	TK_EXPECT(tk_exit_code(cli) == 1,
		  "a client that got no reply should exit with status 1");
	TK_EXPECT(strstr(hn_stderr(cli), "no reply") &&
		  strstr(hn_stderr(cli), lab_server()), "when it gives up the "
		  "client should say \"no reply from %s:PORT after N tries\"; "
		  "it said: \"%s\"", lab_server(), hn_stderr(cli));
}

static void reply_from_a_stranger_is_ignored(void **state)
{
	int port, sport, fd = lab_udp("h2", &port);
	int stranger = lab_udp("h3", &sport);
	hn_proc *cli = lab_client(port, "1000", "1");
	struct sockaddr_in from;
	char buf[MAXLINE];

	(void)state;
	hn_feed(cli, "real?\n", 6, 1000);
	TK_EXPECT(lab_request(fd, buf, sizeof(buf), &from, 2000) == 6,
		  "the request did not reach the server");
	Sendto(stranger, "forged!\n", 8, 0, (struct sockaddr *)&from,
	       sizeof(from));
	TK_EXPECT(hn_stderr_has(cli, "ignored", 1000), "a datagram from a "
		  "third host reached the client and it did not "
		  "report \"ignored a datagram from ...\" (stdout: \"%s\")",
		  hn_stdout(cli));
	Sendto(fd, "real!\n", 6, 0, (struct sockaddr *)&from, sizeof(from));
	TK_EXPECT(tk_exited(cli, 2000), "the client did not finish");
	TK_EXPECT(strcmp(hn_stdout(cli), "real!\n") == 0, "a stranger answered "
		  "\"forged!\" before the server answered \"real!\"; the "
		  "client printed \"%s\"", hn_stdout(cli));
	Close(stranger);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(replies_are_printed),
		TK_TEST(lost_request_is_sent_again),
		TK_TEST(gives_up_after_bounded_retries),
		TK_TEST(reply_from_a_stranger_is_ignored),
	};
	return TK_RUN("lab08", tests);
}
