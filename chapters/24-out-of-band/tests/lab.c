/*
 * Lab 24 public tests: the student's hbcli sends its heartbeat as one
 * urgent byte, reads the answers out of band, keeps beating while data
 * flows and gives up on a crashed server; the student's hbserv answers
 * each heartbeat with an urgent byte, echoes ordinary data untouched,
 * keeps a live client and drops a crashed one.  The test plays the
 * other end itself on loopback, or runs the reference in the other host
 * of a network with the kernel's own TCP timers.
 */
#include "lab24.h"

/* A wait for a heartbeat: two periods, and room for a loaded machine. */
#define BEAT_WAIT (2 * PERIOD_MS + 500)

/* ---- hbcli ------------------------------------------------------------- */

/* The first heartbeat, checked: one urgent byte, nothing else. */
static void expect_urgent_beat(struct fake_server *s, const char *which)
{
	int c = fake_next_beat(s, BEAT_WAIT);

	TK_EXPECT(c >= 0 || s->ninline > 0, "no %s heartbeat came within %d "
		  "ms with a period of %d ms (section 24.6: send one every "
		  "PERIOD_MS milliseconds; poll()'s timeout is in "
		  "milliseconds)%s", which, BEAT_WAIT, PERIOD_MS,
		  c == -2 ? "; the client closed the connection" : "");
	TK_EXPECT(c >= 0, "the heartbeat came as %zu byte%s of ordinary "
		  "data (\"%s\"), not as urgent data: send it with MSG_OOB "
		  "(section 24.2)", s->ninline, s->ninline == 1 ? "" : "s",
		  tk_shown(s->inline_data));
	TK_EXPECT(s->ninline == 0, "the heartbeat brought %zu byte%s of "
		  "ordinary data (\"%s\") before its urgent byte: of the bytes "
		  "of one send(MSG_OOB), only the last is urgent; send one "
		  "byte (section 24.2)", s->ninline, s->ninline == 1 ? "" :
		  "s", tk_shown(s->inline_data));
}

static void client_sends_urgent_heartbeats(void **state)
{
	struct fake_server s;
	unsigned char c;
	int mine, b;

	(void)state;
	fake_server_start(&s, PERIOD, MAXMISS);
	mine = tk_server_end_of(hn_pid(s.cli), s.fd);
	TK_EXPECT(mine >= 0, "cannot find hbcli's socket");
	TK_EXPECT(tk_sockopt_int(mine, SOL_SOCKET, SO_OOBINLINE) == 0,
		  "hbcli's socket has SO_OOBINLINE on: the server's urgent "
		  "answer would arrive among the echoed data, not out of "
		  "band (section 24.4)");
	expect_urgent_beat(&s, "first");
	/* unanswered: no second heartbeat may follow it */
	b = fake_next_beat(&s, PERIOD_MS * 3 / 2);
	TK_EXPECT(b == -1 && s.ninline == 0, "a second heartbeat came "
		  "while the first was still unanswered: an urgent byte "
		  "sent before the peer has read the last one moves the mark "
		  "past it, and the first byte lands among the data (section "
		  "24.5: one heartbeat at a time)");
	Send(s.fd, "h", 1, MSG_OOB);            /* the answer */
	b = fake_next_beat(&s, BEAT_WAIT);
	if (b < 0) {
		TK_EXPECT(recv(mine, &c, 1, MSG_OOB | MSG_PEEK) != 1,
			  "the answer was never read: wait for urgent data "
			  "too (POLLPRI in poll(), or select()'s exception "
			  "set) and read it with recv(MSG_OOB); read() skips "
			  "it (section 24.3)");
		TK_EXPECT(hn_exit_status(s.cli) == -1, "hbcli gave up "
			  "although its heartbeat was answered: an answer "
			  "starts the count again (section 24.6): %s",
			  tk_shown(hn_stderr(s.cli)));
		TK_FAIL("after the answer no heartbeat came within %d ms: is "
			"hbcli stuck reading the answer?  Read the urgent byte "
			"with recv(MSG_OOB); read() skips it and waits for "
			"ordinary data (section 24.3)", BEAT_WAIT);
	}
	TK_EXPECT(s.ninline == 0, "ordinary data came with the heartbeats: "
		  "\"%s\" (section 24.2)", tk_shown(s.inline_data));
	close(mine);
	close(s.fd);
}

static void client_reads_the_answers(void **state)
{
	struct fake_server s;
	int mine, beats = 0;
	unsigned char c;
	long long end;

	(void)state;
	fake_server_start(&s, PERIOD, MAXMISS);
	mine = tk_server_end_of(hn_pid(s.cli), s.fd);
	TK_EXPECT(mine >= 0, "cannot find hbcli's socket");
	TK_EXPECT(tk_sockopt_int(mine, SOL_SOCKET, SO_OOBINLINE) == 0,
		  "hbcli's socket has SO_OOBINLINE on: the server's urgent "
		  "answer would arrive among the echoed data, not out of "
		  "band (section 24.4)");
	end = tk_now_ms() + (MAXMISSED + 2) * PERIOD_MS;
	while (tk_now_ms() < end) {
		int b = fake_next_beat(&s, BEAT_WAIT);

		if (b < 0)
			break;
		if (beats > 0)
			TK_EXPECT(recv(mine, &c, 1, MSG_OOB | MSG_PEEK) < 0,
				  "when hbcli sent its next heartbeat, the "
				  "server's answer to the last one was still "
				  "unread: wait for urgent data too (POLLPRI "
				  "in poll(), or select()'s exception set) "
				  "and read it with recv(MSG_OOB) (section "
				  "24.3)");
		Send(s.fd, "h", 1, MSG_OOB);
		beats++;
	}
	TK_EXPECT(hn_exit_status(s.cli) == -1, "hbcli ended although every "
		  "heartbeat was answered at once (%d answered): %s (section "
		  "24.6: a heartbeat answered starts the count again)",
		  beats, tk_shown(hn_stderr(s.cli)));
	TK_EXPECT(beats >= MAXMISSED, "only %d heartbeats in %d ms with a "
		  "period of %d ms (section 24.6)", beats,
		  2 * MAXMISSED * PERIOD_MS, PERIOD_MS);
	close(mine);
	close(s.fd);
}

/* Input keeps coming: each line is typed when the last one came
 * through, so hbcli is never idle; the heartbeats must go on. */
static void client_beats_while_data_flows(void **state)
{
	struct fake_server s;
	struct pollfd p;
	char line[32], buf[256];
	long long end;
	int beats = 0, lines = 0;

	(void)state;
	fake_server_start(&s, PERIOD, MAXMISS);
	p.fd = s.fd;
	p.events = POLLIN | POLLPRI;
	end = tk_now_ms() + 4 * PERIOD_MS;
	snprintf(line, sizeof(line), "line %d\n", lines++);
	TK_EXPECT(hn_write_stdin(s.cli, line, strlen(line)) == 0,
		  "cannot type into hbcli");
	while (tk_now_ms() < end) {
		p.revents = 0;
		if (poll(&p, 1, 20) <= 0)
			continue;
		if (p.revents & POLLPRI) {
			unsigned char c;

			if (recv(s.fd, &c, 1, MSG_OOB) == 1) {
				beats++;
				Send(s.fd, "h", 1, MSG_OOB);
			}
			continue;
		}
		if (recv(s.fd, buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			break;
		snprintf(line, sizeof(line), "line %d\n", lines++);
		if (hn_write_stdin(s.cli, line, strlen(line)) < 0)
			break;
	}
	TK_EXPECT(lines > 10, "only %d lines went through hbcli in %d ms",
		  lines, 4 * PERIOD_MS);
	TK_EXPECT(beats >= 2, "%d heartbeat%s in %d ms while input kept "
		  "coming, with a period of %d ms: the period ends on the "
		  "clock, whatever else poll() returns for (section 24.6)",
		  beats, beats == 1 ? "" : "s", 4 * PERIOD_MS, PERIOD_MS);
	close(s.fd);
}

static void client_gives_up_on_a_crashed_server(void **state)
{
	hn_net *net = hn_up(lab24_net);
	hn_proc *cli;
	long long t0;
	int limit = (MAXMISSED + 2) * PERIOD_MS + 1000;

	(void)state;
	hbserv_start(net, "server", lab24_ref("hbserv"), PERIOD, MAXMISS);
	cli = hn_run(net, "client", tk_lab_prog("hbcli"), "192.0.2.2",
		     "9877", PERIOD, MAXMISS, NULL);
	TK_EXPECT(lab24_echoes(cli, "hello"), "hbcli did not print the "
		  "echo of \"hello\" within 2 s: %s %s",
		  tk_shown(hn_stdout(cli)), tk_shown(hn_stderr(cli)));
	hn_crash(net, "server");
	t0 = tk_now_ms();
	TK_EXPECT(tk_exited(cli, limit), "the server's host crashed and "
		  "hbcli had not given up %d ms later, with %s heartbeats of "
		  "%d ms allowed to go unanswered (section 24.6: count them, "
		  "and stop at MAXMISSED)", limit, MAXMISS, PERIOD_MS);
	t0 = tk_now_ms() - t0;
	TK_EXPECT(tk_exit_code(cli) == 1 && strstr(hn_stderr(cli),
		  "server is unreachable") != NULL, "hbcli ended with status "
		  "%d saying %s; expected status 1 and \"hbcli: server is "
		  "unreachable\" (section 24.6)", tk_exit_code(cli),
		  tk_shown(hn_stderr(cli)));
	TK_EXPECT(t0 >= (MAXMISSED - 1) * PERIOD_MS, "hbcli gave up %lld ms "
		  "after the crash: sooner than %d periods of %d ms (section "
		  "24.6)", t0, MAXMISSED - 1, PERIOD_MS);
	hn_down(net);
}

/* ---- hbserv ------------------------------------------------------------ */

/* A connection to hbserv here; its child's socket is checked first. */
static int connect_hbserv(hn_proc *srv)
{
	int fd = tk_connect_here("127.0.0.1", 9877), theirs;
	pid_t child = hbserv_child(srv);

	theirs = tk_server_end_of(child, fd);
	TK_EXPECT(theirs >= 0, "cannot find the socket of hbserv's child");
	TK_EXPECT(tk_sockopt_int(theirs, SOL_SOCKET, SO_OOBINLINE) == 0,
		  "hbserv's socket has SO_OOBINLINE on: the client's "
		  "heartbeats land among the data to echo (section 24.4)");
	close(theirs);
	return fd;
}

/* Sends a heartbeat and expects one urgent byte back, nothing else. */
static void expect_answer(int fd, int k)
{
	char data[256] = "";
	size_t n = 0;
	int c;

	Send(fd, "h", 1, MSG_OOB);
	c = next_urgent(fd, BEAT_WAIT, data, &n, sizeof(data) - 1);
	TK_EXPECT(c >= 0 || n == 0, "heartbeat %d was answered with %zu "
		  "byte%s of ordinary data (\"%s\"), not urgent data: answer "
		  "with send(MSG_OOB) (section 24.2)", k, n, n == 1 ? "" : "s",
		  tk_shown(data));
	TK_EXPECT(c != -2 && !(c == -1 && peer_closed(fd)), "hbserv closed "
		  "the connection instead of answering heartbeat %d, one "
		  "period after the last (section 24.6: a heartbeat starts "
		  "the count again)", k);
	TK_EXPECT(c >= 0, "heartbeat %d got no answer within %d ms (section "
		  "24.3: wait for urgent data with POLLPRI, read it with "
		  "recv(MSG_OOB), answer at once)", k, BEAT_WAIT);
	TK_EXPECT(n == 0, "the answer to heartbeat %d brought ordinary data "
		  "(\"%s\") before its urgent byte: only the last byte of a "
		  "send(MSG_OOB) is urgent (section 24.2)", k, tk_shown(data));
}

static void server_answers_heartbeats(void **state)
{
	hn_proc *srv = hbserv_start(NULL, NULL, tk_lab_prog("hbserv"),
				    PERIOD, MAXMISS);
	int fd = connect_hbserv(srv);

	(void)state;
	expect_answer(fd, 1);
	TK_EXPECT(tk_echoes(fd, "ping\n", 2000), "hbserv echoed \"%s\" for "
		  "\"ping\" after a heartbeat (section 24.6)",
		  tk_last_echo());
	expect_answer(fd, 2);
	close(fd);
}

static void server_keeps_a_live_client(void **state)
{
	hn_proc *srv = hbserv_start(NULL, NULL, tk_lab_prog("hbserv"),
				    PERIOD, MAXMISS);
	int fd = connect_hbserv(srv);
	long long end = tk_now_ms() + (MAXMISSED + 1) * PERIOD_MS;
	int k = 0;

	(void)state;
	while (tk_now_ms() < end) {
		expect_answer(fd, ++k);
		/* the next heartbeat one period on: nothing to read in
		 * between, so a wait for data that never comes */
		TK_EXPECT(!tk_readable(fd, PERIOD_MS), "hbserv closed or "
			  "sent data while a heartbeat came every %d ms "
			  "(section 24.6: a heartbeat starts the count "
			  "again)", PERIOD_MS);
	}
	TK_EXPECT(tk_echoes(fd, "still here\n", 2000), "after %d heartbeats "
		  "hbserv echoed \"%s\", not the line (section 24.6: a "
		  "heartbeat starts the count again)", k, tk_last_echo());
	close(fd);
}

static void server_drops_a_crashed_client(void **state)
{
	hn_net *net = hn_up(lab24_net);
	hn_proc *srv = hbserv_start(net, "server", tk_lab_prog("hbserv"),
				    PERIOD, MAXMISS);
	hn_proc *cli = hn_run(net, "client", lab24_ref("hbcli"), "192.0.2.2",
			      "9877", PERIOD, MAXMISS, NULL);
	int limit = (MAXMISSED + 2) * PERIOD_MS + 1000;
	pid_t child;

	(void)state;
	TK_EXPECT(lab24_echoes(cli, "hello"), "no echo of \"hello\" through "
		  "hbserv within 2 s: %s", tk_shown(hn_stdout(cli)));
	child = hbserv_child(srv);
	hn_crash(net, "client");
	TK_EXPECT(tk_saw(srv, "client is unreachable", limit), "the client's "
		  "host crashed and hbserv had not said \"client is "
		  "unreachable\" %d ms later, with %s periods of %d ms "
		  "allowed without a heartbeat (section 24.6)", limit,
		  MAXMISS, PERIOD_MS);
	TK_EXPECT(tk_wait_state(child, 0, 2000) ||
		  tk_server_connections(child) == 0, "hbserv said the "
		  "client is unreachable but still holds the connection "
		  "(section 24.6: close it)");
	hn_down(net);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(client_sends_urgent_heartbeats),
		TK_TEST(client_reads_the_answers),
		TK_TEST(client_beats_while_data_flows),
		TK_TEST(client_gives_up_on_a_crashed_server),
		TK_TEST(server_answers_heartbeats),
		TK_TEST(server_keeps_a_live_client),
		TK_TEST(server_drops_a_crashed_client),
	};
	return TK_RUN("lab", tests);
}
