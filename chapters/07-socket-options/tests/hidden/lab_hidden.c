/*
 * Lab 7 hidden tests (grading only): keepalive's timing follows -k, and
 * the other clients are served while a dead one is being probed.
 */
#include "../lab07test.h"

/* whose socket the options are read from, in a failure's message */
#define CRASHING "the server's socket for the client that is about to crash"

static const char *server_ip;   /* host h2's address */

/* Server on h2 of a three-host LAN, with -k IDLE,INTVL,CNT; clients on
 * h1 (it will crash) and h3.  The hosts keep the kernel's own keepalive
 * timers (2 hours, 75 s, 9 probes), so only the server's per-socket
 * timers can pass. */
static hn_proc *start_on_lan(hn_net **netp, int idle, int intvl, int cnt)
{
	static char *prog;
	char keepalive[48];
	char *argv[] = { NULL, "-k", keepalive, "0", NULL };
	hn_net *net = hn_up("host h1 h2 h3\n"
			    "lan lan0 h1 h2 h3 203.0.113.0/24 "
			    "2001:db8:3::/64\n"
			    "timing kernel\n");
	hn_proc *p;

	if (prog == NULL)
		prog = tk_sibling("keepalive_serv");
	argv[0] = prog;
	snprintf(keepalive, sizeof(keepalive), "%d,%d,%d", idle, intvl, cnt);
	hn_capture(net, "h2", "lan0");
	p = hn_spawn(net, "h2", argv, NULL);
	server_ip = hn_addr(net, "h2", AF_INET);
	*netp = net;
	return p;
}

static int connect_from(hn_net *net, const char *host, int port)
{
	int fd;

	hn_enter(net, host);
	fd = tk_connect_here(server_ip, port);
	hn_leave(net);
	return fd;
}


/* Waits up to timeout_ms for the server's next line about a peer after
 * the ones already seen (the "connected" lines), which must say that the
 * crashed one is dead: a server that says something else fails at once
 * instead of being waited for. */
static void expect_dead_report(hn_proc *srv, const char *keepalive,
			       int timeout_ms)
{
	char *line = hn_next_line(srv, "peer", timeout_ms);

	TK_EXPECT(line != NULL, "with -k %s the server did not report the "
		  "crashed peer dead within %d s of the crash, though the "
		  "connection's options were right", keepalive,
		  timeout_ms / 1000);
	TK_EXPECT(strstr(line, "is dead") != NULL, "a client's host crashed "
		  "and the server said \"%s\": keepalive that gives up makes "
		  "read() fail with ETIMEDOUT, the sign of a dead peer, to "
		  "be reported as \"peer ... is dead\" (see 7.5)",
		  tk_chomp(line));
	free(line);
}

/* -k 1,1,2: a probe after 1 s of silence, then 2 probes 1 s apart, so
 * the peer is declared dead 3 s after the server last heard from it (the
 * probe interval and count differ, so a server that gives one the
 * other's value fails).  The options are checked first (no wait); then
 * the timing itself: never before those 3 s (counted from before the
 * connection, so a slow test cannot make it look early), and within 5 s
 * of the crash (3 s, and 2 s more for a loaded machine; the kernel's
 * defaults would take over 2 hours). */
static void keepalive_timing_follows_options(void **state)
{
	hn_net *net;
	hn_proc *srv = start_on_lan(&net, 1, 1, 2);
	int port = tk_listening_port(srv, 2000);
	long long before = tk_now_ms(), took;
	int fd = connect_from(net, "h1", port);

	(void)state;
	TK_EXPECT(tk_saw(srv, "connected", 2000), "no \"connected\" line");
	expect_keepalive(srv, fd, 1, 1, 2, CRASHING);
	hn_crash(net, "h1");
	expect_dead_report(srv, "1,1,2", 5000);
	took = tk_now_ms() - before;
	TK_EXPECT(took >= 2900, "with -k 1,1,2 the peer can be declared "
		  "dead no sooner than 3 s after the server last heard from "
		  "it (1 s idle, then 2 probes 1 s apart); it was %lld ms "
		  "after the connection was made", took);
	Close(fd);
}

/* -k 1,1,1: the crashed client is declared dead about 2 s after the
 * crash; a live client is echoed before, during and after. */
static void others_served_while_one_is_dead(void **state)
{
	hn_net *net;
	hn_proc *srv = start_on_lan(&net, 1, 1, 1);
	int port = tk_listening_port(srv, 2000);
	int doomed = connect_from(net, "h1", port);
	int alive;
	char buf[32];

	(void)state;
	TK_EXPECT(tk_saw(srv, "connected", 2000), "no \"connected\" line");
	expect_keepalive(srv, doomed, 1, 1, 1, CRASHING);
	alive = connect_from(net, "h3", port);
	TK_EXPECT(tk_saw(srv, "connected", 2000), "no \"connected\" line "
		  "for a second client");
	hn_crash(net, "h1");
	for (int i = 0; i < 3; i++) {   /* during the probing, and after */
		Writen(alive, "echo?\n", 6);
		TK_EXPECT(tk_read_line(alive, buf, sizeof(buf), 2000) == 6,
			  "while another client's host was dead, a live "
			  "client got no echo within 2 s (round %d)", i + 1);
		if (i == 1)
			expect_dead_report(srv, "1,1,1", 4000);
	}
	Close(doomed);
	Close(alive);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(keepalive_timing_follows_options),
		TK_TEST(others_served_while_one_is_dead),
	};
	return TK_RUN("lab07 hidden", tests);
}
