/*
 * lab.c - Lab 5's public tests.
 *
 * The echo server (echosrv) runs in host "server" (192.0.2.2) of a
 * two-host network; the tests play its clients from host "client"
 * (192.0.2.1) and watch its processes from outside through /proc.
 * The sum service (sum_serve, sum_reply) runs in a child process of the
 * test on one end of a socket pair, so a crash shows as a signal.
 */
#include "lab05test.h"

/* ---- the echo server ---------------------------------------------------- */

static void echo_serves_a_client(void **state)
{
	struct echo_scene s;
	char regex[64];
	int fd;

	(void)state;
	echo_up(&s);
	fd = tk_connect(s.net, "client", s.addr, PORT);
	TK_EXPECT(tk_echoes(fd, "hello, echo\n", 2000),
		  "a client sent \"hello, echo\" and got no echo within 2 s");
	snprintf(regex, sizeof(regex), "^connection from %s:[0-9]+$",
		 hn_addr(s.net, "client", AF_INET));
	hn_set_strict(0);
	TK_EXPECT(hn_wait_line(s.srv, regex, 2000) == 0,
		  "the server should print \"connection from %s:PORT\" for "
		  "the client; it printed:\n%s", hn_addr(s.net, "client",
		  AF_INET), hn_stdout(s.srv));
	hn_set_strict(1);
	close(fd);
	hn_down(s.net);
}

/* Five clients end at once.  The test freezes the server (SIGSTOP)
 * while their five children exit, so that their SIGCHLDs merge into
 * one: what happens by chance on a busy machine happens every time. */
static void no_zombies_after_five_clients_at_once(void **state)
{
	struct echo_scene s;
	pid_t kids[8], srv;
	int fds[5], n;

	(void)state;
	echo_up(&s);
	srv = hn_pid(s.srv);
	for (int i = 0; i < 5; i++) {
		fds[i] = tk_connect(s.net, "client", s.addr, PORT);
		TK_EXPECT(tk_echoes(fds[i], "hi\n", 2000),
			  "client %d of 5 got no echo", i + 1);
	}
	n = tk_wait_children(srv, 5, kids, 8, 2000);
	TK_EXPECT(n == 5, "with 5 clients connected the server should have "
		  "5 children; it has %d", n);
	TK_EXPECT(tk_stop(srv), "could not freeze the server");
	for (int i = 0; i < 5; i++)
		close(fds[i]);
	for (int i = 0; i < 5; i++)
		TK_EXPECT(tk_wait_state(kids[i], 'Z', 2000),
			  "a child did not exit after its client closed");
	kill(srv, SIGCONT);
	expect_settled(&s, "after 5 clients closed at the same moment");
	expect_serving(&s, "after 5 clients closed at once");
	hn_down(s.net);
}

static void accept_restarted_after_sigchld(void **state)
{
	struct echo_scene s;
	int fd;

	pid_t child;

	(void)state;
	echo_up(&s);
	fd = tk_connect(s.net, "client", s.addr, PORT);
	TK_EXPECT(tk_echoes(fd, "hello\n", 2000), "the first client got no "
		  "echo");
	child = echo_child(&s);
	close(fd);              /* its child exits: SIGCHLD in accept() */
	TK_EXPECT(pt_wait_dead(child, 2000), "the child did not exit when "
		  "its client closed the connection");
	expect_settled(&s, "after the first client left (its child's "
		       "SIGCHLD interrupted accept)");
	expect_serving(&s, "after the first client left (its child's "
		       "SIGCHLD interrupted accept)");
	hn_down(s.net);
}

static void survives_connection_aborted_before_accept(void **state)
{
	struct echo_scene s;
	pid_t srv;
	int fd;

	(void)state;
	echo_up(&s);
	srv = hn_pid(s.srv);
	/* freeze the server so the connection waits in the accept queue */
	TK_EXPECT(tk_stop(srv), "could not freeze the server");
	fd = tk_connect(s.net, "client", s.addr, PORT);
	tk_close_rst(fd);
	hn_cap_wait(s.cap, HN_RST, 1, 2000);
	TK_EXPECT(pt_wait_conns(s.net, "server", PORT, 0, 2000),
		  "the server host kept the aborted connection");
	kill(srv, SIGCONT);
	/* thawed, the server accepts the dead connection (or dies of it) */
	hn_set_strict(0);
	hn_wait_line(s.srv, "^connection from ", 2000);
	hn_set_strict(1);
	expect_serving(&s, "after a client connected and reset the "
		       "connection before the server called accept()");
	hn_down(s.net);
}

/*
 * The client sends a line and its FIN, then resets the connection, all
 * while the server's child is frozen.  Thawed, the child reads the line
 * and echoes it to a connection that is gone: on Linux that write fails
 * with EPIPE and raises SIGPIPE.  The server itself is frozen while the
 * child ends, so the test can read how the child ended before anyone
 * reaps it.
 */
static void child_not_killed_by_sigpipe(void **state)
{
	struct echo_scene s;
	pid_t child, srv;
	int fd, status;

	(void)state;
	echo_up(&s);
	srv = hn_pid(s.srv);
	fd = tk_connect(s.net, "client", s.addr, PORT);
	TK_EXPECT(tk_echoes(fd, "first\n", 2000), "no echo");
	child = echo_child(&s);
	TK_EXPECT(tk_stop(child), "could not freeze the child");
	pt_send(fd, "second\n", 7);
	shutdown(fd, SHUT_WR);
	hn_cap_wait(s.cap, HN_FIN, 1, 2000);
	tk_close_rst(fd);
	hn_cap_wait(s.cap, HN_RST, 1, 2000);
	TK_EXPECT(pt_wait_conns(s.net, "server", PORT, 0, 2000),
		  "the server host kept the reset connection");
	/* a stopped child sends its parent a SIGCHLD too */
	expect_settled(&s, "when one of its children was stopped (which "
		       "sends the parent a SIGCHLD)");
	TK_EXPECT(tk_stop(srv), "could not freeze the server");
	kill(child, SIGCONT);
	TK_EXPECT(tk_wait_state(child, 'Z', 2000), "the child did not end "
		  "after writing to a reset connection");
	status = tk_zombie_status(child);
	kill(srv, SIGCONT);
	TK_EXPECT(!(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE),
		  "the child echoing to a client that had reset the "
		  "connection was killed by SIGPIPE: a write to a dead "
		  "connection must fail with EPIPE, not kill the process");
	TK_EXPECT(!WIFSIGNALED(status), "the child echoing to a reset "
		  "connection was killed by signal %d", WTERMSIG(status));
	expect_settled(&s, "after a child wrote to a reset connection");
	expect_serving(&s, "after a child wrote to a reset connection");
	hn_down(s.net);
}

/* ---- the sum service ---------------------------------------------------- */

static void sum_answers_requests(void **state)
{
	struct sum_peer p = sum_start();

	(void)state;
	TALK(&p, "\"3 4\"", "3 4\n", "7\n");
	TALK(&p, "\"-10 +4\"", "-10 +4\n", "-6\n");
	TALK(&p, "\"  1\\t2  \"", "  1\t2  \n", "3\n");
	TALK(&p, "\"1 2\\r\\n\"", "1 2\r\n", "3\n");
	sum_stop(&p, "four good requests");
}

static void sum_rejects_non_numbers(void **state)
{
	struct sum_peer p = sum_start();

	(void)state;
	TALK(&p, "\"one 2\"", "one 2\n", "error: not a number\n");
	TALK(&p, "\"3 4abc\"", "3 4abc\n", "error: not a number\n");
	TALK(&p, "\"1.5 2\"", "1.5 2\n", "error: not a number\n");
	TALK(&p, "\"- 2\"", "- 2\n", "error: not a number\n");
	TALK(&p, "\"3 4\" after the bad ones", "3 4\n", "7\n");
	sum_stop(&p, "requests that were not numbers");
}

static void sum_rejects_out_of_range(void **state)
{
	struct sum_peer p = sum_start();

	(void)state;
	TALK(&p, "a 20-digit number", "99999999999999999999 0\n",
	     "error: out of range\n");
	TALK(&p, "two numbers whose sum overflows",
	     "9223372036854775807 1\n", "error: sum out of range\n");
	TALK(&p, "the largest sum", "9223372036854775806 1\n",
	     "9223372036854775807\n");
	sum_stop(&p, "numbers too big");
}

static void sum_rejects_wrong_field_count(void **state)
{
	struct sum_peer p = sum_start();

	(void)state;
	TALK(&p, "\"5\"", "5\n", "error: need two numbers\n");
	TALK(&p, "\"1 2 3\"", "1 2 3\n", "error: need two numbers\n");
	TALK(&p, "an empty line", "\n", "error: need two numbers\n");
	sum_stop(&p, "requests with the wrong number of fields");
}

static void sum_survives_overlong_line(void **state)
{
	struct sum_peer p = sum_start();
	static char req[100000];

	(void)state;
	memset(req, '7', sizeof(req));
	memcpy(req + sizeof(req) - 5, "\n1 2\n", 5);
	sum_talk(&p, "a 99995-byte line and then \"1 2\"", req, sizeof(req),
		 (const char *const[]){ "error: line too long\n", "3\n",
					NULL });
	sum_stop(&p, "a line too long");
}

static void sum_rejects_binary_data(void **state)
{
	struct sum_peer p = sum_start();

	(void)state;
	TALK(&p, "\"1\\0 2\" (a NUL byte)", "1\0 2\n", "error: binary data\n");
	TALK(&p, "bytes 0xff 0xfe", "\xff\xfe 1\n", "error: binary data\n");
	TALK(&p, "\"3 4\" after binary data", "3 4\n", "7\n");
	sum_stop(&p, "binary data");
}

static void sum_keeps_pipelined_requests(void **state)
{
	struct sum_peer p = sum_start();

	(void)state;
	TALK(&p, "three requests in one write, the middle one bad",
	     "1 2\nx y\n3 4\n", "3\n", "error: not a number\n", "7\n");
	sum_stop(&p, "pipelined requests");
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(echo_serves_a_client),
		TK_TEST(no_zombies_after_five_clients_at_once),
		TK_TEST(accept_restarted_after_sigchld),
		TK_TEST(survives_connection_aborted_before_accept),
		TK_TEST(child_not_killed_by_sigpipe),
		TK_TEST(sum_answers_requests),
		TK_TEST(sum_rejects_non_numbers),
		TK_TEST(sum_rejects_out_of_range),
		TK_TEST(sum_rejects_wrong_field_count),
		TK_TEST(sum_survives_overlong_line),
		TK_TEST(sum_rejects_binary_data),
		TK_TEST(sum_keeps_pipelined_requests),
	};
	return TK_RUN("lab05", tests);
}
