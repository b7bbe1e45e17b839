/*
 * Lab 12 hidden tests: clients of both families from three hosts of a
 * LAN, in turn, and whoserv -6 on a host where bindv6only is 1.
 */
#include "../lab12.h"

static void clients_from_a_lan(void **state)
{
	hn_net *net = hn_up("host h1 h2 h3\n"
			    "lan lan0 h1 h2 h3 203.0.113.0/24 "
			    "2001:db8:3::/64\n");
	static const char *const from[] = { "h2", "h3", "h2", "h3" };
	static const char *const to[] = {
		"203.0.113.1", "2001:db8:3::1", "::ffff:203.0.113.1",
		"2001:db8:3::1",
	};
	struct who_answer a;
	hn_proc *srv;
	int port = who_start(net, "h1", &srv, NULL, NULL);
	char what[128];

	(void)state;
	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
			who_ask(net, from[i], to[i], port, &a);
			snprintf(what, sizeof(what), "a client in %s to %s",
				 from[i], to[i]);
			who_expect(srv, &a, what);
		}
}

static void v6only_when_bindv6only_is_1(void **state)
{
	hn_net *net = lab_net("sysctl server net.ipv6.bindv6only 1\n");
	struct who_answer a;
	hn_proc *srv;
	int port = who_start(net, "server", &srv, "-6", NULL);

	(void)state;
	who_ask(net, "client", "192.0.2.2", port, &a);
	TK_EXPECT(a.err == ECONNREFUSED, "whoserv -6 took an IPv4 client "
		  "(section 12.4)");
	who_ask(net, "client", "2001:db8:1::2", port, &a);
	who_expect(srv, &a, "an IPv6 client of whoserv -6");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(clients_from_a_lan),
		TK_TEST(v6only_when_bindv6only_is_1),
	};

	hn_init();
	return TK_RUN("lab12-hidden", tests);
}
