/*
 * sctp.c - chapter 9's programs between two hosts: the one-to-many
 * server sctpserv and the one-to-one client sctpcli, the notifications
 * they print, a multihomed association, an abort, a crashed peer found
 * by heartbeats, and lksctp-tools' sctp_darn talking to our programs.
 *
 * This kernel may have no SCTP: hn_require("sctp") then runs the whole
 * suite once in the harness's VM (one boot for every test here).
 */
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include "sctputil.h"

#define CH "09-sctp-sockets"
#define PORT "9877"
#define WAIT_MS 8000           /* an emulated VM on a busy machine */

/* First chunk type in an SCTP packet over IPv4 (no IP options). */
#define CHUNK(t) "sctp and ip[32] == " #t
#define C_DATA CHUNK(0)
#define C_INIT CHUNK(1)
#define C_INIT_ACK CHUNK(2)
#define C_SACK CHUNK(3)
#define C_HEARTBEAT CHUNK(4)
#define C_ABORT CHUNK(6)
#define C_SHUTDOWN CHUNK(7)
#define C_SHUTDOWN_ACK CHUNK(8)
#define C_COOKIE_ECHO CHUNK(10)
#define C_COOKIE_ACK CHUNK(11)
#define C_SHUTDOWN_COMPLETE CHUNK(14)

/* sctpserv started in host b with ARGS (then the port), once it has
 * said it is listening. */
static hn_proc *server(hn_net *net, const char *opt)
{
	hn_proc *srv = opt != NULL
		? hn_run(net, "b", tk_prog(CH, "sctpserv"), opt, PORT, NULL)
		: hn_run(net, "b", tk_prog(CH, "sctpserv"), PORT, NULL);

	TK_EXPECT(tk_listening_port(srv, WAIT_MS) == atoi(PORT),
		  "sctpserv did not say it listens on port %s: %s", PORT,
		  hn_stderr(srv));
	return srv;
}

/* The next line of P holding NEEDLE, or a failure naming what came. */
static char *expect_line(hn_proc *p, const char *who, const char *needle)
{
	char *line = hn_next_line(p, needle, WAIT_MS);

	TK_EXPECT(line != NULL, "%s printed no line with \"%s\"; it "
		  "printed:\n%s%s", who, needle, tk_shown(hn_stdout(p)),
		  tk_shown(hn_stderr(p)));
	return line;
}

/* Appends "typed" lines and the client's answers to TR: the client
 * prints two address lines, then one answer per line typed. */
static void client_transcript(FILE *tr, const char *out, const char *typed)
{
	const char *o = out, *t = typed;

	for (int i = 0; i < 2 && *o != '\0'; i++) {
		size_t n = strcspn(o, "\n");

		fprintf(tr, "%.*s\n", (int)n, o);
		o += n + (o[n] != '\0');
	}
	while (*t != '\0') {
		size_t tn = strcspn(t, "\n"), on = strcspn(o, "\n");

		fprintf(tr, TK_TYPED "%.*s\n", (int)tn, t);
		if (*o != '\0')
			fprintf(tr, "%.*s\n", (int)on, o);
		t += tn + (t[tn] != '\0');
		o += on + (o[on] != '\0');
	}
	fprintf(tr, TK_TYPED "^D\n");
}

/* ---- the echo, its notifications and its chunks --------------------- */

/* sctpcli sends two lines on stream 3 with PPID 7; sctpserv prints the
 * association coming up, each message with its stream and PPID, and the
 * graceful end (SCTP_SHUTDOWN_EVENT, then SCTP_SHUTDOWN_COMP); the
 * answers come back on stream 3.  The capture holds the four-way
 * handshake, DATA and SACK, and the three-way shutdown. */
static void echo_with_notifications(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "a", "b");
	hn_proc *srv = server(net, NULL), *cli;
	const char *typed = "hello\nworld\n";
	char *text = NULL;

	(void)state;
	cli = hn_run(net, "a", tk_prog(CH, "sctpcli"), "-s", "3", "-p", "7",
		     hn_addr(net, "b", AF_INET), PORT, NULL);
	hn_feed(cli, typed, strlen(typed), WAIT_MS);
	TK_EXPECT(hn_wait_exit(cli, WAIT_MS) == 0, "sctpcli failed: %s",
		  hn_stderr(cli));
	free(expect_line(srv, "sctpserv", "SCTP_SHUTDOWN_COMP"));
	TK_EXPECT(strstr(hn_stdout(cli), "stream 3 ppid 7: world") != NULL,
		  "the answers did not come back on stream 3 with PPID 7:\n%s",
		  tk_shown(hn_stdout(cli)));

	{
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);

		fprintf(m, "server$ sctpserv %s\n%s", PORT, hn_stdout(srv));
		fprintf(m, "client$ sctpcli -s 3 -p 7 %s %s\n",
			hn_addr(net, "b", AF_INET), PORT);
		client_transcript(m, hn_stdout(cli), typed);
		fclose(m);
	}
	text = tk_scrub(text, "192\\.0\\.2\\.1:[0-9]+", "192.0.2.1:PORT");
	tk_transcript(CH, "echo", text);
	free(text);

	TK_EXPECT(hn_cap_wait(cap, C_SHUTDOWN_COMPLETE, 1, WAIT_MS) == 1,
		  "no SHUTDOWN COMPLETE crossed the link:\n%s",
		  hn_cap_summary(cap, NULL));
	TK_EXPECT(hn_cap_count(cap, C_INIT) == 1 &&
		  hn_cap_count(cap, C_INIT_ACK) == 1 &&
		  hn_cap_count(cap, C_COOKIE_ECHO) == 1 &&
		  hn_cap_count(cap, C_COOKIE_ACK) >= 1 &&
		  hn_cap_count(cap, C_SHUTDOWN) >= 1 &&
		  hn_cap_count(cap, C_SHUTDOWN_ACK) >= 1,
		  "the capture lacks a chunk of the four-way handshake or "
		  "the shutdown:\n%s", hn_cap_summary(cap, NULL));
	TK_EXPECT(hn_cap_count(cap, C_ABORT) == 0, "an ABORT in a graceful "
		  "end:\n%s", hn_cap_summary(cap, NULL));
	hn_down(net);
}

/* The old SCTP_EVENTS structure turns on the same notifications: the
 * server prints the same lines. */
static void old_subscription_prints_the_same(void **state)
{
	static const char *const lines[] = {
		"SCTP_ASSOC_CHANGE SCTP_COMM_UP", "stream 0 ppid 0: 2 bytes, x",
		"SCTP_SHUTDOWN_EVENT", "SCTP_ASSOC_CHANGE SCTP_SHUTDOWN_COMP",
	};
	hn_net *net = hn_two_hosts();
	hn_proc *srv = server(net, "-o"), *cli;

	(void)state;
	cli = hn_run(net, "a", tk_prog(CH, "sctpcli"),
		     hn_addr(net, "b", AF_INET), PORT, NULL);
	hn_feed(cli, "x\n", 2, WAIT_MS);
	TK_EXPECT(hn_wait_exit(cli, WAIT_MS) == 0, "sctpcli failed: %s",
		  hn_stderr(cli));
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		free(expect_line(srv, "sctpserv -o", lines[i]));
	hn_down(net);
}

/* ---- two addresses, one association --------------------------------- */

/* The server binds both its addresses with sctp_bindx; the client
 * connects to both with sctp_connectx: one association, whose two ends
 * each list two addresses (sctp_getladdrs, sctp_getpaddrs). */
static void one_association_two_paths(void **state)
{
	hn_net *net = hn_up("host a b\n"
			    "link a b 192.0.2.0/24\n"
			    "link a b 198.51.100.0/24\n");
	hn_proc *srv = hn_run(net, "b", tk_prog(CH, "sctpserv"), PORT,
			      "192.0.2.2", "198.51.100.2", NULL), *cli;
	char *text;

	(void)state;
	TK_EXPECT(tk_listening_port(srv, WAIT_MS) == atoi(PORT),
		  "sctpserv did not listen: %s", hn_stderr(srv));
	cli = hn_run(net, "a", tk_prog(CH, "sctpcli"),
		     "192.0.2.2,198.51.100.2", PORT, NULL);
	hn_feed(cli, "two paths\n", 10, WAIT_MS);
	TK_EXPECT(hn_wait_exit(cli, WAIT_MS) == 0, "sctpcli failed: %s",
		  hn_stderr(cli));
	TK_EXPECT(strstr(hn_stdout(cli), "peer: 192.0.2.2:9877 "
			 "198.51.100.2:9877\n") != NULL &&
		  strstr(hn_stdout(cli), "198.51.100.1:") != NULL,
		  "the association does not have two addresses at each "
		  "end:\n%s", tk_shown(hn_stdout(cli)));
	free(expect_line(srv, "sctpserv", "SCTP_SHUTDOWN_COMP"));
	if (asprintf(&text, "server$ sctpserv %s 192.0.2.2 198.51.100.2\n"
		     "%sclient$ sctpcli 192.0.2.2,198.51.100.2 %s\n%s"
		     TK_TYPED "^D\n", PORT, hn_stdout(srv), PORT,
		     hn_stdout(cli)) < 0)
		abort();
	text = tk_scrub(text, "1:[0-9]+ ", "1:PORT ");
	text = tk_scrub(text, "1:[0-9]+\n", "1:PORT\n");
	text = tk_scrub(text, "stream 0 ppid 0: two paths\n",
			TK_TYPED "two paths\nstream 0 ppid 0: two paths\n");
	tk_transcript(CH, "twopaths", text);
	free(text);
	hn_down(net);
}

/* ---- failures ------------------------------------------------------- */

/* The client closes with a zero linger: an ABORT crosses, and the
 * server hears SCTP_COMM_LOST (not SCTP_SHUTDOWN_EVENT). */
static void abort_is_comm_lost(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "a", "b");
	hn_proc *srv = server(net, NULL), *cli;
	char *line, *text;

	(void)state;
	cli = hn_run(net, "a", tk_prog(CH, "sctpcli"), "-a",
		     hn_addr(net, "b", AF_INET), PORT, NULL);
	hn_feed(cli, "bye\n", 4, WAIT_MS);
	TK_EXPECT(hn_wait_exit(cli, WAIT_MS) == 0, "sctpcli failed: %s",
		  hn_stderr(cli));
	line = expect_line(srv, "sctpserv", "SCTP_COMM_LOST");
	free(line);
	TK_EXPECT(strstr(hn_stdout(srv), "SCTP_SHUTDOWN") == NULL,
		  "an abort was reported as a shutdown:\n%s",
		  tk_shown(hn_stdout(srv)));
	TK_EXPECT(hn_cap_wait(cap, C_ABORT, 1, WAIT_MS) == 1 &&
		  hn_cap_count(cap, C_SHUTDOWN) == 0,
		  "no ABORT (or a SHUTDOWN) in the capture:\n%s",
		  hn_cap_summary(cap, NULL));
	if (asprintf(&text, "server$ sctpserv %s\n%sclient$ sctpcli -a %s "
		     "%s\n", PORT, hn_stdout(srv), hn_addr(net, "b", AF_INET),
		     PORT) < 0)
		abort();
	tk_transcript(CH, "abort", text);
	free(text);
	hn_down(net);
}

/* A number from /proc/sys/net/sctp/NAME in the calling thread's
 * network namespace. */
static long sctp_sysctl(const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/sctp/%s", name);
	f = fopen(path, "r");
	if (f != NULL && fscanf(f, "%ld", &v) != 1)
		v = -1;
	if (f != NULL)
		fclose(f);
	return v;
}

/* The defaults the text quotes: heartbeat every 30 s, RTO from 1 s to
 * 60 s starting at 3 s, a path given up after 5 retransmissions, an
 * association after 10: a silent peer takes minutes to be noticed. */
static void kernel_defaults_are_minutes(void **state)
{
	hn_net *net = hn_two_hosts();

	(void)state;
	hn_enter(net, "b");
	TK_EXPECT(sctp_sysctl("hb_interval") == 30000 &&
		  sctp_sysctl("rto_initial") == 3000 &&
		  sctp_sysctl("rto_min") == 1000 &&
		  sctp_sysctl("rto_max") == 60000 &&
		  sctp_sysctl("path_max_retrans") == 5 &&
		  sctp_sysctl("association_max_retrans") == 10,
		  "the kernel's SCTP defaults are not those section 9.9 "
		  "quotes: hb_interval %ld rto_initial %ld rto_min %ld "
		  "rto_max %ld path_max_retrans %ld "
		  "association_max_retrans %ld", sctp_sysctl("hb_interval"),
		  sctp_sysctl("rto_initial"), sctp_sysctl("rto_min"),
		  sctp_sysctl("rto_max"), sctp_sysctl("path_max_retrans"),
		  sctp_sysctl("association_max_retrans"));
	hn_leave(net);
	hn_down(net);
}

/* Host a crashes with its association up: nothing more comes from it.
 * sctpserv -f sends a HEARTBEAT every 200 ms or so; after 2 retransmitted
 * ones go unanswered it gives the association up: SCTP_COMM_LOST, in
 * about a second (the kernel's defaults would take minutes). */
static void crashed_peer_found_by_heartbeats(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "b", "a");
	hn_proc *srv = server(net, "-f"), *cli;
	long t0, ms;
	char *line;

	(void)state;
	cli = hn_run(net, "a", tk_prog(CH, "sctpcli"),
		     hn_addr(net, "b", AF_INET), PORT, NULL);
	free(expect_line(srv, "sctpserv -f", "SCTP_COMM_UP"));
	(void)cli;
	hn_crash(net, "a");
	t0 = tk_now_ms();
	line = expect_line(srv, "sctpserv -f", "SCTP_COMM_LOST");
	ms = tk_now_ms() - t0;
	free(line);
	tk_note("the crash was noticed after %ld ms", ms);
	TK_EXPECT(ms < 6000, "the crash took %ld ms to notice", ms);
	TK_EXPECT(hn_cap_count(cap, C_HEARTBEAT) >= 3,
		  "fewer than 3 HEARTBEATs went unanswered before "
		  "SCTP_COMM_LOST:\n%s", hn_cap_summary(cap, NULL));
	hn_down(net);
}

/* ---- a real SCTP we did not write ---------------------------------- */

/* lksctp-tools' sctp_darn sends a line to our one-to-many server, which
 * prints it with its stream and association and sends it back.  sctp_darn
 * never reads the answer; killed with it unread, its socket's close sends
 * an ABORT (a graceful close would lose the unread data), so the server
 * hears SCTP_COMM_LOST. */
static void sctp_darn_talks_to_sctpserv(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "a", "b");
	hn_proc *srv = server(net, NULL), *darn;
	char *text;

	(void)state;
	darn = hn_run(net, "a", "sctp_darn", "-H", hn_addr(net, "a", AF_INET),
		      "-P", "5000", "-h", hn_addr(net, "b", AF_INET), "-p",
		      PORT, "-s", NULL);
	hn_write_stdin(darn, "from lksctp\n", 12);
	free(expect_line(srv, "sctpserv", "SCTP_COMM_UP"));
	free(expect_line(srv, "sctpserv", "from lksctp"));
	/* the answer is in sctp_darn's socket once host a acknowledged it */
	TK_EXPECT(hn_cap_wait(cap, "src host 192.0.2.1 and " C_SACK, 1,
			      WAIT_MS) == 1, "host a never acknowledged the "
		  "answer:\n%s", hn_cap_summary(cap, NULL));
	hn_kill(darn);
	free(expect_line(srv, "sctpserv", "SCTP_COMM_LOST"));
	TK_EXPECT(hn_cap_wait(cap, C_ABORT, 1, WAIT_MS) == 1, "no ABORT "
		  "when sctp_darn died with data unread:\n%s",
		  hn_cap_summary(cap, NULL));
	if (asprintf(&text, "server$ sctpserv %s\n%sclient$ sctp_darn -H %s "
		     "-P 5000 -h %s -p %s -s\n" TK_TYPED "from lksctp\n",
		     PORT, hn_stdout(srv), hn_addr(net, "a", AF_INET),
		     hn_addr(net, "b", AF_INET), PORT) < 0)
		abort();
	tk_transcript(CH, "from-darn", text);
	free(text);
	hn_down(net);
}

/* Our one-to-one client sends to sctp_darn listening in host b, which
 * prints what it received. */
static void sctpcli_talks_to_sctp_darn(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *darn, *cli;
	char *text;

	(void)state;
	darn = tk_sctp_darn_listen(net, "b", atoi(PORT));
	cli = hn_run(net, "a", tk_prog(CH, "sctpcli"), "-n", "-s", "2",
		     hn_addr(net, "b", AF_INET), PORT, NULL);
	hn_feed(cli, "from sctpcli\n", 13, WAIT_MS);
	TK_EXPECT(hn_wait_exit(cli, WAIT_MS) == 0, "sctpcli failed: %s",
		  hn_stderr(cli));
	free(expect_line(darn, "sctp_darn", "SHUTDOWN_COMP"));
	if (asprintf(&text, "server$ sctp_darn -H %s -P %s -l\n%s"
		     "client$ sctpcli -n -s 2 %s %s\n" TK_TYPED "from sctpcli\n"
		     TK_TYPED "^D\n", hn_addr(net, "b", AF_INET), PORT,
		     hn_stdout(darn), hn_addr(net, "b", AF_INET), PORT) < 0)
		abort();
	text = tk_scrub(text, "sinfo_tsn +[0-9]+", "sinfo_tsn     TSN");
	/* sctp_darn asks after each message whether the association is
	 * still there: after which one it first finds it gone is a race
	 * (in a slow VM, even after COMM_UP), so the book shows the line
	 * once, after the SHUTDOWN_COMP that ends the association */
	text = tk_scrub(text, "No association is present now!!\n", "");
	text = tk_scrub(text, "ASSOC_CHANGE - SHUTDOWN_COMP\n", "ASSOC_CHANGE"
			" - SHUTDOWN_COMP\nNo association is present now!!\n");
	tk_transcript(CH, "to-darn", text);
	free(text);
	hn_down(net);
}

/* ---- notifications by name ------------------------------------------ */

/* Every notification type of <linux/sctp.h> has its name, and the name
 * leads back to the type. */
static void every_notification_has_a_name(void **state)
{
	(void)state;
	for (unsigned t = SCTP_SN_TYPE_BASE; t <= SCTP_SN_TYPE_MAX; t++) {
		const char *name = sctp_event_name(t);

		TK_EXPECT(strncmp(name, "SCTP_", 5) == 0 &&
			  sctp_event_type(name) == (int)t,
			  "notification %#x is named \"%s\"", t, name);
	}
	TK_EXPECT(strcmp(sctp_assoc_state_name(SCTP_CANT_STR_ASSOC),
			 "SCTP_CANT_STR_ASSOC") == 0 &&
		  strcmp(sctp_paddr_state_name(SCTP_ADDR_MADE_PRIM),
			 "SCTP_ADDR_MADE_PRIM") == 0,
		  "a state has the wrong name");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(echo_with_notifications),
		TK_TEST(one_association_two_paths),
		TK_TEST(abort_is_comm_lost),
		TK_TEST(old_subscription_prints_the_same),
		TK_TEST(kernel_defaults_are_minutes),
		TK_TEST(crashed_peer_found_by_heartbeats),
		TK_TEST(sctp_darn_talks_to_sctpserv),
		TK_TEST(sctpcli_talks_to_sctp_darn),
		TK_TEST(every_notification_has_a_name),
	};

	hn_init();
	tk_sctp_ship_peer();       /* lksctp-tools, the peer we did not write */
	hn_require("sctp");        /* no SCTP here: the VM runs the rest */
	return TK_RUN("ch09_sctp", tests);
}
