/*
 * topology.c - the harness builds what a spec says: shapes, addresses,
 * routes, timers; and turns bad specs into one-line errors that leave
 * nothing behind.
 */
#include "harness.h"
#include "testkit.h"
#include "tutil.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Sends a datagram from FROM to TO's first FAMILY address and checks it
 * arrives. */
static void udp_reaches(hn_net *net, const char *from, const char *to,
			int family)
{
	int rx = t_udp(net, to, family, 4000);
	int tx = t_udp_to(net, from, to, family, 4000);
	char buf[64];
	ssize_t n;

	TK_EXPECT(send(tx, "hello", 5, 0) == 5, "send from %s: %s", from,
		  strerror(errno));
	n = t_recv(rx, buf, sizeof(buf), 2000);
	TK_EXPECT(n == 5, "a datagram from %s to %s (%s) did not arrive "
		  "within 2 s (%s)", from, to, family == AF_INET ? "IPv4" :
		  "IPv6", n < 0 ? strerror(errno) : "short");
	close(rx);
	close(tx);
}

static void tcp_reaches(hn_net *net, const char *from, const char *to,
			int family)
{
	int lfd = t_listen(net, to, family, 5000);
	int cfd = t_connect(net, from, to, family, 5000);
	int afd = t_accept(lfd, 2000);
	char buf[8];

	TK_EXPECT(write(cfd, "ping", 4) == 4, "write: %s", strerror(errno));
	TK_EXPECT(t_recv(afd, buf, sizeof(buf), 2000) == 4,
		  "TCP data from %s to %s did not arrive", from, to);
	close(afd);
	close(cfd);
	close(lfd);
}

static void two_hosts_talk_over_both_families(void **state)
{
	hn_net *net = hn_two_hosts();

	(void)state;
	TK_EXPECT(strcmp(hn_addr(net, "a", AF_INET), "192.0.2.1") == 0 &&
		  strcmp(hn_addr(net, "b", AF_INET6), "2001:db8:1::2") == 0,
		  "addresses are not given out in order: a %s, b %s",
		  hn_addr(net, "a", AF_INET), hn_addr(net, "b", AF_INET6));
	udp_reaches(net, "a", "b", AF_INET);
	udp_reaches(net, "b", "a", AF_INET6);
	tcp_reaches(net, "a", "b", AF_INET);
	tcp_reaches(net, "a", "b", AF_INET6);
	hn_down(net);
}

static void chain_routes_through_two_routers(void **state)
{
	hn_net *net = hn_chain(2);

	(void)state;
	TK_EXPECT(strcmp(hn_addr(net, "client", AF_INET), "198.51.100.1") == 0
		  && strcmp(hn_addr(net, "server", AF_INET),
			    "198.51.100.66") == 0,
		  "chain addresses: client %s, server %s (expected "
		  "198.51.100.1 and .66)", hn_addr(net, "client", AF_INET),
		  hn_addr(net, "server", AF_INET));
	tcp_reaches(net, "client", "server", AF_INET);
	tcp_reaches(net, "client", "server", AF_INET6);
	udp_reaches(net, "server", "client", AF_INET);
	udp_reaches(net, "r1", "server", AF_INET6);
	hn_down(net);
}

static void lan_hosts_reach_each_other(void **state)
{
	hn_net *net = hn_lan(3);

	(void)state;
	TK_EXPECT(strcmp(hn_addr(net, "h3", AF_INET), "203.0.113.3") == 0,
		  "h3 got %s, not 203.0.113.3", hn_addr(net, "h3", AF_INET));
	udp_reaches(net, "h1", "h3", AF_INET);
	udp_reaches(net, "h3", "h2", AF_INET6);
	tcp_reaches(net, "h2", "h1", AF_INET);
	hn_down(net);
}

/* The server reaches both of the client's addresses, each over its own
 * path: a capture on each of the client's links sees only its own. */
static void multihomed_host_has_two_paths(void **state)
{
	hn_net *net = hn_multihomed();
	hn_cap *c1 = hn_capture(net, "client", "r1");
	hn_cap *c2 = hn_capture(net, "client", "r2");
	const char *a1 = hn_addr_on(net, "client", "r1", AF_INET);
	const char *a2 = hn_addr_on(net, "client", "r2", AF_INET);
	int rx = t_udp(net, "client", AF_INET, 4001);
	int tx = t_udp(net, "server", AF_INET, 0);
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(4001) };
	char filter[128], buf[8];

	(void)state;
	inet_pton(AF_INET, a2, &to.sin_addr);
	sendto(tx, "two", 3, 0, (struct sockaddr *)&to, sizeof(to));
	TK_EXPECT(t_recv(rx, buf, sizeof(buf), 2000) == 3,
		  "a datagram to the client's second address %s was lost", a2);
	snprintf(filter, sizeof(filter), "udp and dst host %s", a2);
	TK_EXPECT(hn_cap_count(c2, filter) == 1 && hn_cap_count(c1, filter)
		  == 0, "the datagram for %s did not come over r2 only (r1 saw "
		  "%d, r2 saw %d)", a2, hn_cap_count(c1, filter),
		  hn_cap_count(c2, filter));
	inet_pton(AF_INET, a1, &to.sin_addr);
	sendto(tx, "one", 3, 0, (struct sockaddr *)&to, sizeof(to));
	TK_EXPECT(t_recv(rx, buf, sizeof(buf), 2000) == 3,
		  "a datagram to the client's first address %s was lost", a1);
	udp_reaches(net, "client", "server", AF_INET6);
	close(rx);
	close(tx);
	hn_down(net);
}

static long read_knob(hn_net *net, const char *host, const char *path)
{
	char buf[64] = "";
	int fd;

	hn_enter(net, host);
	fd = open(path, O_RDONLY);
	hn_leave(net);
	TK_EXPECT(fd >= 0, "cannot read %s in %s", path, host);
	TK_EXPECT(read(fd, buf, sizeof(buf) - 1) > 0, "empty %s", path);
	close(fd);
	return atol(buf);
}

static void hosts_get_fast_timers(void **state)
{
	hn_net *net = hn_chain(1);
	const struct hn_timing *t = hn_timing();
	char *routes = NULL;

	(void)state;
	TK_EXPECT(read_knob(net, "server", "/proc/sys/net/ipv4/tcp_retries2")
		  == t->tcp_retries2, "tcp_retries2 is not the fast value");
	TK_EXPECT(read_knob(net, "client", "/proc/sys/net/ipv4/"
			    "tcp_syn_retries") == t->tcp_syn_retries,
		  "tcp_syn_retries is not the fast value");
	TK_EXPECT(read_knob(net, "r1", "/proc/sys/net/ipv4/icmp_ratelimit")
		  == 0, "routers still rate-limit ICMP");
	TK_EXPECT(read_knob(net, "r1", "/proc/sys/net/ipv4/ip_forward") == 1
		  && read_knob(net, "client", "/proc/sys/net/ipv4/"
			       "ip_forward") == 0,
		  "forwarding is not on in routers only");
	TK_EXPECT(hn_sh(net, "client", 3000, &routes, "ip route") == 0,
		  "ip route failed in client");
	TK_EXPECT(strstr(routes, "rto_min lock 5ms") != NULL,
		  "the client's routes lack rto_min 5ms:\n%s", routes);
	free(routes);
	hn_down(net);
}

static void spec_sets_mtu_and_sysctls(void **state)
{
	hn_net *net = hn_up("host a b\n"
			    "link a b 192.0.2.0/24\n"
			    "mtu a b 1280\n"
			    "sysctl b net.ipv4.tcp_retries2 7\n"
			    "timing kernel\n");
	struct ifreq ifr = { .ifr_name = "eth0" };
	int fd = t_udp(net, "b", AF_INET, 0);

	(void)state;
	TK_EXPECT(ioctl(fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu == 1280,
		  "b's eth0 has MTU %d, not 1280", ifr.ifr_mtu);
	close(fd);
	TK_EXPECT(read_knob(net, "b", "/proc/sys/net/ipv4/tcp_retries2") == 7,
		  "the spec's sysctl did not reach b");
	TK_EXPECT(read_knob(net, "a", "/proc/sys/net/ipv4/tcp_syn_retries")
		  != hn_timing()->tcp_syn_retries,
		  "\"timing kernel\" still gave a the fast timers");
	hn_down(net);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

struct bad_spec {
	const char *spec, *message;
};

static const struct bad_spec bad_specs[] = {
	{ "hots a b\n", "line 1: unknown statement \"hots\"" },
	{ "host a b\n\nlink a c 192.0.2.0/24\n",
	  "line 3: unknown host \"c\"" },
	{ "host a b c\nlink a b 192.0.2.0/24\nlink b c 192.0.2.0/25\n",
	  "duplicate addresses" },
	{ "host a b\nlink a b 192.0.2.0/33\n", "not an address prefix" },
	{ "host a b\nlink a b\n", "needs an address prefix" },
	{ "host a a\n", "\"a\" is declared twice" },
	{ "host a b c\nlink a b c 192.0.2.0/24\n", "exactly two hosts" },
	{ "host a b c\nlan l a b c 192.0.2.0/31\n", "not an address prefix" },
	{ "host a b c d\nlan l a b c d 192.0.2.0/30\n", "too small" },
	{ "host a b\nmtu a b 1400\n", "no link between a" },
	{ "host a\nsysctl a kernel.pid_max 5\n", "only net.* sysctls" },
	{ "", "no hosts" },
};

/* A spec the parser accepts but the kernel refuses half-way through the
 * build: nothing may be left behind either. */
static void bad_topologies_give_one_line_errors(void **state)
{
	int before = count_fds(), old = hn_set_strict(0);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_specs) / sizeof(bad_specs[0]); i++) {
		hn_net *net = hn_up(bad_specs[i].spec);

		TK_EXPECT(net == NULL, "the bad spec \"%s\" was accepted",
			  bad_specs[i].spec);
		TK_EXPECT(strstr(hn_error(), bad_specs[i].message) != NULL &&
			  strchr(hn_error(), '\n') == NULL,
			  "for \"%s\" the error was \"%s\", expected one line "
			  "with \"%s\"", bad_specs[i].spec, hn_error(),
			  bad_specs[i].message);
	}
	TK_EXPECT(hn_up("host a b\nlink a b 192.0.2.0/24\n"
			"sysctl b net.ipv4.no_such_knob 1\n") == NULL &&
		  strstr(hn_error(), "net.ipv4.no_such_knob") != NULL,
		  "a sysctl the kernel lacks gave \"%s\"", hn_error());
	hn_set_strict(old);
	TK_EXPECT(count_fds() == before, "failed builds left %d descriptors "
		  "(namespaces) open", count_fds() - before);
}

static bool has_interface(hn_net *net, const char *host, const char *name)
{
	unsigned idx;

	hn_enter(net, host);
	idx = if_nametoindex(name);
	hn_leave(net);
	return idx != 0;
}

static void enter_switches_the_namespace(void **state)
{
	hn_net *net = hn_two_hosts();
	int old;

	(void)state;
	TK_EXPECT(has_interface(net, "a", "eth0"), "a has no eth0");
	TK_EXPECT(if_nametoindex("eth0") == 0,
		  "after hn_leave the test still sees a host's eth0");
	TK_EXPECT(strcmp(hn_ifname(net, "b", "a"), "eth0") == 0,
		  "b's interface towards a is %s", hn_ifname(net, "b", "a"));
	old = hn_set_strict(0);
	TK_EXPECT(hn_enter(net, "nosuch") == -1 &&
		  strstr(hn_error(), "no host \"nosuch\"") != NULL,
		  "entering an unknown host said \"%s\"", hn_error());
	TK_EXPECT(hn_addr_on(net, "a", "zz", AF_INET) == NULL &&
		  strstr(hn_error(), "no link to \"zz\"") != NULL,
		  "an unknown peer said \"%s\"", hn_error());
	hn_set_strict(old);
	hn_down(net);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(two_hosts_talk_over_both_families),
		TK_TEST(chain_routes_through_two_routers),
		TK_TEST(lan_hosts_reach_each_other),
		TK_TEST(multihomed_host_has_two_paths),
		TK_TEST(hosts_get_fast_timers),
		TK_TEST(spec_sets_mtu_and_sysctls),
		TK_TEST(bad_topologies_give_one_line_errors),
		TK_TEST(enter_switches_the_namespace),
	};
	return TK_RUN("harness_topology", tests);
}
