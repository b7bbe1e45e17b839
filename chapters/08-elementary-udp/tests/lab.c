/*
 * Lab 8 public tests: the student's udpcli_retry against a server the
 * test plays, which loses requests, stays silent, or lets a stranger
 * answer first (another host, even from the server's port number; the
 * server's host from another port; over IPv6; again and again).
 */
#include "labudp.h"

/* Fails the test, naming section 8.8, if the client ignored a datagram
 * from the server's own address and port (its stderr says so; looked for
 * up to 50 ms while it runs, at once once it ended). */
static void expect_server_believed(hn_proc *cli, const char *server)
{
	char who[SOCK_NTOP_LEN + 32];

	snprintf(who, sizeof(who), "ignored a datagram from %s", server);
	TK_EXPECT(!hn_stderr_has(cli, who, 50), "the client ignored the "
		  "server's own reply, from %s (sock_cmp_addr() and "
		  "sock_cmp_port() return 0 when the two are the same: "
		  "see 8.8); it said: %s", server, hn_stderr(cli));
}

static void replies_are_printed(void **state)
{
	const char *lines[] = { "a longer line\n", "two\n" };
	int port, fd = lab_udp("h2", &port);
	hn_proc *cli = lab_client(port, "500", "2");
	struct sockaddr_storage from;
	char buf[MAXLINE], server[SOCK_NTOP_LEN];

	(void)state;
	snprintf(server, sizeof(server), "%s:%d", lab_server(), port);
	hn_feed(cli, "a longer line\ntwo\n", 18, 1000);
	for (int i = 0; i < 2; i++) {
		ssize_t n = lab_request(fd, buf, sizeof(buf), &from, 2000);

		TK_EXPECT(n > 0, "request %d did not reach the server", i + 1);
		if (i == 1 && strcmp(buf, lines[0]) == 0)
			expect_server_believed(cli, server);
		TK_EXPECT((size_t)n == strlen(lines[i]) &&
			  memcmp(buf, lines[i], (size_t)n) == 0, "the client "
			  "read the line \"%s\" and sent a datagram of %zd "
			  "bytes, \"%s\"%s (see 8.5)", tk_shown(lines[i]), n,
			  tk_shown(buf), (size_t)n == strlen(lines[i]) + 1 ?
			  ": the string's terminating NUL is not part of the "
			  "line" : "");
		Sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
		       sizeof(from));
	}
	TK_EXPECT(tk_exited(cli, 2000), "the client did not exit after its "
		  "input ended and both replies came; it said: %s",
		  hn_stderr(cli));
	expect_server_believed(cli, server);
	TK_EXPECT(strcmp(hn_stdout(cli), "a longer line\ntwo\n") == 0, "the "
		  "client sent \"a longer line\" and \"two\", got them "
		  "echoed, and printed \"%s\"%s (see 8.5)",
		  tk_shown(hn_stdout(cli)),
		  strstr(hn_stdout(cli), "two\nnger") ?
		  ": the second reply was printed with the tail of the first;"
		  " recvfrom() does not end what it receives with a NUL" :
		  "");
}

static void lost_request_is_sent_again(void **state)
{
	int port, fd = lab_udp("h2", &port);
	hn_proc *cli;
	struct sockaddr_storage from;
	char buf[MAXLINE], match[64];
	long long start;

	(void)state;
	/* the network loses the client's first datagram to the server */
	snprintf(match, sizeof(match), "udp dport %d", port);
	hn_drop_nth(lab_net, "h1", "lan0", HN_OUT, 1, match);
	cli = lab_client(port, "300", "3");
	start = tk_now_ms();
	hn_feed(cli, "hello?\n", 7, 1000);
	TK_EXPECT(lab_request(fd, buf, sizeof(buf), &from, 1000) > 0,
		  "the first request was lost on the way and the client did "
		  "not send it again within 1 s (with -t 300)");
	TK_EXPECT(tk_now_ms() - start >= 250, "the client sent its request "
		  "again after %lld ms, before its 300 ms timeout",
		  tk_now_ms() - start);
	Sendto(fd, buf, 7, 0, (struct sockaddr *)&from, sizeof(from));
	TK_EXPECT(tk_exited(cli, 2000) && hn_exit_status(cli) == 0 &&
		  strcmp(hn_stdout(cli), "hello?\n") == 0, "after a lost "
		  "request and a retry, the client printed \"%s\" (status "
		  "%d; stderr: %s)", hn_stdout(cli), hn_exit_status(cli),
		  hn_stderr(cli));
}

static void gives_up_after_bounded_retries(void **state)
{
	int port, fd = lab_udp("h2", &port);
	hn_proc *cli = lab_client(port, "200", "2");
	int copies;

	(void)state;
	hn_feed(cli, "silence\n", 8, 1000);
	copies = lab_count_requests(fd, cli, 1200);
	TK_EXPECT(copies == 3, "with -r 2 the client should send the request "
		  "3 times in all to a silent server; it sent %d %s",
		  copies, tk_exited(cli, 0) ? "and gave up" : "in 1.2 s");
	TK_EXPECT(tk_exited(cli, 1000), "the client did not give up: with "
		  "-t 200 -r 2 it should stop after about 600 ms");
	TK_EXPECT(tk_exit_code(cli) == 1,
		  "a client that got no reply should exit with status 1");
	TK_EXPECT(strstr(hn_stderr(cli), "no reply") &&
		  strstr(hn_stderr(cli), lab_server()), "when it gives up the "
		  "client should say \"no reply from %s:PORT after N tries\"; "
		  "it said: \"%s\"", lab_server(), hn_stderr(cli));
}

/* A stranger on h3 answers first, from the same port number as the
 * server (so only its address gives it away), over FAMILY; then the
 * server answers.  The client's timeout (3 s) is not what is tested
 * here: it is long so that a busy machine never makes it run out. */
static void stranger_answers_first(int family)
{
	int port = 0, fd = lab_udp_on("h2", family, &port);
	int sport = port, stranger = lab_udp_on("h3", family, &sport);
	const char *addr = hn_addr(lab_net, "h2", family);
	hn_proc *cli = lab_client_to(addr, port, "3000", "0");
	struct sockaddr_storage from;
	char buf[MAXLINE], server[SOCK_NTOP_LEN];

	snprintf(server, sizeof(server), family == AF_INET6 ? "[%s]:%d" :
		 "%s:%d", addr, port);
	hn_feed(cli, "real?\n", 6, 1000);
	if (lab_request(fd, buf, sizeof(buf), &from, 2000) != 6) {
		bool family_wrong = hn_stderr_has(cli, "family", 200);

		TK_FAIL("the request to %s did not reach the server%s; the "
			"client said: %s", addr, family_wrong ? ": the "
			"socket must be made for the server address's family,"
			" not AF_INET always (see 8.5 first)" : "",
			tk_chomp(hn_stderr(cli)));
	}
	Sendto(stranger, "forged!\n", 8, 0, (struct sockaddr *)&from,
	       sizeof(from));
	TK_EXPECT(hn_stderr_has(cli, "ignored", 1000), "a datagram from a "
		  "third host (%s, from the server's port %d) reached the "
		  "client and it did not report \"ignored a datagram from "
		  "...\" (stdout: \"%s\"): compare the sender's address and "
		  "port with the server's, every byte of them (see 8.8)",
		  hn_addr(lab_net, "h3", family), port,
		  tk_shown(hn_stdout(cli)));
	Sendto(fd, "real!\n", 6, 0, (struct sockaddr *)&from, sizeof(from));
	TK_EXPECT(tk_exited(cli, 2000), "the client did not finish; it "
		  "said: %s", hn_stderr(cli));
	expect_server_believed(cli, server);
	TK_EXPECT(strcmp(hn_stdout(cli), "real!\n") == 0, "a stranger answered "
		  "\"forged!\" before the server answered \"real!\"; the "
		  "client printed \"%s\" (stderr: %s)",
		  tk_shown(hn_stdout(cli)), hn_stderr(cli));
	Close(stranger);
}

static void reply_from_a_stranger_is_ignored(void **state)
{
	(void)state;
	stranger_answers_first(AF_INET);
}

static void reply_from_another_port_is_ignored(void **state)
{
	int port, oport, fd = lab_udp("h2", &port);
	int other = lab_udp("h2", &oport);
	hn_proc *cli = lab_client(port, "1000", "1");
	struct sockaddr_storage from;
	char buf[MAXLINE];

	(void)state;
	hn_feed(cli, "port?\n", 6, 1000);
	TK_EXPECT(lab_request(fd, buf, sizeof(buf), &from, 2000) == 6,
		  "the request did not reach the server");
	Sendto(other, "wrong port\n", 11, 0, (struct sockaddr *)&from,
	       sizeof(from));
	TK_EXPECT(hn_stderr_has(cli, "ignored", 1000), "a datagram from the "
		  "server's host but port %d, not the server's %d, was not "
		  "reported ignored: compare the port too (see 8.8)", oport,
		  port);
	Sendto(fd, "right\n", 6, 0, (struct sockaddr *)&from, sizeof(from));
	TK_EXPECT(tk_exited(cli, 2000) && strcmp(hn_stdout(cli), "right\n")
		  == 0, "the client printed \"%s\" instead of the server's "
		  "reply", hn_stdout(cli));
	Close(other);
}

static void stranger_over_ipv6_is_ignored(void **state)
{
	(void)state;
	stranger_answers_first(AF_INET6);
}

static void strangers_do_not_restart_the_clock(void **state)
{
	int port, sport, fd = lab_udp("h2", &port);
	int stranger = lab_udp("h3", &sport);
	hn_proc *cli = lab_client(port, "300", "0");
	struct sockaddr_storage from;
	char buf[MAXLINE];
	long long start;

	(void)state;
	hn_feed(cli, "tick\n", 5, 1000);
	TK_EXPECT(lab_request(fd, buf, sizeof(buf), &from, 2000) == 5,
		  "the request did not reach the server");
	start = tk_now_ms();
	/* a stranger chatters every 100 ms; the server never answers */
	while (!tk_exited(cli, 100) && tk_now_ms() - start < 700)
		Sendto(stranger, "noise\n", 6, 0, (struct sockaddr *)&from,
		       sizeof(from));
	TK_EXPECT(tk_exited(cli, 0) && tk_now_ms() - start < 700, "with -t 300 "
		  "-r 0 and a stranger sending every 100 ms, the client "
		  "should give up after about 300 ms; it took %lld ms%s: a "
		  "stranger's datagram must not restart the clock, wait only "
		  "for the time left (see 8.12)", tk_now_ms() - start,
		  tk_exited(cli, 0) ? "" : " and went on");
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
		TK_TEST(reply_from_another_port_is_ignored),
		TK_TEST(stranger_over_ipv6_is_ignored),
		TK_TEST(strangers_do_not_restart_the_clock),
	};
	return TK_RUN("lab08", tests);
}
