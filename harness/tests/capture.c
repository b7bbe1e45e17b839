/*
 * capture.c - what crossed the wire: handshakes, closes, TCP options, UDP
 * payloads, ICMPv6, segment sizes with offloads off, and the pcap file.
 */
#include "harness.h"
#include "testkit.h"
#include "tutil.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void handshake_and_close(hn_net *net, hn_cap *cap, int family)
{
	int lfd = t_listen(net, "b", family, 5000);
	int cfd = t_connect(net, "a", "b", family, 5000);
	int afd = t_accept(lfd, 2000);
	char buf[4];

	close(cfd);
	TK_EXPECT(t_recv(afd, buf, sizeof(buf), 2000) == 0,
		  "the server did not see end of file");
	close(afd);
	close(lfd);
	hn_cap_wait(cap, HN_FIN, 2, 2000);
}

static void tcp_handshake_close_and_mss(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "a", "b");
	char path[4096];
	struct stat st;

	(void)state;
	handshake_and_close(net, cap, AF_INET);
	TK_EXPECT(hn_cap_count(cap, HN_SYN) == 1 &&
		  hn_cap_count(cap, HN_SYNACK) == 1 &&
		  hn_cap_count(cap, HN_FIN) == 2 &&
		  hn_cap_count(cap, HN_RST) == 0,
		  "an IPv4 connect and close did not give SYN, SYN-ACK and "
		  "two FINs:\n%s", hn_cap_summary(cap, "tcp"));
	TK_EXPECT(hn_cap_tcp_mss(cap, HN_SYN, 0) == 1460,
		  "the SYN's MSS is %d, not 1460", hn_cap_tcp_mss(cap, HN_SYN,
								 0));
	handshake_and_close(net, cap, AF_INET6);
	TK_EXPECT(hn_cap_count(cap, "ip6 and " HN_SYN) == 1 &&
		  hn_cap_count(cap, "ip6 and " HN_FIN) == 2,
		  "the IPv6 handshake or close is missing:\n%s",
		  hn_cap_summary(cap, "ip6 and tcp"));
	TK_EXPECT(hn_cap_tcp_mss(cap, "ip6 and " HN_SYNACK, 0) == 1440,
		  "the IPv6 SYN-ACK's MSS is %d, not 1440",
		  hn_cap_tcp_mss(cap, "ip6 and " HN_SYNACK, 0));
	TK_EXPECT(strstr(hn_cap_path(cap), "/captures/harness-tests-capture."
			 "tcp_handshake_close_and_mss.") != NULL,
		  "the capture is saved as %s", hn_cap_path(cap));
	snprintf(path, sizeof(path), "%s", hn_cap_path(cap));
	hn_cap_close(cap);
	TK_EXPECT(stat(path, &st) == 0 && st.st_size > 24 * 10,
		  "the pcap file %s is missing or nearly empty", path);
	hn_down(net);
}

static void udp_payload_and_icmp6(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "b", "a");
	int rx = t_udp(net, "b", AF_INET, 4000);
	int tx = t_udp_to(net, "a", "b", AF_INET, 4000);
	int closed = t_udp_to(net, "a", "b", AF_INET6, 4999);
	char buf[32];
	ssize_t n;

	(void)state;
	send(tx, "hello, wire", 11, 0);
	hn_cap_wait(cap, "udp and dst port 4000", 1, 2000);
	n = hn_cap_payload(cap, "udp and dst port 4000", 0, buf, sizeof(buf));
	TK_EXPECT(n == 11 && memcmp(buf, "hello, wire", 11) == 0,
		  "the captured payload is %zd bytes \"%.*s\"", n,
		  (int)(n > 0 ? n : 0), buf);
	send(closed, "x", 1, 0);
	n = t_recv(closed, buf, sizeof(buf), 2000);
	TK_EXPECT(n < 0 && errno == ECONNREFUSED,
		  "UDP to a closed IPv6 port gave %s", strerror(errno));
	TK_EXPECT(hn_cap_count(cap, HN_ICMP6(1, 4)) == 1,
		  "no ICMPv6 port unreachable in the capture:\n%s",
		  hn_cap_summary(cap, NULL));
	close(rx);
	close(tx);
	close(closed);
	hn_down(net);
}

/* With segmentation offloads off, a 64 KiB write crosses the wire as
 * MTU-sized segments, as a real wire would carry them. */
static void segments_fit_the_mtu(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "a", "b");
	int lfd = t_listen(net, "b", AF_INET, 5000);
	int cfd = t_connect(net, "a", "b", AF_INET, 5000);
	int afd = t_accept(lfd, 2000);
	static char data[65536];
	size_t got = 0;

	(void)state;
	TK_EXPECT(write(cfd, data, sizeof(data)) == sizeof(data),
		  "write: %s", strerror(errno));
	while (got < sizeof(data)) {
		ssize_t n = t_recv(afd, data, sizeof(data), 2000);

		TK_EXPECT(n > 0, "the server got %zu of 65536 bytes", got);
		got += (size_t)n;
	}
	TK_EXPECT(hn_cap_count(cap, "greater 1515") == 0 &&
		  hn_cap_count(cap, "tcp and src host 192.0.2.1 and greater "
			       "1500") >= 40,
		  "segments are not MTU-sized: %d frames over 1514 bytes, %d "
		  "full-sized", hn_cap_count(cap, "greater 1515"),
		  hn_cap_count(cap, "tcp and greater 1500"));
	close(afd);
	close(cfd);
	close(lfd);
	hn_down(net);
}

static void capture_on_a_lan(void **state)
{
	hn_net *net = hn_lan(3);
	hn_cap *cap = hn_capture(net, "h1", "lan0");
	int rx = t_udp(net, "h1", AF_INET6, 4000);
	int tx = t_udp_to(net, "h3", "h1", AF_INET6, 4000);

	(void)state;
	send(tx, "lan", 3, 0);
	TK_EXPECT(hn_cap_wait(cap, "ip6 and udp and src host 2001:db8:3::3",
			      1, 2000) == 1,
		  "h1's capture missed h3's datagram");
	close(rx);
	close(tx);
	hn_down(net);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(tcp_handshake_close_and_mss),
		TK_TEST(udp_payload_and_icmp6),
		TK_TEST(segments_fit_the_mtu),
		TK_TEST(capture_on_a_lan),
	};
	return TK_RUN("harness_capture", tests);
}
