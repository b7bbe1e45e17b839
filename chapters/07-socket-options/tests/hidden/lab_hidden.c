/*
 * Lab 7 hidden tests (grading only): keepalive's timing follows -k, and
 * the other clients are served while a dead one is being probed.
 */
#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

static const char *server_ip;   /* host h2's address */

/* Server on h2 of a three-host LAN; clients on h1 (it will crash) and
 * h3.  The hosts keep the kernel's own keepalive timers (2 hours, 75 s,
 * 9 probes), so only the server's per-socket timers can pass. */
static hn_proc *start_on_lan(hn_net **netp, const char *keepalive)
{
	static char *prog;
	char *argv[] = { NULL, "-k", (char *)keepalive, "0", NULL };
	hn_net *net = hn_up("host h1 h2 h3\n"
			    "lan lan0 h1 h2 h3 203.0.113.0/24 "
			    "2001:db8:3::/64\n"
			    "timing kernel\n");
	hn_proc *p;

	if (prog == NULL)
		prog = tk_sibling("keepalive_serv");
	argv[0] = prog;
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

static void keepalive_timing_follows_options(void **state)
{
	hn_net *net;
	hn_proc *srv = start_on_lan(&net, "2,1,2");
	int fd = connect_from(net, "h1", tk_listening_port(srv, 2000));
	long long crashed, took;

	(void)state;
	TK_EXPECT(tk_saw(srv, "connected", 2000), "no \"connected\" line");
	hn_crash(net, "h1");
	crashed = tk_now_ms();
	TK_EXPECT(tk_saw(srv, "is dead", 7000), "with -k 2,1,2 the server "
		  "did not report the crashed peer dead within 7 s");
	took = tk_now_ms() - crashed;
	TK_EXPECT(took >= 3000 && took <= 5500, "with -k 2,1,2 (2 s idle, "
		  "then 2 probes 1 s apart) the peer should be declared dead "
		  "about 4 s after it went silent; it took %lld ms", took);
	Close(fd);
}

static void others_served_while_one_is_dead(void **state)
{
	hn_net *net;
	hn_proc *srv = start_on_lan(&net, "1,1,2");
	int port = tk_listening_port(srv, 2000);
	int doomed = connect_from(net, "h1", port);
	int alive = connect_from(net, "h3", port);
	char buf[32];

	(void)state;
	hn_crash(net, "h1");
	for (int i = 0; i < 3; i++) {   /* during the probing, and after */
		Writen(alive, "echo?\n", 6);
		TK_EXPECT(tk_read_line(alive, buf, sizeof(buf), 2000) == 6,
			  "while another client's host was dead, a live "
			  "client got no echo within 2 s (round %d)", i + 1);
		if (i == 1)
			TK_EXPECT(tk_saw(srv, "is dead", 5000), "the dead "
				  "peer was not reported");
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
