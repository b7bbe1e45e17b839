/*
 * Lab 10's hidden tests (grading only): every one of the 32 streams,
 * the longest message the lab promises (65536 bytes), and a "bye" that
 * must end only the association it came on.
 */
#include "../lab10.h"

static void every_stream_of_32(void **state)
{
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = lab_server(net);
	int fd = lab_client(net);
	char text[16];
	struct got *g;

	(void)state; (void)s;
	for (uint16_t st = 0; st < 32; st++) {
		snprintf(text, sizeof(text), "s%u", st);
		lab_send(fd, st, st, text, strlen(text));
	}
	for (int i = 0; i < 32; i++) {
		g = lab_echo(fd, ECHO_MS);
		snprintf(text, sizeof(text), "s%u", g->info.stream);
		TK_EXPECT(g->len > 0 && strcmp(g->text, text) == 0 &&
			  g->info.ppid == g->info.stream,
			  "one message on each of 32 streams: echo %d was %s "
			  "(see 10.6)", i + 1, lab_shown(g));
	}
	close(fd);
}

static void largest_message_whole(void **state)
{
	static char big[65536];
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = lab_server(net);
	int fd = lab_client(net);
	struct got *g;

	(void)state; (void)s;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('A' + i % 23);
	lab_send(fd, 7, 77, big, sizeof(big));
	/* 64 KB fills the receive window: the rest can wait for the
	 * retransmission timer (a second or more) with nothing to do */
	hn_give_up_when_idle(0);
	g = lab_echo(fd, SLOW_MS);
	hn_give_up_when_idle(LAB_IDLE_MS);
	TK_EXPECT(g->len == (ssize_t)sizeof(big) &&
		  memcmp(g->text, big, sizeof(big)) == 0 &&
		  g->info.stream == 7 && g->info.ppid == 77,
		  "a message of 65536 bytes came back as %s (see 10.2)",
		  lab_shown(g));
	close(fd);
}

static void bye_ends_only_its_own_association(void **state)
{
	hn_net *net = hn_up(CH10_HOSTS);
	hn_proc *s = lab_server(net);
	int a = lab_client(net), b = lab_client(net);
	struct got *g;
	bool graceful;

	(void)state; (void)s;
	lab_send(b, 1, 0, "b here", 6);
	g = lab_echo(b, ECHO_MS);
	TK_EXPECT(g->len == 6, "client B's message came back as %s (see "
		  "10.2)", lab_shown(g));
	lab_send(a, 1, 0, "bye", 3);
	g = lab_echo(a, ECHO_MS);
	TK_EXPECT(g->len == 3, "client A's \"bye\" came back as %s (see "
		  "10.7)", lab_shown(g));
	g = lab_end_of(a, SLOW_MS, &graceful);
	TK_EXPECT(graceful, "client A's "
		  "association did not end after \"bye\": %s (see 10.7)",
		  lab_shown(g));
	lab_send(b, 2, 0, "b still", 7);
	g = lab_echo(b, ECHO_MS);
	TK_EXPECT(g->len == 7 && strcmp(g->text, "b still") == 0,
		  "after client A's \"bye\", client B got %s: SCTP_EOF ends "
		  "only the association it is sent to (see 10.7)",
		  lab_shown(g));
	close(a), close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(every_stream_of_32),
		TK_TEST(largest_message_whole),
		TK_TEST(bye_ends_only_its_own_association),
	};

	hn_init();
	hn_require("sctp");
	hn_give_up_when_idle(LAB_IDLE_MS);
	return TK_RUN("lab10_hidden", tests);
}
