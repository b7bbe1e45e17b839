/*
 * Lab 28 public tests: the student's ping and traceroute, run in the
 * client host of a chain of three routers (client, r1, r2, r3,
 * server), with the kernel's own settings, some hops made lossy,
 * silent or unreachable with nftables.
 */
#include "lab28.h"

#define REQ "icmp[icmptype] == icmp-echo"

static void ping_chain(void **state)
{
	hn_net *net = hn_chain(3);
	hn_cap *cap = hn_capture(net, "client", "r1");
	hn_proc *p;

	(void)state;
	p = lab_run(net, "ping", "-c", "3", "-i", "20", "-W", "500", SERVER,
		    NULL);
	check_requests(cap, p, 3);
	expect_ping(p, cap, 3, 3, "1 2 3", 61, "pinging the server");
}

static void ping_odd_size(void **state)
{
	hn_net *net = hn_chain(3);
	hn_cap *cap = hn_capture(net, "client", "r1");
	hn_proc *p;

	(void)state;
	p = lab_run(net, "ping", "-c", "2", "-i", "20", "-W", "500", "-s",
		    "57", SERVER, NULL);
	check_requests(cap, p, 2);
	expect_ping(p, cap, 2, 2, "1 2", 61, "with 57 data bytes (an odd "
		    "length: 65 bytes of ICMP, see 28.3)");
}

static void ping_ipv6(void **state)
{
	hn_net *net = hn_chain(3);
	hn_cap *cap = hn_capture(net, "client", "r1");
	hn_proc *p;

	(void)state;
	p = lab_run(net, "ping", "-c", "2", "-i", "20", "-W", "500", SERVER6,
		    NULL);
	TK_EXPECT(hn_cap_count(cap, "icmp6[icmp6type] == icmp6-echo") == 2,
		  "ping %s should send 2 ICMPv6 echo requests, %d left (it "
		  "said: %s): open an AF_INET6 socket for IPPROTO_ICMPV6 "
		  "(see 28.2)", SERVER6, hn_cap_count(cap, "icmp6[icmp6type]"
		  " == icmp6-echo"), tk_chomp(hn_stderr(p)));
	expect_ping(p, cap, 2, 2, "1 2", 61, "pinging the server over "
		    "IPv6 (a raw ICMPv6 socket gives no IPv6 header, see "
		    "28.2)");
}

static void ping_datagram_socket(void **state)
{
	hn_net *net = hn_chain(3);
	hn_cap *cap = hn_capture(net, "client", "r1");
	hn_proc *p;

	(void)state;
	ping_group_range(net, "client", "0 0");
	p = lab_run(net, "ping", "-u", "-c", "2", "-i", "20", "-W", "500",
		    SERVER, NULL);
	expect_ping(p, cap, 2, 2, "1 2", 61, "with -u (an ICMP datagram "
		    "socket gives no IP header and sets the identifier: "
		    "see 28.5)");
	p = lab_run(net, "ping", "-u", "-c", "2", "-i", "20", "-W", "500",
		    SERVER6, NULL);
	expect_ping(p, cap, 2, 2, "1 2", 61, "with -u over IPv6 (see "
		    "28.5)");
}

static void ping_ignores_other_replies(void **state)
{
	hn_net *net = hn_chain(3);
	hn_cap *cap = hn_capture(net, "client", "r1");
	hn_proc *p;

	(void)state;
	/* r1 forwards only the test's requests (identifier 4242) */
	ch28_nft(net, "r1", "onlyours", "forward",
		 "icmp type echo-request icmp id != 4242 drop");
	p = hn_run(net, "client", tk_sibling("ping"), "-c", "2", "-i", "30",
		   "-W", "100", SERVER, NULL);
	TK_EXPECT(tk_saw(p, "PING", 2000), "ping printed no PING line: %s",
		  tk_chomp(hn_stderr(p)));
	foreign_pings(net, 2);	/* answered while ping waits */
	TK_EXPECT(tk_exited(p, 3000), "ping was still running after 3 s");
	expect_ping(p, cap, 2, 0, "", 61, "while another ping (identifier "
		    "4242) got replies and ping's own requests were all "
		    "dropped at r1 (a raw socket sees every echo reply: "
		    "check the identifier, see 28.4)");
}

static void ping_rtt_from_payload(void **state)
{
	hn_net *net = hn_chain(3);
	hn_cap *cap = hn_capture(net, "client", "r1");
	struct hn_impair im = { .delay_ms = 40 };
	struct pingout po;
	hn_proc *p;
	int i;

	(void)state;
	hn_impair(net, "r3", "server", HN_OUT, &im);
	p = lab_run(net, "ping", "-c", "4", "-i", "10", "-W", "1000", SERVER,
		    NULL);
	po = expect_ping(p, cap, 4, 4, "1 2 3 4", 61, "with 40 ms of delay "
			 "at r3, a request every 10 ms");
	for (i = 0; i < po.n; i++)
		TK_EXPECT(po.rtt[i] >= 40 && po.rtt[i] < 1000, "with 40 ms "
			  "of delay at r3, icmp_seq %d took %.3f ms, said "
			  "ping: the RTT is the time now minus the time "
			  "carried in that reply's payload (see 28.4)",
			  po.seq[i], po.rtt[i]);
}

static void ping_counts_loss(void **state)
{
	hn_net *net = hn_chain(3);
	hn_cap *cap = hn_capture(net, "client", "r1");
	hn_proc *p;

	(void)state;
	/* r2 drops every second echo request it forwards */
	ch28_nft(net, "r2", "lossy", "forward",
		 "icmp type echo-request numgen inc mod 2 == 1 drop");
	p = lab_run(net, "ping", "-c", "4", "-i", "10", "-W", "150", SERVER,
		    NULL);
	expect_ping(p, cap, 4, 2, "1 3", 61, "with r2 dropping every "
		    "second request");
}

static void ping_duplicates(void **state)
{
	hn_net *net = hn_chain(3);
	hn_cap *cap = hn_capture(net, "client", "r1");
	struct hn_impair im = { .dup_pct = 100 };
	struct pingout po;
	hn_proc *p;

	(void)state;
	hn_impair(net, "r1", "client", HN_OUT, &im);
	p = lab_run(net, "ping", "-c", "3", "-i", "20", "-W", "300", SERVER,
		    NULL);
	po = expect_ping(p, cap, 3, 3, "1 2 3", 61, "with every reply "
			 "duplicated at r1 (a duplicate is printed with "
			 "(DUP!) but not counted, see 28.4)");
	TK_EXPECT(po.dups >= 2, "with every reply duplicated, ping should "
		  "count at least 2 duplicates, it said %d (see 28.4)",
		  po.dups);
}

static void trace_chain(void **state)
{
	hn_net *net = hn_chain(3);
	hn_proc *p = lab_run(net, "traceroute", "-q", "2", "-w", "500", "-m",
			     "6", SERVER, NULL);

	(void)state;
	expect_route(p, R1 " " R2 " " R3 " " SERVER, 2, "through three "
		     "routers (the server's port unreachable ends it)");
	TK_EXPECT(tk_exit_code(p) == 0, "traceroute should exit 0 when the "
		  "server answered, it exited %d", tk_exit_code(p));
}

static void trace_ipv6(void **state)
{
	hn_net *net = hn_chain(3);
	hn_proc *p = lab_run(net, "traceroute", "-q", "2", "-w", "500", "-m",
			     "6", SERVER6, NULL);

	(void)state;
	expect_route(p, R1_6 " " R2_6 " " R3_6 " " SERVER6, 2, "over IPv6 "
		     "(the hop limit is IPV6_UNICAST_HOPS; ICMPv6 comes "
		     "without an IPv6 header)");
}

/* From r1, ICMP time exceeded messages that quote UDP datagrams from
 * the client to the server with source port 1: not the student's. */
static void forged_errors(hn_net *net, int n)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned char m[36];
	int fd, i;

	hn_enter(net, "r1");
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	hn_leave(net);
	TK_EXPECT(fd >= 0, "the test cannot open a raw socket: %s",
		  strerror(errno));
	inet_pton(AF_INET, CLIENT, &dst.sin_addr);
	for (i = 0; i < n; i++) {
		memset(m, 0, sizeof(m));
		m[0] = ICMP_TIME_EXCEEDED;
		m[8] = 0x45, m[11] = 28, m[16] = 1, m[17] = IPPROTO_UDP;
		inet_pton(AF_INET, CLIENT, m + 20);
		inet_pton(AF_INET, SERVER, m + 24);
		m[29] = 1;				/* source port 1 */
		m[30] = (33434 + i) >> 8, m[31] = (33434 + i) & 0xff;
		m[33] = 8;
		m[2] = ~ch28_sum(m, sizeof(m), 0) >> 8;
		m[3] = ~ch28_sum(m, sizeof(m), 0) & 0xff;
		sendto(fd, m, sizeof(m), 0, (struct sockaddr *)&dst,
		       sizeof(dst));
	}
	close(fd);
}

static void trace_silent_hop(void **state)
{
	hn_net *net = hn_chain(3);
	hn_proc *p;

	(void)state;
	ch28_nft(net, "r2", "silent", "output",
		 "icmp type time-exceeded drop");
	p = hn_run(net, "client", tk_sibling("traceroute"), "-q", "1", "-w",
		   "150", "-m", "6", SERVER, NULL);
	if (tk_saw(p, " 1 ", 2000))
		forged_errors(net, 20);	/* while it waits at hop 2 */
	TK_EXPECT(tk_exited(p, 3000), "with r2 silent, traceroute was still "
		  "running after 3 s (each probe waits 150 ms, -w): wait for "
		  "an answer with poll() and a deadline, a hop may say "
		  "nothing (see 28.6); it printed:\n%s",
		  tk_chomp(hn_stdout(p)));
	expect_route(p, R1 " * " R3 " " SERVER, 1, "with r2 silent and "
		     "time exceeded messages about other datagrams (source "
		     "port 1) arriving from r1 (match the quoted ports)");
}

static void trace_unreachable(void **state)
{
	hn_net *net = hn_chain(3);
	struct route r;
	hn_proc *p;

	(void)state;
	hn_unreachable(net, "r2", "server", HN_UNREACH_HOST, 0, 0);
	p = lab_run(net, "traceroute", "-q", "2", "-w", "500", "-m", "6",
		    SERVER, NULL);
	r = expect_route(p, R1 " " R2 " " R2, 2, "with r2 answering host "
			 "unreachable for the server");
	TK_EXPECT(strcmp(r.h[2].mark, "!H") == 0 && tk_exit_code(p) == 1,
		  "hop 3 should be marked !H (host unreachable) and "
		  "traceroute exit 1 (the server never answered); it exited "
		  "%d and printed:\n%s\n(see 28.6)", tk_exit_code(p),
		  tk_chomp(hn_stdout(p)));
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(ping_chain),
		TK_TEST(ping_odd_size),
		TK_TEST(ping_ipv6),
		TK_TEST(ping_datagram_socket),
		TK_TEST(ping_ignores_other_replies),
		TK_TEST(ping_rtt_from_payload),
		TK_TEST(ping_counts_loss),
		TK_TEST(ping_duplicates),
		TK_TEST(trace_chain),
		TK_TEST(trace_ipv6),
		TK_TEST(trace_silent_hop),
		TK_TEST(trace_unreachable),
	};
	return TK_RUN("lab28", tests);
}
