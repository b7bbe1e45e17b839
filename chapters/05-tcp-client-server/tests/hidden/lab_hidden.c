/*
 * lab_hidden.c - Lab 5's hidden tests (used for grading only): more
 * clients, more signals, more data and the edges of the sum protocol.
 */
#include "../lab05test.h"

/* ---- the echo server ---------------------------------------------------- */

static void echo_twenty_clients_in_turn(void **state)
{
	struct echo_scene s;
	char line[64];

	(void)state;
	echo_up(&s);
	for (int i = 0; i < 20; i++) {
		int fd;

		snprintf(line, sizeof(line), "after %d clients in turn", i);
		expect_alive(&s, line);
		fd = tk_connect(s.net, "client", s.addr, PORT);
		snprintf(line, sizeof(line), "client %d\n", i + 1);
		TK_EXPECT(tk_echoes(fd, line, 2000), "client %d of 20, one "
			  "after another, got no echo", i + 1);
		close(fd);
	}
	expect_settled(&s, "after 20 clients in turn",
		       "5.9 handling SIGCHLD");
	hn_down(s.net);
}

/* Sends n bytes and reads them back at the same time, within 5 s.  Byte
 * k of the stream is 'a' + k % 26, so any loss or reordering shows. */
static bool echo_bulk(int fd, size_t n)
{
	static char out[65536 + 26], in[65536];
	size_t sent = 0, got = 0;
	struct pollfd pfd = { .fd = fd };

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)('a' + i % 26);
	while (got < n) {
		pfd.events = POLLIN | (sent < n ? POLLOUT : 0);
		if (poll(&pfd, 1, 5000) != 1)
			return false;
		if (pfd.revents & POLLOUT) {
			size_t chunk = n - sent < 65536 ? n - sent : 65536;
			ssize_t w = send(fd, out + sent % 26, chunk,
					 MSG_NOSIGNAL | MSG_DONTWAIT);

			if (w > 0)
				sent += (size_t)w;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = recv(fd, in, sizeof(in), MSG_DONTWAIT);

			if (r == 0 || (r < 0 && errno != EAGAIN))
				return false;
			for (ssize_t i = 0; i < r; i++)
				if (in[i] != (char)('a' + (got + (size_t)i) %
						     26))
					return false;
			if (r > 0)
				got += (size_t)r;
		}
	}
	return true;
}

static void echo_megabyte_round_trip(void **state)
{
	struct echo_scene s;
	int fd;

	(void)state;
	echo_up(&s);
	fd = tk_connect(s.net, "client", s.addr, PORT);
	TK_EXPECT(echo_bulk(fd, 1 << 20), "1 MB sent through the echo "
		  "server did not come back intact within 5 s");
	close(fd);
	hn_down(s.net);
}

static void echo_child_killed_server_carries_on(void **state)
{
	struct echo_scene s;
	char buf[16];
	int fd;

	(void)state;
	echo_up(&s);
	fd = tk_connect(s.net, "client", s.addr, PORT);
	TK_EXPECT(tk_echoes(fd, "hello\n", 2000), "no echo");
	kill(echo_child(&s), SIGKILL);
	TK_EXPECT(pt_read_line(fd, buf, sizeof(buf), 2000) == 0,
		  "when its child was killed, the client should see end "
		  "of file");
	close(fd);
	expect_settled(&s, "after one of its children was killed",
		       "5.9 handling SIGCHLD");
	expect_serving(&s, "after one of its children was killed");
	hn_down(s.net);
}

/* Many SIGCHLDs while the server waits in accept(). */
static void echo_sigchld_storm(void **state)
{
	struct echo_scene s;
	pid_t srv;

	(void)state;
	echo_up(&s);
	srv = hn_pid(s.srv);
	for (int i = 0; i < 50; i++) {
		kill(srv, SIGCHLD);
		TK_EXPECT(tk_wait_state(srv, 'S', 2000) ||
			  tk_proc_state(srv) == 0, "the server did not go back "
			  "to accept()");
	}
	expect_serving(&s, "after 50 SIGCHLDs interrupted accept()");
	hn_down(s.net);
}

static void echo_client_resets_mid_stream(void **state)
{
	struct echo_scene s;
	static char junk[200000];
	int fd;

	(void)state;
	echo_up(&s);
	fd = tk_connect(s.net, "client", s.addr, PORT);
	memset(junk, 'x', sizeof(junk));
	/* the child echoes into a client that reads nothing, then resets;
	 * send what fits without waiting */
	TK_EXPECT(send(fd, junk, sizeof(junk), MSG_DONTWAIT | MSG_NOSIGNAL) >
		  0, "could not send to the server");
	tk_close_rst(fd);
	TK_EXPECT(pt_wait_conns(s.net, "server", PORT, 0, 2000),
		  "the server kept the reset connection");
	expect_settled(&s, "after a client reset the connection while the "
		       "server was echoing to it", "5.9 handling SIGCHLD");
	expect_serving(&s, "after a client reset the connection while the "
		       "server was echoing to it");
	hn_down(s.net);
}

/* ---- the host-level scenarios of 5.14 to 5.16, with your server ------- */

/* A client of the server, after one echo; returns its socket. */
static int echo_client(struct echo_scene *s)
{
	int fd = tk_connect(s->net, "client", s->addr, PORT);

	TK_EXPECT(tk_echoes(fd, "hello\n", 2000), "no echo");
	return fd;
}

/* Sends a line after the server's host changed; returns what the next
 * read says (0 at end of file, else -errno). */
static int read_after_sending(int fd)
{
	char buf[64];
	ssize_t n;

	pt_send(fd, "another line\n", 13);
	n = pt_read_line(fd, buf, sizeof(buf), 5000);
	return n == 0 ? 0 : n < 0 ? -errno : 1;
}

static void server_host_crash_client_times_out(void **state)
{
	struct echo_scene s;
	int fd, got;

	(void)state;
	echo_up(&s);
	fd = echo_client(&s);
	hn_crash(s.net, "server");
	got = read_after_sending(fd);
	TK_EXPECT(got == -ETIMEDOUT, "when the server's host crashed, the "
		  "client should time out (ETIMEDOUT); its read said %s",
		  got == 0 ? "end of file" : strerror(-got));
	TK_EXPECT(hn_cap_count(s.cap, "src host 192.0.2.2 and (" HN_FIN " or "
			       HN_RST ")") == 0, "a crashed host sends "
		  "nothing, yet a FIN or RST left it");
	close(fd);
	hn_down(s.net);
}

static void server_host_reboot_client_reset(void **state)
{
	struct echo_scene s;
	int fd, got;

	(void)state;
	echo_up(&s);
	fd = echo_client(&s);
	hn_reboot(s.net, "server");
	got = read_after_sending(fd);
	TK_EXPECT(got == -ECONNRESET, "when the server's host rebooted, the "
		  "client should get ECONNRESET; its read said %s",
		  got == 0 ? "end of file" : strerror(-got));
	close(fd);
	hn_down(s.net);
}

static void server_host_shutdown_client_eof(void **state)
{
	struct echo_scene s;
	char buf[16];
	int fd;

	(void)state;
	echo_up(&s);
	fd = echo_client(&s);
	hn_shutdown(s.net, "server", 1000);
	TK_EXPECT(pt_read_line(fd, buf, sizeof(buf), 2000) == 0,
		  "when the server's host shut down (SIGTERM to every "
		  "process), the client should see end of file");
	close(fd);
	hn_down(s.net);
}

/* The client's host shuts down: its processes end, their sockets send
 * FINs.  The server's child must see end of file, exit and be reaped,
 * and the server must carry on. */
static void client_host_shutdown_child_reaped(void **state)
{
	struct echo_scene s;
	hn_proc *cli;
	pid_t child;

	(void)state;
	echo_up(&s);
	cli = hn_run(s.net, "client", tk_prog("05-tcp-client-server",
		     "echocli"), s.addr, NULL);
	hn_write_stdin(cli, "hello\n", 6);
	hn_wait_line(cli, "^hello$", 2000);
	child = echo_child(&s);
	hn_shutdown(s.net, "client", 1000);
	TK_EXPECT(pt_wait_dead(child, 2000), "when the client's host shut "
		  "down (its FIN arrived), the server's child did not exit");
	expect_settled(&s, "after the client's host shut down",
		       "5.9 handling SIGCHLD");
	expect_serving(&s, "after the client's host shut down");
	hn_down(s.net);
}

/* ---- the sum service ---------------------------------------------------- */

static void sum_limits_of_64_bits(void **state)
{
	struct sum_peer p = sum_start();

	(void)state;
	TALK(&p, "the smallest number", "-9223372036854775808 0\n",
	     "-9223372036854775808\n");
	TALK(&p, "a sum below the smallest", "-9223372036854775808 -1\n",
	     "error: sum out of range\n");
	TALK(&p, "2^63", "9223372036854775808 0\n", "error: out of range\n");
	TALK(&p, "-2^63 - 1", "0 -9223372036854775809\n",
	     "error: out of range\n");
	TALK(&p, "opposite extremes", "9223372036854775807 "
	     "-9223372036854775808\n", "-1\n");
	TALK(&p, "\"-0 +0\"", "-0 +0\n", "0\n");
	TALK(&p, "\"007 1\"", "007 1\n", "8\n");
	sum_stop(&p, "numbers at the limits");
}

static void sum_line_length_boundary(void **state)
{
	struct sum_peer p = sum_start();
	char req[SUM_MAX_LINE + 3];

	(void)state;
	memset(req, ' ', sizeof(req));
	memcpy(req, "1 2", 3);
	req[SUM_MAX_LINE] = '\n';
	sum_talk(&p, "a request of exactly SUM_MAX_LINE bytes", req,
		 SUM_MAX_LINE + 1, (const char *const[]){ "3\n", NULL });
	req[SUM_MAX_LINE] = ' ';
	req[SUM_MAX_LINE + 1] = '\n';
	sum_talk(&p, "a request one byte too long", req, SUM_MAX_LINE + 2,
		 (const char *const[]){ "error: line too long\n", NULL });
	TALK(&p, "\"2 2\" after it", "2 2\n", "4\n");
	sum_stop(&p, "requests at the length limit");
}

static void sum_byte_by_byte(void **state)
{
	struct sum_peer p = sum_start();
	const char *req = "12 30\n";

	(void)state;
	for (const char *c = req; *c != '\0'; c++)
		TK_EXPECT(pt_send(p.fd, c, 1) == 1, "send failed");
	sum_expect(&p, "\"12 30\" sent one byte at a time", "42\n");
	sum_stop(&p, "a request sent one byte at a time");
}

static void sum_last_line_without_newline(void **state)
{
	struct sum_peer p = sum_start();
	char buf[64];
	int status;

	(void)state;
	pt_send(p.fd, "5 6", 3);
	shutdown(p.fd, SHUT_WR);
	sum_expect(&p, "\"5 6\" and end of file without a newline",
		     "11\n");
	TK_EXPECT(pt_read_line(p.fd, buf, sizeof(buf), 2000) == 0,
		  "the service should close after answering the last line");
	close(p.fd);
	waitpid(p.pid, &status, 0);
	TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "sum_serve should return 0 at end of file");
}

static void sum_control_characters(void **state)
{
	struct sum_peer p = sum_start();

	(void)state;
	TALK(&p, "a byte 0x01", "1\x01 2\n", "error: binary data\n");
	TALK(&p, "a DEL byte", "1 2\x7f\n", "error: binary data\n");
	TALK(&p, "a '\\r' in the middle", "1\r 2\n", "error: binary data\n");
	TALK(&p, "UTF-8 digits", "\xef\xbc\x91 2\n", "error: binary data\n");
	TALK(&p, "a good request after them", "20 22\n", "42\n");
	sum_stop(&p, "control characters");
}

static void sum_megabyte_line_then_requests(void **state)
{
	struct sum_peer p = sum_start();
	static char req[1 << 20];

	(void)state;
	memset(req, '9', sizeof(req));
	memcpy(req + sizeof(req) - 9, "\n1 1\n2 2\n", 9);
	sum_talk(&p, "a 1 MB line, then \"1 1\" and \"2 2\"", req,
		 sizeof(req), (const char *const[]){ "error: line too long\n",
		 "2\n", "4\n", NULL });
	sum_stop(&p, "a 1 MB line");
}

static void sum_thousand_pipelined(void **state)
{
	struct sum_peer p = sum_start();
	char *req = NULL, want[32], got[64];
	size_t len = 0;
	FILE *f = open_memstream(&req, &len);

	(void)state;
	for (int i = 0; i < 1000; i++)
		fprintf(f, i % 7 == 3 ? "%d x\n" : "%d 1\n", i);
	fclose(f);
	TK_EXPECT(pt_send(p.fd, req, len) == (ssize_t)len, "send failed");
	for (int i = 0; i < 1000; i++) {
		if (i % 7 == 3)
			snprintf(want, sizeof(want), "error: not a number\n");
		else
			snprintf(want, sizeof(want), "%d\n", i + 1);
		TK_EXPECT(pt_read_line(p.fd, got, sizeof(got), 2000) > 0 &&
			  strcmp(got, want) == 0, "of 1000 requests sent in "
			  "one go, reply %d should be \"%.*s\", was \"%.*s\"",
			  i + 1, (int)strcspn(want, "\n"), want,
			  (int)strcspn(got, "\n"), got);
	}
	free(req);
	sum_stop(&p, "1000 pipelined requests");
}

static void sum_reply_reads_only_len_bytes(void **state)
{
	char reply[SUM_REPLY_SIZE];
	const char line[] = "4 5 junk after the length";

	(void)state;
	sum_reply(line, 3, reply, sizeof(reply));
	TK_EXPECT(strcmp(reply, "9\n") == 0, "sum_reply(\"4 5...\", 3) should "
		  "look at 3 bytes only and answer \"9\", answered \"%.*s\"",
		  (int)strcspn(reply, "\n"), reply);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(echo_twenty_clients_in_turn),
		TK_TEST(echo_megabyte_round_trip),
		TK_TEST(echo_child_killed_server_carries_on),
		TK_TEST(echo_sigchld_storm),
		TK_TEST(echo_client_resets_mid_stream),
		TK_TEST(server_host_crash_client_times_out),
		TK_TEST(server_host_reboot_client_reset),
		TK_TEST(server_host_shutdown_client_eof),
		TK_TEST(client_host_shutdown_child_reaped),
		TK_TEST(sum_limits_of_64_bits),
		TK_TEST(sum_line_length_boundary),
		TK_TEST(sum_byte_by_byte),
		TK_TEST(sum_last_line_without_newline),
		TK_TEST(sum_control_characters),
		TK_TEST(sum_megabyte_line_then_requests),
		TK_TEST(sum_thousand_pipelined),
		TK_TEST(sum_reply_reads_only_len_bytes),
	};
	return TK_RUN("lab05-hidden", tests);
}
