/*
 * Lab 7 public tests: the student's keepalive_serv echoes, restarts at
 * once while its old connections are in TIME_WAIT, and tells a dead peer
 * (keepalive gave up) from one that reset.
 */
#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

static hn_net *net;
static const char *server_ip;   /* host b's address */

/* Starts keepalive_serv on host b of a two-host network (made on the
 * first call of each test, with a capture of the link); the test's
 * clients connect from host a. */
static hn_proc *start_server(const char *keepalive, int port)
{
	static char *prog;
	static const char *net_for;
	char portarg[16];
	char *argv[] = { NULL, "-k", (char *)keepalive, portarg, NULL };
	hn_proc *p;

	if (prog == NULL)
		prog = tk_sibling("keepalive_serv");
	if (net_for != tk_current_test) {
		net = hn_two_hosts();   /* torn down when the test ends */
		hn_capture(net, "a", "b");
		net_for = tk_current_test;
		server_ip = hn_addr(net, "b", AF_INET);
	}
	argv[0] = prog;
	snprintf(portarg, sizeof(portarg), "%d", port);
	p = hn_spawn(net, "b", argv, NULL);
	hn_enter(net, "a");             /* the test's clients live in a */
	return p;
}

static void echoes_and_reports_peers(void **state)
{
	hn_proc *srv = start_server("60,5,3", 0);
	int fd = tk_connect_here(server_ip, tk_listening_port(srv, 2000));

	(void)state;
	TK_EXPECT(tk_saw(srv, "connected", 2000), "the server "
		  "did not print \"peer ... connected\" for a new client");
	TK_EXPECT(tk_echoes(fd, "ping\n", 2000), "a client sent \"ping\" and "
		  "got \"%s\" back", tk_last_echo());
	Close(fd);
	TK_EXPECT(tk_saw(srv, "closed", 2000), "the server did "
		  "not print \"peer ... closed\" when a client closed");
}

static void restarts_at_once_during_time_wait(void **state)
{
	hn_proc *srv = start_server("60,5,3", 0);
	int port = tk_listening_port(srv, 2000);
	int fd = tk_connect_here(server_ip, port);
	char buf[32];

	(void)state;
	Writen(fd, "hi\n", 3);
	tk_read_line(fd, buf, sizeof(buf), 2000);
	hn_signal(srv, SIGTERM);
	TK_EXPECT(tk_exited(srv, 2000) && tk_exit_code(srv) == 0, "the "
		  "server did not exit with status 0 within 2 s of SIGTERM");
	TK_EXPECT(tk_read_n(fd, buf, 1, 2000) == 0, "the server did not "
		  "close its client's connection when it stopped");
	Close(fd);              /* the server's side is now in TIME_WAIT */
	srv = start_server("60,5,3", port);
	TK_EXPECT(tk_saw(srv, "listening on port", 2000),
		  "after a restart, the server could not listen on port %d "
		  "while its old connection was in TIME_WAIT; it said: %s",
		  port, hn_stderr(srv));
}

static void reset_is_not_reported_as_dead(void **state)
{
	hn_proc *srv = start_server("60,5,3", 0);
	int fd = tk_connect_here(server_ip, tk_listening_port(srv, 2000));
	char *line;

	(void)state;
	TK_EXPECT(tk_saw(srv, "connected", 2000), "no "
		  "\"peer ... connected\" line");
	tk_close_rst(fd);
	line = hn_next_line(srv, "peer", 2000);
	TK_EXPECT(line != NULL && strstr(line, "failed") &&
		  strstr(line, "reset"), "a client reset its connection; "
		  "expected \"peer ... failed: Connection reset by peer\", "
		  "got \"%s\"", line ? line : "(nothing)");
	free(line);
}

static void dead_peer_found_by_keepalive(void **state)
{
	hn_proc *srv = start_server("1,1,1", 0);
	int fd = tk_connect_here(server_ip, tk_listening_port(srv, 2000));
	char buf[32];
	long long crashed;

	(void)state;
	Writen(fd, "still here\n", 11);
	TK_EXPECT(tk_read_line(fd, buf, sizeof(buf), 2000) == 11,
		  "the server did not echo");
	hn_leave(net);          /* the test must not be in a when a dies */
	hn_crash(net, "a");
	crashed = tk_now_ms();
	TK_EXPECT(tk_saw(srv, "is dead", 4000), "the client's host "
		  "crashed and the server (-k 1,1,1) did not report "
		  "\"peer ... is dead\" within 4 s; it printed:\n%s",
		  hn_stdout(srv));
	TK_EXPECT(tk_now_ms() - crashed >= 1000, "the server declared the "
		  "peer dead %lld ms after the crash, before a single "
		  "keepalive probe could have gone unanswered",
		  tk_now_ms() - crashed);
	TK_EXPECT(!tk_exited(srv, 0), "the server exited: %s", hn_stderr(srv));
	Close(fd);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(echoes_and_reports_peers),
		TK_TEST(restarts_at_once_during_time_wait),
		TK_TEST(reset_is_not_reported_as_dead),
		TK_TEST(dead_peer_found_by_keepalive),
	};
	return TK_RUN("lab07", tests);
}
