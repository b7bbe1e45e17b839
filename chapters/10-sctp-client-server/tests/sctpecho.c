/*
 * Chapter 10's suite: the streams echo server and client on two hosts,
 * per-stream ordering under a forced loss, the number of streams, the
 * two endings (SCTP_EOF, SCTP_ABORT with a reason), head-of-line
 * blocking measured over TCP and SCTP, and lksctp-tools' sctp_darn as a
 * peer we did not write.  This kernel may have no SCTP: hn_require()
 * then runs the whole suite in the harness's VM (one boot).
 */
#include "lnp.h"
#include "ch10sctp.h"

#define PORT "9877"

/* TEXT with every association identifier after "assoc " or
 * "assoc_id " renumbered 1, 2, ... in order of appearance: the kernel
 * numbers associations machine-wide, so the real ones depend on what
 * ran before.  Returns a new string. */
static char *renumbered(const char *text)
{
	long seen[16];
	int nseen = 0;
	char *out = malloc(strlen(text) + 1), *o = out;

	for (const char *t = text; *t != '\0';) {
		const char *d = NULL;

		if (strncmp(t, "assoc ", 6) == 0)
			d = t + 6;
		else if (strncmp(t, "assoc_id ", 9) == 0)
			d = t + 9 + strspn(t + 9, " ");
		if (d == NULL || *d < '0' || *d > '9') {
			*o++ = *t++;
			continue;
		}
		char *end;
		long id = strtol(d, &end, 10);
		int k = 0;

		while (k < nseen && seen[k] != id)
			k++;
		if (k == nseen && nseen < 16)
			seen[nseen++] = id;
		memcpy(o, t, (size_t)(d - t));
		o += d - t;
		o += sprintf(o, "%d", k + 1);  /* never longer than id */
		t = end;
	}
	*o = '\0';
	return out;
}

/* sctpserv in host b, listening; ARGS are its options before the port. */
static hn_proc *server(hn_net *net, const char *opt)
{
	hn_proc *s = opt != NULL ?
		hn_run(net, "b", tk_prog(CH, "sctpserv"), opt, PORT, NULL) :
		hn_run(net, "b", tk_prog(CH, "sctpserv"), PORT, NULL);

	TK_EXPECT(tk_saw(s, "listening on port " PORT, SLOW_MS),
		  "sctpserv did not start: %s", tk_shown(hn_stderr(s)));
	return s;
}

/* sctpcli in host a with INPUT typed into it; waits for its end. */
static hn_proc *client(hn_net *net, const char *input, const char *o1,
		       const char *o2)
{
	hn_proc *c;

	if (o2 != NULL)
		c = hn_run(net, "a", tk_prog(CH, "sctpcli"), o1, o2,
			   "192.0.2.2", PORT, NULL);
	else if (o1 != NULL)
		c = hn_run(net, "a", tk_prog(CH, "sctpcli"), o1, "192.0.2.2",
			   PORT, NULL);
	else
		c = hn_run(net, "a", tk_prog(CH, "sctpcli"), "192.0.2.2",
			   PORT, NULL);
	hn_feed(c, input, strlen(input), SLOW_MS);
	return c;
}

/* The transcript of a session: the command, then each line typed
 * (marked) followed by the output it caused, as lines of OUT after the
 * typed ones come in order. */
static void session(const char *name, const char *cmd, const char *typed,
		    const char *out)
{
	FILE *tr = tk_transcript_open();

	fprintf(tr, "client$ %s\n", cmd);
	for (const char *t = typed; *t != '\0';) {
		size_t n = strcspn(t, "\n");

		fprintf(tr, TK_TYPED "%.*s\n", (int)n, t);
		t += n + (t[n] == '\n');
	}
	char *r = renumbered(out);

	fprintf(tr, TK_TYPED "^D\n%s", r);
	free(r);
	tk_transcript_close(tr, CH, name);
}

/* tk_transcript_of(), association numbers renumbered. */
static void transcript_of(const char *name, const char *command,
			  const char *output)
{
	char *r = renumbered(output);

	tk_transcript_of(CH, name, command, r);
	free(r);
}

/* ---- 10.2, 10.3, 10.7: echo on each stream, graceful end ------------- */

static void echoes_on_each_stream_and_ends_gracefully(void **state)
{
	hn_net *net = hn_up(CH10_HOSTS);
	hn_cap *cap = hn_capture(net, "a", "b");
	hn_proc *s = server(net, NULL);
	const char *typed = "[0]hello\n[3]three\n[9]nine\n";
	hn_proc *c = client(net, typed, NULL, NULL);
	const char *out;

	(void)state;
	TK_EXPECT(tk_exited(c, SLOW_MS) && tk_exit_code(c) == 0,
		  "sctpcli did not end: %s %s", tk_shown(hn_stdout(c)),
		  tk_shown(hn_stderr(c)));
	out = hn_stdout(c);
	TK_EXPECT(strstr(out, "stream 0 ssn 0: hello\nstream 3 ssn 0: three\n"
			 "stream 9 ssn 0: nine\n") != NULL,
		  "the echoes did not come back on their streams: %s",
		  tk_shown(out));
	TK_EXPECT(strstr(out, "SCTP_SHUTDOWN_COMP") != NULL,
		  "the client's SCTP_EOF did not end in SHUTDOWN_COMP: %s",
		  tk_shown(out));
	TK_EXPECT(tk_saw(s, "SCTP_SHUTDOWN_COMP", SLOW_MS),
		  "the server saw no SHUTDOWN_COMP: %s",
		  tk_shown(hn_stdout(s)));
	/* SHUTDOWN, SHUTDOWN ACK, SHUTDOWN COMPLETE crossed the wire */
	TK_EXPECT(hn_cap_wait(cap, "sctp[12] == 14", 1, SLOW_MS) == 1 &&
		  hn_cap_count(cap, "sctp[12] == 7") == 1 &&
		  hn_cap_count(cap, "sctp[12] == 8") == 1,
		  "the capture holds no SHUTDOWN sequence");
	session("streams", "sctpcli 192.0.2.2 " PORT, typed, out);
	transcript_of("streams-server", "sctpserv " PORT,
			 hn_stdout(s));
}

/* The book's first version: the echo comes back on the next stream,
 * and the last stream wraps to 0. */
static void next_stream_variant_wraps(void **state)
{
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = server(net, "-i");
	const char *typed = "[0]zero\n[4]four\n[9]nine\n";
	hn_proc *c = client(net, typed, NULL, NULL);
	const char *out;

	(void)state; (void)s;
	TK_EXPECT(tk_exited(c, SLOW_MS), "sctpcli did not end: %s",
		  tk_shown(hn_stderr(c)));
	out = hn_stdout(c);
	TK_EXPECT(strstr(out, "stream 1 ssn 0: zero\nstream 5 ssn 0: four\n"
			 "stream 0 ssn 0: nine\n") != NULL,
		  "sctpserv -i did not answer on stream + 1: %s",
		  tk_shown(out));
	session("nextstream", "sctpcli 192.0.2.2 " PORT, typed, out);
}

/* ---- 10.4: ordered within a stream, independent across streams ----- */

static void a_lost_echo_holds_only_its_own_stream(void **state)
{
	hn_net *net = hn_up(CH10_HOSTS);
	hn_cap *cap = hn_capture(net, "a", "b");
	hn_proc *s = server(net, NULL);
	const char *typed = "[1]one-a\n[1]one-b\n[2]two-a\n[2]two-b\n";
	hn_proc *c;
	const char *out, *a1, *b1, *a2, *b2;

	(void)state; (void)s; (void)cap;     /* the capture is kept */
	/* the server's first echo on stream 1 is lost once */
	drop_data_on_stream(net, "b", "a", "sctp sport 9877", 1, 0, 1);
	c = client(net, typed, "-p", NULL);
	TK_EXPECT(tk_exited(c, SLOW_MS) && tk_exit_code(c) == 0,
		  "sctpcli -p did not end: %s %s", tk_shown(hn_stdout(c)),
		  tk_shown(hn_stderr(c)));
	out = hn_stdout(c);
	a1 = strstr(out, "one-a"), b1 = strstr(out, "one-b");
	a2 = strstr(out, "two-a"), b2 = strstr(out, "two-b");
	TK_EXPECT(a1 && b1 && a2 && b2, "an echo is missing: %s",
		  tk_shown(out));
	TK_EXPECT(a1 < b1 && a2 < b2, "a stream's echoes came out of "
		  "order: %s", tk_shown(out));
	TK_EXPECT(b2 < a1, "stream 2 waited for stream 1's lost echo: %s",
		  tk_shown(out));
	session("ordering", "sctpcli -p 192.0.2.2 " PORT, typed, out);
}

/* ---- 10.6: how many streams ---------------------------------------- */

static void streams_beyond_the_count_are_refused(void **state)
{
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = server(net, NULL);
	hn_proc *c = client(net, "[9]nine\n[10]ten\n", NULL, NULL);
	hn_proc *c2;
	char *up;

	(void)state;
	TK_EXPECT(tk_exited(c, SLOW_MS) && tk_exit_code(c) == 1 &&
		  strstr(hn_stderr(c), "stream 10: Invalid argument"),
		  "sending on stream 10 of 10 did not fail with EINVAL: %s",
		  tk_shown(hn_stderr(c)));
	up = hn_next_line(s, "SCTP_COMM_UP", SLOW_MS);
	TK_EXPECT(up != NULL && strstr(up, "out 10 in 10"), "the default "
		  "is not 10 streams each way: %s", up ? up : "no COMM_UP");
	free(up);
	/* a client asking for 20: the server still sends on 10 only */
	c2 = client(net, "[15]fifteen\n", "-o", "20");
	TK_EXPECT(hn_stderr_has(s, "sendmsg on stream 15: Invalid argument",
				SLOW_MS),
		  "the server answered on stream 15 of its 10: %s",
		  tk_shown(hn_stderr(s)));
	up = hn_next_line(s, "SCTP_COMM_UP", SLOW_MS);
	TK_EXPECT(up != NULL && strstr(up, "out 10 in 20"), "the server's "
		  "association is not 10 out, 20 in: %s", up ? up : "none");
	free(up);
	(void)c2;
	transcript_of("toofew-server", "sctpserv " PORT, hn_stdout(s));
}

/* ---- 10.7: SCTP_ABORT, with a reason the peer reads ----------------- */

static void abort_carries_its_reason(void **state)
{
	hn_net *net = hn_up(CH10_HOSTS);
	hn_cap *cap = hn_capture(net, "a", "b");
	hn_proc *s = server(net, NULL);
	const char *typed = "[2]last words\n";
	hn_proc *c = client(net, typed, "-A", "client gave up");
	char *lost, *why;

	(void)state;
	TK_EXPECT(tk_exited(c, SLOW_MS), "sctpcli -A did not end: %s",
		  tk_shown(hn_stderr(c)));
	TK_EXPECT(strstr(hn_stdout(c), "SCTP_COMM_LOST") != NULL,
		  "the aborting client saw no COMM_LOST: %s",
		  tk_shown(hn_stdout(c)));
	lost = hn_next_line(s, "SCTP_COMM_LOST", SLOW_MS);
	why = hn_next_line(s, "abort cause", SLOW_MS);
	TK_EXPECT(lost != NULL && why != NULL &&
		  strstr(why, "cause 12 (user-initiated abort): "
			 "\"client gave up\""),
		  "the server did not read the reason: %s",
		  tk_shown(hn_stdout(s)));
	free(lost), free(why);
	TK_EXPECT(hn_cap_count(cap, "sctp[12] == 6") == 1 &&
		  hn_cap_count(cap, "sctp[12] == 7") == 0,
		  "the capture shows no ABORT, or a SHUTDOWN");
	session("abort", "sctpcli -A 'client gave up' 192.0.2.2 " PORT,
		typed, hn_stdout(c));
	transcript_of("abort-server", "sctpserv " PORT,
			 hn_stdout(s));
}

/* ---- 10.5: head-of-line blocking, measured ------------------------- */

#define NREQ 10
#ifndef HOLB_DROPS
#define HOLB_DROPS 1
#endif

/* Runs holbcli over PROTO with request 00's first sending lost (HOLB_DROPS
 * 2: its first retransmission too); ms[i] gets request i's time,
 * order[k] the request of the kth reply. */
static void holb_run(hn_net *net, const char *proto, double ms[NREQ],
		     double at[NREQ], int order[NREQ], char **text)
{
	hn_proc *c;
	const char *out;
	int k = 0;

	for (int i = 0; i < HOLB_DROPS; i++)
		if (strcmp(proto, "tcp") == 0)  /* payload "request 00" */
			hn_drop_nth(net, "a", "b", HN_OUT, 1, "tcp dport 9878 "
				    "@th,256,80 0x72657175657374203030");
		else
			drop_data_on_stream(net, "a", "b", "sctp dport 9878",
					    0, 0, 1);
	c = hn_run(net, "a", tk_prog(CH, "holbcli"), "-n", "10", "-g", "40",
		   proto, "192.0.2.2", "9878", NULL);
	TK_EXPECT(tk_exited(c, SLOW_MS) && tk_exit_code(c) == 0,
		  "holbcli %s did not end: %s %s", proto,
		  tk_shown(hn_stdout(c)), tk_shown(hn_stderr(c)));
	out = hn_stdout(c);
	*text = strdup(out);
	for (const char *l = out; *l != '\0' && k < NREQ; k++) {
		int r, st;
		double t, sent;

		TK_EXPECT(sscanf(l, "request %d stream %d: sent at %lf ms, "
				 "back after %lf ms", &r, &st, &sent, &t) == 4 &&
			  r >= 0 && r < NREQ,
			  "holbcli printed %s", tk_shown(out));
		ms[r] = t;
		at[r] = sent;
		order[k] = r;
		l += strcspn(l, "\n");
		l += *l == '\n';
	}
	TK_EXPECT(k == NREQ, "holbcli printed %d replies: %s", k,
		  tk_shown(out));
	hn_clear(net, "a", "b");
}

static void holb_tcp_waits_sctp_does_not(void **state)
{
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = hn_run(net, "b", tk_prog(CH, "holbserv"), "9878", NULL);
	double tcp[NREQ], sctp[NREQ], tat[NREQ], sat[NREQ];
	int otcp[NREQ], osctp[NREQ];
	char *ttext, *stext, *tsv;
	FILE *f;

	(void)state;
	TK_EXPECT(tk_saw(s, "listening on port 9878", SLOW_MS),
		  "holbserv did not start: %s", tk_shown(hn_stderr(s)));
	holb_run(net, "tcp", tcp, tat, otcp, &ttext);
	holb_run(net, "sctp", sctp, sat, osctp, &stext);
	tk_note("TCP:\n%sSCTP:\n%s", ttext, stext);
	/* TCP: one byte stream, the replies in request order: 01 waited
	 * for 00's repair */
	for (int i = 0; i < NREQ; i++)
		TK_EXPECT(otcp[i] == i, "TCP's reply %d was request %d's",
			  i, otcp[i]);
	/* SCTP: 01 came back before the repaired 00 */
	TK_EXPECT(osctp[0] != 0, "SCTP's first reply was request 00's: "
		  "stream 1 waited for stream 0");
	TK_EXPECT(sat[1] + sctp[1] < sat[0] + sctp[0], "SCTP's reply to 01 "
		  "came after the lost 00's");
	/* the measurement, for the book's figure: beside the captures */
	if (getenv("HN_CAPTURE_DIR") != NULL ?
	    asprintf(&tsv, "%s/ch10-holb.tsv", getenv("HN_CAPTURE_DIR")) < 0 :
	    asprintf(&tsv, "%s/captures/ch10-holb.tsv", tk_build_root()) < 0)
		abort();
	if ((f = fopen(tsv, "w")) != NULL) {
		for (int i = 0; i < NREQ; i++)
			fprintf(f, "%d\t%.1f\t%.1f\t%.1f\t%.1f\n", i, tat[i],
				tcp[i], sat[i], sctp[i]);
		fclose(f);
	}
	free(ttext), free(stext), free(tsv);
}

/* ---- 10.8: lksctp-tools' sctp_darn, a peer we did not write -------- */

static void sctp_darn_both_ways(void **state)
{
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = server(net, NULL), *d, *l, *c;
	const char *typed = "[4]to a sink\n";
	char *got, *listen;

	(void)state;
	/* their client, our server: sctp_darn -s sends each line typed */
	d = hn_run(net, "a", "sctp_darn", "-H", "192.0.2.1", "-P", "5000",
		   "-h", "192.0.2.2", "-p", PORT, "-s", NULL);
	hn_feed(d, "hello from sctp_darn\n", 21, SLOW_MS);
	got = hn_next_line(s, "bytes", SLOW_MS);
	TK_EXPECT(got != NULL && strstr(got, "stream 0") &&
		  strstr(got, "22 bytes"), "sctpserv did not get sctp_darn's "
		  "line: %s %s", tk_shown(hn_stdout(s)),
		  tk_shown(hn_stdout(d)));
	TK_EXPECT(tk_exited(d, SLOW_MS), "sctp_darn -s did not end: %s",
		  tk_shown(hn_stdout(d)));
	free(got);
	/* its prompt, "192.0.2.1:5000-192.0.2.2:9877> ", is printed
	 * before each line it reads: left out, the lines are marked */
	got = tk_scrub(strdup(hn_stdout(d)), "192\\.0\\.2\\.1:5000-"
		       "192\\.0\\.2\\.2:9877> ", "");
	session("darn-client", "sctp_darn -H 192.0.2.1 -P 5000 -h 192.0.2.2 "
		"-p " PORT " -s", "hello from sctp_darn\n", got);
	free(got);
	/* their server, our client: sctp_darn -l prints what it gets */
	l = tk_sctp_darn_listen(net, "b", 9879);
	c = hn_run(net, "a", tk_prog(CH, "sctpcli"), "-n", "192.0.2.2",
		   "9879", NULL);
	hn_feed(c, typed, strlen(typed), SLOW_MS);
	TK_EXPECT(tk_exited(c, SLOW_MS) && tk_exit_code(c) == 0,
		  "sctpcli -n did not end: %s", tk_shown(hn_stderr(c)));
	/* sctp_darn takes a message to end with a NUL, as its own do */
	TK_EXPECT(hn_wait_line(l, "DATA\\(9\\): +to a sin$", SLOW_MS) == 0,
		  "sctp_darn -l did not print our message: %s",
		  tk_shown(hn_stdout(l)));
	session("darn-server", "sctpcli -n 192.0.2.2 9879", typed,
		hn_stdout(c));
	TK_EXPECT(hn_wait_line(l, "ASSOC_CHANGE - SHUTDOWN_COMP", SLOW_MS)
		  == 0, "sctp_darn -l saw no SHUTDOWN_COMP: %s",
		  tk_shown(hn_stdout(l)));
	listen = tk_scrub(strdup(hn_stdout(l)), "sinfo_tsn +[0-9]+",
			  "sinfo_tsn     (random)");    /* each run its own */
	/* printed whenever its poll() finds no association: when, depends
	 * on the scheduler */
	listen = tk_scrub(listen, "No association is present now!!\n", "");
	transcript_of("darn-listen", "sctp_darn -H 192.0.2.2 -P 9879 "
			 "-l", listen);
	free(listen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(echoes_on_each_stream_and_ends_gracefully),
		TK_TEST(next_stream_variant_wraps),
		TK_TEST(a_lost_echo_holds_only_its_own_stream),
		TK_TEST(streams_beyond_the_count_are_refused),
		TK_TEST(abort_carries_its_reason),
		TK_TEST(holb_tcp_waits_sctp_does_not),
		TK_TEST(sctp_darn_both_ways),
	};

	hn_init();
	/* the book's figures run one test: TK_CH10_ONLY=holb_tcp... */
	if (getenv("TK_CH10_ONLY") != NULL)
		cmocka_set_test_filter(getenv("TK_CH10_ONLY"));
	tk_sctp_ship_peer();
	hn_require("sctp");
	return TK_RUN("sctpecho", tests);
}
