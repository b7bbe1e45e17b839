/*
 * tcp.c - chapter 4's programs on harness networks: the concurrent
 * daytime server and its forgotten close(), the ways connect() fails
 * (section 4.3, measured on Linux), and what listen()'s backlog means
 * (section 4.5).  Each test writes the transcript the chapter shows.
 */
#include "ch04test.h"


#define CH "04-elementary-tcp"

static const char *prog(const char *name)
{
	return tk_prog(CH, name);
}

/* The date and time that ctime() prints, and the "\r" after it. */
#define CTIME_RE "[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] " \
		 "[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}"

/* Text for the transcript, the date and time taken out. */
static char *timeless(const char *text)
{
	char *t = tk_scrub(strdup(text), CTIME_RE, "Mon Jan  1 12:00:00 2024");

	return tk_scrub(t, "\r", "");
}

/* ---- 4.8 to 4.10: the concurrent daytime server ------------------------ */

struct daytime_scene {
	int socks;              /* sockets the server held at the start */
	hn_net *net;
	hn_cap *cap;
	hn_proc *srv, *cli[3];
	FILE *tr;               /* the transcript being written */
};

/* Starts the server, then chapter 1's daytime client three times in a
 * row; each gets the time. */
static void daytime_up(struct daytime_scene *s, const char *server)
{
	const char *client = tk_prog("01-introduction", "daytimetcpcli");

	s->net = hn_up("host client server\n"
		       "link client server 192.0.2.0/24\n");
	s->cap = hn_capture(s->net, "client", "server");
	s->tr = tk_transcript_open();
	s->srv = hn_run(s->net, "server", prog(server), "13", NULL);
	hn_wait_port(s->srv, IPPROTO_TCP, 13, 2000);
	fprintf(s->tr, "server$ %s &\n%s", server, hn_stdout(s->srv));
	s->socks = tk_sockets_of(hn_pid(s->srv));
	for (int i = 0; i < 3; i++) {
		s->cli[i] = hn_run(s->net, "client", client, "192.0.2.2",
				   NULL);
		hn_wait_line(s->cli[i], "^" CTIME_RE, 2000);
	}
	fprintf(s->tr, "client$ daytimetcpcli 192.0.2.2 &   # three times\n");
}

/* Shows the server's sockets as ss(8) lists them. */
static void server_sockets(struct daytime_scene *s)
{
	const char *cmd = "ss -Htn state established";
	char *out = NULL;

	hn_sh(s->net, "server", 2000, &out, "%s", cmd);
	out = tk_scrub(out, "192\\.0\\.2\\.1:[0-9]+", "192.0.2.1:PORT");
	out = tk_scrub(out, "[ \t]+$", "");
	out = tk_scrub(out, "[ \t]+", " ");
	fprintf(s->tr, "server$ %s\n%s", cmd, out);
	free(out);
}

static void daytime_down(struct daytime_scene *s, const char *transcript)
{
	tk_transcript_close(s->tr, CH, transcript);
	hn_down(s->net);
}

static void daytime_fork_reports_both_ends(void **state)
{
	struct daytime_scene s;
	char *out;
	int socks, fins;

	(void)state;
	daytime_up(&s, "daytimesrv_fork");
	for (int i = 0; i < 3; i++)
		TK_EXPECT(hn_wait_exit(s.cli[i], 2000) == 0, "a client of "
			  "daytimesrv_fork did not end: no end of file?");
	for (int i = 0; i < 3; i++) {
		out = timeless(hn_stdout(s.cli[i]));
		fprintf(s.tr, "%s", out);
		free(out);
	}
	socks = tk_sockets_of(hn_pid(s.srv)) - s.socks;
	TK_EXPECT(socks == 0, "daytimesrv_fork should hold no socket of its "
		  "clients after they left; it holds %d", socks);
	/* Each client has its FIN; the capture may still be reading the
	 * last one.  (More than 3: a FIN sent again on a busy machine.) */
	hn_set_strict(0);
	fins = hn_cap_wait(s.cap, HN_FIN " and src host 192.0.2.2", 3, 2000);
	hn_set_strict(1);
	TK_EXPECT(fins >= 3, "each connection should end with a FIN from "
		  "the server: %s", hn_error());
	server_sockets(&s);
	hn_wait_line(s.srv, "to 192\\.0\\.2\\.2:13$", 2000);
	out = tk_scrub(strdup(hn_stdout(s.srv)), "192\\.0\\.2\\.1:[0-9]+",
		       "192.0.2.1:PORT");
	fprintf(s.tr, "server$ # meanwhile, the server's children printed:\n"
		"%s", strchr(out, '\n') + 1);
	free(out);
	daytime_down(&s, "daytime-fork");
}

static void daytime_noclose_never_ends(void **state)
{
	struct daytime_scene s;
	char *out;
	int socks;

	(void)state;
	daytime_up(&s, "daytimesrv_noclose");
	/* Each child has sent the time, closed its descriptor and exited
	 * (a zombie: this server never waits for its children), so only
	 * the parent's descriptors keep the connections open.  From now
	 * on no FIN can come. */
	for (int ms = 0; ms < 2000 && hn_zombies(s.srv) < 3; ms++)
		tk_tick();
	TK_EXPECT(hn_zombies(s.srv) == 3, "the three children should have "
		  "exited");
	for (int i = 0; i < 3; i++)
		TK_EXPECT(hn_exit_status(s.cli[i]) == -1, "a client of "
			  "daytimesrv_noclose ended, yet the parent holds its "
			  "connection");
	TK_EXPECT(hn_cap_count(s.cap, HN_FIN) == 0, "no FIN should cross "
		  "while the parent holds the connections");
	for (int i = 0; i < 3; i++) {
		out = timeless(hn_stdout(s.cli[i]));
		fprintf(s.tr, "%s", out);
		free(out);
	}
	fprintf(s.tr, "(and nothing more: each client still waits for end "
		"of file)\n");
	socks = tk_sockets_of(hn_pid(s.srv)) - s.socks;
	TK_EXPECT(socks == 3, "the parent should hold one socket per client "
		  "(3); it holds %d", socks);
	server_sockets(&s);
	daytime_down(&s, "daytime-noclose");
}

/* ---- 4.3: the ways connect() fails ------------------------------------- */

/*
 * client and desktop on the LAN lan0 with router r1; r1 links to server
 * and to busy.  desktop keeps the kernel's default SYN retries (6, about
 * two minutes), so that an unanswered ARP, not TCP, ends its attempt.
 */
static const char *const connect_topology =
	"host client desktop server busy\n"
	"router r1\n"
	"lan lan0 client desktop r1 192.0.2.0/24\n"
	"link r1 server 198.51.100.0/24\n"
	"link r1 busy 203.0.113.0/24\n"
	"sysctl desktop net.ipv4.tcp_syn_retries 6\n";

/* Runs tcpconnect in host and returns the process. */
static hn_proc *probe(hn_net *net, const char *host, const char *addr,
		      const char *port)
{
	return hn_run(net, host, prog("tcpconnect"), addr, port, NULL);
}

/* Waits for a probe and checks what connect() said; appends the line. */
static double probe_says(hn_proc *p, FILE *tr, const char *shown,
			 const char *errname, int timeout_ms)
{
	int status = hn_wait_exit(p, timeout_ms);
	const char *out = hn_stdout(p);
	char *line;

	TK_EXPECT(status != -1 && strstr(out, errname) != NULL,
		  "%s: connect() should fail with %s; tcpconnect said: %s%s",
		  shown, errname, out, hn_stderr(p));
	line = ct_round_times(strdup(out));
	fprintf(tr, "%s\n%s", shown, line);
	free(line);
	return ct_seconds(out);
}

static void connect_errors_measured(void **state)
{
	hn_net *net = hn_up(connect_topology);
	FILE *tr = tk_transcript_open();
	hn_proc *absent, *crashed, *full;
	double t_arp, t_crash, t_full;
	struct hn_impair delay = { .delay_ms = 5 };
	hn_cap *busy = hn_capture(net, "busy", "r1");
	int listener, filler;

	(void)state;
	/* 5 ms each way on the client's port of the LAN: as on a real
	 * network, an answer takes a moment (section 4.3 says why it
	 * matters for the ICMP case) */
	hn_impair(net, "client", "lan0", HN_BOTH, &delay);
	probe_says(probe(net, "client", "198.51.100.2", "13"), tr,
		   "client$ tcpconnect 198.51.100.2 13     # nothing listens",
		   "ECONNREFUSED", 2000);
	hn_unreachable(net, "r1", "server", HN_UNREACH_HOST, 0, 0);
	probe_says(probe(net, "client", "198.51.100.2", "13"), tr,
		   "client$ tcpconnect 198.51.100.2 13     # r1 says "
		   "\"host unreachable\"", "EHOSTUNREACH", 2000);

	/* the three slow ones run side by side */
	listener = tk_listen(net, "busy", "0.0.0.0", 7, 0);
	filler = tk_connect(net, "client", "203.0.113.2", 7);
	TK_EXPECT(ct_wait_queued(listener, 1, 2000), "the first connection "
		  "never reached busy's accept queue");
	hn_reachable(net, "r1");
	hn_crash(net, "server");
	absent = probe(net, "desktop", "192.0.2.99", "13");
	crashed = probe(net, "client", "198.51.100.2", "13");
	full = probe(net, "client", "203.0.113.2", "7");
	t_arp = probe_says(absent, tr, "desktop$ tcpconnect 192.0.2.99 13    "
			   "   # no such host on the LAN", "EHOSTUNREACH",
			   8000);
	t_crash = probe_says(crashed, tr, "client$ tcpconnect 198.51.100.2 13"
			     "     # its host has crashed", "ETIMEDOUT", 8000);
	t_full = probe_says(full, tr, "client$ tcpconnect 203.0.113.2 7      "
			    "# the listen queue is full", "ETIMEDOUT", 8000);
	TK_EXPECT(t_arp > 0.5 && t_arp < 10, "the ARP should take seconds, "
		  "took %.2f s", t_arp);
	TK_EXPECT(t_crash > 2 && t_full > 2, "with SYN retries at 1 a "
		  "timeout takes 3 s, not %.2f and %.2f", t_crash, t_full);
	/* the full queue on the wire: SYNs in, one SYN-ACK out (the first
	 * client's), nothing for the second client */
	TK_EXPECT(hn_cap_count(busy, HN_SYN) >= 3 &&
		  hn_cap_count(busy, HN_SYNACK) == 1,
		  "busy should see the first client's SYN, the second's and "
		  "its retransmissions, and answer only the first:\n%s",
		  hn_cap_summary(busy, NULL));
	close(filler);
	close(listener);
	tk_transcript_close(tr, CH, "connect-errors");
	hn_down(net);
}

/* ---- 4.5: the backlog, measured ----------------------------------------- */

static void backlog_measured(void **state)
{
	hn_net *net = hn_up("host server\n");
	hn_proc *p = hn_run(net, "server", prog("backlog"), NULL);
	FILE *tr = tk_transcript_open();
	static const int backlogs[] = { 0, 1, 2, 4, 8 };
	char want[128];

	(void)state;
	TK_EXPECT(hn_wait_exit(p, 5000) == 0, "backlog failed: %s",
		  hn_stderr(p));
	for (size_t i = 0; i < sizeof(backlogs) / sizeof(backlogs[0]); i++) {
		int b = backlogs[i];

		snprintf(want, sizeof(want), "backlog %d: %d connection%s "
			 "queued", b, b + 1, b == 0 ? "" : "s");
		TK_EXPECT(strstr(hn_stdout(p), want) != NULL, "Linux should "
			  "queue backlog + 1 connections; expected \"%s\" "
			  "in:\n%s", want, hn_stdout(p));
	}
	fprintf(tr, "server$ backlog\n%s", hn_stdout(p));
	tk_transcript_close(tr, CH, "backlog");
	hn_down(net);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(daytime_fork_reports_both_ends),
		TK_TEST(daytime_noclose_never_ends),
		TK_TEST(connect_errors_measured),
		TK_TEST(backlog_measured),
	};
	return TK_RUN("ch04-tcp", tests);
}
