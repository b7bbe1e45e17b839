/*
 * mux.c - chapter 6's programs, run for real: the select() clients with
 * batch input (the naive one's early exit asserted, then the shutdown
 * version passing), the select, poll, epoll and pselect echo servers with
 * several clients and a reset, and the select server stalled by a client
 * that never reads (the failure lab 6 fixes).
 */
#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#define CH "06-io-multiplexing"

/* 1 MB of numbered lines: each line differs, so a lost or reordered line
 * shows. */
static char *batch_input(size_t *len)
{
	size_t size = 1 << 20, used = 0;
	char *buf = malloc(size + 1);
	int no = 0;

	while (used + 64 < size)
		used += (size_t)sprintf(buf + used, "line %06d of the batch: "
					"the quick brown fox\n", ++no);
	while (used < size)
		buf[used++] = '\n';     /* pad to exactly 1 MB */
	buf[used] = '\0';
	*len = used;
	return buf;
}

static hn_proc *start_server(const char *name, int *port)
{
	hn_proc *srv = tk_run(CH, name, "0", NULL);

	*port = tk_listening_port(srv, 2000);
	return srv;
}

/* Pipes the batch through client NAME to selserv; returns the client. */
static hn_proc *batch_through(const char *name, const char *in,
				   size_t len)
{
	char portarg[16];
	int port;
	hn_proc *cli;

	start_server("selserv", &port);
	snprintf(portarg, sizeof(portarg), "%d", port);
	cli = tk_run(CH, name, "127.0.0.1", portarg, NULL);
	TK_EXPECT(hn_feed(cli, in, len, 5000) == 0,
		  "%s did not take 1 MB on stdin within 5 s", name);
	TK_EXPECT(tk_exited(cli, 5000), "%s did not exit within 5 s of the "
		  "end of its input", name);
	return cli;
}

static void naive_client_exits_before_last_echo(void **state)
{
	size_t len;
	char *in = batch_input(&len);
	hn_proc *cli = batch_through("selcli_naive", in, len);

	(void)state;
	TK_EXPECT(tk_exit_code(cli) == 0,
		  "selcli_naive should end normally at end of input; "
		  "status %d, stderr: %s", hn_exit_status(cli),
		  hn_stderr(cli));
	TK_EXPECT(strlen(hn_stdout(cli)) < len, "the naive client printed "
		  "all %zu bytes: it was expected to quit with echoes in "
		  "flight", len);
	TK_EXPECT(memcmp(hn_stdout(cli), in, strlen(hn_stdout(cli))) == 0,
		  "what the naive client printed is not the start of its "
		  "input");
	free(in);
}

static void shutdown_client_gets_every_echo(void **state)
{
	size_t len, out;
	char *in = batch_input(&len);
	hn_proc *cli = batch_through("selcli", in, len);

	(void)state;
	TK_EXPECT(tk_exit_code(cli) == 0,
		  "selcli failed: status %d, stderr: %s", hn_exit_status(cli),
		  hn_stderr(cli));
	out = strlen(hn_stdout(cli));
	TK_EXPECT(out == len && memcmp(hn_stdout(cli), in, len) == 0,
		  "1 MB went through selcli but %zu bytes came back%s", out,
		  out == len ? ", different" : "");
	free(in);
}

/* An interactive-looking session, kept as the book's transcript. */
static void selcli_session_transcript(void **state)
{
	const char *in = "hello, select\nsecond line\n";
	char portarg[16];
	hn_proc *cli;
	int port;

	(void)state;
	start_server("selserv", &port);
	snprintf(portarg, sizeof(portarg), "%d", port);
	cli = tk_run(CH, "selcli", "127.0.0.1", portarg, NULL);
	hn_feed(cli, in, strlen(in), 2000);
	TK_EXPECT(tk_exited(cli, 2000), "selcli did not exit");
	TK_EXPECT(strcmp(hn_stdout(cli), in) == 0, "selcli printed \"%s\"",
		  hn_stdout(cli));
	tk_transcript_of(CH, "selcli", "printf 'hello, select\\nsecond "
			 "line\\n' | ./selcli 127.0.0.1 9877", hn_stdout(cli));
}

/* Three clients talk in turns; one resets; the others go on. */
static void server_serves_three_and_survives_reset(const char *name)
{
	int port, fd[3];
	char line[64], got[64];
	hn_proc *srv = start_server(name, &port);

	for (int i = 0; i < 3; i++)
		fd[i] = tk_connect_here(TK_LOOPBACK, port);
	for (int round = 0; round < 3; round++) {
		for (int i = 2; i >= 0; i--) {
			snprintf(line, sizeof(line), "client %d round %d\n",
				 i, round);
			Writen(fd[i], line, strlen(line));
		}
		for (int i = 0; i < 3; i++) {
			snprintf(line, sizeof(line), "client %d round %d\n",
				 i, round);
			tk_read_line(fd[i], got, sizeof(got), 2000);
			TK_EXPECT(strcmp(got, line) == 0, "%s: client %d sent "
				  "\"%.*s\" and got \"%s\" back", name, i,
				  (int)strlen(line) - 1, line, got);
		}
	}
	/* client 0 sends a line and resets before reading the echo */
	Writen(fd[0], "going away\n", 11);
	tk_close_rst(fd[0]);
	Writen(fd[1], "still there?\n", 13);
	tk_read_line(fd[1], got, sizeof(got), 2000);
	TK_EXPECT(strcmp(got, "still there?\n") == 0, "%s: after client 0 "
		  "reset its connection, client 1 got \"%s\"%s", name, got,
		  hn_exit_status(srv) != -1 ? " (the server had exited)" : "");
	TK_EXPECT(!tk_exited(srv, 0), "%s exited after a client reset: %s",
		  name, hn_stderr(srv));
	Close(fd[1]);
	Close(fd[2]);
}

static void select_server_echoes(void **state)
{
	(void)state;
	server_serves_three_and_survives_reset("selserv");
}

static void poll_server_echoes(void **state)
{
	(void)state;
	server_serves_three_and_survives_reset("pollserv");
}

static void epoll_server_echoes(void **state)
{
	(void)state;
	server_serves_three_and_survives_reset("epollserv");
}

static void pselect_server_echoes(void **state)
{
	(void)state;
	server_serves_three_and_survives_reset("pselserv");
}

/* A client that sends and never reads: once the echoes fill its receive
 * buffer and the server's send buffer, the server blocks in write() and
 * nobody else is served.  Section 6.8 says so; lab 6 fixes it. */
static void select_server_stalled_by_client_that_never_reads(void **state)
{
	int port, hog, other, small = 4096;
	char chunk[65536], got[64];
	size_t sent = 0;
	hn_proc *srv;

	(void)state;
	srv = start_server("selserv", &port);
	memset(chunk, 'x', sizeof(chunk));
	hog = socket(AF_INET, SOCK_STREAM, 0);
	/* small buffers so the pipe fills fast */
	setsockopt(hog, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	{
		struct sockaddr_in sin = { .sin_family = AF_INET };

		sin.sin_port = htons((uint16_t)port);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		Connect(hog, (struct sockaddr *)&sin, sizeof(sin));
	}
	fcntl(hog, F_SETFL, O_NONBLOCK);
	/* send until nothing more goes for 300 ms (at most 64 MB) */
	while (sent < (64u << 20)) {
		struct pollfd pf = { .fd = hog, .events = POLLOUT };
		ssize_t n = send(hog, chunk, sizeof(chunk), MSG_NOSIGNAL);

		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			break;          /* the server closed or reset it */
		if (poll(&pf, 1, 300) <= 0 || !(pf.revents & POLLOUT))
			break;
	}
	other = tk_connect_here(TK_LOOPBACK, port);
	Writen(other, "anyone home?\n", 13);
	TK_EXPECT(tk_read_line(other, got, sizeof(got), 1000) == 0,
		  "selserv answered a second client although the first "
		  "never reads (%zu bytes sent): its writes were expected "
		  "to block", sent);
	TK_EXPECT(hn_exit_status(srv) == -1, "selserv exited: %s",
		  hn_stderr(srv));
	Close(other);
	Close(hog);
}

static void pselect_server_stops_on_sigterm(void **state)
{
	int port, fd;
	char buf[16];
	char *line, shown[256];
	hn_proc *srv;

	(void)state;
	srv = start_server("pselserv", &port);
	fd = tk_connect_here(TK_LOOPBACK, port);
	Writen(fd, "hi\n", 3);
	TK_EXPECT(tk_read_line(fd, buf, sizeof(buf), 2000) == 3,
		  "pselserv did not echo");
	hn_signal(srv, SIGTERM);
	line = hn_next_line(srv, "stopped", 2000);
	TK_EXPECT(line != NULL, "pselserv did not report stopping within "
		  "2 s of SIGTERM; stderr: %s", hn_stderr(srv));
	TK_EXPECT(tk_exited(srv, 2000) && tk_exit_code(srv) == 0,
		  "pselserv did not exit with status 0 after SIGTERM");
	TK_EXPECT(tk_read_n(fd, buf, 1, 2000) == 0,
		  "the client did not see end of file when pselserv stopped");
	snprintf(shown, sizeof(shown), "%s\n", line);  /* a whole line */
	tk_transcript_of(CH, "pselserv_sigterm", "kill -TERM $(pidof pselserv)",
			 shown);
	free(line);
	Close(fd);
}

/* Bad command lines get a clear message and status 1. */
static void bad_arguments_are_explained(void **state)
{
	struct { const char *prog, *a1, *a2, *want; } cases[] = {
		{ "selcli", "192.0.2.300", "9877", "not an IPv4 or IPv6" },
		{ "selcli", "127.0.0.1", "98x", "not a port number" },
		{ "selcli_naive", "127.0.0.1", "70000", "not a port number" },
		{ "selserv", "-1", NULL, "not a port number" },
		{ "pollserv", "http", NULL, "not a port number" },
		{ "epollserv", "65536", NULL, "not a port number" },
		{ "pselserv", "", NULL, "not a port number" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hn_proc *p = tk_run(CH, cases[i].prog, cases[i].a1,
					    cases[i].a2, NULL);

		TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 1,
			  "%s %s %s: expected exit status 1", cases[i].prog,
			  cases[i].a1, cases[i].a2 ? cases[i].a2 : "");
		TK_EXPECT(strstr(hn_stderr(p), cases[i].want) != NULL,
			  "%s %s: expected \"%s\" on stderr, got \"%s\"",
			  cases[i].prog, cases[i].a1, cases[i].want,
			  hn_stderr(p));
	}
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(naive_client_exits_before_last_echo),
		TK_TEST(shutdown_client_gets_every_echo),
		TK_TEST(selcli_session_transcript),
		TK_TEST(select_server_echoes),
		TK_TEST(poll_server_echoes),
		TK_TEST(epoll_server_echoes),
		TK_TEST(pselect_server_echoes),
		TK_TEST(select_server_stalled_by_client_that_never_reads),
		TK_TEST(pselect_server_stops_on_sigterm),
		TK_TEST(bad_arguments_are_explained),
	};
	return TK_RUN("ch06 mux", tests);
}
