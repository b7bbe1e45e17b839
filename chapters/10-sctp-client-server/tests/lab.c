/*
 * Lab 10's public tests: the student's streamecho in host b, clients the
 * test makes in host a.  Each test says what went wrong and the section
 * to reread.  The server runs with the kernel's own SCTP settings (no
 * socket option is set for it).  On a kernel without SCTP the whole
 * suite runs in the harness's VM (one boot).
 */
#include "lab10.h"

/* ---- 10.2: one message back, whole, where it came from --------------- */

static void echoes_one_message(void **state)
{
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = lab_server(net);
	int fd = lab_client(net);
	struct got *g;

	(void)state; (void)s;
	lab_send(fd, 0, 7, "hello", 5);
	g = lab_echo(fd, ECHO_MS);
	TK_EXPECT(g->len == 5 && memcmp(g->text, "hello", 5) == 0 &&
		  !(g->flags & MSG_NOTIFICATION),
		  "\"hello\" on stream 0 came back as %s (see 10.2)",
		  lab_shown(g));
	close(fd);
}

static void echo_keeps_stream_and_ppid(void **state)
{
	static const struct { uint16_t stream; uint32_t ppid; } m[] = {
		{ 1, 11 }, { 5, 55 }, { 9, 0x01020304 },
	};
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = lab_server(net);
	int fd = lab_client(net);
	char text[32];
	struct got *g;

	(void)state; (void)s;
	for (size_t i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "stream %u", m[i].stream);
		lab_send(fd, m[i].stream, m[i].ppid, text, strlen(text));
		g = lab_echo(fd, ECHO_MS);
		TK_EXPECT(g->len == (ssize_t)strlen(text) &&
			  strcmp(g->text, text) == 0 &&
			  g->info.stream == m[i].stream,
			  "\"%s\" sent on stream %u came back as %s: the echo "
			  "goes on the stream the message came on (see 10.2)",
			  text, m[i].stream, lab_shown(g));
		TK_EXPECT(g->info.ppid == m[i].ppid, "\"%s\" sent with ppid "
			  "%u (%#x) came back with ppid %u (%#x): the ppid "
			  "goes back as it came, in network byte order (see "
			  "10.2)", text, m[i].ppid, m[i].ppid, g->info.ppid,
			  g->info.ppid);
	}
	close(fd);
}

/* A message of 10000 bytes arrives in parts of 4096: one echo of 10000
 * bytes, not three. */
static void long_message_comes_back_whole(void **state)
{
	static char big[10000], want[10000];
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = lab_server(net);
	int fd = lab_client(net);
	struct got *g;

	(void)state; (void)s;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = want[i] = (char)('a' + i % 26);
	lab_send(fd, 3, 0, big, sizeof(big));
	g = lab_echo(fd, ECHO_MS);
	TK_EXPECT(g->len == (ssize_t)sizeof(big) &&
		  memcmp(g->text, want, sizeof(want)) == 0,
		  "a message of 10000 bytes came back as %s%s: read until "
		  "MSG_EOR before echoing (see 10.2)", lab_shown(g),
		  g->len > 0 && g->len < 10000 ? " (one part of it)" : "");
	close(fd);
}

/* Two clients: each gets its own echoes and nothing else. */
static void two_clients_get_their_own(void **state)
{
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = lab_server(net);
	int a = lab_client(net), b;
	struct got *g;

	(void)state;
	lab_send(a, 2, 0, "from A", 6);
	g = lab_echo(a, ECHO_MS);
	TK_EXPECT(g->len == 6 && strcmp(g->text, "from A") == 0,
		  "client A's \"from A\" came back as %s (see 10.2)",
		  lab_shown(g));
	b = lab_client(net);
	lab_send(b, 3, 0, "from B", 6);
	g = lab_echo(b, ECHO_MS);
	TK_EXPECT(g->len == 6 && strcmp(g->text, "from B") == 0,
		  "client B's \"from B\" came back to B as %s: answer the "
		  "association the message came from (rcv_assoc_id, see "
		  "10.2)", lab_shown(g));
	lab_send(a, 2, 0, "A again", 7);
	g = lab_echo(a, ECHO_MS);
	TK_EXPECT(g->len == 7 && strcmp(g->text, "A again") == 0,
		  "after B came, client A got %s instead of its \"A again\": "
		  "a notification is not a client's message "
		  "(MSG_NOTIFICATION), and each echo goes to its own "
		  "association (see 10.2)", lab_shown(g));
	TK_EXPECT(hn_wait_line(s, "^assoc [0-9]+ up$", SLOW_MS) == 0,
		  "the server printed no \"assoc N up\" line: subscribe to "
		  "SCTP_ASSOC_CHANGE (see 10.2): %s", tk_shown(hn_stdout(s)));
	close(a), close(b);
}

/* ---- 10.6: the streams the server offers --------------------------- */

static void stream_31_is_answered(void **state)
{
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = lab_server(net);
	int fd = lab_client(net);
	struct got *g;

	(void)state;
	lab_send(fd, 31, 0, "thirty-one", 10);
	lab_send(fd, 1, 0, "one", 3);
	g = lab_echo(fd, ECHO_MS);
	TK_EXPECT(g->len == 10 && g->info.stream == 31,
		  "the first echo for \"thirty-one\" on stream 31, then "
		  "\"one\" on stream 1, was %s: does the server offer 32 "
		  "outbound streams (SCTP_INITMSG, see 10.6)? %s", lab_shown(g),
		  tk_shown(hn_stderr(s)));
	close(fd);
}

/* ---- 10.4 and 10.5: streams independent, each stream in order ------ */

/* The message on stream 1 is lost once on its way to the server; the
 * echoes on streams 2, 3 and 4 must come without waiting for its
 * repair.  (Not the server's echo: a server leaves Nagle on, so its
 * next echoes may wait for the lost one's SACK either way, and the
 * order would say nothing.) */
static void a_lost_echo_holds_no_other_stream(void **state)
{
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = lab_server(net);
	int fd = lab_client(net);
	char text[16], order[64] = "";
	struct got *g;

	(void)state; (void)s;
	lab_send(fd, 0, 0, "warm-up", 7);       /* the association is up */
	g = lab_echo(fd, ECHO_MS);
	TK_EXPECT(g->len == 7, "the warm-up message came back as %s (see "
		  "10.2)", lab_shown(g));
	drop_data_on_stream(net, "a", "b", "sctp dport 9877", 1, 0, 1);
	/* the lost message may come again only when the retransmission
	 * timer fires, a second or more with nothing to do in the VM */
	hn_give_up_when_idle(0);
	for (uint16_t st = 1; st <= 4; st++) {
		snprintf(text, sizeof(text), "on %u", st);
		lab_send(fd, st, 0, text, strlen(text));
	}
	for (int i = 0; i < 4; i++) {
		g = lab_echo(fd, ECHO_MS);
		TK_EXPECT(g->len > 0 && !(g->flags & MSG_NOTIFICATION),
			  "echo %d of 4 was %s (see 10.4)", i + 1,
			  lab_shown(g));
		snprintf(order + strlen(order), sizeof(order) - strlen(order),
			 "%s%u", i ? " " : "", g->info.stream);
	}
	TK_EXPECT(order[0] != '1',
		  "with the message on stream 1 lost once, the echoes came "
		  "on streams %s: streams 2, 3 and 4 waited for stream 1's "
		  "repair: each message is echoed as it comes, on its own "
		  "stream, ordered (see 10.5)", order);
	close(fd);
	hn_give_up_when_idle(LAB_IDLE_MS);
}

/* The server's first echo on stream 5 is lost once; the three after
 * it must still come after it. */
static void one_stream_keeps_its_order(void **state)
{
	static const char *const words[] = { "first", "second", "third",
					     "fourth" };
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = lab_server(net);
	int fd = lab_client(net);
	struct got *g;

	(void)state; (void)s;
	lab_send(fd, 0, 0, "warm-up", 7);
	g = lab_echo(fd, ECHO_MS);
	TK_EXPECT(g->len == 7, "the warm-up message came back as %s (see "
		  "10.2)", lab_shown(g));
	drop_data_on_stream(net, "b", "a", "sctp sport 9877", 5, 0, 1);
	/* the lost echo comes again when the retransmission timer fires,
	 * a second or more with nothing to do in the VM */
	hn_give_up_when_idle(0);
	for (int i = 0; i < 4; i++)
		lab_send(fd, 5, 0, words[i], strlen(words[i]));
	for (int i = 0; i < 4; i++) {
		g = lab_echo(fd, ECHO_MS);
		TK_EXPECT(g->len == (ssize_t)strlen(words[i]) &&
			  strcmp(g->text, words[i]) == 0,
			  "four messages on stream 5, the first echo lost "
			  "once: echo %d was %s, not \"%s\"%s (see 10.4)",
			  i + 1, lab_shown(g), words[i],
			  g->info.flags & SCTP_UNORDERED ? "; it was sent "
			  "SCTP_UNORDERED, which may overtake" : "");
		TK_EXPECT(!(g->info.flags & SCTP_UNORDERED), "the echo "
			  "came SCTP_UNORDERED: echoes must keep their "
			  "stream's order (see 10.4)");
	}
	close(fd);
	hn_give_up_when_idle(LAB_IDLE_MS);
}

/* ---- 10.7: "bye" ends the association gracefully ------------------- */

static void bye_ends_gracefully(void **state)
{
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = lab_server(net);
	int fd = lab_client(net);
	struct got *g;
	bool graceful;

	(void)state;
	lab_send(fd, 4, 0, "bye", 3);
	g = lab_echo(fd, ECHO_MS);
	TK_EXPECT(g->len == 3 && strcmp(g->text, "bye") == 0,
		  "\"bye\" came back as %s: echo it first, then end the "
		  "association (see 10.7)", lab_shown(g));
	/* then SHUTDOWN: the shutdown event, then SHUTDOWN_COMP */
	g = lab_end_of(fd, ECHO_MS, &graceful);
	TK_EXPECT(g->len >= 0, "after echoing \"bye\" the association "
		  "stayed up%s: end it with a message flagged SCTP_EOF "
		  "(see 10.7)", hn_idle_note());
	TK_EXPECT(graceful, "after \"bye\" the "
		  "client saw %s, not a graceful SHUTDOWN_COMP: SCTP_EOF, "
		  "not SCTP_ABORT (see 10.7)", lab_shown(g));
	TK_EXPECT(hn_wait_line(s, "^assoc [0-9]+ down$", SLOW_MS) == 0,
		  "the server printed no \"assoc N down\" line (see 10.2): "
		  "%s", tk_shown(hn_stdout(s)));
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(echoes_one_message),
		TK_TEST(echo_keeps_stream_and_ppid),
		TK_TEST(long_message_comes_back_whole),
		TK_TEST(two_clients_get_their_own),
		TK_TEST(stream_31_is_answered),
		TK_TEST(a_lost_echo_holds_no_other_stream),
		TK_TEST(one_stream_keeps_its_order),
		TK_TEST(bye_ends_gracefully),
	};

	hn_init();
	hn_require("sctp");
	hn_give_up_when_idle(LAB_IDLE_MS);
	return TK_RUN("lab10", tests);
}
