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

/* The client's end of file goes to the child, which exits; the
 * connection ends only if the parent closed its copy of the socket too.
 * The server is frozen meanwhile, so the test can read how the child
 * ended before anyone reaps it. */
static void echo_serves_a_client(void **state)
{
	struct echo_scene s;
	char regex[64], buf[64];
	pid_t child, srv;
	int fd, status;

	(void)state;
	echo_up(&s);
	srv = hn_pid(s.srv);
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
	child = echo_child(&s);
	expect_settled(&s, "with one client connected", "5.9 handling "
		       "SIGCHLD");
	TK_EXPECT(tk_stop(srv), "could not freeze the server");
	shutdown(fd, SHUT_WR);
	TK_EXPECT(pt_read_line(fd, buf, sizeof(buf), 2000) == 0,
		  "the client closed its end, and the connection did not end "
		  "within 2 s: the child must exit at end of file, and the "
		  "parent must close its copy of the connected socket right "
		  "after fork()");
	TK_EXPECT(tk_wait_state(child, 'Z', 2000), "the child did not exit "
		  "after its client left");
	status = tk_zombie_status(child);
	kill(srv, SIGCONT);
	TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the child serving a client that left normally ended with "
		  "%s %d: once its client has gone, a child must exit(0), not "
		  "return into the parent's loop.  The server's stderr:\n%s",
		  WIFSIGNALED(status) ? "signal" : "status",
		  WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
		  hn_stderr(s.srv));
	close(fd);
	hn_down(s.net);
}

/* One client leaves; its child's SIGCHLD interrupts accept(). */
static void accept_restarted_after_sigchld(void **state)
{
	struct echo_scene s;
	pid_t child;
	int fd;

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
		       "SIGCHLD interrupted accept)", "5.9 handling SIGCHLD: "
		       "no handler reaps it");
	expect_serving(&s, "after the first client left (its child's "
		       "SIGCHLD interrupted accept)");
	hn_down(s.net);
}

/* Five clients end at once.  The test freezes the server (SIGSTOP)
 * while their five children exit, so that their SIGCHLDs merge into
 * one: what happens by chance on a busy machine happens every time.
 * A sixth client stays connected meanwhile: its child is alive, and the
 * handler must not wait for it. */
static void no_zombies_after_five_clients_at_once(void **state)
{
	struct echo_scene s;
	pid_t kids[8], srv, child;
	int fds[5], stay, n;

	(void)state;
	echo_up(&s);
	srv = hn_pid(s.srv);
	/* first, what 5.9 teaches: one child that ends alone is reaped */
	fds[0] = tk_connect(s.net, "client", s.addr, PORT);
	TK_EXPECT(tk_echoes(fds[0], "alone\n", 2000), "a client got no echo");
	child = echo_child(&s);
	close(fds[0]);
	TK_EXPECT(pt_wait_dead(child, 2000), "the child did not exit when "
		  "its client closed the connection");
	expect_settled(&s, "after one client left alone", "5.9 handling "
		       "SIGCHLD first");
	stay = tk_connect(s.net, "client", s.addr, PORT);
	TK_EXPECT(tk_echoes(stay, "I stay\n", 2000), "a client got no echo");
	child = echo_child(&s);
	for (int i = 0; i < 5; i++) {
		fds[i] = tk_connect(s.net, "client", s.addr, PORT);
		TK_EXPECT(tk_echoes(fds[i], "hi\n", 2000),
			  "client %d of 5 got no echo", i + 1);
	}
	n = tk_wait_children(srv, 6, kids, 8, 2000);
	TK_EXPECT(n == 6, "with 6 clients connected the server should have "
		  "6 children; it has %d", n);
	TK_EXPECT(tk_stop(srv), "could not freeze the server");
	for (int i = 0; i < 5; i++)
		close(fds[i]);
	for (int i = 0; i < 6; i++)
		TK_EXPECT(kids[i] == child || tk_wait_state(kids[i], 'Z', 2000),
			  "a child did not exit after its client closed");
	kill(srv, SIGCONT);
	expect_settled(&s, "after 5 clients closed at the same moment",
		       "5.10 wait and waitpid");
	expect_serving(&s, "after 5 clients closed at once while a sixth "
		       "stayed connected (a handler that waits for a child "
		       "still serving blocks the server)");
	close(stay);
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
		       "sends the parent a SIGCHLD)", "5.9 handling SIGCHLD");
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
	expect_settled(&s, "after a child wrote to a reset connection",
		       "5.9 handling SIGCHLD");
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

/* SUM_MAX_LINE counts the request's bytes, not its "\n" or "\r\n". */
static void sum_line_limit_without_line_end(void **state)
{
	struct sum_peer p = sum_start();
	char req[SUM_MAX_LINE + 5010];
	size_t n;

	(void)state;
	memset(req, ' ', sizeof(req));
	memcpy(req, "1 2", 3);
	memcpy(req + SUM_MAX_LINE, "\n2 2\n", 6);
	sum_talk(&p, "a request of SUM_MAX_LINE (256) bytes and \"2 2\"",
		 req, SUM_MAX_LINE + 5,
		 (const char *const[]){ "3\n", "4\n", NULL });
	memcpy(req + SUM_MAX_LINE, "\r\n2 2\n", 6);
	sum_talk(&p, "a request of 256 bytes, \"\\r\\n\" and \"2 2\"",
		 req, SUM_MAX_LINE + 6,
		 (const char *const[]){ "3\n", "4\n", NULL });
	memcpy(req + SUM_MAX_LINE, " \n2 2\n", 6);
	sum_talk(&p, "a request of 257 bytes and \"2 2\"", req,
		 SUM_MAX_LINE + 6, (const char *const[]){
			 "error: line too long\n", "4\n", NULL });
	/* the byte past the limit is '\r', but no '\n' follows it */
	n = SUM_MAX_LINE;
	req[n++] = '\r';
	memset(req + n, 'x', 5000);
	n += 5000;
	memcpy(req + n, "\n2 2\n", 5);
	sum_talk(&p, "\"1 2\", 253 spaces, \"\\r\", 5000 'x' and \"2 2\"",
		 req, n + 5, (const char *const[]){
			 "error: line too long\n", "4\n", NULL });
	sum_stop(&p, "requests at the length limit");
}

/* A line with several problems gets the first reason in LAB.md's
 * order, whichever field has it. */
static void sum_reports_first_reason(void **state)
{
	struct sum_peer p = sum_start();
	char req[300];

	(void)state;
	memset(req, 'x', sizeof(req));
	req[0] = '\1';
	req[sizeof(req) - 1] = '\n';
	sum_talk(&p, "300 bytes of binary data", req, sizeof(req),
		 (const char *const[]){ "error: line too long\n", NULL });
	TALK(&p, "\"x\\1\" (one field, binary)", "x\1\n",
	     "error: binary data\n");
	TALK(&p, "\"1 2 x\"", "1 2 x\n", "error: need two numbers\n");
	TALK(&p, "\"99999999999999999999 x\"", "99999999999999999999 x\n",
	     "error: not a number\n");
	TALK(&p, "\"99999999999999999999 9223372036854775807\"",
	     "99999999999999999999 9223372036854775807\n",
	     "error: out of range\n");
	sum_stop(&p, "lines with several problems");
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
		TK_TEST(accept_restarted_after_sigchld),
		TK_TEST(no_zombies_after_five_clients_at_once),
		TK_TEST(survives_connection_aborted_before_accept),
		TK_TEST(child_not_killed_by_sigpipe),
		TK_TEST(sum_answers_requests),
		TK_TEST(sum_rejects_non_numbers),
		TK_TEST(sum_rejects_out_of_range),
		TK_TEST(sum_rejects_wrong_field_count),
		TK_TEST(sum_survives_overlong_line),
		TK_TEST(sum_line_limit_without_line_end),
		TK_TEST(sum_reports_first_reason),
		TK_TEST(sum_rejects_binary_data),
		TK_TEST(sum_keeps_pipelined_requests),
	};
	return TK_RUN("lab05", tests);
}
