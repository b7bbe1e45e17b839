/*
 * Lab 18's hidden test: a longer chain (five routers), every host's
 * addresses, IPv4 and IPv6, looked up from both ends and from the
 * middle, each compared with `ip -j route get` there.
 */
#include "../lab18.h"

static void long_chain(void **state)
{
	hn_net *net = hn_chain(5);
	const char *hosts[] = { "client", "r3", "server" };
	char dst[64];

	(void)state;
	for (int h = 0; h < 3; h++)
		for (int link = 0; link < 6; link++) {
			snprintf(dst, sizeof(dst), "198.51.100.%d",
				 32 * link + 2);
			lab_same_route(net, hosts[h], dst, S_GET);
			snprintf(dst, sizeof(dst), "2001:db8:1%d::1", link);
			lab_same_route(net, hosts[h], dst, S_GET);
		}
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(long_chain),
	};
	return TK_RUN("lab18_hidden", tests);
}
