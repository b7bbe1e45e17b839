/*
 * Lab 1 hidden tests (used for grading): the student's daytime client
 * against unreachable addresses, many failing addresses, a large reply
 * and an empty one.
 */
#include "../ch01test.h"

/* Hosts a and b, with the link between them captured. */
static hn_net *captured_hosts(void)
{
	hn_net *net = hn_two_hosts();

	hn_capture(net, "a", "b");
	return net;
}

static hn_proc *daytime(hn_net *net, const char *arg1, const char *arg2)
{
	awaited_client = hn_run(net, "a", tk_lab_prog("daytime"), arg1, arg2,
			       NULL);
	return awaited_client;
}

/*
 * Hosts a and b and c, all behind router r.  The name resolves to one
 * address of b and one of c; the router answers for the host that
 * getaddrinfo() puts first with ICMP host unreachable, and inetd answers
 * daytime on the other.
 */
static void next_address_after_unreachable(void **state)
{
	hn_net *net = hn_up("host a b c\nrouter r\n"
			    "link a r 192.0.2.0/24\n"
			    "link r b 198.51.100.0/24\n"
			    "link r c 203.0.113.0/24\n");
	char order[2][INET6_ADDRSTRLEN];
	const char *dead, *live;
	hn_proc *cli;
	int status;

	(void)state;
	hn_capture(net, "a", "r");
	set_hosts("127.0.0.1 localhost\n198.51.100.2 two.test\n"
		  "203.0.113.2 two.test\n");
	TK_EXPECT(resolve_in(net, "a", "two.test", order, 2) == 2,
		  "two.test should resolve to 2 addresses");
	dead = strcmp(order[0], "198.51.100.2") == 0 ? "b" : "c";
	live = strcmp(dead, "b") == 0 ? "c" : "b";
	hn_unreachable(net, "r", dead, HN_UNREACH_HOST, 0, 0);
	hn_inetd(net, live, "daytime");
	cli = daytime(net, "two.test", NULL);
	status = exit_status(cli, "daytime");
	TK_EXPECT(status == 0 && matches(hn_stdout(cli), DAYTIME_RE),
		  "the router answered \"host unreachable\" for %s, the "
		  "first address of two.test; your client should have gone "
		  "on to %s, but it exited %d, printed \"%s\" and said "
		  "\"%s\"", order[0], order[1], status,
		  tk_shown(hn_stdout(cli)), tk_chomp(hn_stderr(cli)));
	TK_EXPECT(strstr(hn_stderr(cli), order[0]) != NULL &&
		  strstr(hn_stderr(cli), "No route to host") != NULL,
		  "your client should say on stderr that %s was unreachable "
		  "(No route to host); it said \"%s\"", order[0],
		  tk_chomp(hn_stderr(cli)));
	hn_down(net);
}

/*
 * Ten addresses of b refuse, the eleventh answers, and the client may
 * have only 8 descriptors open: a client that keeps the sockets of
 * failed attempts runs out before it gets there.
 */
static void closes_each_failed_socket(void **state)
{
	hn_net *net = captured_hosts();
	char hosts[2048], order[11][INET6_ADDRSTRLEN];
	size_t used;
	int i, listenfd;
	hn_proc *cli;

	(void)state;
	used = (size_t)snprintf(hosts, sizeof(hosts), "127.0.0.1 localhost\n");
	for (i = 10; i < 21; i++) {
		hn_sh(net, "b", WAIT_MS, NULL,
		      "ip addr add 192.0.2.%d/24 dev %s", i,
		      hn_ifname(net, "b", "a"));
		used += (size_t)snprintf(hosts + used, sizeof(hosts) - used,
					 "192.0.2.%d many.test\n", i);
	}
	set_hosts(hosts);
	TK_EXPECT(resolve_in(net, "a", "many.test", order, 11) == 11,
		  "many.test should resolve to 11 addresses");
	listenfd = tk_listen(net, "b", order[10], 13, LISTENQ);
	cli = hn_run(net, "a", "/bin/sh", "-c",
		     "ulimit -n 8 && exec \"$0\" \"$@\"",
		     tk_lab_prog("daytime"), "many.test", NULL);
	awaited_client = cli;
	TK_EXPECT(serve_once(listenfd, "eleventh\r\n", 10) == 0,
		  "many.test has 11 addresses and only the last (%s) has a "
		  "server; with at most 8 open descriptors your client never "
		  "got there: does it close the socket of each failed "
		  "connect()? It said: %s", order[10],
		  tk_chomp(hn_stderr(cli)));
	TK_EXPECT(exit_status(cli, "daytime") == 0 &&
		  strcmp(hn_stdout(cli), "eleventh\r\n") == 0,
		  "from the eleventh address your client printed \"%s\"",
		  tk_shown(hn_stdout(cli)));
	close(listenfd);
	hn_down(net);
}

static void large_reply(void **state)
{
	enum { SIZE = 256 * 1024 };
	hn_net *net = captured_hosts();
	int listenfd = tk_listen(net, "b", "192.0.2.2", 13, LISTENQ);
	char *reply = malloc(SIZE + 1);
	hn_proc *cli;
	int i, status;

	(void)state;
	for (i = 0; i < SIZE; i++)      /* lines of 64 characters */
		reply[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	reply[SIZE] = '\0';
	cli = daytime(net, "192.0.2.2", NULL);
	TK_EXPECT(serve_once(listenfd, reply, SIZE) == 0,
		  "your client never connected: %s", tk_chomp(hn_stderr(cli)));
	status = exit_status(cli, "daytime");
	TK_EXPECT(status == 0 && strcmp(hn_stdout(cli), reply) == 0,
		  "the server sent 256 KiB and closed; your client exited "
		  "%d and printed %zu bytes%s", status,
		  strlen(hn_stdout(cli)),
		  strlen(hn_stdout(cli)) == SIZE ? " that differ" : "");
	free(reply);
	close(listenfd);
	hn_down(net);
}

static void empty_reply(void **state)
{
	hn_net *net = captured_hosts();
	int listenfd = tk_listen(net, "b", "2001:db8:1::2", 13, LISTENQ);
	hn_proc *cli = daytime(net, "2001:db8:1::2", "13");
	int status;

	(void)state;
	TK_EXPECT(serve_once(listenfd, "", 0) == 0,
		  "your client never connected: %s", tk_chomp(hn_stderr(cli)));
	status = exit_status(cli, "daytime");
	TK_EXPECT(status == 0 && hn_stdout(cli)[0] == '\0',
		  "the server closed without a word; your client exited %d "
		  "and printed \"%s\"; expected status 0 and nothing",
		  status, tk_shown(hn_stdout(cli)));
	close(listenfd);
	hn_down(net);
}

int main(void)
{
	hn_init();
	own_name_files();
	const struct CMUnitTest tests[] = {
		TK_TEST(next_address_after_unreachable),
		TK_TEST(closes_each_failed_socket),
		TK_TEST(large_reply),
		TK_TEST(empty_reply),
	};
	return TK_RUN("lab01 hidden", tests);
}
