/*
 * Lab 7 public tests: the student's keepalive_serv echoes, sets
 * keepalive and its timers on each connection, restarts at once while
 * its old connections are in TIME_WAIT, and tells a dead peer (keepalive
 * gave up) from one that reset, closing both and serving on.
 */
#include "lab07test.h"

static hn_net *net;
static const char *server_ip;   /* host b's address */

/* Two hosts with the kernel's own timers, not the harness's fast ones:
 * the lab teaches the per-socket keepalive timers, so the hosts'
 * defaults (2 hours idle, 75 s between probes, 9 probes) must be what a
 * server that forgets one of them gets. */
static hn_net *two_hosts_kernel_timers(void)
{
	return hn_up("host a b\n"
		     "link a b 192.0.2.0/24 2001:db8:1::/64\n"
		     "timing kernel\n");
}

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
		net = two_hosts_kernel_timers();  /* down when the test ends */
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

/* Waits up to timeout_ms for the server to hold no connection at all. */
static bool server_holds_none(hn_proc *srv, int timeout_ms)
{
	long long deadline = tk_now_ms() + timeout_ms;

	while (tk_server_connections(hn_pid(srv)) > 0) {
		if (tk_now_ms() >= deadline)
			return false;
		poll(NULL, 0, 10);      /* nothing to wait on: look again */
	}
	return true;
}

/* A TCP connection from where the test is to the server's port, or -1
 * with the reason in errno. */
static int try_connect(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = Socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	Inet_pton(AF_INET, server_ip, &sin.sin_addr);
	sin.sin_port = htons((uint16_t)port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
		return fd;
	close(fd);
	return -1;
}

/* After a client failed (lesson), the server must have closed that
 * connection and must still serve a new client: it may neither leak the
 * socket nor stop. */
static void closes_it_and_serves_on(hn_proc *srv, int port,
				    const char *lesson)
{
	char buf[32];
	int fd, err;

	TK_EXPECT(server_holds_none(srv, 500), "after %s, the server still "
		  "holds that connection's socket open: close it when read() "
		  "fails, or every such client costs a descriptor for good "
		  "(see 7.5)", lesson);
	fd = try_connect(port);
	err = errno;
	TK_EXPECT(fd >= 0, "after %s, a new client could not connect "
		  "(%s): the server %s", lesson, strerror(err),
		  tk_exited(srv, 500) ? "exited; one client's failure must not "
		  "stop the service for all (see 7.5)" : "is not listening");
	Writen(fd, "next\n", 5);
	TK_EXPECT(tk_read_line(fd, buf, sizeof(buf), 2000) == 5,
		  "after %s, a new client got no echo within 2 s%s", lesson,
		  tk_exited(srv, 500) ? ": the server exited; one client's "
		  "failure must not stop the service for all (see 7.5)" : "");
	Close(fd);
}

static void echoes_and_reports_peers(void **state)
{
	hn_proc *srv = start_server("60,5,3", 0);
	int fd = tk_connect_here(server_ip, tk_listening_port(srv, 2000));
	char buf[32];

	(void)state;
	TK_EXPECT(tk_saw(srv, "connected", 2000), "the server "
		  "did not print \"peer ... connected\" for a new client; "
		  "it said: %s", hn_stderr(srv));
	Writen(fd, "ping\n", 5);
	TK_EXPECT(tk_read_line(fd, buf, sizeof(buf), 2000) == 5 &&
		  strcmp(buf, "ping\n") == 0, "a client sent \"ping\" and got "
		  "\"%s\" back", buf);
	Close(fd);
	TK_EXPECT(tk_saw(srv, "closed", 2000), "the server did "
		  "not print \"peer ... closed\" when a client closed");
}


static void keepalive_set_on_each_connection(void **state)
{
	hn_proc *srv = start_server("20,3,4", 0);
	int fd = tk_connect_here(server_ip, tk_listening_port(srv, 2000));

	(void)state;
	TK_EXPECT(tk_saw(srv, "connected", 2000), "no \"peer ... "
		  "connected\" line; the server said: %s", hn_stderr(srv));
	expect_keepalive(srv, fd, 20, 3, 4, "the socket accept() returned "
			 "for a client");
	Close(fd);
}

/* Reads what the server sent when it stopped: 0 (end of file) is right;
 * an error (a reset) is reported. */
static void expect_end_of_file(int fd)
{
	char c;
	ssize_t n;

	TK_EXPECT(tk_readable(fd, 2000), "the server did not close its "
		  "client's connection when it stopped");
	n = read(fd, &c, 1);
	TK_EXPECT(n == 0, "when the server stopped, its client %s instead "
		  "of end of file: %s", n < 0 ? "got an error" : "got data",
		  n < 0 && errno == ECONNRESET ? "the server aborted the "
		  "connection with a RST (SO_LINGER with a zero timeout "
		  "throws away what was queued; to restart at once, "
		  "SO_REUSEADDR is the way: see 7.5)" :
		  n < 0 ? strerror(errno) : "?");
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
	expect_end_of_file(fd);
	Close(fd);              /* the server's side is now in TIME_WAIT */
	srv = start_server("60,5,3", port);
	TK_EXPECT(tk_saw(srv, "listening on port", 2000),
		  "after a restart, the server could not listen on port %d "
		  "while its old connection was in TIME_WAIT (it said "
		  "\"%s\"): SO_REUSEADDR, set on the listening socket "
		  "before bind(), allows it (see 7.5)", port,
		  tk_chomp(hn_stderr(srv)));
}

static void reset_is_not_reported_as_dead(void **state)
{
	hn_proc *srv = start_server("60,5,3", 0);
	int port = tk_listening_port(srv, 2000);
	int fd = tk_connect_here(server_ip, port);
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
	closes_it_and_serves_on(srv, port, "a client reset its connection");
}

static void dead_peer_found_by_keepalive(void **state)
{
	hn_proc *srv = start_server("1,1,1", 0);
	int port = tk_listening_port(srv, 2000);
	int fd = tk_connect_here(server_ip, port);
	char buf[32];
	long long crashed;
	char *line;
	bool said;

	(void)state;
	Writen(fd, "still here\n", 11);
	TK_EXPECT(tk_read_line(fd, buf, sizeof(buf), 2000) == 11,
		  "the server did not echo");
	/* before waiting for it */
	expect_keepalive(srv, fd, 1, 1, 1, "the socket accept() returned "
			 "for a client");
	TK_EXPECT(tk_saw(srv, "connected", 2000), "no \"peer ... "
		  "connected\" line");
	hn_leave(net);          /* the test must not be in a when a dies */
	hn_crash(net, "a");
	crashed = tk_now_ms();
	line = hn_next_line(srv, "peer", 4000); /* the next word on it */
	said = line != NULL;
	TK_EXPECT(!said || strstr(line, "is dead"), "the client's "
		  "host crashed and the server said \"%s\": keepalive that "
		  "gives up makes read() fail with ETIMEDOUT, the sign of a "
		  "dead peer, to be reported as \"peer ... is dead\" (see "
		  "7.5)", tk_chomp(line));
	free(line);
	TK_EXPECT(said, "the client's host "
		  "crashed and the server (-k 1,1,1: a probe after 1 s of "
		  "silence, given up 1 s later) did not report \"peer ... is "
		  "dead\" within 4 s.  This network keeps the kernel's own "
		  "keepalive timers (2 hours, 75 s, 9 probes): only "
		  "SO_KEEPALIVE with this socket's TCP_KEEPIDLE, TCP_KEEPINTVL "
		  "and TCP_KEEPCNT finds the peer in time (see 7.5).  The "
		  "server printed:\n%s", hn_stdout(srv));
	TK_EXPECT(tk_now_ms() - crashed >= 1000, "the server declared the "
		  "peer dead %lld ms after the crash, before a single "
		  "keepalive probe could have gone unanswered",
		  tk_now_ms() - crashed);
	hn_enter(net, "b");     /* a is gone: the next client is on b */
	closes_it_and_serves_on(srv, port, "a peer was found dead");
	Close(fd);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(echoes_and_reports_peers),
		TK_TEST(keepalive_set_on_each_connection),
		TK_TEST(restarts_at_once_during_time_wait),
		TK_TEST(reset_is_not_reported_as_dead),
		TK_TEST(dead_peer_found_by_keepalive),
	};
	return TK_RUN("lab07", tests);
}
