/*
 * Lab 29 public tests: the student's sniff reads capture files the
 * test writes byte by byte, and captures live in a host of a two-host
 * network; tcpdump reads the same packets (the same file, or the
 * harness's capture of the same link), and the lines must say the same
 * thing.
 */
#include "lab29.h"
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#define A4 "192.0.2.1"
#define B4 "192.0.2.2"
#define A6 "2001:db8:1::1"
#define B6 "2001:db8:1::2"

/* IPv4 on Ethernet: two UDP datagrams (ports 40000 and 53, which read
 * backwards are 16540 and 13568), TCP with 12 bytes of options, an
 * ICMP echo request, a bare TCP ACK. */
static int set_ip4(struct pk *k, int dlt)
{
	unsigned char ip[2048];

	pk_frame(&k[0], dlt, 4, ip, pk_ip4(ip, A4, B4, 0, 17, 40000, 53,
					   34, 0));
	pk_frame(&k[1], dlt, 4, ip, pk_ip4(ip, B4, A4, 0, 17, 53, 40000,
					   50, 0));
	pk_frame(&k[2], dlt, 4, ip, pk_ip4(ip, A4, B4, 0, 6, 41000, 7, 5,
					   12));
	pk_frame(&k[3], dlt, 4, ip, pk_ip4(ip, A4, B4, 0, 1, 0, 0, 56, 0));
	pk_frame(&k[4], dlt, 4, ip, pk_ip4(ip, B4, A4, 0, 6, 7, 41000, 0,
					   0));
	return 5;
}

static int set_ip6(struct pk *k, int dlt)
{
	unsigned char ip[2048];

	pk_frame(&k[0], dlt, 6, ip, pk_ip6(ip, A6, B6, 17, 40001, 53, 30,
					   0));
	pk_frame(&k[1], dlt, 6, ip, pk_ip6(ip, B6, A6, 6, 7, 41001, 9, 12));
	pk_frame(&k[2], dlt, 6, ip, pk_ip6(ip, A6, B6, 58, 0, 0, 56, 0));
	return 3;
}

/* Runs sniff and tcpdump on FILE with FILTER and fails, naming SECTION
 * and HINT, if their lines differ; the number of lines. */
static int same_as_tcpdump(const char *file, const char *filter,
			   const char *section, const char *hint)
{
	hn_proc *p = sniff_file(file, filter);
	char *want = tcpdump_lines(file, filter);
	const char *d = lab29_diff(hn_stdout(p), want);
	int n = lab29_lines(want);

	TK_EXPECT(hn_exit_status(p) == 0, "sniff -r %s '%s' exited with "
		  "status %d: %s", file, filter ? filter : "",
		  tk_exit_code(p), tk_shown(hn_stderr(p)));
	TK_EXPECT(*d == '\0', "sniff -r %s '%s' and tcpdump disagree: %s. "
		  "%s (see %s)", file, filter ? filter : "", d, hint,
		  section);
	free(want);
	return n;
}

static void file_like_tcpdump(void **state)
{
	struct pk k[8];
	const char *f = lab29_file("ip4", DLT_EN10MB, 65535, k,
				   set_ip4(k, DLT_EN10MB));

	(void)state;
	TK_EXPECT(same_as_tcpdump(f, NULL, "29.7", "Ports and lengths are "
				  "big-endian in the packet (ntohs); TCP's "
				  "data starts after its data offset, "
				  "options included") == 5,
		  "tcpdump did not see the 5 packets the test wrote");
}

static void ipv6_like_tcpdump(void **state)
{
	struct pk k[8];
	const char *f = lab29_file("ip6", DLT_EN10MB, 65535, k,
				   set_ip6(k, DLT_EN10MB));

	(void)state;
	same_as_tcpdump(f, NULL, "29.7", "An IPv6 packet (Ethernet type "
			"0x86dd, version 6) has a 40-byte header; its "
			"payload length is at bytes 4-5");
}

static void ip_options_like_tcpdump(void **state)
{
	struct pk k[4];
	unsigned char ip[2048];
	const char *f;

	(void)state;
	pk_frame(&k[0], DLT_EN10MB, 4, ip, pk_ip4(ip, A4, B4, 4, 17, 40002,
						  53, 20, 0));
	pk_frame(&k[1], DLT_EN10MB, 4, ip, pk_ip4(ip, A4, B4, 8, 6, 41002,
						  80, 10, 0));
	pk_frame(&k[2], DLT_EN10MB, 4, ip, pk_ip4(ip, B4, A4, 40, 17, 53,
						  40002, 7, 0));
	f = lab29_file("ipopt", DLT_EN10MB, 65535, k, 3);
	same_as_tcpdump(f, NULL, "29.7", "An IPv4 header with options is "
			"longer than 20 bytes: its length is the IHL field "
			"(low 4 bits of byte 0) times 4");
}

static void cut_packets_keep_lengths(void **state)
{
	struct pk k[4];
	unsigned char ip[2048];
	const char *f;

	(void)state;
	pk_frame(&k[0], DLT_EN10MB, 4, ip, pk_ip4(ip, A4, B4, 0, 17, 40003,
						  53, 1000, 0));
	pk_frame(&k[1], DLT_EN10MB, 4, ip, pk_ip4(ip, A4, B4, 0, 6, 41003,
						  80, 1400, 0));
	pk_frame(&k[2], DLT_EN10MB, 6, ip, pk_ip6(ip, A6, B6, 17, 40003, 53,
						  1200, 0));
	f = lab29_file("cut", DLT_EN10MB, 64, k, 3);
	same_as_tcpdump(f, NULL, "29.7", "With a snap length of 64 only the "
			"first 64 bytes are captured (caplen); the lengths "
			"come from the headers, which say how long the "
			"packet was");
}

static void cooked_captures_like_tcpdump(void **state)
{
	static const struct { int dlt; const char *name; } t[] = {
		{ DLT_LINUX_SLL, "DLT_LINUX_SLL (tcpdump -i any, 16 bytes)" },
		{ DLT_LINUX_SLL2, "DLT_LINUX_SLL2 (20 bytes, type first)" },
		{ DLT_RAW, "DLT_RAW (no link-layer header)" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pk k[8];
		char name[32], hint[160];
		const char *f;
		int n = set_ip4(k, t[i].dlt);

		snprintf(name, sizeof(name), "cooked%zu", i);
		f = lab29_file(name, t[i].dlt, 65535, k, n);
		snprintf(hint, sizeof(hint), "The file's link type is %s: "
			 "the IP packet starts after that header, not after "
			 "14 bytes (pcap_datalink())", t[i].name);
		same_as_tcpdump(f, NULL, "29.6", hint);
	}
}

static void filter_keeps_only_matching(void **state)
{
	struct pk k[16];
	const char *f;
	int n = set_ip4(k, DLT_EN10MB);
	static const char *const filters[] = {
		"udp and port 53", "tcp", "dst host 192.0.2.2", "ip6",
	};

	(void)state;
	n += set_ip6(k + n, DLT_EN10MB);
	f = lab29_file("mixed", DLT_EN10MB, 65535, k, n);
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		same_as_tcpdump(f, filters[i], "29.5", "The filter is "
				"compiled with pcap_compile() and given to "
				"the capture with pcap_setfilter()");
}

static void bad_filter_is_an_error(void **state)
{
	struct pk k[8];
	const char *f = lab29_file("bad", DLT_EN10MB, 65535, k,
				   set_ip4(k, DLT_EN10MB));
	const char *args[] = { "-r", f, "udp", "port", NULL };
	hn_proc *p = sniff_start(NULL, NULL, args);
	int st = hn_exited_within(p, 2000);
	char *want = tcpdump_lines(f, "udp");

	(void)state;
	TK_EXPECT(st != -1, "sniff -r FILE udp port (a filter that does "
		  "not compile) was still running after 2 s (29.5)");
	TK_EXPECT(tk_exit_code(p) == 1 && strstr(hn_stderr(p), "syntax")
		  != NULL, "sniff -r FILE udp port: a filter that does not "
		  "compile must end sniff with status 1 and pcap's message "
		  "(\"syntax error\", from pcap_geterr()); it exited with "
		  "%d, stderr %s, stdout %s (see 29.5)", tk_exit_code(p),
		  tk_shown(hn_stderr(p)), tk_shown(hn_stdout(p)));
	TK_EXPECT(*hn_stdout(p) == '\0', "sniff printed packets although "
		  "its filter did not compile (29.5): %s",
		  tk_shown(hn_stdout(p)));
	p = sniff_file("/dev/shm/no-such.pcap", NULL);
	TK_EXPECT(tk_exit_code(p) == 1 && strstr(hn_stderr(p), "no-such")
		  != NULL, "sniff -r on a file that does not exist must exit "
		  "1 saying why; it exited %d: %s (29.5)", tk_exit_code(p),
		  tk_shown(hn_stderr(p)));
	free(want);
}

/* ---- live captures ----------------------------------------------------- */

/* sniff's capture in host b is ready: it holds a packet socket with a
 * filter of more than one instruction (libpcap sets a "drop all"
 * filter of one first, then the real one).  A sniff that sets no
 * filter is taken as ready once its socket exists, 1 s later. */
static void wait_ready(hn_proc *p)
{
	long long end = tk_now_ms() + 2000, sock_at = -1;

	while (tk_now_ms() < end && hn_exit_status(p) == -1) {
		int s = tk_socket_of(hn_pid(p), SOCK_RAW);
		socklen_t n = 0;

		if (s >= 0) {
			if (sock_at < 0)
				sock_at = tk_now_ms();
			getsockopt(s, SOL_SOCKET, SO_GET_FILTER, NULL, &n);
			close(s);
			if (n > 1 || tk_now_ms() - sock_at > 1000)
				return;
		}
		tk_tick();
	}
	TK_FAIL("sniff -i eth0 opened no capture within 2 s: %s %s (29.5)",
		tk_shown(hn_stderr(p)), tk_shown(hn_stdout(p)));
}

/* A datagram of LEN bytes from host a to TO, port PORT. */
static void send_from_a(hn_net *net, const char *to, int port, size_t len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons((uint16_t)port) };
	char buf[1500];
	int s, on = 1;

	memset(buf, 'y', sizeof(buf));
	inet_pton(AF_INET, to, &sin.sin_addr);
	hn_enter(net, "a");
	s = socket(AF_INET, SOCK_DGRAM, 0);
	hn_leave(net);
	setsockopt(s, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on));
	TK_EXPECT(sendto(s, buf, len, 0, (struct sockaddr *)&sin,
			 sizeof(sin)) == (ssize_t)len, "could not send to %s",
		  to);
	close(s);
}

static void live_stops_after_count(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "b", "a");
	const char *args[] = { "-i", "eth0", "-c", "3", "udp", "port", "9999",
			       NULL };
	hn_proc *p;
	char *want;
	const char *d;

	(void)state;
	send_from_a(net, B4, 7, 10);    /* ARP done before sniff starts */
	hn_cap_wait(cap, "udp port 7", 1, 2000);
	p = sniff_start(net, "b", args);
	wait_ready(p);
	for (int i = 1; i <= 3; i++) {
		send_from_a(net, B4, 7777, 20);         /* not for sniff */
		send_from_a(net, B4, 9999, (size_t)(100 * i));
		char *l = hn_next_line(p, "udp", 1000);

		free(l);
		TK_EXPECT(l != NULL, "sniff -i "
			  "eth0 -c 3 udp port 9999 printed no line within "
			  "1 s of datagram %d%s. Without immediate mode, "
			  "libpcap keeps packets in its buffer until it "
			  "fills; with pcap_dispatch() in place of "
			  "pcap_loop(), the loop may have ended early "
			  "(29.5)", i, hn_exit_status(p) != -1 ?
			  " (it had exited)" : "");
	}
	TK_EXPECT(hn_exited_within(p, 1000) == 0, "sniff -c 3 printed its "
		  "3 lines but had not exited 1 s later: the count goes to "
		  "pcap_loop() (29.5)");
	hn_cap_wait(cap, "udp port 9999", 3, 2000);
	want = tcpdump_lines(hn_cap_path(cap), "udp port 9999");
	d = lab29_diff(hn_stdout(p), want);
	TK_EXPECT(*d == '\0', "sniff -i eth0 and tcpdump (reading the "
		  "harness's capture of the same link) disagree: %s (29.7)",
		  d);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(file_like_tcpdump),
		TK_TEST(ipv6_like_tcpdump),
		TK_TEST(ip_options_like_tcpdump),
		TK_TEST(cut_packets_keep_lengths),
		TK_TEST(cooked_captures_like_tcpdump),
		TK_TEST(filter_keeps_only_matching),
		TK_TEST(bad_filter_is_an_error),
		TK_TEST(live_stops_after_count),
	};

	hn_init();
	return TK_RUN("lab29", tests);
}
