/*
 * Lab 18's public tests: the student's routeget, run in the hosts of a
 * chain of routers (client, r1, r2, r3, server), compared field by
 * field with `ip -j route get` in the same host: a neighbour, the
 * host's own address, a destination behind routers, a router's view
 * both ways, IPv6, a destination with no route, and a more specific
 * route added for the test.
 */
#include "lab18.h"

/* The chain: link i is 198.51.100.32*i/27 and 2001:db8:1i::/64; its
 * left end has the first address.  hn_chain keeps the kernel's timing
 * defaults irrelevant here: routeget sets nothing. */
static hn_net *chain(void)
{
	return hn_chain(3);
}

static void neighbour(void **state)
{
	hn_net *net = chain();

	(void)state;
	lab_same_route(net, "client", "198.51.100.2", S_GET);
}

static void own_address(void **state)
{
	hn_net *net = chain();

	(void)state;
	lab_same_route(net, "client", "198.51.100.1", S_GET);
}

static void behind_routers(void **state)
{
	hn_net *net = chain();

	(void)state;
	lab_same_route(net, "client", "198.51.100.98", S_MSG);
	lab_same_route(net, "client", "198.51.100.65", S_MSG);
}

static void from_a_router(void **state)
{
	hn_net *net = chain();
	const char *dsts[] = { "198.51.100.1", "198.51.100.33",
			       "198.51.100.66", "198.51.100.98" };

	(void)state;
	for (int i = 0; i < 4; i++)
		lab_same_route(net, "r2", dsts[i], S_GET);
}

static void ipv6(void **state)
{
	hn_net *net = chain();

	(void)state;
	lab_same_route(net, "client", "2001:db8:10::2", S_GET);
	lab_same_route(net, "client", "2001:db8:13::2", S_GET);
}

/* No route: routeget says what the kernel said, as ip does, and fails. */
static void no_route(void **state)
{
	hn_net *net = chain();
	hn_proc *p = hn_run(net, "client", tk_lab_prog("routeget"),
			    "203.0.113.5", NULL);
	struct t_route ip;
	int status = hn_exited_within(p, 3000);

	(void)state;
	TK_EXPECT(!ip_route_get(net, "client", "203.0.113.5", &ip) &&
		  strstr(ip.dst, "Network is unreachable") != NULL,
		  "ip route get 203.0.113.5 said: %s", ip.dst);
	TK_EXPECT(status != -1, "routeget 203.0.113.5 did not end within "
		  "3 s: see %s", S_ERR);
	TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) != 0 &&
		  hn_stdout(p)[0] == '\0', "there is no route to 203.0.113.5 "
		  "(ip: \"%s\"), but routeget printed \"%s\" and exited %d: "
		  "see %s", ip.dst, tk_shown(hn_stdout(p)), tk_exit_code(p),
		  S_ERR);
	TK_EXPECT(hn_stderr_has(p, "Network is unreachable", 0),
		  "routeget 203.0.113.5 said %s; the kernel's answer was "
		  "NLMSG_ERROR with -ENETUNREACH, which strerror() words as "
		  "ip does (\"Network is unreachable\"): see %s",
		  tk_shown(hn_stderr(p)), S_ERR);
}

/* r2 is given a more specific route to half of the server's link,
 * through r1: the lookup must follow it. */
static void more_specific(void **state)
{
	hn_net *net = chain();

	(void)state;
	TK_EXPECT(hn_sh(net, "r2", 3000, NULL, "ip route add "
			"198.51.100.96/28 via 198.51.100.33") == 0,
		  "the test could not add its route");
	lab_same_route(net, "r2", "198.51.100.98", S_GET);
	lab_same_route(net, "r2", "198.51.100.114", S_GET);
}

/* Part 2: rtwatch, started in the client; it must say "subscribed"
 * once it has joined its groups, and the test changes things only
 * after that. */
static hn_proc *watch(hn_net *net)
{
	hn_proc *p;
	char *l;

	/* eth0's link-local address puts a route in the local table when
	 * the link's carrier comes up, which may be after hn_up() returned:
	 * wait for it, so that it never reaches rtwatch as a change */
	TK_EXPECT(hn_sh(net, "client", 3000, NULL, "for i in $(seq 300); do "
			"ip -6 route show table local dev eth0 | grep -q "
			"'^local fe80' && exit 0; sleep 0.01; done; exit 1")
		  == 0, "eth0 never got its IPv6 link-local route");
	p = hn_run(net, "client", tk_lab_prog("rtwatch"), NULL);
	l = hn_next_line(p, "subscribed", 3000);

	TK_EXPECT(l != NULL, "rtwatch did not print \"subscribed\" within "
		  "3 s (it said %s): see %s", tk_shown(hn_stderr(p)), S_MON);
	free(l);
	return p;
}

/* The next line of P holding NEEDLE must be WANT (CHANGE: what the
 * test did; SECTION to reread).  The kernel has queued its message
 * before the change's command ends, so rtwatch, if it listens, is
 * awake at once: once it has sat still for 0.3 s, the line will not
 * come (at most 1.5 s are waited). */
static void watch_saw(hn_proc *p, const char *needle, const char *want,
		      const char *change, const char *section)
{
	long long end = tk_now_ms() + 1500;
	pid_t pid = hn_pid(p);
	struct tk_still w;
	char *l;

	tk_still_start(&w);
	while ((l = hn_next_line(p, needle, 50)) == NULL &&
	       tk_now_ms() < end && !tk_still_for(&w, &pid, 1, 300))
		;
	TK_EXPECT(l != NULL, "after %s, rtwatch printed no line with \"%s\" "
		  "(expected \"%s\"); all it printed: %s: see %s",
		  change, needle, want, tk_shown(hn_stdout(p)), section);
	TK_EXPECT(strcmp(tk_chomp(l), want) == 0, "after %s, rtwatch "
		  "printed \"%s\"; expected \"%s\": see %s", change, l, want,
		  section);
	free(l);
}

static void watch_route_added(void **state)
{
	hn_net *net = chain();
	hn_proc *p = watch(net);

	(void)state;
	TK_EXPECT(hn_sh(net, "client", 3000, NULL, "ip route add "
			"203.0.113.0/25 via 198.51.100.2") == 0,
		  "the test could not add its route");
	watch_saw(p, "ROUTE", "NEWROUTE 203.0.113.0/25 via 198.51.100.2 "
		  "dev eth0", "ip route add 203.0.113.0/25 via 198.51.100.2",
		  S_MON);
}

static void watch_route_deleted(void **state)
{
	hn_net *net = chain();
	hn_proc *p = watch(net);

	(void)state;
	TK_EXPECT(hn_sh(net, "client", 3000, NULL, "ip route add "
			"203.0.113.0/25 via 198.51.100.2 && ip route del "
			"203.0.113.0/25") == 0,
		  "the test could not add and delete its route");
	watch_saw(p, "ROUTE", "NEWROUTE 203.0.113.0/25 via 198.51.100.2 "
		  "dev eth0", "ip route add 203.0.113.0/25 via 198.51.100.2",
		  S_MON);
	watch_saw(p, "ROUTE", "DELROUTE 203.0.113.0/25 via 198.51.100.2 "
		  "dev eth0", "ip route del 203.0.113.0/25", S_MON);
}

static void watch_ipv6_route(void **state)
{
	hn_net *net = chain();
	hn_proc *p = watch(net);

	(void)state;
	TK_EXPECT(hn_sh(net, "client", 3000, NULL, "ip -6 route add "
			"2001:db8:99::/64 via 2001:db8:10::2") == 0,
		  "the test could not add its route");
	watch_saw(p, "ROUTE", "NEWROUTE 2001:db8:99::/64 via 2001:db8:10::2 "
		  "dev eth0", "ip -6 route add 2001:db8:99::/64 via "
		  "2001:db8:10::2", S_MON);
}

static void watch_link_down(void **state)
{
	hn_net *net = chain();
	hn_proc *p = watch(net);
	char want[64];

	(void)state;
	TK_EXPECT(hn_sh(net, "client", 3000, NULL, "ip link set eth0 down")
		  == 0, "the test could not take eth0 down");
	snprintf(want, sizeof(want), "NEWLINK %u eth0 DOWN",
		 if_index_in(net, "client", "eth0"));
	watch_saw(p, "LINK", want, "ip link set eth0 down", S_MON);
}

/* An address added makes routes in the local table (the address, its
 * broadcast) and one in the main table (its prefix). */
static void watch_main_table_only(void **state)
{
	hn_net *net = chain();
	hn_proc *p = watch(net);

	(void)state;
	TK_EXPECT(hn_sh(net, "client", 3000, NULL, "ip addr add "
			"203.0.113.130/26 dev eth0") == 0,
		  "the test could not add its address");
	watch_saw(p, "ROUTE", "NEWROUTE 203.0.113.128/26 dev eth0",
		  "ip addr add 203.0.113.130/26 dev eth0 (whose prefix route "
		  "is in the main table, its other routes in the local table)",
		  S_DUMP);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(neighbour),
		TK_TEST(own_address),
		TK_TEST(behind_routers),
		TK_TEST(from_a_router),
		TK_TEST(ipv6),
		TK_TEST(no_route),
		TK_TEST(more_specific),
		TK_TEST(watch_route_added),
		TK_TEST(watch_route_deleted),
		TK_TEST(watch_ipv6_route),
		TK_TEST(watch_link_down),
		TK_TEST(watch_main_table_only),
	};
	return TK_RUN("lab18", tests);
}
