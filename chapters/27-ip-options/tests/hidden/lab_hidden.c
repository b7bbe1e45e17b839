/*
 * Lab 27 hidden tests: two hosts on one link (no router at all), and a
 * chain of seven routers, where the option is full before the server.
 */
#include "../lab27.h"

static void route_between_neighbours(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *s, *p;

	(void)state;
	s = hn_run(net, "b", tk_prog(CH, "rrserv"), RRSERV_PORT, NULL);
	TK_EXPECT(tk_listening_port(s, 2000) == atoi(RRSERV_PORT),
		  "rrserv did not start: %s", hn_stderr(s));
	p = hn_run(net, "a", tk_sibling("rrcli"), "192.0.2.2", RRSERV_PORT,
		   NULL);
	TK_EXPECT(tk_exited(p, 3000), "rrcli was still running after 3 s");
	expect_route(p, 9, "192.0.2.1 192.0.2.2 192.0.2.2 192.0.2.1",
		     "between two neighbours");
}

static void route_full_before_the_server(void **state)
{
	hn_net *net = rr_chain(7);
	hn_proc *p = rrcli_run(net, "198.51.100.226", RRSERV_PORT);

	(void)state;
	expect_route(p, 9, CLIENT " 198.51.100.33 198.51.100.65 "
		     "198.51.100.97 198.51.100.129 198.51.100.161 "
		     "198.51.100.193 198.51.100.225 198.51.100.226",
		     "through 7 routers (full at the server)");
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(route_between_neighbours),
		TK_TEST(route_full_before_the_server),
	};
	return TK_RUN("lab27-hidden", tests);
}
