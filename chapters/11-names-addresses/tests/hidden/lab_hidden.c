/*
 * Lab 11 hidden tests: the silent first address is an IPv6 one, and the
 * other helpers report getaddrinfo's own codes.
 */
#include "../lab11.h"

/* 11.9: mixed.names.test: AAAA (silent, sorted first) and A. */
static void tcp_connect_silent_ipv6_first(void **state)
{
	struct call c;

	(void)state;
	lab_up();
	tk_listen(lab_net, "web", "::", PORTN, 8);
	hn_crash(lab_net, "dead");
	c = lab_call("client", DO_TCP_CONNECT, "mixed.names.test", PORT,
		     TCP_CONNECT_TRY_MS + 2000);
	TK_EXPECT(c.finished, "mixed.names.test's first address, " DEAD6
		  ", answers nothing; tcp_connect still waited after %lld ms",
		  c.ms);
	TK_EXPECT(c.rc >= 0 && strcmp(c.text, WEB4 ":9877") == 0,
		  "tcp_connect(\"mixed.names.test\") gave %d (%s)", c.rc,
		  c.text);
}

/* 11.5: the other helpers' failures are getaddrinfo's codes. */
static void errors_are_getaddrinfo_codes(void **state)
{
	struct call c;

	(void)state;
	lab_up();
	c = lab_call("client", DO_UDP_CLIENT, "nosuch.names.test", "echo", 0);
	TK_EXPECT(c.rc == EAI_NONAME, "udp_client for no such name: %d (%s)",
		  c.rc, c.text);
	c = lab_call("client", DO_UDP_CONNECT, "nosuch.names.test", "echo", 0);
	TK_EXPECT(c.rc == EAI_NONAME, "udp_connect for no such name: %d "
		  "(%s)", c.rc, c.text);
	c = lab_call("web", DO_TCP_LISTEN, NULL, "nosuchservice", 0);
	TK_EXPECT(c.rc == EAI_SERVICE, "tcp_listen for no such service: %d "
		  "(%s)", c.rc, c.text);
	c = lab_call("web", DO_UDP_SERVER, "nosuch.names.test", "0", 0);
	TK_EXPECT(c.rc == EAI_NONAME, "udp_server for no such name: %d (%s)",
		  c.rc, c.text);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(tcp_connect_silent_ipv6_first),
		TK_TEST(errors_are_getaddrinfo_codes),
	};
	return TK_RUN("lab11-hidden", tests);
}
