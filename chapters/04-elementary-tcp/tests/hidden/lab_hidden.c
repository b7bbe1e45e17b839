/*
 * lab_hidden.c - Lab 4's hidden tests (grading only): IPv6 refused and
 * connected, and the other ICMP messages a router may send.
 */
#include "../ch04test.h"

static const char *const topology =
	"host client server\n"
	"router r1\n"
	"lan lan0 client r1 192.0.2.0/24 2001:db8:1::/64\n"
	"link r1 server 198.51.100.0/24 2001:db8:2::/64\n";

struct outcome {
	int code;
	char out[512];
};

/* 5 ms each way on the client's port, so that ICMP replies arrive while
 * connect() waits, as on a real network. */
static hn_net *network(void)
{
	hn_net *net = hn_up(topology);
	struct hn_impair delay = { .delay_ms = 5 };

	hn_impair(net, "client", "lan0", HN_BOTH, &delay);
	hn_capture(net, "client", "lan0");      /* shown when a test fails */
	return net;
}

static struct outcome connclass(hn_net *net, const char *addr,
				const char *port)
{
	hn_proc *p = hn_run(net, "client", tk_lab_prog("connclass"), addr,
			    port, NULL);
	struct outcome o;
	int status;

	hn_set_strict(0);
	status = hn_wait_exit(p, 3000);
	hn_set_strict(1);
	TK_EXPECT(status != -1 && WIFEXITED(status), "connclass %s %s did "
		  "not exit normally within 3 s (wait status %d)", addr, port,
		  status);
	o.code = WEXITSTATUS(status);
	snprintf(o.out, sizeof(o.out), "%s", hn_stdout(p));
	return o;
}

static void expect(const struct outcome *o, const char *scenario, int code,
		   const char *prefix)
{
	TK_EXPECT(strncmp(o->out, prefix, strlen(prefix)) == 0 &&
		  o->code == code, "%s: connclass should say \"%s...\" and "
		  "exit with %d; it said \"%.*s\" and exited with %d",
		  scenario, prefix, code, (int)strcspn(o->out, "\n"), o->out,
		  o->code);
}

static void refused_over_ipv6(void **state)
{
	hn_net *net = network();
	struct outcome o = connclass(net, "2001:db8:2::2", "13");

	(void)state;
	expect(&o, "IPv6, no server listening", 2, "refused: RST");
	hn_down(net);
}

static void connected_over_ipv6(void **state)
{
	hn_net *net = network();
	int listener = tk_listen(net, "server", "::", 7, 5);
	struct outcome o = connclass(net, "2001:db8:2::2", "7");

	(void)state;
	expect(&o, "IPv6, a server listening", 0,
	       "connected: from [2001:db8:1::1]:");
	close(listener);
	hn_down(net);
}

static void refused_by_icmp_port_unreachable(void **state)
{
	hn_net *net = network();
	struct outcome o;

	(void)state;
	hn_unreachable(net, "r1", "server", HN_UNREACH_PORT, IPPROTO_TCP, 0);
	o = connclass(net, "198.51.100.2", "13");
	expect(&o, "router r1 answers the SYN with ICMP port unreachable "
	       "(TCP reports it as ECONNREFUSED)", 2,
	       "refused: ICMP port unreachable from ");
	hn_down(net);
}

static void net_unreachable_from_router(void **state)
{
	hn_net *net = network();
	struct outcome o;

	(void)state;
	hn_unreachable(net, "r1", "server", HN_UNREACH_NET, 0, 0);
	o = connclass(net, "198.51.100.2", "13");
	expect(&o, "router r1 answers with ICMP net unreachable", 4,
	       "unreachable: ICMP net unreachable from ");
	hn_down(net);
}

static void refused_then_connected_on_loopback(void **state)
{
	hn_net *net = network();
	struct outcome o = connclass(net, "127.0.0.1", "9");
	int listener;

	(void)state;
	expect(&o, "loopback, nothing listening", 2, "refused: RST");
	listener = tk_listen(net, "client", "0.0.0.0", 9, 5);
	o = connclass(net, "127.0.0.1", "9");
	expect(&o, "loopback, a server listening", 0,
	       "connected: from 127.0.0.1:");
	close(listener);
	hn_down(net);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(refused_over_ipv6),
		TK_TEST(connected_over_ipv6),
		TK_TEST(refused_by_icmp_port_unreachable),
		TK_TEST(net_unreachable_from_router),
		TK_TEST(refused_then_connected_on_loopback),
	};
	return TK_RUN("lab04-hidden", tests);
}
