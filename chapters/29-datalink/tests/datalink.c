/*
 * Chapter 29's suite: pfpacket's raw and cooked sockets, its filter in
 * the kernel (PACKET_STATISTICS), promiscuous mode, and udpcksum's
 * hand-built queries to a real DNS server, dnsmasq, with checksums
 * right, zero and wrong, counted by the server host's kernel.
 */
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CH29 "29-datalink"
#define ZONE "host-record=www.example.test,203.0.113.10,2001:db8:3::10\n"

static hn_net *net;

/* The chapter's network (netlab.txt): client and dns. */
static void net_up(void)
{
	net = hn_up("host client dns\n"
		    "link client dns 192.0.2.0/24 2001:db8:1::/64\n");
}

/* The same with dnsmasq in dns. */
static hn_proc *dns_up(void)
{
	net_up();
	return tk_dnsmasq(net, "dns", ZONE);
}

/* A counter of host dns's kernel, as nstat shows it ("UdpInCsumErrors",
 * from /proc/net/snmp, or "Udp6InCsumErrors", from snmp6); nstat's
 * output in *SHOWN (malloc'd) when SHOWN is not NULL. */
static long counter(const char *name, char **shown)
{
	char *out = NULL;
	long v = -1;
	const char *l;

	hn_sh(net, "dns", 2000, &out, "nstat -asz %s", name);
	if (out != NULL && (l = strstr(out, name)) != NULL)
		v = atol(l + strlen(name));
	TK_EXPECT(v >= 0, "nstat -asz %s in host dns: %s", name,
		  tk_shown(out ? out : ""));
	if (shown != NULL)
		*shown = tk_scrub(out, "[0-9.]+\n", "0.0\n");
	else
		free(out);
	return v;
}

/* udpcksum in the client, with ARGS (NULL-ended); ended within 3 s. */
static hn_proc *udpcksum_v(const char *const *args)
{
	char *argv[12];
	int n = 0;
	hn_proc *p;

	argv[n++] = (char *)tk_prog(CH29, "udpcksum");
	while (*args != NULL && n < 11)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	p = hn_spawn(net, "client", argv, NULL);
	TK_EXPECT(hn_exited_within(p, 3000) != -1, "udpcksum did not end "
		  "within 3 s: %s", tk_shown(hn_stdout(p)));
	return p;
}

#define udpcksum(...) udpcksum_v((const char *const[]){ __VA_ARGS__ })

/* "client$ udpcksum ARGS" and its output, into TR. */
static void show(FILE *tr, const char *args, hn_proc *p)
{
	fprintf(tr, "client$ udpcksum %s\n%s", args, hn_stdout(p));
}

static void query_over_ipv4_and_ipv6(void **state)
{
	FILE *tr = tk_transcript_open();
	hn_proc *p, *dns;

	(void)state;
	dns = dns_up();
	p = udpcksum("-p", "5301", "192.0.2.2", "www.example.test", NULL);
	show(tr, "-p 5301 192.0.2.2 www.example.test", p);
	TK_EXPECT(tk_exit_code(p) == 0 && strstr(hn_stdout(p), "correct\n")
		  && strstr(hn_stdout(p), "answer: 203.0.113.10\n"),
		  "udpcksum over IPv4: %s %s", tk_shown(hn_stdout(p)),
		  tk_shown(hn_stderr(p)));
	p = udpcksum("-6", "-p", "5302", "2001:db8:1::2", "www.example.test",
		     NULL);
	show(tr, "-6 -p 5302 2001:db8:1::2 www.example.test", p);
	TK_EXPECT(tk_exit_code(p) == 0 && strstr(hn_stdout(p), "correct\n")
		  && strstr(hn_stdout(p), "answer: 2001:db8:3::10\n"),
		  "udpcksum over IPv6: %s %s", tk_shown(hn_stdout(p)),
		  tk_shown(hn_stderr(p)));
	TK_EXPECT(hn_stderr_has(dns, "query[A] www.example.test from "
				"192.0.2.1", 1000) &&
		  hn_stderr_has(dns, "query[AAAA] www.example.test from "
				"2001:db8:1::1", 1000),
		  "dnsmasq did not log both queries: %s",
		  tk_shown(hn_stderr(dns)));
	tk_transcript_close(tr, CH29, "udpcksum");
}

/* One run with a checksum of zero (-z) or a wrong one (-b): whether a
 * reply came, and how the server host's checksum-error counter moved. */
static void zero_and_wrong_checksums(void **state)
{
	FILE *tr = tk_transcript_open();
	static const struct {
		const char *args[9], *shown, *counter;
		int replies;
	} t[] = {
		{ { "-t", "500", "-z", "-p", "5303", "192.0.2.2",
		    "www.example.test", NULL },
		  "-z -p 5303 192.0.2.2", "UdpInCsumErrors", 1 },
		{ { "-t", "500", "-b", "-p", "5304", "192.0.2.2",
		    "www.example.test", NULL },
		  "-b -p 5304 192.0.2.2", "UdpInCsumErrors", 0 },
		{ { "-t", "500", "-6", "-z", "-p", "5305", "2001:db8:1::2",
		    "www.example.test" },
		  "-6 -z -p 5305 2001:db8:1::2", "Udp6InCsumErrors", 0 },
		{ { "-t", "500", "-6", "-b", "-p", "5306", "2001:db8:1::2",
		    "www.example.test" },
		  "-6 -b -p 5306 2001:db8:1::2", "Udp6InCsumErrors", 0 },
	};

	hn_cap *cap;

	(void)state;
	dns_up();
	cap = hn_capture(net, "client", "dns");
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		long before = counter(t[i].counter, NULL), after;
		char *shown;
		hn_proc *p = udpcksum_v(t[i].args);

		after = counter(t[i].counter, &shown);
		fprintf(tr, "client$ udpcksum %s www.example.test\n%s",
			t[i].shown, hn_stdout(p));
		fprintf(tr, "dns$ nstat -asz %s\n%s", t[i].counter, shown);
		free(shown);
		TK_EXPECT((strstr(hn_stdout(p), "answer: ") != NULL) ==
			  t[i].replies, "udpcksum %s: expected %s: %s",
			  t[i].shown, t[i].replies ? "a reply" : "no reply",
			  tk_shown(hn_stdout(p)));
		TK_EXPECT(after - before == !t[i].replies, "udpcksum %s: %s "
			  "went from %ld to %ld", t[i].shown, t[i].counter,
			  before, after);
	}
	/* dropped in silence: no ICMP or ICMPv6 error (types < 128) */
	TK_EXPECT(hn_cap_count(cap, "icmp or (icmp6 and ip6[40] < 128)")
		  == 0, "an ICMP error came back: %s",
		  hn_cap_summary(cap, "icmp or icmp6"));
	tk_transcript_close(tr, CH29, "checksums");
}

/* A datagram of LEN bytes from the client to dns, port PORT. */
static void send_udp(int port, size_t len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons((uint16_t)port) };
	char buf[1500];
	int s;

	memset(buf, 'z', sizeof(buf));
	inet_pton(AF_INET, "192.0.2.2", &sin.sin_addr);
	hn_enter(net, "client");
	s = socket(AF_INET, SOCK_DGRAM, 0);
	hn_leave(net);
	TK_EXPECT(sendto(s, buf, len, 0, (struct sockaddr *)&sin,
			 sizeof(sin)) == (ssize_t)len, "sendto failed");
	close(s);
}

/* A UDP socket bound in host dns to PORT, so that datagrams to it
 * raise no ICMP error (whose frames would be counted too). */
static int sink(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons((uint16_t)port) };
	int s;

	hn_enter(net, "dns");
	s = socket(AF_INET, SOCK_DGRAM, 0);
	hn_leave(net);
	TK_EXPECT(bind(s, (struct sockaddr *)&sin, sizeof(sin)) == 0,
		  "bind %d", port);
	return s;
}

static hn_proc *pfpacket(const char *a1, const char *a2, const char *a3,
			 const char *a4, const char *a5, const char *a6)
{
	hn_proc *p = hn_run(net, "dns", tk_prog(CH29, "pfpacket"), a1, a2,
			    a3, a4, a5, a6, NULL);

	char *l = hn_next_line(p, "listening on", 2000);

	TK_EXPECT(l != NULL, "pfpacket did not start: %s",
		  tk_shown(hn_stderr(p)));
	free(l);
	return p;
}

static void raw_and_cooked(void **state)
{
	FILE *tr = tk_transcript_open();
	int s;
	hn_proc *raw, *cooked;
	char *shown;

	net_up();
	s = sink(9999);
	(void)state;
	send_udp(9999, 1);              /* ARP is done before we look */
	TK_EXPECT(tk_readable(s, 2000), "nothing came to port 9999");
	raw = pfpacket("-c", "2", "eth0", "udp port 9999", NULL, NULL);
	cooked = pfpacket("-d", "-c", "2", "eth0", "udp port 9999", NULL);
	send_udp(9999, 20);
	send_udp(9999, 100);
	TK_EXPECT(hn_exited_within(raw, 2000) == 0 &&
		  hn_exited_within(cooked, 2000) == 0, "pfpacket -c 2 did "
		  "not end after two datagrams: %s / %s",
		  tk_shown(hn_stdout(raw)), tk_shown(hn_stdout(cooked)));
	shown = tk_scrub(strdup(hn_stdout(raw)),
			 "([0-9a-f]{2}:){5}[0-9a-f]{2}", "MAC");
	fprintf(tr, "dns$ pfpacket -c 2 eth0 'udp port 9999'\n%s", shown);
	free(shown);
	fprintf(tr, "dns$ pfpacket -d -c 2 eth0 'udp port 9999'\n%s",
		hn_stdout(cooked));
	TK_EXPECT(strstr(hn_stdout(raw), "62 bytes, to us, IPv4") &&
		  strstr(hn_stdout(cooked), "48 bytes, to us, IPv4") &&
		  strstr(hn_stdout(raw), "142 bytes") &&
		  strstr(hn_stdout(cooked), "128 bytes"),
		  "a raw socket reads 14 bytes more (the Ethernet header) "
		  "than a cooked one: %s / %s", tk_shown(hn_stdout(raw)),
		  tk_shown(hn_stdout(cooked)));
	close(s);
	tk_transcript_close(tr, CH29, "rawcooked");
}

/* Reads "kernel: N frames for this socket, D of them dropped". */
static void stats_of(hn_proc *p, long *frames, long *drops)
{
	char *l = hn_next_line(p, "kernel:", 2000);
	int n = l != NULL ? sscanf(l, "kernel: %ld frames for this "
				   "socket, %ld", frames, drops) : 0;

	free(l);
	TK_EXPECT(n == 2, "pfpacket printed no counters: %s",
		  tk_shown(hn_stdout(p)));
}

static void filter_in_the_kernel(void **state)
{
	int s1, s2;
	hn_proc *all, *some;
	long fa, da, fs, ds;
	FILE *tr = tk_transcript_open();
	char buf[2048];

	net_up();
	s1 = sink(7777);
	s2 = sink(9999);
	(void)state;
	send_udp(9999, 1);
	TK_EXPECT(tk_readable(s2, 2000) && read(s2, buf, sizeof(buf)) == 1,
		  "nothing came to port 9999");
	all = pfpacket("-q", "-r", "32768", "eth0", NULL, NULL);
	some = pfpacket("-q", "-r", "32768", "eth0", "udp port 9999", NULL);
	for (int i = 0; i < 200; i++)
		send_udp(7777, 1000);
	for (int i = 0; i < 3; i++)
		send_udp(9999, 1000);
	/* the last three are in the sink: every frame has passed */
	for (int i = 0; i < 3; i++)
		TK_EXPECT(tk_readable(s2, 2000) && read(s2, buf, sizeof(buf))
			  == 1000, "datagram %d did not come to port 9999", i);
	hn_feed(all, "", 0, 1000);
	hn_feed(some, "", 0, 1000);
	stats_of(all, &fa, &da);
	stats_of(some, &fs, &ds);
	fprintf(tr, "dns$ pfpacket -q -r 32768 eth0 'udp port 9999'\n%s",
		hn_stdout(some));
	TK_EXPECT(fs == 3 && ds == 0, "the filtered socket should count the "
		  "3 frames for port 9999 and drop none: %ld, %ld", fs, ds);
	TK_EXPECT(fa >= 203 && da > 100, "the unfiltered socket, as small, "
		  "should see every frame and drop most: %ld, %ld", fa, da);
	tk_note("unfiltered: %ld frames, %ld dropped", fa, da);
	close(s1);
	close(s2);
	tk_transcript_close(tr, CH29, "filtered");
}

/* PACKET_MR_PROMISC counts in the device's promiscuity while the
 * socket is open, and is taken back when it closes. */
static int promiscuity(void)
{
	char *out = NULL;
	int v = -1;

	hn_sh(net, "dns", 2000, &out, "ip -d link show eth0 | "
	      "sed -n 's/.* promiscuity \\([0-9]*\\) .*/\\1/p'");
	if (out != NULL)
		v = atoi(out);
	free(out);
	return v;
}

static void promiscuous_while_open(void **state)
{
	hn_proc *p;
	int before, during, after = -1;

	(void)state;
	net_up();
	before = promiscuity();
	p = pfpacket("-p", "eth0", NULL, NULL, NULL, NULL);
	during = promiscuity();
	hn_feed(p, "", 0, 1000);
	TK_EXPECT(hn_exited_within(p, 2000) == 0, "pfpacket -p did not end");
	after = promiscuity();
	TK_EXPECT(before == 0 && during == 1 && after == 0, "promiscuity of "
		  "eth0 before, during and after pfpacket -p: %d %d %d",
		  before, during, after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(query_over_ipv4_and_ipv6),
		TK_TEST(zero_and_wrong_checksums),
		TK_TEST(raw_and_cooked),
		TK_TEST(filter_in_the_kernel),
		TK_TEST(promiscuous_while_open),
	};

	hn_init();
	return TK_RUN("datalink", tests);
}
