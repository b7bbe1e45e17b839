/*
 * lab.c - Lab 4's public tests: connclass, run in host "client", tries
 * one connection across this network and must say what happened.
 *
 *   client 192.0.2.1 --- LAN lan0 --- r1 192.0.2.2
 *                                     r1 198.51.100.1 --- server 198.51.100.2
 *                                     r1 203.0.113.1  --- busy   203.0.113.2
 *
 * 192.0.2.99 is on the LAN but no host has it; 2001:db8:ff::/48 is
 * nowhere, and no host has a default route.  The client gives up on
 * an unanswered ARP after 0.2 s (one probe), and on unanswered SYNs
 * after 3 s (SYN retries at 1: the harness's fast timers).
 */
#include "ch04test.h"

static const char *const topology =
	"host client server busy\n"
	"router r1\n"
	"lan lan0 client r1 192.0.2.0/24 2001:db8:1::/64\n"
	"link r1 server 198.51.100.0/24 2001:db8:2::/64\n"
	"link r1 busy 203.0.113.0/24 2001:db8:3::/64\n";

/* The network, with a capture at the client's end of the LAN: when a
 * test fails, its path is shown, to open in Wireshark. */
static hn_net *lab_net(void)
{
	hn_net *net = hn_up(topology);

	hn_capture(net, "client", "lan0");
	return net;
}

struct outcome {
	int code;               /* exit status, -1 if it did not exit */
	char out[512], err[512];        /* what it printed (the start) */
	bool ipv6;              /* was it given an IPv6 address? */
};

static struct outcome outcome_of(hn_proc *p, int status)
{
	struct outcome o;

	memset(&o, 0, sizeof(o));
	o.code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	snprintf(o.out, sizeof(o.out), "%s", hn_stdout(p));
	snprintf(o.err, sizeof(o.err), "%s", hn_stderr(p));
	return o;
}

/* Runs connclass ADDRESS PORT in the client host and waits for it. */
static struct outcome connclass(hn_net *net, const char *addr,
				const char *port, int timeout_ms)
{
	hn_proc *p = hn_run(net, "client", tk_lab_prog("connclass"), addr,
			    port, NULL);
	struct outcome o;
	int status;

	hn_set_strict(0);
	status = hn_wait_exit(p, timeout_ms);
	hn_set_strict(1);
	TK_EXPECT(status != -1, "connclass %s %s was still running after "
		  "%.1f s", addr, port, timeout_ms / 1000.0);
	TK_EXPECT(!WIFSIGNALED(status), "connclass %s %s crashed (signal "
		  "%d)", addr, port, WTERMSIG(status));
	o = outcome_of(p, status);
	o.ipv6 = strchr(addr, ':') != NULL;
	return o;
}

/* The mistakes that show the same way in every scenario, named with the
 * section that explains them. */
static void expect_no_known_mistake(const struct outcome *o,
				    const char *scenario, const char *prefix,
				    const char *holds)
{
	const char *colon = strchr(prefix, ':');
	size_t classlen = colon ? (size_t)(colon - prefix) : strlen(prefix);

	TK_EXPECT(strstr(o->out, "Address family not supported") == NULL &&
		  !(o->ipv6 && strstr(o->err, "Protocol not available")),
		  "%s: connclass said: %s%s  Its socket is not of the "
		  "address's family: socket() must be given the family of "
		  "the address parsed (AF_INET6 for an IPv6 one; see 4.2 "
		  "socket)", scenario, o->out, o->err);
	TK_EXPECT(strstr(prefix, "ICMP") == NULL || o->out[0] == '\0' ||
		  strstr(o->out, "ICMP") != NULL, "%s: connclass said: %s  "
		  "connect() failed, but the socket's error queue held no "
		  "ICMP message: IP_RECVERR (IPV6_RECVERR for IPv6) must be on"
		  " before connect(), when the message arrives, and "
		  "icmp_report() must find its control message", scenario,
		  o->out);
	TK_EXPECT(holds == NULL || strstr(o->out, holds) == NULL ||
		  strncmp(o->out, prefix, classlen) == 0, "%s: connclass "
		  "said: %s  The detail \"%s\" is right, the class is not: "
		  "which class does classify() give this errno, and does it "
		  "get connect()'s errno, saved before another call (recvmsg,"
		  " printf) changes it?", scenario, o->out, holds);
}

/* Checks one outcome: exit code, and the line that must start with
 * prefix (and hold `holds', if not NULL). */
static void expect(const struct outcome *o, const char *scenario,
		   int code, const char *prefix, const char *holds)
{
	size_t lines = 0;

	expect_no_known_mistake(o, scenario, prefix, holds);
	for (const char *c = o->out; *c != '\0'; c++)
		lines += *c == '\n';
	TK_EXPECT(lines == 1, "%s: connclass should print exactly one line; "
		  "it printed:\n%s%s", scenario, o->out, o->err);
	TK_EXPECT(strncmp(o->out, prefix, strlen(prefix)) == 0,
		  "%s: connclass should say \"%s...\"; it said: %s",
		  scenario, prefix, o->out);
	TK_EXPECT(holds == NULL || strstr(o->out, holds) != NULL,
		  "%s: connclass should say \"%s\"; it said: %s", scenario,
		  holds, o->out);
	TK_EXPECT(o->code == code, "%s: connclass should exit with %d; it "
		  "exited with %d", scenario, code, o->code);
	TK_EXPECT(ct_seconds(o->out) >= 0, "%s: the line should end with "
		  "\"after SECONDS s\"; it is: %s", scenario, o->out);
}

static void refused_when_nothing_listens(void **state)
{
	hn_net *net = lab_net();
	hn_cap *cap = hn_capture(net, "server", "r1");
	struct outcome o;

	(void)state;
	o = connclass(net, "198.51.100.2", "13", 3000);
	expect(&o, "when no program listens on the server's port 13 (its "
	       "host answers the SYN with a RST)", 2, "refused: ", "RST");
	TK_EXPECT(hn_cap_count(cap, HN_RST) == 1, "the server should have "
		  "sent one RST");
	hn_down(net);
}

static void connected_says_from_where(void **state)
{
	hn_net *net = lab_net();
	int listener = tk_listen(net, "server", "0.0.0.0", 7, 5);
	struct outcome o;

	(void)state;
	o = connclass(net, "198.51.100.2", "7", 3000);
	expect(&o, "when a server listens", 0, "connected: from 192.0.2.1:",
	       NULL);
	close(listener);
	hn_down(net);
}

static void unreachable_reported_by_router(void **state)
{
	hn_net *net = lab_net();
	struct hn_impair delay = { .delay_ms = 5 };
	struct outcome o;

	(void)state;
	/* 5 ms each way, so the ICMP reply arrives while connect() waits,
	 * as on a real network (see section 4.3 on "soft" errors) */
	hn_impair(net, "client", "lan0", HN_BOTH, &delay);
	hn_unreachable(net, "r1", "server", HN_UNREACH_HOST, 0, 0);
	o = connclass(net, "198.51.100.2", "13", 3000);
	expect(&o, "when router r1 answers the SYN with ICMP host "
	       "unreachable", 4, "unreachable: ICMP host unreachable from ",
	       NULL);
	TK_EXPECT(strstr(o.out, "from 192.0.2.2 ") ||
		  strstr(o.out, "from 198.51.100.1 "),
		  "the ICMP message came from router r1 (192.0.2.2 or "
		  "198.51.100.1), but connclass said: %s", o.out);
	hn_down(net);
}

static void unreachable_absent_host_on_lan(void **state)
{
	hn_net *net = lab_net();
	struct outcome o;

	(void)state;
	ct_fast_arp(net, "client", "lan0");
	o = connclass(net, "192.0.2.99", "13", 3000);
	expect(&o, "when no host on the LAN answers the ARP request for "
	       "192.0.2.99 (Linux reports it as an ICMP host unreachable "
	       "that the client's own kernel sends itself)", 4,
	       "unreachable: ICMP host unreachable from 192.0.2.1 ", NULL);
	hn_down(net);
}

/* No route at all to 2001:db8:ff::/48 (the client knows only the
 * networks of this topology): connect() fails at once with ENETUNREACH,
 * and no packet is sent. */
static void unreachable_no_route_to_network(void **state)
{
	hn_net *net = lab_net();
	struct outcome o;

	(void)state;
	o = connclass(net, "2001:db8:ff::1", "13", 3000);
	expect(&o, "when the client has no route to 2001:db8:ff::1 (IPv6)",
	       4, "unreachable: Network is unreachable ", NULL);
	hn_down(net);
}

static void unreachable_ipv6_from_router(void **state)
{
	hn_net *net = lab_net();
	struct hn_impair delay = { .delay_ms = 5 };
	struct outcome o;

	(void)state;
	hn_impair(net, "client", "lan0", HN_BOTH, &delay);
	hn_unreachable(net, "r1", "server", HN_UNREACH_HOST, 0, 0);
	o = connclass(net, "2001:db8:2::2", "13", 3000);
	expect(&o, "IPv6: when router r1 answers the SYN with ICMPv6 address "
	       "unreachable", 4, "unreachable: ICMP address unreachable "
	       "from ", NULL);
	TK_EXPECT(strstr(o.out, "from 2001:db8:1::2 ") ||
		  strstr(o.out, "from 2001:db8:2::1 "),
		  "the ICMPv6 message came from router r1 (2001:db8:1::2 or "
		  "2001:db8:2::1), but connclass said: %s", o.out);
	hn_down(net);
}

/*
 * Two attempts side by side, both unanswered for 3 s: one to a host that
 * has crashed (silent: it still answers ARP but nothing else), one to a
 * listener whose accept queue is full (Linux drops the SYN).
 */
static void timed_out_crashed_host_and_full_queue(void **state)
{
	hn_net *net = lab_net();
	hn_cap *cap = hn_capture(net, "busy", "r1");
	int listener, filler;
	hn_proc *crashed, *full;
	struct outcome o;
	int status;

	(void)state;
	listener = tk_listen(net, "busy", "0.0.0.0", 7, 0);
	filler = tk_connect(net, "client", "203.0.113.2", 7);
	TK_EXPECT(ct_wait_queued(listener, 1, 2000), "the first connection "
		  "never reached busy's accept queue");
	hn_crash(net, "server");
	crashed = hn_run(net, "client", tk_lab_prog("connclass"),
			 "198.51.100.2", "13", NULL);
	full = hn_run(net, "client", tk_lab_prog("connclass"), "203.0.113.2",
		      "7", NULL);
	hn_set_strict(0);
	status = hn_wait_exit(crashed, 8000);
	hn_set_strict(1);
	o = outcome_of(crashed, status);
	expect(&o, "when the server's host has crashed (no answer to the "
	       "SYNs)", 3, "timed out: ", "no answer");
	hn_set_strict(0);
	status = hn_wait_exit(full, 8000);
	hn_set_strict(1);
	o = outcome_of(full, status);
	expect(&o, "when the server's listen queue is full (Linux drops the "
	       "SYN: see 4.5 listen)", 3, "timed out: ", "no answer");
	TK_EXPECT(hn_cap_count(cap, HN_SYNACK) == 1, "busy should have "
		  "answered only the first client's SYN");
	close(filler);
	close(listener);
	hn_down(net);
}

static void bad_arguments_rejected(void **state)
{
	hn_net *net = lab_net();
	static const char *const bad[][2] = {
		{ "192.0.2.300", "13" }, { "host.example", "13" },
		{ "198.51.100.2", "70000" }, { "198.51.100.2", "13x" },
		{ "198.51.100.2", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct outcome o = connclass(net, bad[i][0], bad[i][1], 2000);

		TK_EXPECT(o.code == 1 && o.out[0] == '\0' && o.err[0] != '\0',
			  "connclass \"%s\" \"%s\" should print why on stderr "
			  "and exit with 1; it exited with %d and printed "
			  "\"%s\" on stdout", bad[i][0], bad[i][1], o.code,
			  o.out);
	}
	hn_down(net);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(refused_when_nothing_listens),
		TK_TEST(connected_says_from_where),
		TK_TEST(unreachable_reported_by_router),
		TK_TEST(unreachable_absent_host_on_lan),
		TK_TEST(unreachable_no_route_to_network),
		TK_TEST(unreachable_ipv6_from_router),
		TK_TEST(timed_out_crashed_host_and_full_queue),
		TK_TEST(bad_arguments_rejected),
	};
	return TK_RUN("lab04", tests);
}
