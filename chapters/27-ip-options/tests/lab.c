/*
 * Lab 27 public tests: the student's rrcli, run in the client host of a
 * chain of routers against the chapter's rrserv, and against replies
 * the test sends itself with options laid out in other ways.
 */
#include "lab27.h"

static void request_is_a_record_route(void **state)
{
	hn_net *net = rr_chain(2);
	hn_cap *cap = hn_capture(net, "client", "r1");
	unsigned char opt[40];
	hn_proc *p;
	int len, ptr = 0;
	const char *route;

	(void)state;
	p = rrcli_run(net, SERVER, RRSERV_PORT);
	len = cap_ipopts(cap, "udp and src " CLIENT, 0, opt);
	TK_EXPECT(len >= 0, "no datagram left the client (rrcli said: %s)%s",
		  tk_chomp(hn_stderr(p)), rrcli_diagnosis(p));
	TK_EXPECT(len > 0, "the datagram left without IP options: set them "
		  "with setsockopt(IP_OPTIONS) before sending (see 27.4)");
	route = route_of(opt, len, &ptr);
	TK_EXPECT(len == 40 && opt[0] == IPOPT_NOP && opt[1] == IPOPT_RR &&
		  opt[2] == 39 && ptr == 8 && strcmp(route, CLIENT " 0.0.0.0"
		  " 0.0.0.0 0.0.0.0 0.0.0.0 0.0.0.0 0.0.0.0 0.0.0.0 0.0.0.0")
		  == 0, "the datagram should carry a NOP and a record route "
		  "option of 39 bytes (9 slots), the client's own address in "
		  "the first (pointer 8); it carried %d bytes: code %d, "
		  "length %d, pointer %d, addresses %s", len, opt[1], opt[2],
		  ptr, route);
}

static void route_on_a_chain_of_two(void **state)
{
	hn_net *net = rr_chain(2);
	hn_proc *p = rrcli_run(net, SERVER, RRSERV_PORT);

	(void)state;
	expect_route(p, 9, CLIENT " " R1_RIGHT " " R2_RIGHT " " SERVER " "
		     SERVER " " R2_LEFT " " R1_LEFT " " CLIENT,
		     "through r1 and r2 and back");
}

static void nops_before_the_option(void **state)
{
	hn_net *net = hn_chain(2);
	/* three NOPs, then a record route of 7 slots; EOL pads it */
	unsigned char opt[36] = { IPOPT_NOP, IPOPT_NOP, IPOPT_NOP, IPOPT_RR,
				  31, IPOPT_MINOFF };
	hn_proc *p;

	(void)state;
	p = own_server_reply(net, opt, sizeof(opt));
	expect_route(p, 7, SERVER " " R2_LEFT " " R1_LEFT " " CLIENT,
		     "with a reply whose record route option, of 7 slots, "
		     "came after three NOPs (see 27.2)");
}

static void timestamp_before_the_option(void **state)
{
	hn_net *net = hn_chain(2);
	/* a timestamp option (2 slots), then a record route of 6 slots */
	unsigned char opt[40] = { IPOPT_TS, 12, 5, IPOPT_TS_TSONLY,
				  [12] = IPOPT_RR, 27, IPOPT_MINOFF };
	hn_proc *p;

	(void)state;
	p = own_server_reply(net, opt, sizeof(opt));
	expect_route(p, 6, SERVER " " R2_LEFT " " R1_LEFT " " CLIENT,
		     "with a reply whose record route option came after a "
		     "timestamp option of 12 bytes (see 27.2)");
}

static void route_fills_up_on_a_long_chain(void **state)
{
	hn_net *net = rr_chain(4);
	hn_proc *p = rrcli_run(net, "198.51.100.130", RRSERV_PORT);

	(void)state;
	expect_route(p, 9, CLIENT " 198.51.100.33 198.51.100.65 "
		     "198.51.100.97 198.51.100.129 198.51.100.130 "
		     "198.51.100.130 198.51.100.98 198.51.100.66",
		     "through 4 routers and back (the 9 slots fill up at r3 "
		     "on the way back)");
}

static void refused_is_reported(void **state)
{
	hn_net *net = hn_chain(2);
	hn_proc *p = rrcli_run(net, SERVER, "9");	/* nothing there */

	(void)state;
	TK_EXPECT(tk_exit_code(p) == 1 && strstr(hn_stderr(p), "refused"),
		  "rrcli should exit 1 saying the port was refused (ICMP "
		  "port unreachable on its connected socket); it exited %d "
		  "and said: %s", tk_exit_code(p), tk_chomp(hn_stderr(p)));
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(request_is_a_record_route),
		TK_TEST(route_on_a_chain_of_two),
		TK_TEST(nops_before_the_option),
		TK_TEST(timestamp_before_the_option),
		TK_TEST(route_fills_up_on_a_long_chain),
		TK_TEST(refused_is_reported),
	};
	return TK_RUN("lab27", tests);
}
