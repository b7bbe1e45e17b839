/*
 * Chapter 17's examples, run on the harness: ifconf (SIOCGIFCONF and
 * the SIOCGIF* requests) and ifaddrs (getifaddrs) on a host with two
 * interfaces and aliases, each compared with `ip -j addr` there; the
 * unlabelled alias that a request by name alone gets wrong; the IPv6
 * addresses SIOCGIFCONF cannot see; an interface brought down and an
 * MTU changed; and arpget (SIOCGARP) beside `ip -j neigh`.
 */
#include "ch17test.h"

#define CH "17-ioctl"

/* a has eth0 (to b) and eth1 (to c); on eth0 a labelled alias in the
 * same subnet and an unlabelled address in another. */
static hn_net *aliased(void)
{
	hn_net *net = hn_up("host a b c\n"
			    "link a b 192.0.2.0/24 2001:db8:1::/64\n"
			    "link a c 198.51.100.0/24\n");

	TK_EXPECT(hn_sh(net, "a", 3000, NULL, "set -e;"
		"ip addr add 192.0.2.100/24 dev eth0 label eth0:1;"
		"ip addr add 203.0.113.1/25 brd + dev eth0") == 0,
		"the test could not add a's aliases");
	return net;
}

static hn_proc *run_in(hn_net *net, const char *host, const char *name,
		       const char *arg)
{
	hn_proc *p = hn_run(net, host, tk_prog(CH, name), arg, NULL);

	TK_EXPECT(hn_exited_within(p, 3000) != -1, "%s did not end", name);
	return p;
}

/* MAC addresses and link-local addresses change from run to run. */
static char *scrubbed(const char *text)
{
	char *t = tk_scrub(strdup(text), "([0-9a-f]{2}:){5}[0-9a-f]{2}",
			   "xx:xx:xx:xx:xx:xx");

	return tk_scrub(t, "fe80::[0-9a-f:]+", "fe80::ID");
}

/* ifconf's block for ADDR: "NAME: index ...\n  ...inet ADDR ...\n". */
static bool ifconf_says(const char *out, const char *name,
			const char *addr, const char *rest)
{
	char want[200];
	const char *p = out;

	snprintf(want, sizeof(want), "  inet %s netmask %s", addr, rest);
	while ((p = strstr(p, want)) != NULL) {
		const char *head = p;
		size_t n = strlen(name);

		/* back to the block's first line */
		while (head > out && !(head[-1] == '\n' && head[0] != ' '))
			head--;
		if (strncmp(head, name, n) == 0 && head[n] == ':' &&
		    head[n + 1] == ' ')
			return true;
		p++;
	}
	return false;
}

static void two_interfaces_and_aliases(void **state)
{
	hn_net *net = aliased();
	hn_proc *p = run_in(net, "a", "ifconf", NULL);
	struct t_if ifs[IF_MAX];
	int n = ip_addrs(net, "a", ifs), inet = 0;
	const char *out = hn_stdout(p);
	char *t;

	(void)state;
	TK_EXPECT(tk_exit_code(p) == 0, "ifconf failed: %s", hn_stderr(p));
	/* every IPv4 address ip shows, under its label, and nothing else */
	for (int i = 0; i < n; i++)
		for (int k = 0; k < ifs[i].naddr; k++) {
			struct t_addr *a = &ifs[i].addr[k];

			if (strcmp(a->family, "inet") != 0)
				continue;
			inet++;
			TK_EXPECT(ifconf_says(out, a->label, a->local, ""),
				  "ifconf did not show %s under %s:\n%s",
				  a->local, a->label, out);
		}
	TK_EXPECT(inet == 5, "ip shows %d IPv4 addresses in a, not 5", inet);
	TK_EXPECT(ifconf_says(out, "eth0", "203.0.113.1",
			      "255.255.255.128 broadcast 203.0.113.127"),
		  "ifconf got the unlabelled alias wrong:\n%s", out);
	TK_EXPECT(ifconf_says(out, "eth0", "192.0.2.1",
			      "255.255.255.0 broadcast 0.0.0.0"),
		  "no broadcast address should show as 0.0.0.0:\n%s", out);
	TK_EXPECT(ifconf_says(out, "eth0:1", "192.0.2.100", "255.255.255.0"),
		  "the labelled alias is missing:\n%s", out);
	t = scrubbed(out);
	tk_transcript_of(CH, "ifconf", "ifconf", t);
	free(t);

	/* by name only: the unlabelled alias gets eth0's first answers */
	p = run_in(net, "a", "ifconf", "-n");
	out = hn_stdout(p);
	TK_EXPECT(ifconf_says(out, "eth0", "203.0.113.1",
			      "255.255.255.0 broadcast 0.0.0.0"),
		  "ifconf -n gave the unlabelled alias its own netmask and "
		  "broadcast address; expected the first address's:\n%s",
		  out);
	t = scrubbed(out);
	tk_transcript_of(CH, "ifconf-n", "ifconf -n", t);
	free(t);
}

static void ipv6_invisible_to_ifconf(void **state)
{
	hn_net *net = aliased();
	hn_proc *p = run_in(net, "a", "ifconf", NULL);
	hn_proc *q = run_in(net, "a", "ifaddrs", NULL);
	struct t_if ifs[IF_MAX];
	int n = ip_addrs(net, "a", ifs), inet6 = 0;
	char *t;

	(void)state;
	for (int i = 0; i < n; i++)
		for (int k = 0; k < ifs[i].naddr; k++) {
			struct t_addr *a = &ifs[i].addr[k];
			char needle[120];

			if (strcmp(a->family, "inet6") != 0)
				continue;
			inet6++;
			TK_EXPECT(strstr(hn_stdout(p), a->local) == NULL,
				  "ifconf showed IPv6 %s", a->local);
			snprintf(needle, sizeof(needle), " %s/%d\n", a->local,
				 a->prefixlen);
			TK_EXPECT(strstr(hn_stdout(q), needle) != NULL,
				  "ifaddrs did not show %s/%d:\n%s", a->local,
				  a->prefixlen, hn_stdout(q));
		}
	TK_EXPECT(inet6 >= 3, "ip shows only %d IPv6 addresses in a", inet6);
	/* glibc's broadcast slot holds the address itself when there is
	 * no broadcast address (the union with ifa_dstaddr) */
	TK_EXPECT(strstr(hn_stdout(q), "inet    192.0.2.1/24 brd 192.0.2.1\n")
		  != NULL, "ifaddrs: expected the address itself as eth0's "
		  "broadcast:\n%s", hn_stdout(q));
	TK_EXPECT(strstr(hn_stdout(q), "inet    203.0.113.1/25 brd "
			 "203.0.113.127\n") != NULL, "ifaddrs: the alias's "
		  "broadcast address:\n%s", hn_stdout(q));
	t = scrubbed(hn_stdout(q));
	tk_transcript_of(CH, "ifaddrs", "ifaddrs", t);
	free(t);
}

static void down_and_mtu_changed(void **state)
{
	hn_net *net = aliased();
	struct t_if ifs[IF_MAX];
	hn_proc *p;
	int n;

	(void)state;
	hn_mtu(net, "a", "b", 1280);
	TK_EXPECT(hn_sh(net, "a", 3000, NULL, "ip link set eth1 down") == 0,
		  "could not take eth1 down");
	p = run_in(net, "a", "ifconf", NULL);
	n = ip_addrs(net, "a", ifs);
	for (int i = 0; i < n; i++) {
		char head[120];

		snprintf(head, sizeof(head), "%s: index %d mtu %d <%s",
			 ifs[i].name, ifs[i].index, ifs[i].mtu,
			 ifs[i].up ? "UP" : "BROADCAST");
		TK_EXPECT(strstr(hn_stdout(p), head) != NULL, "ifconf does "
			  "not agree with ip about %s (expected \"%s\"):\n%s",
			  ifs[i].name, head, hn_stdout(p));
	}
	TK_EXPECT(strstr(hn_stdout(p), "mtu 1280 <UP") != NULL &&
		  strstr(hn_stdout(p), "mtu 1500 <BROADCAST,MULTICAST>") !=
		  NULL, "ifconf did not show eth0 at 1280 and eth1 down:\n%s",
		  hn_stdout(p));
	char *t = scrubbed(hn_stdout(p));
	tk_transcript_of(CH, "ifconf-changed", "ifconf", t);
	free(t);
}

static void arp_cache_beside_neigh(void **state)
{
	hn_net *net = hn_up("host a b\nlink a b 192.0.2.0/24\n");
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(9) };
	char *neigh = NULL, *mac = NULL, want[80];
	long long end = tk_now_ms() + 2000;
	char *text = NULL;
	size_t textlen = 0;
	FILE *tr = open_memstream(&text, &textlen);
	hn_proc *p;
	int fd;

	(void)state;
	/* one datagram from a to b makes a resolve b's address */
	hn_enter(net, "a");
	fd = Socket(AF_INET, SOCK_DGRAM, 0);
	Inet_pton(AF_INET, "192.0.2.2", &to.sin_addr);
	Sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	close(fd);
	hn_leave(net);
	while (free(neigh), neigh = NULL,
	       hn_sh(net, "a", 2000, &neigh, "ip -j neigh show 192.0.2.2 "
		     "nud reachable") == 0 && strstr(neigh, "lladdr") ==
	       NULL && tk_now_ms() < end)
		tk_tick();
	TK_EXPECT(neigh != NULL && strstr(neigh, "lladdr") != NULL,
		  "a never resolved b's address: %s", tk_shown(neigh));
	TK_EXPECT(hn_sh(net, "b", 2000, &mac, "ip -o link show eth0 | sed -n "
			"'s|.*link/ether \\([0-9a-f:]*\\).*|\\1|p'") == 0,
		  "no MAC address for b's eth0");
	snprintf(want, sizeof(want), "192.0.2.2 at %.17s on eth0 flags COM",
		 mac);
	TK_EXPECT(strncmp(strstr(neigh, "\"lladdr\":\"") + 10, mac, 17) == 0,
		  "ip -j neigh shows another MAC than b's %.17s: %s", mac,
		  neigh);

	p = run_in(net, "a", "arpget", "192.0.2.2");
	TK_EXPECT(strstr(hn_stdout(p), "SIOCGARP: ENODEV") != NULL,
		  "arpget without a device: %s", hn_stdout(p));
	fprintf(tr, "a$ arpget 192.0.2.2\n%s", hn_stdout(p));
	p = hn_run(net, "a", tk_prog(CH, "arpget"), "192.0.2.2", "eth0",
		   NULL);
	TK_EXPECT(hn_exited_within(p, 3000) == 0 &&
		  strstr(hn_stdout(p), want) != NULL, "arpget on eth0 said "
		  "\"%s\"; expected \"%s\"", tk_chomp(hn_stdout(p)), want);
	fprintf(tr, "a$ arpget 192.0.2.2 eth0\n%s", hn_stdout(p));
	p = hn_run(net, "a", tk_prog(CH, "arpget"), "192.0.2.9", "eth0",
		   NULL);
	TK_EXPECT(tk_exited(p, 3000) && tk_exit_code(p) == 1 &&
		  strstr(hn_stdout(p), "SIOCGARP: ENXIO") != NULL,
		  "arpget for an address not in the cache: %s",
		  hn_stdout(p));
	fprintf(tr, "a$ arpget 192.0.2.9 eth0\n%s", hn_stdout(p));
	free(neigh);
	neigh = NULL;
	hn_sh(net, "a", 2000, &neigh, "ip neigh show dev eth0");
	fprintf(tr, "a$ ip neigh show dev eth0\n%s", neigh);
	free(neigh);
	free(mac);
	fclose(tr);
	mac = scrubbed(text);
	tk_transcript(CH, "arpget", mac);
	free(mac);
	free(text);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(two_interfaces_and_aliases),
		TK_TEST(ipv6_invisible_to_ifconf),
		TK_TEST(down_and_mtu_changed),
		TK_TEST(arp_cache_beside_neigh),
	};
	return TK_RUN("ioctl", tests);
}
