/*
 * Lab 25 hidden tests (grading only): bursts from three clients at once,
 * and a hundred datagrams in one burst, then a second burst.
 */
#include "../lab25.h"

static void three_clients_in_one_burst(void **state)
{
	const char *msgs[] = { "from a", "from b", "from c", "a again" };
	int who[] = { 0, 1, 2, 0 };
	hn_proc *srv = lab_server();
	int cli[3] = { s25_client(), s25_client(), s25_client() };
	int sock = s25_server_socket(hn_pid(srv));
	char buf[MAXLINE];

	(void)state;
	TK_EXPECT(sock >= 0, "%s", lab_why_silent(srv));
	TK_EXPECT(tk_stop(hn_pid(srv)), "the test could not stop the "
		  "server");
	for (int i = 0; i < 4; i++)
		s25_send_queued(cli[who[i]], sock, msgs[i], strlen(msgs[i]));
	close(sock);
	hn_signal(srv, SIGCONT);
	for (int i = 0; i < 4; i++) {
		ssize_t n = s25_recv(cli[who[i]], buf, sizeof(buf), 1000);

		TK_EXPECT(n >= 0 && strcmp(buf, msgs[i]) == 0, "client %c "
			  "sent \"%s\" in a burst of three clients and got "
			  "back \"%s\" (see 25.6)", 'a' + who[i], msgs[i],
			  n >= 0 ? buf : "nothing");
	}
	for (int i = 0; i < 3; i++)
		close(cli[i]);
}

static void a_hundred_then_more(void **state)
{
	enum { N = 100 };
	const char *msgs[N];
	char text[N][24];
	bool seen[N];
	hn_proc *srv = lab_server();
	int cli = s25_client();

	(void)state;
	for (int i = 0; i < N; i++) {
		snprintf(text[i], sizeof(text[i]), "d%03d", i);
		msgs[i] = text[i];
	}
	for (int round = 1; round <= 2; round++) {
		int got;

		lab_burst_while_stopped(srv, cli, msgs, N);
		got = lab_echoes(cli, msgs, N, seen, 1000);
		TK_EXPECT(got == N, "burst %d of 100 datagrams: %d echoed "
			  "(see 25.6)", round, got);
	}
	close(cli);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(three_clients_in_one_burst),
		TK_TEST(a_hundred_then_more),
	};
	return TK_RUN("lab25 hidden", tests);
}
