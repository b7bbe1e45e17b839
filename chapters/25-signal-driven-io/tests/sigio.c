/*
 * Chapter 25's suite: which events raise SIGIO (sigioevents), what a
 * full queue of real-time signals turns into (sigrtq), and the two ways
 * the naive server sigioone loses datagrams, each forced: a burst while
 * it is stopped (25.6), on loopback and across a link between two
 * hosts, and a SIGIO while it writes its report (25.7); the lab's
 * reference sigioserv answers the same bursts.
 */
#include "sigio25.h"

#define CH "25-signal-driven-io"

static void sigio_events_measured(void **state)
{
	hn_proc *p = tk_run(CH, "sigioevents", NULL);
	const char *expect[] = {
		"udp: a datagram arrives              udp POLL_IN\n",
		"udp: it sends one                    -\n",
		"udp: ICMP port unreachable           udp POLL_ERR\n",
		"tcp: connect() completes             client POLL_OUT, "
		"listener POLL_IN\n",
		"tcp: client writes 6 bytes           server POLL_IN\n",
		"tcp: server reads them               -\n",
		"tcp: send buffer filled, then read   client POLL_OUT\n",
		"tcp: client shutdown(SHUT_WR)        server POLL_IN\n",
		"tcp: server close()                  client POLL_HUP, "
		"client POLL_IN\n",
		"tcp: server aborts (RST)             client POLL_ERR\n",
	};

	(void)state;
	TK_EXPECT(tk_exited(p, 10000) && tk_exit_code(p) == 0, "sigioevents "
		  "failed: %s", hn_stderr(p));
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		TK_EXPECT(strstr(hn_stdout(p), expect[i]) != NULL,
			  "sigioevents did not print \"%s\"; it printed:\n%s",
			  tk_chomp(expect[i]), hn_stdout(p));
	tk_transcript_of(CH, "sigioevents", "sigioevents", hn_stdout(p));
}

static void rt_queue_overflow_falls_back_to_sigio(void **state)
{
	hn_proc *p = tk_run(CH, "sigrtq", "4", "10", NULL);
	hn_proc *roomy = tk_run(CH, "sigrtq", "20", "10", NULL);

	(void)state;
	TK_EXPECT(tk_exited(p, 5000) && tk_exit_code(p) == 0, "sigrtq 4 10 "
		  "failed: %s", hn_stderr(p));
	TK_EXPECT(strstr(hn_stdout(p), " 4 x SIGRTMIN  si_fd 3, si_code "
			 "POLL_IN") && strstr(hn_stdout(p), " 1 x SIGIO     "
			 "si_code SI_KERNEL") && strstr(hn_stdout(p),
			 "read 10 datagrams"), "with a limit of 4 pending "
		  "signals, 10 datagrams should give 4 SIGRTMIN and one plain "
		  "SIGIO, and all 10 datagrams; sigrtq printed:\n%s",
		  hn_stdout(p));
	tk_transcript_of(CH, "sigrtq", "sigrtq 4 10", hn_stdout(p));
	TK_EXPECT(tk_exited(roomy, 5000) &&
		  strstr(hn_stdout(roomy), "10 x SIGRTMIN") &&
		  !strstr(hn_stdout(roomy), "SIGIO "),
		  "with room for 20, 10 datagrams should give 10 SIGRTMIN "
		  "and no SIGIO; sigrtq printed:\n%s", hn_stdout(roomy));
}

/* The receive memory of one 13-byte datagram ("datagram 0001") queued
 * on a UDP socket over loopback. */
static int one_datagram_rmem(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int r = Socket(AF_INET, SOCK_DGRAM, 0);
	int s = Socket(AF_INET, SOCK_DGRAM, 0), unit;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	Bind(r, (struct sockaddr *)&a, sizeof(a));
	Getsockname(r, (struct sockaddr *)&a, &len);
	Sendto(s, "datagram 0001", 13, 0, (struct sockaddr *)&a, sizeof(a));
	TK_EXPECT(s25_wait_rmem_above(r, 0, 2000), "a datagram sent to the "
		  "test's own socket never came");
	unit = s25_rmem(r);
	close(r);
	close(s);
	return unit;
}

/* Server PROG (a path) on port 9877 is stopped while udpburst sends it
 * 20 datagrams, then goes on; the transcript NAME shows both. */
static hn_proc *burst_while_stopped(const char *prog, const char *name,
				    const char *result)
{
	int unit = one_datagram_rmem(), sock;
	hn_proc *srv = hn_run(NULL, NULL, prog, S25_PORT_TEXT, NULL), *cli;
	const char *base = strrchr(prog, '/') + 1;
	long long end;
	FILE *tr;

	TK_EXPECT(tk_listening_port(srv, 2000) == S25_PORT, "%s did not "
		  "start: %s", base, hn_stderr(srv));
	sock = s25_server_socket(hn_pid(srv));
	TK_EXPECT(sock >= 0 && tk_stop(hn_pid(srv)), "cannot stop %s", base);
	cli = tk_run(CH, "udpburst", "127.0.0.1", S25_PORT_TEXT, "20", NULL);
	end = tk_now_ms() + 2000;
	while (s25_rmem(sock) < 20 * unit && tk_now_ms() < end)
		tk_tick();
	TK_EXPECT(s25_rmem(sock) == 20 * unit, "the 20 datagrams were not "
		  "all queued on the stopped server's socket (%d bytes of "
		  "%d)", s25_rmem(sock), 20 * unit);
	close(sock);
	hn_signal(srv, SIGCONT);
	TK_EXPECT(tk_exited(cli, 3000) && strstr(hn_stdout(cli), result),
		  "udpburst against %s should say \"%s\"; it said \"%s\"",
		  base, result, tk_chomp(hn_stdout(cli)));
	tr = tk_transcript_open();
	fprintf(tr, "server$ %s 9877\nlistening on port 9877\n"
		"client$ udpburst 127.0.0.1 9877 20\n%s", base,
		hn_stdout(cli));
	tk_transcript_close(tr, CH, name);
	return srv;
}

static void naive_server_loses_burst(void **state)
{
	hn_proc *srv = burst_while_stopped(tk_prog(CH, "sigioone"),
					   "burst-naive",
					   "sent 20 datagrams, 1 echoed");

	(void)state;
	TK_EXPECT(strcmp(hn_stdout(srv), "listening on port 9877\n"
			 "echoed 1\n") == 0, "sigioone should have echoed "
		  "one datagram; it printed \"%s\"", tk_shown(hn_stdout(srv)));
}

static void sigioserv_answers_burst(void **state)
{
	hn_proc *srv = burst_while_stopped(tk_path("lab-25/ref/sigioserv"),
					   "burst",
					   "sent 20 datagrams, 20 echoed");

	(void)state;
	TK_EXPECT(tk_saw(srv, "echoed 20", 1000), "sigioserv should have "
		  "echoed 20 in one round; it printed \"%s\"",
		  tk_shown(hn_stdout(srv)));
}

/* A UDP socket of the test's in host (of net), bound to its address
 * and port. */
static int udp_in(hn_net *net, const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	hn_sockaddr(net, host, AF_INET, port, &ss, &len);
	hn_enter(net, host);
	fd = Socket(AF_INET, SOCK_DGRAM, 0);
	hn_leave(net);
	Bind(fd, (struct sockaddr *)&ss, len);
	return fd;
}

/* The same burst across a link: the server in host b, udpburst in host
 * a sending 50 datagrams while the server is stopped.  sigioone answers
 * one, sigioserv all 50. */
static void link_burst(const char *prog, const char *result)
{
	hn_net *net = hn_two_hosts();
	int from = udp_in(net, "a", 50001), to = udp_in(net, "b", 50002);
	hn_proc *srv = hn_run(net, "b", prog, S25_PORT_TEXT, NULL), *cli;
	struct sockaddr_storage ss;
	socklen_t len;
	int unit, sock;
	long long end;

	hn_sockaddr(net, "b", AF_INET, 50002, &ss, &len);
	Sendto(from, "datagram 0001", 13, 0, (struct sockaddr *)&ss, len);
	TK_EXPECT(s25_wait_rmem_above(to, 0, 2000), "a datagram from a to b "
		  "never came");
	unit = s25_rmem(to);
	close(from);
	close(to);
	TK_EXPECT(hn_wait_port(srv, IPPROTO_UDP, S25_PORT, 2000) == 0,
		  "%s did not start in host b", prog);
	sock = s25_server_socket(hn_pid(srv));
	TK_EXPECT(sock >= 0 && tk_stop(hn_pid(srv)), "cannot stop %s", prog);
	cli = hn_run(net, "a", tk_prog(CH, "udpburst"), "-w", "500",
		     hn_addr(net, "b", AF_INET), S25_PORT_TEXT, "50", NULL);
	end = tk_now_ms() + 2000;
	while (s25_rmem(sock) < 50 * unit && tk_now_ms() < end)
		tk_tick();
	TK_EXPECT(s25_rmem(sock) == 50 * unit, "the 50 datagrams were not "
		  "all queued on the stopped server's socket (%d bytes of "
		  "%d)", s25_rmem(sock), 50 * unit);
	close(sock);
	hn_signal(srv, SIGCONT);
	TK_EXPECT(tk_exited(cli, 3000) && strstr(hn_stdout(cli), result),
		  "udpburst from host a to %s in host b should say \"%s\"; "
		  "it said \"%s\"", prog, result, tk_chomp(hn_stdout(cli)));
	hn_down(net);
}

static void bursts_across_a_link(void **state)
{
	(void)state;
	link_burst(tk_prog(CH, "sigioone"), "sent 50 datagrams, 1 echoed");
	link_burst(tk_path("lab-25/ref/sigioserv"),
		   "sent 50 datagrams, 50 echoed");
}

/* 25.7: "two" comes while sigioone writes "echoed 1" to a full pipe.
 * Its SIGIO is handled at once; the loop then clears the flag and
 * sleeps in pause() with "two" queued.  The next datagram wakes it, and
 * it echoes "two" in its place. */
static void naive_server_sleeps_on_a_datagram(void **state)
{
	struct s25_held h;
	pid_t pid;
	int cli, sock;
	char buf[MAXLINE];

	(void)state;
	s25_start_held(&h, tk_prog(CH, "sigioone"));
	pid = hn_pid(h.p);
	cli = s25_client();
	sock = s25_server_socket(pid);
	TK_EXPECT(sock >= 0, "sigioone holds no UDP socket");
	s25_hold(&h);
	Send(cli, "one", 3, 0);
	TK_EXPECT(s25_recv(cli, buf, sizeof(buf), 1000) == 3, "no echo");
	TK_EXPECT(s25_wait_syscall(pid, SYS_write, 1000), "sigioone did "
		  "not sleep writing its report");
	s25_send_queued(cli, sock, "two", 3);
	TK_EXPECT(s25_held_saw(&h, "echoed 1", 1000), "no report");
	TK_EXPECT(s25_wait_syscall(pid, SYS_pause, 1000) &&
		  s25_rmem(sock) > 0 && !s25_sigio_pending(pid), "sigioone "
		  "should sleep in pause() with \"two\" queued and no SIGIO "
		  "pending (in system call %ld, %d bytes queued)",
		  s25_syscall_of(pid), s25_rmem(sock));
	Send(cli, "three", 5, 0);
	TK_EXPECT(s25_recv(cli, buf, sizeof(buf), 1000) == 3 &&
		  strcmp(buf, "two") == 0, "the datagram \"three\" should "
		  "have woken sigioone to echo \"two\"; the echo was \"%s\"",
		  buf);
	close(sock);
	close(cli);
	s25_held_close(&h);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(sigio_events_measured),
		TK_TEST(rt_queue_overflow_falls_back_to_sigio),
		TK_TEST(naive_server_loses_burst),
		TK_TEST(sigioserv_answers_burst),
		TK_TEST(bursts_across_a_link),
		TK_TEST(naive_server_sleeps_on_a_datagram),
	};
	return TK_RUN("ch25 sigio", tests);
}
