/*
 * Lab 8 public tests: the student's udpcli_retry against a server the
 * test plays, which loses requests, stays silent, or lets a stranger
 * answer first.
 */
#include "labudp.h"

static void replies_are_printed(void **state)
{
	int port, fd = lab_udp("h2", &port);
	struct tproc *cli = lab_client(port, "1000", "2");
	struct sockaddr_in from;
	char buf[MAXLINE];

	(void)state;
	tproc_feed(cli, "one\ntwo\n", 8, 1000);
	for (int i = 0; i < 2; i++) {
		ssize_t n = lab_request(fd, buf, sizeof(buf), &from, 2000);

		TK_EXPECT(n > 0, "request %d did not reach the server", i + 1);
		Sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
		       sizeof(from));
	}
	TK_EXPECT(tproc_wait(cli, 2000), "the client did not exit after its "
		  "input ended and both replies came");
	TK_EXPECT(strcmp(cli->outbuf, "one\ntwo\n") == 0, "the client sent "
		  "\"one\" and \"two\", got them echoed, and printed \"%s\"",
		  cli->outbuf);
}

static void lost_request_is_sent_again(void **state)
{
	int port, fd = lab_udp("h2", &port);
	struct tproc *cli;
	struct sockaddr_in from;
	char buf[MAXLINE], match[64];
	long long start;

	(void)state;
	/* the network loses the client's first datagram to the server */
	snprintf(match, sizeof(match), "udp dport %d", port);
	hn_drop_nth(lab_net, "h1", "lan0", HN_OUT, 1, match);
	cli = lab_client(port, "300", "3");
	start = tp_now_ms();
	tproc_feed(cli, "hello?\n", 7, 1000);
	TK_EXPECT(lab_request(fd, buf, sizeof(buf), &from, 1500) == 7,
		  "the first request was lost on the way and the client did "
		  "not send it again within 1.5 s (with -t 300)");
	TK_EXPECT(tp_now_ms() - start >= 250, "the client sent its request "
		  "again after %lld ms, before its 300 ms timeout",
		  tp_now_ms() - start);
	Sendto(fd, buf, 7, 0, (struct sockaddr *)&from, sizeof(from));
	TK_EXPECT(tproc_wait(cli, 2000) && cli->status == 0 &&
		  strcmp(cli->outbuf, "hello?\n") == 0, "after a lost request "
		  "and a retry, the client printed \"%s\" (status %d; "
		  "stderr: %s)", cli->outbuf, cli->status, cli->errbuf);
}

static void gives_up_after_bounded_retries(void **state)
{
	int port, fd = lab_udp("h2", &port);
	struct tproc *cli = lab_client(port, "200", "2");
	int copies;

	(void)state;
	tproc_feed(cli, "silence\n", 8, 1000);
	copies = lab_count_requests(fd, 1200);
	TK_EXPECT(copies == 3, "with -r 2 the client should send the request "
		  "3 times in all to a silent server; it sent %d in 1.2 s",
		  copies);
	TK_EXPECT(tproc_wait(cli, 1000), "the client did not give up: with "
		  "-t 200 -r 2 it should stop after about 600 ms");
	TK_EXPECT(WIFEXITED(cli->status) && WEXITSTATUS(cli->status) == 1,
		  "a client that got no reply should exit with status 1");
	TK_EXPECT(strstr(cli->errbuf, "no reply") &&
		  strstr(cli->errbuf, lab_server()), "when it gives up the "
		  "client should say \"no reply from %s:PORT after N tries\"; "
		  "it said: \"%s\"", lab_server(), cli->errbuf);
}

static void reply_from_a_stranger_is_ignored(void **state)
{
	int port, sport, fd = lab_udp("h2", &port);
	int stranger = lab_udp("h3", &sport);
	struct tproc *cli = lab_client(port, "1000", "1");
	struct sockaddr_in from;
	char buf[MAXLINE];

	(void)state;
	tproc_feed(cli, "real?\n", 6, 1000);
	TK_EXPECT(lab_request(fd, buf, sizeof(buf), &from, 2000) == 6,
		  "the request did not reach the server");
	Sendto(stranger, "forged!\n", 8, 0, (struct sockaddr *)&from,
	       sizeof(from));
	TK_EXPECT(tproc_err_has(cli, "ignored", 1000), "a datagram from a "
		  "third host reached the client and it did not "
		  "report \"ignored a datagram from ...\" (stdout: \"%s\")",
		  cli->outbuf);
	Sendto(fd, "real!\n", 6, 0, (struct sockaddr *)&from, sizeof(from));
	TK_EXPECT(tproc_wait(cli, 2000), "the client did not finish");
	TK_EXPECT(strcmp(cli->outbuf, "real!\n") == 0, "a stranger answered "
		  "\"forged!\" before the server answered \"real!\"; the "
		  "client printed \"%s\"", cli->outbuf);
	Close(stranger);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TP_TEST(replies_are_printed),
		TP_TEST(lost_request_is_sent_again),
		TP_TEST(gives_up_after_bounded_retries),
		TP_TEST(reply_from_a_stranger_is_ignored),
	};
	return TK_RUN("lab08", tests);
}
