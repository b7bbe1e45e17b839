/*
 * Lab 17's public tests: the student's iflist, run in the test's own
 * network namespace after the test gave it two veth pairs, aliases,
 * IPv6 addresses, an interface that is up without a carrier, one that
 * is down and (where /dev/net/tun may be opened) a point-to-point one,
 * compared field by field with `ip -j addr` run in the same place.
 * Each test looks at one aspect, so that the first that fails names the
 * section that explains it.
 */
#include "lab17.h"

#define S_LIST "17.3 The interface list: SIOCGIFCONF"
#define S_ASK  "17.4 One question at a time: flags, MTU, index"
#define S_GIA  "17.5 get_ifi_info, and getifaddrs"
#define S_ALIAS "17.6 Aliases and IPv6"
#define S_CHANGE "17.7 Interfaces that change"

/* The host the tests look at: this namespace, set up once.  Indexes are
 * left unused (gone0 and gone1 came and went), eth0 carries aliases,
 * eth1 an address without a broadcast address, eth2 is up without a
 * carrier (its other end, eth3, is down, with an address), and tun0, if
 * this user may open /dev/net/tun, is point-to-point. */
static bool have_tun;

static void setup(void)
{
	static bool done;

	if (done)
		return;
	TK_EXPECT(hn_sh(NULL, NULL, 5000, NULL,
		"set -e; ip link set lo up;"
		"ip link add gone0 type veth peer name gone1; "
		"ip link del gone0;"
		"ip link add eth0 type veth peer name eth1;"
		"ip link set eth0 up; ip link set eth1 up;"
		"ip addr add 192.0.2.1/24 brd + dev eth0;"
		"ip addr add 198.51.100.1/25 dev eth0;"
		"ip addr add 192.0.2.100/24 brd + dev eth0 label eth0:1;"
		"ip addr add 2001:db8:1::1/64 dev eth0 nodad;"
		"ip addr add 2001:db8:1:2:3:4:5:6/64 dev eth0 nodad;"
		"ip addr add 203.0.113.1/24 dev eth1;"
		"ip link add eth2 type veth peer name eth3;"
		"ip link set eth2 up;"
		"ip addr add 198.51.100.129/25 dev eth3") == 0,
		"the test could not set up its interfaces (ip failed)");
	have_tun = hn_sh(NULL, NULL, 5000, NULL,
		"ip tuntap add dev tun0 mode tun 2>/dev/null && "
		"ip addr add 198.51.100.200 peer 198.51.100.201/32 dev tun0 "
		"&& ip link set tun0 up") == 0;
	if (!have_tun)
		fprintf(stderr, "lab17: /dev/net/tun cannot be opened here, "
			"so there is no point-to-point interface to compare\n");
	done = true;
}

static struct lab_view view;

static struct lab_view *look(void)
{
	setup();
	lab_look(NULL, NULL, &view);
	return &view;
}

/* lo: its line and its IPv4 address. */
static void loopback_like_ip(void **state)
{
	struct lab_view *v = look();
	struct t_if *lo = if_named(v->ip, v->nip, "lo");

	(void)state;
	TK_EXPECT(lo != NULL, "ip shows no lo here");
	TK_EXPECT(if_named(v->st, v->nst, "lo") != NULL, "ip shows "
		  "interface lo, but iflist did not list it: see %s.  "
		  "iflist printed:\n%s", S_LIST, v->out);
	lab_same_family(v, lo, "inet", S_LIST);
}

/* Every interface that is up: index, MTU, state. */
static void interfaces_like_ip(void **state)
{
	struct lab_view *v = look();

	(void)state;
	for (int i = 0; i < v->nip; i++)
		if (v->ip[i].up)
			lab_same_if(v, &v->ip[i], S_ASK);
}

/* The first IPv4 address of each Ethernet-like interface: prefix
 * length and broadcast address (eth1's has none). */
static void first_ipv4_like_ip(void **state)
{
	struct lab_view *v = look();
	const char *names[] = { "eth0", "eth1" };

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct t_if *f = if_named(v->ip, v->nip, names[i]);

		TK_EXPECT(f != NULL && f->naddr > 0 &&
			  strcmp(f->addr[0].family, "inet") == 0,
			  "ip shows no IPv4 address first on %s", names[i]);
		lab_same_addr(v, f, &f->addr[0], S_GIA);
	}
}

/* tun0: an address with a peer, not a broadcast address. */
static void point_to_point_like_ip(void **state)
{
	struct lab_view *v = look();
	struct t_if *f;

	(void)state;
	if (!have_tun)
		return;         /* said on stderr by setup() */
	f = if_named(v->ip, v->nip, "tun0");
	TK_EXPECT(f != NULL, "ip shows no tun0");
	lab_same_family(v, f, "inet", S_ASK);
}

/* eth0's other IPv4 addresses: one with a label, one without. */
static void aliases_like_ip(void **state)
{
	struct lab_view *v = look();
	struct t_if *f = if_named(v->ip, v->nip, "eth0");

	(void)state;
	TK_EXPECT(f != NULL, "ip shows no eth0");
	lab_same_family(v, f, "inet", S_ALIAS);
}

/* Every IPv6 address, link-local ones too. */
static void ipv6_like_ip(void **state)
{
	struct lab_view *v = look();

	(void)state;
	for (int i = 0; i < v->nip; i++)
		lab_same_family(v, &v->ip[i], "inet6", S_ALIAS);
}

/* eth3 is down and still has its address. */
static void down_interface_like_ip(void **state)
{
	struct lab_view *v = look();
	struct t_if *f = if_named(v->ip, v->nip, "eth3");

	(void)state;
	TK_EXPECT(f != NULL && !f->up, "ip shows no eth3 that is down");
	lab_same_if(v, f, S_CHANGE);
	lab_same_family(v, f, "inet", S_CHANGE);
}

/* eth1 taken down and its MTU changed: the next run says so. */
static void changes_seen(void **state)
{
	struct lab_view *v;
	struct t_if *f;

	(void)state;
	setup();
	TK_EXPECT(hn_sh(NULL, NULL, 3000, NULL, "ip link set eth1 mtu 1280 "
			"&& ip link set eth1 down") == 0,
		  "the test could not change eth1");
	v = look();
	f = if_named(v->ip, v->nip, "eth1");
	TK_EXPECT(f != NULL && !f->up && f->mtu == 1280,
		  "ip does not show eth1 down with MTU 1280");
	lab_same_if(v, f, S_CHANGE);
	lab_same_family(v, f, "inet", S_CHANGE);
	TK_EXPECT(hn_sh(NULL, NULL, 3000, NULL, "ip link set eth1 mtu 1500 "
			"&& ip link set eth1 up") == 0,
		  "the test could not put eth1 back");
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(loopback_like_ip),
		TK_TEST(interfaces_like_ip),
		TK_TEST(first_ipv4_like_ip),
		TK_TEST(point_to_point_like_ip),
		TK_TEST(aliases_like_ip),
		TK_TEST(ipv6_like_ip),
		TK_TEST(down_interface_like_ip),
		TK_TEST(changes_seen),
	};
	return TK_RUN("lab17", tests);
}
