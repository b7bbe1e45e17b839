/*
 * Lab 17's hidden tests: iflist in a host of a harness network (a LAN
 * of three, a second link, aliases on both), compared with ip -j addr
 * there, whole: every interface, every address of both families.
 */
#include "../lab17.h"

static void lan_host_like_ip(void **state)
{
	hn_net *net = hn_up("host h1 h2 h3 r\n"
		"lan lan0 h1 h2 h3 203.0.113.0/24 2001:db8:7::/64\n"
		"link h2 r 198.51.100.0/30\n");
	struct lab_view v;

	(void)state;
	TK_EXPECT(hn_sh(net, "h2", 3000, NULL,
		"set -e; ip addr add 203.0.113.77/24 brd + dev eth0 "
		"label eth0:web; ip addr add 192.0.2.9/28 brd + dev eth1;"
		"ip link set eth1 mtu 1400") == 0,
		"the test could not add h2's aliases");
	lab_look(net, "h2", &v);
	for (int i = 0; i < v.nip; i++) {
		lab_same_if(&v, &v.ip[i], "17.4 One question at a time: "
			    "flags, MTU, index");
		lab_same_family(&v, &v.ip[i], "inet", "17.6 Aliases and IPv6");
		lab_same_family(&v, &v.ip[i], "inet6",
				"17.6 Aliases and IPv6");
	}
	TK_EXPECT(v.nst == v.nip, "iflist listed %d interfaces in h2, ip "
		  "%d:\n%s", v.nst, v.nip, v.out);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(lan_host_like_ip),
	};
	return TK_RUN("lab17_hidden", tests);
}
