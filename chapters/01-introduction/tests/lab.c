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
	/* Each piece shorter than the one before: a client that prints
	 * more than read() returned shows the tail of an earlier piece. */
	static const char *const pieces[] = {
		"Tue Mar  4 10:11", ":12 2025", "\r\n",
	};
	static const char whole[] = "Tue Mar  4 10:11:12 2025\r\n";
	hn_net *net = captured_hosts();
	int listenfd = tk_listen(net, "b", "192.0.2.2", 13, LISTENQ);
	hn_proc *cli = daytime(net, "192.0.2.2", NULL);
	const char *out;
	int status;

	(void)state;
	TK_EXPECT(serve_in_pieces(net, listenfd, "a", pieces, 3) == 0,
		  "your client never connected to 192.0.2.2 port 13; it "
		  "said: %s", tk_chomp(hn_stderr(cli)));
	status = exit_status(cli, "daytime");
	out = hn_stdout(cli);
	TK_EXPECT(strncmp(out, whole, strlen(out)) == 0,
		  "when the server sent its line in three pieces, your "
		  "client printed \"%s\", bytes the server never sent in "
		  "that order; expected \"%s\". Write exactly the n bytes "
		  "each read() returned: a buffer without a NUL after them, "
		  "given to fputs or printf, prints what an earlier, longer "
		  "piece left there (see 1.2)", tk_shown(out),
		  tk_shown(whole));
	TK_EXPECT(status == 0 && strcmp(out, whole) == 0,
		  "when the server sent its line in three pieces, each read "
		  "before the next was sent, your client printed \"%s\" "
		  "(exit status %d); expected the whole line",
		  tk_shown(out), status);
	close(listenfd);
	hn_down(net);
}

/* A reply of 64 KiB, more than one read() of any sensible buffer. */
static void reply_longer_than_a_buffer(void **state)
{
	enum { SIZE = 64 * 1024 };
	hn_net *net = captured_hosts();
	int listenfd = tk_listen(net, "b", "192.0.2.2", 13, LISTENQ);
	char *reply = malloc(SIZE + 1);
	hn_proc *cli;
	size_t got;
	int i, status;

	(void)state;
	for (i = 0; i < SIZE; i++)      /* lines of 64 characters */
		reply[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	reply[SIZE] = '\0';
	cli = daytime(net, "192.0.2.2", NULL);
	TK_EXPECT(serve_once(listenfd, reply, SIZE) == 0,
		  "your client never connected: %s",
		  tk_chomp(hn_stderr(cli)));
	status = exit_status(cli, "daytime");
	got = strlen(hn_stdout(cli));
	TK_EXPECT(status == 0 && strcmp(hn_stdout(cli), reply) == 0,
		  "the server sent %d bytes and closed; your client exited "
		  "%d and printed %zu bytes%s: read until read() returns 0",
		  SIZE, status, got, got == SIZE ? " that differ" : "");
	free(reply);
	close(listenfd);
	hn_down(net);
}

/* Accepts the client, sends PIECE, waits until the client has read it,
 * then resets the connection (SO_LINGER 0).  -1 if nobody came. */
static int serve_then_reset(hn_net *net, int listenfd, const char *piece)
{
	struct linger abort_now = { .l_onoff = 1, .l_linger = 0 };
	int fd = accept_within(listenfd);

	if (fd < 0)
		return -1;
	if (send(fd, piece, strlen(piece), MSG_NOSIGNAL) == (ssize_t)
	    strlen(piece))
		await_piece_read(net, fd, "a", peer_port(fd), local_port(fd));
	Setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_now,
		   sizeof(abort_now));
	close(fd);
	return 0;
}

static void reply_cut_by_reset(void **state)
{
	hn_net *net = captured_hosts();
	int listenfd = tk_listen(net, "b", "192.0.2.2", 13, LISTENQ);
	hn_proc *cli = daytime(net, "192.0.2.2", NULL);
	int status;

	(void)state;
	TK_EXPECT(serve_then_reset(net, listenfd, "Tue Mar  4 10:11") == 0,
		  "your client never connected: %s",
		  tk_chomp(hn_stderr(cli)));
	status = exit_status(cli, "daytime");
	TK_EXPECT(status == 1 && strstr(hn_stderr(cli),
					strerror(ECONNRESET)) != NULL,
		  "the server sent half a line and then reset the "
		  "connection; your client exited %d and said \"%s\". A "
		  "read() that fails (-1, errno ECONNRESET) is not the end of "
		  "the reply: say so (err_ret) and exit 1", status,
		  tk_chomp(hn_stderr(cli)));
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
		  "connection (\"%s\", errno's text, which err_ret adds: "
		  "see 1.7); it said \"%s\"", order[0],
		  strerror(ECONNREFUSED), tk_chomp(hn_stderr(cli)));
	close(listenfd);
	hn_down(net);
}

/*
 * The first two addresses of a name refuse, the third has a server that
 * holds its reply while the test counts the client's sockets: one, the
 * connected one, if the client closed each socket whose connect failed.
 */
static void failed_socket_closed(void **state)
{
	hn_net *net = captured_hosts();
	char order[3][INET6_ADDRSTRLEN];
	int listenfd, fd, held;
	hn_proc *cli;

	(void)state;
	hn_sh(net, "b", WAIT_MS, NULL, "ip addr add 192.0.2.3/24 dev %s",
	      hn_ifname(net, "b", "a"));
	set_hosts("127.0.0.1 localhost\n192.0.2.2 three.test\n"
		  "2001:db8:1::2 three.test\n192.0.2.3 three.test\n");
	TK_EXPECT(resolve_in(net, "a", "three.test", order, 3) == 3,
		  "three.test should resolve to 3 addresses");
	listenfd = tk_listen(net, "b", order[2], 13, LISTENQ);
	cli = daytime(net, "three.test", NULL);
	fd = accept_within(listenfd);
	TK_EXPECT(fd >= 0, "three.test resolves to %s, %s and %s; only the "
		  "last has a server, and your client never connected there; "
		  "it said: %s", order[0], order[1], order[2],
		  tk_chomp(hn_stderr(cli)));
	held = tk_sockets_of(hn_pid(cli));
	send_reply(fd, "third\r\n", 7);
	close(fd);
	exit_status(cli, "daytime");
	TK_EXPECT(held == 1, "after %s and %s refused, your client, "
		  "connected to %s, had %d sockets open: it keeps the socket "
		  "of each failed connect(). Close it before trying the next "
		  "address", order[0], order[1], order[2], held);
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
	TK_EXPECT(strstr(hn_stderr(cli), strerror(EBADF)) == NULL,
		  "with no server, your client went on to use a socket it "
		  "had closed (\"%s\"): when no address accepts, "
		  "tcp_connect_any must return -1, not the number of the "
		  "last, closed socket (see 1.7)",
		  tk_chomp(hn_stderr(cli)));
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

/* What getaddrinfo() in host a says about HOST and SERVICE, in words. */
static const char *gai_reason(hn_net *net, const char *host,
			      const char *service)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *list;
	int rc;

	hn_enter(net, "a");
	rc = getaddrinfo(host, service, &hints, &list);
	hn_leave(net);
	if (rc == 0) {
		freeaddrinfo(list);
		TK_FAIL("the test expected %s, service %s, not to resolve",
			host, service);
	}
	return gai_strerror(rc);
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
	TK_EXPECT(strstr(hn_stderr(cli), gai_reason(net,
		  "nosuchhost.invalid", "daytime")) != NULL,
		  "for a host name that does not exist your client said "
		  "\"%s\"; getaddrinfo() gives the reason as \"%s\". Its "
		  "errors are not in errno: gai_strerror() has the text",
		  tk_chomp(hn_stderr(cli)),
		  gai_reason(net, "nosuchhost.invalid", "daytime"));
	cli = daytime(net, "192.0.2.2", "nosuchservice");
	status = exit_status(cli, "daytime");
	TK_EXPECT(status == 1 && strstr(hn_stderr(cli),
					"nosuchservice") != NULL,
		  "for a service name that does not exist your client "
		  "exited %d and said \"%s\"; expected status 1 and a "
		  "message naming the service", status,
		  tk_chomp(hn_stderr(cli)));
	TK_EXPECT(strstr(hn_stderr(cli), gai_reason(net, "192.0.2.2",
		  "nosuchservice")) != NULL,
		  "for a service name that does not exist your client said "
		  "\"%s\"; getaddrinfo() gives the reason as \"%s\". Its "
		  "errors are not in errno: gai_strerror() has the text",
		  tk_chomp(hn_stderr(cli)),
		  gai_reason(net, "192.0.2.2", "nosuchservice"));
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
		TK_TEST(reply_longer_than_a_buffer),
		TK_TEST(reply_cut_by_reset),
		TK_TEST(next_address_after_refusal),
		TK_TEST(failed_socket_closed),
		TK_TEST(server_absent),
		TK_TEST(service_by_name_or_number),
		TK_TEST(bad_names_reported),
	};
	return TK_RUN("lab01", tests);
}
