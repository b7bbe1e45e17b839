/*
 * asctp.c - chapter 23's programs on a multihomed pair of hosts: a and b
 * joined by two LANs, net1 (192.0.2.0/24) and net2 (198.51.100.0/24).
 *
 * This kernel may have no SCTP: hn_require("sctp") then runs the whole
 * suite in the harness's VM (harness/vm/), one boot for every test.
 * The chapter's network lowers two SCTP timers (rto_initial 500 ms,
 * rto_min 200 ms) so that retransmissions come in a fraction of a second;
 * the first test records the kernel's own defaults.
 */
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include "lnp.h"

#include <netinet/sctp.h>

#define CH "23-advanced-sctp"
#if defined(__SANITIZE_ADDRESS__)
#define WAIT_MS 30000          /* ASan's programs start slowly in the VM */
#else
#define WAIT_MS 8000           /* a busy machine emulating the VM */
#endif

static const char *const spec =
	"host a b\n"
	"lan net1 a b 192.0.2.0/24\n"
	"lan net2 a b 198.51.100.0/24\n"
	"sysctl * net.sctp.rto_initial 500\n"
	"sysctl * net.sctp.rto_min 200\n";

/* ---- helpers -------------------------------------------------------- */

/* b's address on LAN; the first is the primary path. */
static const char *b_on(hn_net *net, const char *lan)
{
	return hn_addr_on(net, "b", lan, AF_INET);
}

/* A chapter program started in HOST. */
static hn_proc *run_in(hn_net *net, const char *host, const char *name,
		       const char *a1, const char *a2, const char *a3,
		       const char *a4, const char *a5)
{
	return hn_run(net, host, tk_prog(CH, name), a1, a2, a3, a4, a5,
		      NULL);
}

/* The next line of P holding NEEDLE, which must come within WAIT_MS. */
static char *expect_line(hn_proc *p, const char *who, const char *needle)
{
	char *line = hn_next_line(p, needle, WAIT_MS);

	TK_EXPECT(line != NULL, "%s printed no line with \"%s\" within %d "
		  "ms; it printed:\n%s%s", who, needle, WAIT_MS,
		  tk_shown(hn_stdout(p)), tk_shown(hn_stderr(p)));
	return line;
}

/* Every line P printed so far with the port scrubbed: for transcripts. */
static char *scrubbed(const char *text)
{
	char *t = strdup(text);

	t = tk_scrub(t, "port [0-9]+", "port 9877");
	t = tk_scrub(t, ":[0-9]{4,5}\n", ":9877\n");
	return t;
}

/* Association ids count up across the whole machine: number them 1, 2,
 * ... in the order they first appear. */
static char *renumbered(char *text)
{
	int ids[16], n = 0;
	size_t len = strlen(text) + 1;
	char *out = malloc(len + 64), *o = out;
	const char *p = text;

	while (*p != '\0') {
		int id, k, used;

		if (sscanf(p, "assoc %d%n", &id, &used) == 1 ||
		    sscanf(p, "association %d%n", &id, &used) == 1) {
			const char *word = p[5] == 'i' ? "association" :
				"assoc";

			for (k = 0; k < n && ids[k] != id; k++)
				;
			if (k == n && n < 16)
				ids[n++] = id;
			o += sprintf(o, "%s %d", word, k + 1);
			p += used;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	free(text);
	return out;
}

/* Writes transcript NAME: the command after PROMPT ("b$ "), then the
 * program's OUTPUT, ports and association ids made steady. */
static void transcript(const char *name, const char *command,
		       const char *output)
{
	FILE *tr = tk_transcript_open();
	char *text = renumbered(scrubbed(output));

	fprintf(tr, "%s\n%s", command, text);
	free(text);
	tk_transcript_close(tr, CH, name);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* An SCTP one-to-one socket the test makes in HOST, associated with
 * ADDR and PORT (the test kit's). */
static int sctp_connect_from(hn_net *net, const char *host,
			     const char *addr, int port)
{
	int fd = tk_sctp_connect(net, host, addr, port);

	TK_EXPECT(fd >= 0, "no SCTP association from %s to %s port %d: %s",
		  host, addr, port, strerror(errno));
	return fd;
}

/* Sends TEXT and reads the echo within WAIT_MS. */
static void expect_echo(int fd, const char *text)
{
	char buf[256];
	ssize_t n;

	TK_EXPECT(send(fd, text, strlen(text), 0) == (ssize_t)strlen(text),
		  "send: %s", strerror(errno));
	TK_EXPECT(tk_readable(fd, WAIT_MS), "no echo of \"%s\"", text);
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	TK_EXPECT(n == (ssize_t)strlen(text) && memcmp(buf, text, n) == 0,
		  "the echo of \"%s\" was %zd bytes", text, n);
}

/* ---- 23.1: the kernel's defaults ------------------------------------ */

static const struct {
	const char *name;
	const char *value;
} defaults[] = {
	{ "net.sctp.rto_initial", "3000" },
	{ "net.sctp.rto_min", "1000" },
	{ "net.sctp.rto_max", "60000" },
	{ "net.sctp.hb_interval", "30000" },
	{ "net.sctp.path_max_retrans", "5" },
	{ "net.sctp.association_max_retrans", "10" },
	{ "net.sctp.pf_retrans", "0" },
	{ "net.sctp.pf_enable", "1" },
	{ "net.sctp.pf_expose", "0" },
};

/* The timers that decide how fast a path is given up, as a fresh
 * network namespace has them: read with procps's sysctl, and each is
 * what the text says. */
static void kernel_defaults(void **state)
{
	const char *args[16] = { "sysctl" };
	size_t i, n = sizeof(defaults) / sizeof(defaults[0]);
	hn_proc *p;

	(void)state;
	for (i = 0; i < n; i++)
		args[i + 1] = defaults[i].name;
	p = hn_spawn(NULL, NULL, (char *const *)args, NULL);
	TK_EXPECT(hn_wait_exit(p, WAIT_MS) == 0, "sysctl failed: %s",
		  tk_shown(hn_stderr(p)));
	for (i = 0; i < n; i++) {
		char want[96];

		snprintf(want, sizeof(want), "%s = %s\n", defaults[i].name,
			 defaults[i].value);
		TK_EXPECT(strstr(hn_stdout(p), want) != NULL,
			  "this kernel's default is not \"%s\": sysctl "
			  "said\n%s", want, hn_stdout(p));
	}
	tk_transcript_of(CH, "defaults", "sysctl net.sctp.rto_initial "
			 "net.sctp.rto_min net.sctp.rto_max "
			 "net.sctp.hb_interval net.sctp.path_max_retrans "
			 "net.sctp.association_max_retrans "
			 "net.sctp.pf_retrans net.sctp.pf_enable "
			 "net.sctp.pf_expose", hn_stdout(p));
}

/* ---- 23.2: autoclose ------------------------------------------------ */

/* advsrv -a 1 closes an association a second after its last message;
 * the client reads end of file then.  A one-to-one socket refuses the
 * option. */
static void autoclose_ends_an_idle_association(void **state)
{
	hn_net *net = hn_up(spec);
	hn_proc *srv = run_in(net, "b", "advsrv", "-a", "1", "0", NULL, NULL);
	int port = tk_listening_port(srv, WAIT_MS);
	int fd = sctp_connect_from(net, "a", b_on(net, "net1"), port);
	int one = 1, rc;
	char buf[64];
	long t0, idle;

	(void)state;
	expect_echo(fd, "hello");
	t0 = now_ms();
	TK_EXPECT(tk_readable(fd, 5000), "the association was still open "
		  "5 s after its last message, with autoclose at 1 s");
	idle = now_ms() - t0;
	TK_EXPECT(recv(fd, buf, sizeof(buf), 0) == 0, "the client read "
		  "something other than end of file");
	TK_EXPECT(idle >= 900 && idle <= 2500, "autoclose at 1 s closed "
		  "the association after %ld ms idle", idle);
	free(expect_line(srv, "advsrv", "SCTP_SHUTDOWN_COMP"));
	tk_note("autoclose 1 s: the association closed after %ld ms "
		"idle", idle);
	fprintf(stderr, "# autoclose 1 s: closed after %ld ms idle\n", idle);
	/* one-to-one: no autoclose */
	rc = setsockopt(fd, IPPROTO_SCTP, SCTP_AUTOCLOSE, &one, sizeof(one));
	TK_EXPECT(rc < 0 && errno == EOPNOTSUPP, "SCTP_AUTOCLOSE on a "
		  "one-to-one socket gave %d (%s), not EOPNOTSUPP", rc,
		  rc < 0 ? strerror(errno) : "no error");
	close(fd);
	transcript("autoclose", "b$ advsrv -a 1 9877", hn_stdout(srv));
}

/* ---- 23.3: partial delivery ----------------------------------------- */

/* SCTP hands the device "GSO" packets, several wire packets in one,
 * which a drop at the device's egress would take all together: with
 * gso_max_size at the MTU, host a sends every packet on its own. */
static void one_packet_at_a_time(hn_net *net)
{
	const char *lan[2] = { "net1", "net2" };

	for (int i = 0; i < 2; i++) {
		hn_proc *ip = hn_run(net, "a", "ip", "link", "set", "dev",
				     hn_ifname(net, "a", lan[i]),
				     "gso_max_size", "1500", NULL);

		TK_EXPECT(hn_wait_exit(ip, WAIT_MS) == 0, "ip link set "
			  "gso_max_size failed: %s", hn_stderr(ip));
	}
}

/* The last fragment of a 20000-byte message: 13 fragments of 1452
 * bytes, then 1124 bytes: an IPv4 packet (header bytes 2-3 its length,
 * byte 9 the protocol) of 1172 bytes with SCTP's and DATA's headers. */
#define LAST_FRAGMENT "@nh,16,16 1172 @nh,72,8 132"

/* A 20000-byte message whose last fragment is lost once: without a
 * partial delivery point the receiver gets it whole, after the
 * retransmission; with -p 4096 it gets the first pieces at once, without
 * MSG_EOR, and MSG_EOR only with the last. */
static void partial_delivery_point(void **state)
{
	hn_net *net = hn_up(spec);
	FILE *tr = tk_transcript_open();
	int round;

	(void)state;
	for (round = 0; round < 2; round++) {
		const char *pd = round == 0 ? NULL : "-p";
		hn_proc *rcv = pd ? run_in(net, "b", "sctprecv", "-p",
					   "4096", "0", NULL, NULL)
			: run_in(net, "b", "sctprecv", "0", NULL, NULL, NULL,
				 NULL);
		int port = tk_listening_port(rcv, WAIT_MS);
		char portstr[16], *line, *text;
		hn_proc *snd;

		snprintf(portstr, sizeof(portstr), "%d", port);
		one_packet_at_a_time(net);
		hn_drop_nth(net, "a", "net1", HN_OUT, 1, LAST_FRAGMENT);
		snd = run_in(net, "a", "sctpsend", b_on(net, "net1"), portstr,
			     "=20000", NULL, NULL);
		line = expect_line(rcv, "sctprecv", "bytes");
		if (pd == NULL) {
			TK_EXPECT(strstr(line, ": 20000 bytes") != NULL &&
				  strstr(line, "no MSG_EOR") == NULL,
				  "without a partial delivery point the "
				  "first read was \"%s\"", line);
		} else {
			TK_EXPECT(strstr(line, ": 4356 bytes, no MSG_EOR"),
				  "with a partial delivery point of 4096 the "
				  "first read was \"%s\", not the first three "
				  "fragments", line);
			free(line);
			line = expect_line(rcv, "sctprecv", ": 1124 bytes");
			TK_EXPECT(strstr(line, "no MSG_EOR") == NULL,
				  "the last piece came without MSG_EOR: %s",
				  line);
		}
		free(line);
		TK_EXPECT(hn_wait_exit(snd, WAIT_MS) == 0, "sctpsend: %s",
			  hn_stderr(snd));
		free(expect_line(rcv, "sctprecv", "SCTP_SHUTDOWN_COMP"));
		fprintf(tr, "b$ sctprecv %s9877\n", pd ? "-p 4096 " : "");
		text = renumbered(scrubbed(hn_stdout(rcv)));
		fprintf(tr, "%s", text);
		free(text);
		hn_kill(rcv);
	}
	tk_transcript_close(tr, CH, "partial");
}

/* The sender aborts while the receiver holds part of a message: the
 * receiver is told with SCTP_PARTIAL_DELIVERY_EVENT. */
static void partial_delivery_aborted(void **state)
{
	hn_net *net = hn_up(spec);
	hn_proc *rcv = run_in(net, "b", "sctprecv", "-p", "4096", "0", NULL,
			      NULL);
	int port = tk_listening_port(rcv, WAIT_MS), i;
	char portstr[16];
	hn_proc *snd;

	(void)state;
	snprintf(portstr, sizeof(portstr), "%d", port);
	one_packet_at_a_time(net);
	for (i = 0; i < 6; i++) { /* the last fragment never arrives */
		hn_drop_nth(net, "a", "net1", HN_OUT, 1, LAST_FRAGMENT);
		hn_drop_nth(net, "a", "net2", HN_OUT, 1, LAST_FRAGMENT);
	}
	snd = run_in(net, "a", "sctpsend", "-a", b_on(net, "net1"), portstr,
		     "=20000", NULL);
	free(expect_line(rcv, "sctprecv", "no MSG_EOR"));
	free(expect_line(rcv, "sctprecv", "ssn 0: 1452 bytes"));
	hn_write_stdin(snd, "", 0);             /* end of file: abort */
	free(expect_line(snd, "sctpsend", "aborted"));
	free(expect_line(rcv, "sctprecv", "SCTP_PARTIAL_DELIVERY_ABORTED"));
	free(expect_line(rcv, "sctprecv", "SCTP_COMM_LOST"));
	transcript("pdabort", "b$ sctprecv -p 4096 9877", hn_stdout(rcv));
}

/* ---- 23.4: unordered ------------------------------------------------ */

/* What sctprecv delivers first, second and third when the Nth DATA
 * chunk of "A", "B", "u:C" is lost once (exercise 23.3). */
static const char *const after_loss[3][3] = {
	{ "\"C\"", "\"A\"", "\"B\"" },      /* A lost: C overtakes */
	{ "\"A\"", "\"C\"", "\"B\"" },      /* B lost: C does not wait */
	{ "\"A\"", "\"B\"", "\"C\"" },      /* C lost: it comes last */
};

/* "A" is lost once; "B", ordered on the same stream, waits for it; "C",
 * unordered, is delivered at once and overtakes both.  Then the same
 * with "B" lost, and with "C" lost. */
static void unordered_overtakes_a_held_message(void **state)
{
	hn_net *net = hn_up(spec);
	hn_proc *rcv = NULL, *snd = NULL;
	int lost;

	(void)state;
	one_packet_at_a_time(net);
	for (lost = 1; lost <= 3; lost++) {
		int port, i;
		char portstr[16], *line;

		if (rcv != NULL)
			hn_kill(rcv);
		rcv = run_in(net, "b", "sctprecv", "0", NULL, NULL, NULL,
			     NULL);
		port = tk_listening_port(rcv, WAIT_MS);
		snprintf(portstr, sizeof(portstr), "%d", port);
		hn_drop_nth(net, "a", "net1", HN_OUT, (unsigned)lost,
			    "sctp chunk data exists");
		snd = run_in(net, "a", "sctpsend", b_on(net, "net1"), portstr,
			     "A", "B", "u:C");
		for (i = 0; i < 3; i++) {
			line = expect_line(rcv, "sctprecv", "stream 0");
			TK_EXPECT(strstr(line, after_loss[lost - 1][i]),
				  "with DATA chunk %d lost, message %d "
				  "delivered was %s, not %s", lost, i + 1,
				  line, after_loss[lost - 1][i]);
			TK_EXPECT((strstr(line, "\"C\"") != NULL) ==
				  (strstr(line, "unordered") != NULL),
				  "%s: only \"C\" is unordered", line);
			free(line);
		}
		TK_EXPECT(hn_wait_exit(snd, WAIT_MS) == 0, "sctpsend: %s",
			  hn_stderr(snd));
		free(expect_line(rcv, "sctprecv", "SCTP_SHUTDOWN_COMP"));
		hn_clear(net, "a", "net1");
		if (lost == 1) {
			transcript("unordered-send", "a$ sctpsend 192.0.2.2 "
				   "9877 A B u:C", hn_stdout(snd));
			transcript("unordered", "b$ sctprecv 9877",
				   hn_stdout(rcv));
		}
	}
}

/* ---- 23.5: binding a subset ----------------------------------------- */

/* advsrv bound to 192.0.2.2 only: a client given both of b's addresses
 * ends up with one path; a client given only the other is refused. */
static void bindx_offers_a_subset(void **state)
{
	hn_net *net = hn_up(spec);
	hn_proc *srv = run_in(net, "b", "advsrv", "-b", b_on(net, "net1"),
			      "0", NULL, NULL);
	int port = tk_listening_port(srv, WAIT_MS);
	char portstr[16], *text;
	hn_proc *both, *other;
	FILE *tr = tk_transcript_open();

	(void)state;
	snprintf(portstr, sizeof(portstr), "%d", port);
	both = run_in(net, "a", "paddrs", portstr, b_on(net, "net1"),
		      b_on(net, "net2"), NULL, NULL);
	TK_EXPECT(hn_wait_exit(both, WAIT_MS) == 0, "paddrs: %s",
		  hn_stderr(both));
	TK_EXPECT(strstr(hn_stdout(both), "198.51.100.2") == NULL &&
		  strstr(hn_stdout(both), "192.0.2.2 ") != NULL,
		  "the association to a server bound to 192.0.2.2 only "
		  "has these paths:\n%s", hn_stdout(both));
	other = run_in(net, "a", "paddrs", portstr, b_on(net, "net2"), NULL,
		       NULL, NULL);
	TK_EXPECT(hn_wait_exit(other, WAIT_MS) != 0 &&
		  strstr(hn_stderr(other), "refused"),
		  "connecting to the address the server is not bound to: "
		  "%s%s", hn_stdout(other), hn_stderr(other));
	free(expect_line(srv, "advsrv", "SCTP_SHUTDOWN_COMP"));
	text = renumbered(scrubbed(hn_stdout(srv)));
	fprintf(tr, "b$ advsrv -b 192.0.2.2 9877 &\n%s", text);
	free(text);
	fprintf(tr, "a$ paddrs 9877 192.0.2.2 198.51.100.2\n%s",
		hn_stdout(both));
	fprintf(tr, "a$ paddrs 9877 198.51.100.2\n%s", hn_stderr(other));
	tk_transcript_close(tr, CH, "bindx");
}

/* ---- 23.6 and 23.7: heartbeats and path states ---------------------- */

/* connect() to one address: the other address the server listed stays
 * unconfirmed until a heartbeat answers; with heartbeats off it stays
 * unconfirmed.  sctp_connectx() with both: both active at once. */
static void unconfirmed_until_a_heartbeat(void **state)
{
	hn_net *net = hn_up(spec);
	hn_proc *srv = run_in(net, "b", "advsrv", "0", NULL, NULL, NULL,
			      NULL);
	int port = tk_listening_port(srv, WAIT_MS);
	char portstr[16];
	const char *b1 = b_on(net, "net1"), *b2 = b_on(net, "net2");
	hn_proc *one, *off, *both;
	char *text;
	FILE *tr = tk_transcript_open();

	(void)state;
	snprintf(portstr, sizeof(portstr), "%d", port);
	one = run_in(net, "a", "paddrs", "-1", "-w", "1500", portstr, b1);
	off = hn_run(net, "a", tk_prog(CH, "paddrs"), "-1", "-n", "-w",
		     "1500", portstr, b1, NULL);
	both = run_in(net, "a", "paddrs", portstr, b1, b2, NULL, NULL);
	TK_EXPECT(hn_wait_exit(both, WAIT_MS) == 0 &&
		  hn_wait_exit(one, WAIT_MS) == 0 &&
		  hn_wait_exit(off, WAIT_MS) == 0, "paddrs failed: %s%s%s",
		  hn_stderr(both), hn_stderr(one), hn_stderr(off));
	TK_EXPECT(strstr(hn_stdout(both), "unconfirmed") == NULL,
		  "with sctp_connectx() to both addresses:\n%s",
		  hn_stdout(both));
	TK_EXPECT(strstr(hn_stdout(one), "198.51.100.2    unconfirmed") &&
		  strstr(hn_stdout(one), "SCTP_ADDR_CONFIRMED 198.51.100.2"),
		  "connect() to one address, heartbeats on:\n%s",
		  hn_stdout(one));
	TK_EXPECT(strstr(hn_stdout(off), "SCTP_ADDR_CONFIRMED") == NULL,
		  "with heartbeats off the address was confirmed:\n%s",
		  hn_stdout(off));
	text = renumbered(strdup(hn_stdout(one)));
	fprintf(tr, "a$ paddrs 9877 192.0.2.2 198.51.100.2\n%s",
		hn_stdout(both));
	fprintf(tr, "a$ paddrs -1 -w 1500 9877 192.0.2.2\n%s", text);
	fprintf(tr, "a$ paddrs -1 -n -w 1500 9877 192.0.2.2\n%s",
		hn_stdout(off));
	free(text);
	tk_transcript_close(tr, CH, "paddrs");
}

/* ---- 23.8: peeloff in a forking server ------------------------------ */

/* advsrv -f: each association is peeled off and served by a child;
 * two clients, two children, each echoing its own client. */
static void forking_server_peels_off(void **state)
{
	hn_net *net = hn_up(spec);
	hn_proc *srv = run_in(net, "b", "advsrv", "-f", "0", NULL, NULL,
			      NULL);
	int port = tk_listening_port(srv, WAIT_MS);
	int c1, c2;
	pid_t kids[4];
	char *text;

	(void)state;
	c1 = sctp_connect_from(net, "a", b_on(net, "net1"), port);
	free(expect_line(srv, "advsrv", "serves association"));
	expect_echo(c1, "one");
	c2 = sctp_connect_from(net, "a", b_on(net, "net1"), port);
	free(expect_line(srv, "advsrv", "serves association"));
	expect_echo(c2, "two");
	expect_echo(c1, "three");
	TK_EXPECT(tk_wait_children(hn_pid(srv), 2, kids, 4, WAIT_MS) == 2,
		  "advsrv -f has not two children:\n%s", hn_stdout(srv));
	TK_EXPECT(kids[0] != kids[1], "one child for both");
	close(c1);
	free(expect_line(srv, "advsrv", "shut down"));
	close(c2);
	free(expect_line(srv, "advsrv", "shut down"));
	TK_EXPECT(tk_wait_children(hn_pid(srv), 0, kids, 4, 0) >= 0,
		  "children");
	TK_EXPECT(hn_zombies(srv) == 0, "advsrv -f left a zombie");
	text = tk_scrub(strdup(hn_stdout(srv)), "child [0-9]+", "child PID");
	transcript("peeloff", "b$ advsrv -f 9877", text);
	free(text);
}

/* ---- 23.9: failover --------------------------------------------------- */

/* The receiver's time stamp ("123456 ms ...") of its line holding
 * NEEDLE, or -1. */
static long stamp_of(const char *out, const char *needle)
{
	const char *at = strstr(out, needle);

	while (at != NULL && at > out && at[-1] != '\n')
		at--;
	return at == NULL ? -1 : atol(at);
}

/* Checks that the receiver got "msg 1" .. "msg N" once each, in order. */
static void expect_every_message(const char *out, int n)
{
	const char *p = out;
	int next = 1, k;

	while ((p = strstr(p, "\"msg ")) != NULL) {
		k = atoi(p + 5);
		TK_EXPECT(k == next, "the receiver got \"msg %d\" where "
			  "\"msg %d\" was due:\n%s", k, next, tk_shown(out));
		next++;
		p += 5;
	}
	TK_EXPECT(next == n + 1, "the receiver got %d messages of %d",
		  next - 1, n);
}

/* Writes the timeline the figure of 23.9 draws, in times from the cut
 * (only with TK_UPDATE_TRANSCRIPTS=1: the times differ a little from
 * run to run, and the test checks them itself). */
static void keep_timeline(const char *rcv_out, long cut, long unreach,
			  long up, long avail)
{
	const char *p = rcv_out;
	FILE *tr;

	if (getenv("TK_UPDATE_TRANSCRIPTS") == NULL)
		return;
	tr = tk_transcript_open();
	fprintf(tr, "# event ms (from the cut)\ncut 0\nunreachable %ld\n"
		"up %ld\navailable %ld\n", unreach - cut, up - cut,
		avail - cut);
	while ((p = strstr(p, "\"msg ")) != NULL) {
		const char *line = p;

		while (line > rcv_out && line[-1] != '\n')
			line--;
		fprintf(tr, "msg %d %ld\n", atoi(p + 5), atol(line) - cut);
		p += 5;
	}
	tk_transcript_close(tr, CH, "failover-timeline");
}

/* failcli sends 30 messages, one every 100 ms, to sctprecv over an
 * association with two paths; the primary path's link goes silent and
 * comes back.  The client reports the path unreachable, then available;
 * the messages meanwhile go over net2; none is lost or doubled. */
static void failover_on_a_path_cut(void **state)
{
	hn_net *net = hn_up(spec);
	hn_cap *c1 = hn_capture(net, "b", "net1");
	hn_cap *c2 = hn_capture(net, "b", "net2");
	hn_proc *rcv = run_in(net, "b", "sctprecv", "-t", "0", NULL, NULL,
			      NULL);
	int port = tk_listening_port(rcv, WAIT_MS), data1, data2;
	const char *b1 = b_on(net, "net1"), *b2 = b_on(net, "net2");
	char portstr[16], want[64], *line;
	long cut, unreach, up, avail;
	hn_proc *cli;

	(void)state;
	snprintf(portstr, sizeof(portstr), "%d", port);
	cli = hn_run(net, "a", tk_prog(CH, "failcli"), "-n", "30", "-i",
		     "100", portstr, b1, b2, NULL);
	free(expect_line(cli, "failcli", "connected"));
	free(expect_line(rcv, "sctprecv", "\"msg 5\""));
	data1 = hn_cap_count(c1, "sctp[12] == 0");
	cut = now_ms();
	hn_link_down(net, "a", "net1", HN_FAR);
	line = expect_line(cli, "failcli", "SCTP_ADDR_UNREACHABLE");
	unreach = now_ms();
	snprintf(want, sizeof(want), "path %s SCTP_ADDR_UNREACHABLE", b1);
	TK_EXPECT(strcmp(line, want) == 0, "failcli printed \"%s\"", line);
	free(line);
	TK_EXPECT(unreach - cut >= 300 && unreach - cut <= 3000,
		  "the path was reported unreachable %ld ms after the cut",
		  unreach - cut);
	data2 = hn_cap_count(c2, "sctp[12] == 0");
	up = now_ms();
	hn_link_up(net, "a", "net1");
	line = expect_line(cli, "failcli", "SCTP_ADDR_AVAILABLE");
	avail = now_ms();
	free(line);
	TK_EXPECT(hn_wait_exit(cli, WAIT_MS) == 0, "failcli: %s",
		  hn_stderr(cli));
	TK_EXPECT(data2 > 0, "no DATA crossed net2 during the cut");
	TK_EXPECT(hn_cap_count(c1, "sctp[12] == 4") > 0 &&
		  hn_cap_count(c2, "sctp[12] == 4") > 0 &&
		  hn_cap_count(c2, "sctp[12] == 5") > 0,
		  "no HEARTBEAT on one of the paths");
	TK_EXPECT(data1 > 0, "no DATA on net1 before the cut");
	expect_every_message(hn_stdout(rcv), 30);
	tk_note("cut at 0 ms; unreachable after %ld ms; link back at %ld "
		"ms; available %ld ms later", unreach - cut, up - cut,
		avail - up);
	fprintf(stderr, "# failover: unreachable %ld ms after the cut, "
		"available %ld ms after the link came back\n",
		unreach - cut, avail - up);
	(void)stamp_of;
	keep_timeline(hn_stdout(rcv), cut, unreach, up, avail);
	transcript("failover", "a$ failcli -n 30 -i 100 9877 192.0.2.2 "
		   "198.51.100.2", hn_stdout(cli));
}

/* sctp_darn's prompts end in "> " and it does not echo what it reads:
 * puts TYPED[i], marked as typed, on a line of its own after the ith
 * prompt (which loses its last space, so that the book does not take
 * it for a shell's prompt). */
static char *with_typed(const char *out, const char *const *typed, int n)
{
	size_t len = strlen(out) + 1;
	char *res, *o;
	int i = 0;

	for (int k = 0; k < n; k++)
		len += strlen(typed[k]) + strlen(TK_TYPED) + 2;
	res = o = malloc(len);
	while (*out != '\0') {
		*o++ = *out;
		if (i < n && out[0] == '>' && out[1] == ' ') {
			o += sprintf(o, "\n%s%s\n", TK_TYPED, typed[i++]);
			out += 2;
			if (*out == '\n')
				out++;
			continue;
		}
		out++;
	}
	*o = '\0';
	return res;
}

/* ---- a real peer: lksctp-tools' sctp_darn ------------------------------ */

/* sctp_darn looks for the association after each message it takes, so
 * how many times it says the association is gone, and after which
 * message first, depends on when the SHUTDOWN came: the transcript
 * shows the line once, after the last message. */
static char *once_after_the_last_message(char *text)
{
	static const char gone[] = "No association is present now!!\n";
	char *last, *out;

	text = tk_scrub(text, gone, "");
	last = strstr(text, "DATA(");
	for (char *p = last; p != NULL; p = strstr(p + 1, "DATA("))
		last = p;
	if (last == NULL || (last = strchr(last, '\n')) == NULL)
		return text;
	last++;
	if (asprintf(&out, "%.*s%s%s", (int)(last - text), text, gone,
		     last) < 0)
		abort();
	free(text);
	return out;
}

/* sctp_darn, bound to both of b's addresses (its own sctp_bindx), hears
 * failcli's five messages; then sctp_darn in a sends a line to sctprecv
 * in b. */
static void sctp_darn_both_ways(void **state)
{
	hn_net *net = hn_up(spec);
	const char *b1 = b_on(net, "net1"), *b2 = b_on(net, "net2");
	hn_proc *darn = hn_run(net, "b", "sctp_darn", "-H", b1, "-B", b2,
			       "-P", "9000", "-l", "-I", NULL);
	hn_proc *cli, *rcv, *snd;
	static const char *const rcv4[4] = { "rcv", "rcv", "rcv", "rcv" };
	static const char *const hello[2] = { "hello from sctp_darn", "^D" };
	char portstr[16], *text;
	int port, i;
	FILE *tr;

	(void)state;
	TK_EXPECT(hn_wait_port(darn, IPPROTO_SCTP, 9000, WAIT_MS) == 0,
		  "sctp_darn did not bind port 9000: %s", hn_stderr(darn));
	cli = hn_run(net, "a", tk_prog(CH, "failcli"), "-n", "3", "-i", "20",
		     "9000", b1, b2, NULL);
	TK_EXPECT(hn_wait_exit(cli, WAIT_MS) == 0, "failcli to sctp_darn: "
		  "%s%s", hn_stdout(cli), hn_stderr(cli));
	/* interactive: "rcv" reads one message (a notification or data),
	 * then sctp_darn looks for the association.  Asked only now that
	 * failcli has shut it down, the look after the last message finds
	 * it gone (asked earlier, it may look before the SHUTDOWN) */
	hn_feed(darn, "rcv\nrcv\nrcv\nrcv\n", 16, WAIT_MS);
	for (i = 0; i < 3; i++) {
		char want[32];

		snprintf(want, sizeof(want), "sinfo_ssn %d", i);
		TK_EXPECT(tk_saw(darn, want, WAIT_MS) &&
			  tk_saw(darn, "DATA(5)", WAIT_MS), "sctp_darn did "
			  "not print message %d:\n%s", i + 1,
			  hn_stdout(darn));
	}
	TK_EXPECT(tk_saw(darn, "No association", WAIT_MS), "sctp_darn did "
		  "not see the association end:\n%s", hn_stdout(darn));
	rcv = run_in(net, "b", "sctprecv", "0", NULL, NULL, NULL, NULL);
	port = tk_listening_port(rcv, WAIT_MS);
	snprintf(portstr, sizeof(portstr), "%d", port);
	snd = hn_run(net, "a", "sctp_darn", "-H", hn_addr_on(net, "a",
		     "net1", AF_INET), "-P", "9001", "-h", b1, "-p", portstr,
		     "-s", NULL);
	hn_feed(snd, "hello from sctp_darn\n", 21, WAIT_MS);
	free(expect_line(rcv, "sctprecv", "hello from sctp_darn"));
	free(expect_line(rcv, "sctprecv", "SCTP_SHUTDOWN_COMP"));
	TK_EXPECT(tk_saw(snd, "New connection", WAIT_MS), "sctp_darn -s: "
		  "%s", hn_stdout(snd));
	tr = tk_transcript_open();
	text = with_typed(hn_stdout(darn), rcv4, 4);
	text = tk_scrub(text, "sinfo_tsn +[0-9]+", "sinfo_tsn     TSN");
	text = tk_scrub(text, "assoc_id +[0-9]+", "assoc_id  1");
	text = once_after_the_last_message(text);
	fprintf(tr, "b$ sctp_darn -H 192.0.2.2 -B 198.51.100.2 -P 9000 "
		"-l -I\n%s\n", text);
	free(text);
	fprintf(tr, "a$ failcli -n 3 -i 20 9000 192.0.2.2 198.51.100.2\n%s",
		hn_stdout(cli));
	tk_transcript_close(tr, CH, "darn-listens");
	tr = tk_transcript_open();
	text = with_typed(hn_stdout(snd), hello, 2);
	text = tk_scrub(text, portstr, "9877");
	fprintf(tr, "a$ sctp_darn -H 192.0.2.1 -P 9001 -h 192.0.2.2 -p 9877 "
		"-s\n%s\n", text);
	free(text);
	text = renumbered(scrubbed(hn_stdout(rcv)));
	fprintf(tr, "b$ sctprecv 9877\n%s", text);
	free(text);
	tk_transcript_close(tr, CH, "darn-sends");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(kernel_defaults),
		TK_TEST(autoclose_ends_an_idle_association),
		TK_TEST(partial_delivery_point),
		TK_TEST(partial_delivery_aborted),
		TK_TEST(unordered_overtakes_a_held_message),
		TK_TEST(bindx_offers_a_subset),
		TK_TEST(unconfirmed_until_a_heartbeat),
		TK_TEST(forking_server_peels_off),
		TK_TEST(failover_on_a_path_cut),
		TK_TEST(sctp_darn_both_ways),
	};

	if (getenv("TK_ONLY") != NULL)      /* one test, by name */
		cmocka_set_test_filter(getenv("TK_ONLY"));
	hn_init();
	hn_vm_ship("sysctl");
	hn_vm_ship("ip");
	hn_vm_ship("sctp_darn");
	hn_require("sctp");
	return TK_RUN("asctp", tests);
}
