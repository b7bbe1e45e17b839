/*
 * Lab 14 hidden tests: the connect timeouts over IPv6, one after the
 * other on the same black-holed server.
 */
#include "../lab14test.h"

static void connect_timeouts_over_ipv6(void **state)
{
	hn_net *net = lab_black_hole();
	struct lab_call c = { .fn = CONNECT_ALARM, .ms = 100 };

	(void)state;
	c.fd = lab_socket_in(net, "a", AF_INET6);
	hn_sockaddr(net, "b", AF_INET6, 9, &c.ss, &c.len);
	lab_run(&c, 2500, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == -1 && c.err == ETIMEDOUT &&
		  c.elapsed_ms >= 80 && c.elapsed_ms < 1200,
		  "connect_alarm(100 ms) to a black-holed IPv6 server: %s "
		  "(section 14.3)", lab_said(&c));
	close(c.fd);
	c.fn = CONNECT_SNDTIMEO;
	c.fd = lab_socket_in(net, "a", AF_INET6);
	lab_run(&c, 2500, NULL, NULL);
	TK_EXPECT(c.finished && c.ret == -1 && c.err == ETIMEDOUT &&
		  c.elapsed_ms >= 80 && c.elapsed_ms < 1200,
		  "connect_sndtimeo(100 ms) to a black-holed IPv6 server: %s "
		  "(section 14.6)", lab_said(&c));
	close(c.fd);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(connect_timeouts_over_ipv6),
	};
	return TK_RUN("lab14 hidden", tests);
}
