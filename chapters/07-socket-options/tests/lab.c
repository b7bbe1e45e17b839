/*
 * Lab 7 public tests: the student's keepalive_serv echoes, restarts at
 * once while its old connections are in TIME_WAIT, and tells a dead peer
 * (keepalive gave up) from one that reset.
 */
#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "../../06-io-multiplexing/tests/tproc.h"

static hn_net *net;

/* Starts keepalive_serv on host b of a two-host network (made on the
 * first call of each test, with a capture of the link); the test's
 * clients connect from host a. */
static struct tproc *start_server(const char *keepalive, int port)
{
	static char *prog;
	static const char *net_for;
	char portarg[16];
	char *argv[] = { NULL, "-k", (char *)keepalive, portarg, NULL };
	struct tproc *p;

	if (prog == NULL)
		prog = tk_sibling("keepalive_serv");
	if (net_for != tk_current_test) {
		net = hn_two_hosts();   /* torn down when the test ends */
		hn_capture(net, "a", "b");
		net_for = tk_current_test;
		tp_set_server(hn_addr(net, "b", AF_INET));
	}
	argv[0] = prog;
	snprintf(portarg, sizeof(portarg), "%d", port);
	hn_enter(net, "b");
	p = tproc_start(argv);          /* forked in b: it runs there */
	hn_enter(net, "a");             /* the test's clients live in a */
	return p;
}

static void echoes_and_reports_peers(void **state)
{
	struct tproc *srv = start_server("60,5,3", 0);
	int fd = tp_connect(tproc_port(srv, 2000));
	char buf[32];

	(void)state;
	TK_EXPECT(tproc_saw(srv, "connected", 2000), "the server "
		  "did not print \"peer ... connected\" for a new client");
	Writen(fd, "ping\n", 5);
	TK_EXPECT(tp_read_line(fd, buf, sizeof(buf), 2000) == 5 &&
		  strcmp(buf, "ping\n") == 0, "a client sent \"ping\" and got "
		  "\"%s\" back", buf);
	Close(fd);
	TK_EXPECT(tproc_saw(srv, "closed", 2000), "the server did "
		  "not print \"peer ... closed\" when a client closed");
}

static void restarts_at_once_during_time_wait(void **state)
{
	struct tproc *srv = start_server("60,5,3", 0);
	int port = tproc_port(srv, 2000), fd = tp_connect(port);
	char buf[32];

	(void)state;
	Writen(fd, "hi\n", 3);
	tp_read_line(fd, buf, sizeof(buf), 2000);
	tproc_signal(srv, SIGTERM);
	TK_EXPECT(tproc_wait(srv, 2000) && WIFEXITED(srv->status) &&
		  WEXITSTATUS(srv->status) == 0, "the server did not exit "
		  "with status 0 within 2 s of SIGTERM");
	TK_EXPECT(tp_read_n(fd, buf, 1, 2000) == 0, "the server did not "
		  "close its client's connection when it stopped");
	Close(fd);              /* the server's side is now in TIME_WAIT */
	srv = start_server("60,5,3", port);
	TK_EXPECT(tproc_saw(srv, "listening on port", 2000),
		  "after a restart, the server could not listen on port %d "
		  "while its old connection was in TIME_WAIT; it said: %s",
		  port, srv->errbuf);
}

static void reset_is_not_reported_as_dead(void **state)
{
	struct tproc *srv = start_server("60,5,3", 0);
	int fd = tp_connect(tproc_port(srv, 2000));
	char *line;

	(void)state;
	TK_EXPECT(tproc_saw(srv, "connected", 2000), "no "
		  "\"peer ... connected\" line");
	tp_close_rst(fd);
	line = tproc_line(srv, "peer", 2000);
	TK_EXPECT(line != NULL && strstr(line, "failed") &&
		  strstr(line, "reset"), "a client reset its connection; "
		  "expected \"peer ... failed: Connection reset by peer\", "
		  "got \"%s\"", line ? line : "(nothing)");
	free(line);
}

static void dead_peer_found_by_keepalive(void **state)
{
	struct tproc *srv = start_server("1,1,1", 0);
	int fd = tp_connect(tproc_port(srv, 2000));
	char buf[32];
	long long crashed;

	(void)state;
	Writen(fd, "still here\n", 11);
	TK_EXPECT(tp_read_line(fd, buf, sizeof(buf), 2000) == 11,
		  "the server did not echo");
	hn_leave(net);          /* the test must not be in a when a dies */
	hn_crash(net, "a");
	crashed = tp_now_ms();
	TK_EXPECT(tproc_saw(srv, "is dead", 4000), "the client's host "
		  "crashed and the server (-k 1,1,1) did not report "
		  "\"peer ... is dead\" within 4 s; it printed:\n%s",
		  srv->outbuf);
	TK_EXPECT(tp_now_ms() - crashed >= 1000, "the server declared the "
		  "peer dead %lld ms after the crash, before a single "
		  "keepalive probe could have gone unanswered",
		  tp_now_ms() - crashed);
	TK_EXPECT(!tproc_wait(srv, 0), "the server exited: %s", srv->errbuf);
	Close(fd);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TP_TEST(echoes_and_reports_peers),
		TP_TEST(restarts_at_once_during_time_wait),
		TP_TEST(reset_is_not_reported_as_dead),
		TP_TEST(dead_peer_found_by_keepalive),
	};
	return TK_RUN("lab07", tests);
}
