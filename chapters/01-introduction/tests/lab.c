/*
 * Lab 1 public tests: the student's protocol-independent daytime client
 * (labs/lab-01/daytime.c), run in host a of two hosts against a server in
 * host b (192.0.2.2 and 2001:db8:1::2).
 */
#include "ch01test.h"

/* Runs the student's client in host a with up to two arguments. */
static hn_proc *daytime(hn_net *net, const char *arg1, const char *arg2)
{
	awaited_client = hn_run(net, "a", tk_lab_prog("daytime"), arg1, arg2,
			       NULL);
	return awaited_client;
}

/* Hosts a and b, with the link between them captured: a failing test
 * names the capture, to open in Wireshark. */
static hn_net *captured_hosts(void)
{
	hn_net *net = hn_two_hosts();

	hn_capture(net, "a", "b");
	return net;
}

/* Expects the client to have printed one daytime line and exited 0. */
static void expect_daytime(hn_proc *cli, const char *scenario)
{
	int status = exit_status(cli, "daytime");

	TK_EXPECT(status == 0, "%s, your client exited with status %d; it "
		  "said: %s", scenario, status, tk_chomp(hn_stderr(cli)));
	TK_EXPECT(matches(hn_stdout(cli), DAYTIME_RE),
		  "%s, your client printed \"%s\"; expected exactly the "
		  "server's one line", scenario, tk_shown(hn_stdout(cli)));
}

static void reply_from_ipv4_address(void **state)
{
	hn_net *net = captured_hosts();

	(void)state;
	hn_inetd(net, "b", "daytime");
	expect_daytime(daytime(net, "192.0.2.2", NULL),
		       "asking inetd's daytime service at 192.0.2.2");
	hn_down(net);
}

static void reply_from_ipv6_address(void **state)
{
	hn_net *net = captured_hosts();

	(void)state;
	hn_inetd(net, "b", "daytime");
	expect_daytime(daytime(net, "2001:db8:1::2", NULL),
		       "asking inetd's daytime service at 2001:db8:1::2");
	hn_down(net);
}

static void reply_in_pieces(void **state)
{
	static const char *const pieces[] = {
		"Tue Mar", "  4 10:11", ":12 2025\r\n",
	};
	hn_net *net = captured_hosts();
	int listenfd = tk_listen(net, "b", "192.0.2.2", 13, LISTENQ);
	hn_proc *cli = daytime(net, "192.0.2.2", NULL);
	int status;

	(void)state;
	TK_EXPECT(serve_in_pieces(net, listenfd, "a", pieces, 3) == 0,
		  "your client never connected to 192.0.2.2 port 13; it "
		  "said: %s", tk_chomp(hn_stderr(cli)));
	status = exit_status(cli, "daytime");
	TK_EXPECT(status == 0 && strcmp(hn_stdout(cli),
		  "Tue Mar  4 10:11:12 2025\r\n") == 0,
		  "when the server sent its line in three pieces, each read "
		  "before the next was sent, your client printed \"%s\" "
		  "(exit status %d); expected the whole line",
		  tk_shown(hn_stdout(cli)), status);
	close(listenfd);
	hn_down(net);
}

static void next_address_after_refusal(void **state)
{
	hn_net *net = captured_hosts();
	char order[2][INET6_ADDRSTRLEN];
	int listenfd, n;
	hn_proc *cli;

	(void)state;
	set_hosts("127.0.0.1 localhost\n192.0.2.2 daytime.test\n"
		  "2001:db8:1::2 daytime.test\n");
	n = resolve_in(net, "a", "daytime.test", order, 2);
	TK_EXPECT(n == 2, "daytime.test should resolve to 2 addresses");
	/* Only the address getaddrinfo() puts second has a server. */
	listenfd = tk_listen(net, "b", order[1], 13, LISTENQ);
	cli = daytime(net, "daytime.test", NULL);
	TK_EXPECT(serve_once(listenfd, "second address\r\n", 16) == 0,
		  "daytime.test resolves to %s, then %s; nothing listens on "
		  "the first, so your client should have tried the second, "
		  "but it never connected; it said: %s", order[0], order[1],
		  tk_chomp(hn_stderr(cli)));
	TK_EXPECT(exit_status(cli, "daytime") == 0 &&
		  strcmp(hn_stdout(cli), "second address\r\n") == 0,
		  "after %s refused, your client printed \"%s\"; expected "
		  "the reply from %s", order[0], tk_shown(hn_stdout(cli)),
		  order[1]);
	TK_EXPECT(strstr(hn_stderr(cli), "refused") != NULL &&
		  strstr(hn_stderr(cli), order[0]) != NULL,
		  "your client should say on stderr that %s refused the "
		  "connection; it said \"%s\"", order[0],
		  tk_chomp(hn_stderr(cli)));
	close(listenfd);
	hn_down(net);
}

/* How many lines of TEXT contain WORD. */
static int lines_with(const char *text, const char *word)
{
	int count = 0;
	const char *line = text;

	while (*line != '\0') {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char *copy = strndup(line, len);

		count += strstr(copy, word) != NULL;
		free(copy);
		line += len + (end != NULL);
	}
	return count;
}

static void server_absent(void **state)
{
	hn_net *net = captured_hosts();
	hn_proc *cli;
	int status;

	(void)state;
	set_hosts("127.0.0.1 localhost\n192.0.2.2 daytime.test\n"
		  "2001:db8:1::2 daytime.test\n");
	cli = daytime(net, "daytime.test", NULL);
	status = exit_status(cli, "daytime");
	TK_EXPECT(status == 1, "with no server on either address of "
		  "daytime.test, your client exited with status %d; "
		  "expected 1", status);
	TK_EXPECT(hn_stdout(cli)[0] == '\0', "with no server, your client "
		  "printed \"%s\" on stdout; stdout is for the reply only",
		  tk_shown(hn_stdout(cli)));
	TK_EXPECT(lines_with(hn_stderr(cli), "refused") == 2 &&
		  strstr(hn_stderr(cli), "192.0.2.2") != NULL &&
		  strstr(hn_stderr(cli), "2001:db8:1::2") != NULL,
		  "with no server, each of the two addresses refuses: your "
		  "client should say so once for each, naming it; it said "
		  "\"%s\"", tk_chomp(hn_stderr(cli)));
	hn_down(net);
}

static void service_by_name_or_number(void **state)
{
	hn_net *net = captured_hosts();
	int listenfd = tk_listen(net, "b", "192.0.2.2", 5013, LISTENQ);
	hn_proc *cli;

	(void)state;
	hn_inetd(net, "b", "daytime");
	expect_daytime(daytime(net, "192.0.2.2", "daytime"),
		       "asked for service \"daytime\" by name");
	cli = daytime(net, "192.0.2.2", "5013");
	TK_EXPECT(serve_once(listenfd, "port 5013\r\n", 11) == 0,
		  "asked for port 5013, your client never connected there; "
		  "it said: %s", tk_chomp(hn_stderr(cli)));
	TK_EXPECT(exit_status(cli, "daytime") == 0 &&
		  strcmp(hn_stdout(cli), "port 5013\r\n") == 0,
		  "from the server on port 5013 your client printed \"%s\"",
		  tk_shown(hn_stdout(cli)));
	close(listenfd);
	hn_down(net);
}

static void bad_names_reported(void **state)
{
	hn_net *net = captured_hosts();
	hn_proc *cli;
	int status;

	(void)state;
	cli = daytime(net, "nosuchhost.invalid", NULL);
	status = exit_status(cli, "daytime");
	TK_EXPECT(status == 1 && strstr(hn_stderr(cli),
					"nosuchhost.invalid") != NULL,
		  "for a host name that does not exist your client exited "
		  "%d and said \"%s\"; expected status 1 and a message "
		  "naming the host", status, tk_chomp(hn_stderr(cli)));
	cli = daytime(net, "192.0.2.2", "nosuchservice");
	status = exit_status(cli, "daytime");
	TK_EXPECT(status == 1 && strstr(hn_stderr(cli),
					"nosuchservice") != NULL,
		  "for a service name that does not exist your client "
		  "exited %d and said \"%s\"; expected status 1 and a "
		  "message naming the service", status,
		  tk_chomp(hn_stderr(cli)));
	cli = daytime(net, NULL, NULL);
	status = exit_status(cli, "daytime");
	TK_EXPECT(status == 2 && strstr(hn_stderr(cli), "usage") != NULL,
		  "run with no arguments your client exited %d and said "
		  "\"%s\"; expected status 2 and a usage line", status,
		  tk_chomp(hn_stderr(cli)));
	hn_down(net);
}

int main(void)
{
	hn_init();
	own_name_files();
	const struct CMUnitTest tests[] = {
		TK_TEST(reply_from_ipv4_address),
		TK_TEST(reply_from_ipv6_address),
		TK_TEST(reply_in_pieces),
		TK_TEST(next_address_after_refusal),
		TK_TEST(server_absent),
		TK_TEST(service_by_name_or_number),
		TK_TEST(bad_names_reported),
	};
	return TK_RUN("lab01", tests);
}
