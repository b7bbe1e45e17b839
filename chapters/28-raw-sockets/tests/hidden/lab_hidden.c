/*
 * Lab 28 hidden tests: a chain of six routers, over IPv6, with an odd
 * size and a hop that drops every third time exceeded it sends.
 */
#include "../lab28.h"

static void ping_long_chain_ipv6(void **state)
{
	hn_net *net = hn_chain(6);
	hn_cap *cap = hn_capture(net, "client", "r1");
	hn_proc *p;

	(void)state;
	p = lab_run(net, "ping", "-c", "3", "-i", "10", "-W", "500", "-s",
		    "101", "2001:db8:16::2", NULL);
	expect_ping(p, cap, 3, 3, "1 2 3", 58, "through six routers over "
		    "IPv6 with 101 data bytes");
}

static void trace_long_chain_ipv6(void **state)
{
	hn_net *net = hn_chain(6);
	hn_proc *p;

	(void)state;
	p = lab_run(net, "traceroute", "-q", "1", "-w", "500", "-m", "9",
		    "2001:db8:16::2", NULL);
	expect_route(p, "2001:db8:10::2 2001:db8:11::2 2001:db8:12::2 "
		     "2001:db8:13::2 2001:db8:14::2 2001:db8:15::2 "
		     "2001:db8:16::2", 1, "through six routers over IPv6");
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(ping_long_chain_ipv6),
		TK_TEST(trace_long_chain_ipv6),
	};
	return TK_RUN("lab28-hidden", tests);
}
