/*
 * faults.c - each fault primitive, proved by its effect on real traffic.
 *
 * Datagram tests end with a marker sent after the fault is lifted: links
 * keep order, so once the marker is in, everything that was going to
 * arrive has arrived, and no test waits a fixed time.
 */
#include "harness.h"
#include "testkit.h"
#include "tutil.h"

#include <errno.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MARKER 0x7fffffff

static void send_seq(int fd, int seq)
{
	TK_EXPECT(send(fd, &seq, sizeof(seq), 0) == sizeof(seq),
		  "send datagram %d: %s", seq, strerror(errno));
}

/* Receives datagrams until the marker; records which numbers came. */
static int receive_until_marker(int fd, char *seen, int max)
{
	int seq, n = 0;

	for (;;) {
		ssize_t r = t_recv(fd, &seq, sizeof(seq), 2000);

		TK_EXPECT(r == sizeof(seq), "the marker datagram never came "
			  "(%s)", r < 0 ? strerror(errno) : "short read");
		if (seq == MARKER)
			return n;
		if (seq >= 0 && seq < max) {
			seen[seq]++;
			n++;
		}
	}
}

/* Receives what is already queued without waiting. */
static void drain_now(int fd, char *seen, int max)
{
	int seq;

	while (recv(fd, &seq, sizeof(seq), MSG_DONTWAIT) == sizeof(seq))
		if (seq >= 0 && seq < max)
			seen[seq]++;
}

static void loss_of_30_percent(void **state)
{
	hn_net *net = hn_two_hosts();
	int rx = t_udp(net, "b", AF_INET, 4000);
	int tx = t_udp_to(net, "a", "b", AF_INET, 4000);
	char seen[1000] = { 0 };
	int i, got = 0;

	(void)state;
	send_seq(tx, MARKER);           /* neighbours resolved first */
	receive_until_marker(rx, seen, 1000);
	hn_loss(net, "a", "b", HN_OUT, 30, 42);
	for (i = 0; i < 1000; i++) {
		send_seq(tx, i);
		if (i % 100 == 99)
			drain_now(rx, seen, 1000);
	}
	hn_loss(net, "a", "b", HN_OUT, 0, 0);
	send_seq(tx, MARKER);
	receive_until_marker(rx, seen, 1000);
	for (i = 0; i < 1000; i++)
		got += seen[i] != 0;
	TK_EXPECT(got >= 650 && got <= 750, "with 30%% loss %d of 1000 "
		  "datagrams arrived (expected 650..750)", got);
	close(rx);
	close(tx);
	hn_down(net);
}

static void drop_exactly_the_third(void **state)
{
	hn_net *net = hn_two_hosts();
	int rx = t_udp(net, "b", AF_INET6, 4000);
	int tx = t_udp_to(net, "a", "b", AF_INET6, 4000);
	char seen[8] = { 0 };
	int i;

	(void)state;
	hn_drop_nth(net, "a", "b", HN_OUT, 3, "udp dport 4000");
	for (i = 1; i <= 6; i++)
		send_seq(tx, i);
	send_seq(tx, MARKER);
	receive_until_marker(rx, seen, 8);
	for (i = 1; i <= 6; i++)
		TK_EXPECT(seen[i] == (i != 3), "datagram %d %s", i,
			  i == 3 ? "arrived although it should be dropped" :
			  "was lost although only the 3rd should be");
	close(rx);
	close(tx);
	hn_down(net);
}

static void partition_then_heal(void **state)
{
	hn_net *net = hn_chain(1);
	int rx = t_udp(net, "server", AF_INET, 4000);
	int tx = t_udp_to(net, "client", "server", AF_INET, 4000);
	char seen[4] = { 0 };

	(void)state;
	send_seq(tx, MARKER);           /* neighbours resolved first */
	receive_until_marker(rx, seen, 4);
	hn_partition(net, "client", "server r1");
	send_seq(tx, 1);
	hn_heal(net);
	send_seq(tx, 2);
	send_seq(tx, MARKER);
	receive_until_marker(rx, seen, 4);
	TK_EXPECT(seen[1] == 0, "a datagram crossed the partition");
	TK_EXPECT(seen[2] == 1, "traffic did not flow after the heal");
	close(rx);
	close(tx);
	hn_down(net);
}

static void link_down_far_and_local(void **state)
{
	hn_net *net = hn_two_hosts();
	int rx = t_udp(net, "b", AF_INET, 4000);
	int tx = t_udp_to(net, "a", "b", AF_INET, 4000);
	char seen[4] = { 0 };
	int seq = 1;

	(void)state;
	send_seq(tx, MARKER);           /* neighbours resolved first */
	receive_until_marker(rx, seen, 4);
	hn_link_down(net, "a", "b", HN_FAR);
	send_seq(tx, 1);               /* accepted, and lost in silence */
	hn_link_up(net, "a", "b");
	send_seq(tx, 2);
	send_seq(tx, MARKER);
	receive_until_marker(rx, seen, 4);
	TK_EXPECT(seen[1] == 0 && seen[2] == 1, "far link down: datagram 1 "
		  "arrived %d times (0 expected), 2 arrived %d times", seen[1],
		  seen[2]);
	hn_link_down(net, "a", "b", HN_LOCAL);
	TK_EXPECT(send(tx, &seq, sizeof(seq), 0) < 0 && errno == ENETUNREACH,
		  "with its link down, a's send gave %s, not ENETUNREACH",
		  strerror(errno));
	hn_link_up(net, "a", "b");
	send_seq(tx, 3);
	send_seq(tx, MARKER);
	receive_until_marker(rx, seen, 4);
	TK_EXPECT(seen[3] == 1, "after the link came back up, datagram 3 "
		  "was lost");
	close(rx);
	close(tx);
	hn_down(net);
}

/* The error a connected UDP socket reports after one datagram.  With
 * IP_RECVERR it reports every ICMP error, not only port unreachable. */
static int error_after_send(int fd)
{
	int seq = 1, dummy, on = 1;

	setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
	send(fd, &seq, sizeof(seq), 0);
	if (t_recv(fd, &dummy, sizeof(dummy), 2000) >= 0)
		return 0;
	return errno;
}

static void icmp_unreachable_port_host_net(void **state)
{
	hn_net *net = hn_chain(1);
	hn_cap *cap = hn_capture(net, "client", "r1");
	int rx = t_udp(net, "server", AF_INET, 4000);
	int tx = t_udp_to(net, "client", "server", AF_INET, 4000);
	int e;

	(void)state;
	/* someone listens, yet the server's own rule answers "port
	 * unreachable": a connected UDP socket gets ECONNREFUSED */
	hn_unreachable(net, "server", "server", HN_UNREACH_PORT, IPPROTO_UDP,
		       4000);
	e = error_after_send(tx);
	TK_EXPECT(e == ECONNREFUSED, "port unreachable gave %s, not "
		  "ECONNREFUSED", strerror(e));
	hn_reachable(net, "server");
	hn_unreachable(net, "r1", "server", HN_UNREACH_HOST, 0, 0);
	e = error_after_send(tx);
	TK_EXPECT(e == EHOSTUNREACH, "host unreachable from r1 gave %s",
		  strerror(e));
	hn_reachable(net, "r1");
	hn_unreachable(net, "r1", "server", HN_UNREACH_NET, 0, 0);
	e = error_after_send(tx);
	TK_EXPECT(e == ENETUNREACH, "net unreachable from r1 gave %s",
		  strerror(e));
	TK_EXPECT(hn_cap_count(cap, HN_ICMP_PORT_UNREACH) == 1 &&
		  hn_cap_count(cap, HN_ICMP_HOST_UNREACH) == 1 &&
		  hn_cap_count(cap, HN_ICMP_NET_UNREACH) == 1,
		  "the client's link did not carry one ICMP error of each "
		  "kind; it carried:\n%s", hn_cap_summary(cap, "icmp"));
	close(rx);
	close(tx);
	hn_down(net);
}

static void mtu_change_is_felt(void **state)
{
	hn_net *net = hn_two_hosts();
	int tx = t_udp_to(net, "a", "b", AF_INET, 4000);
	int pmtu = IP_PMTUDISC_DO;
	char big[1400] = { 0 };

	(void)state;
	setsockopt(tx, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu));
	TK_EXPECT(send(tx, big, sizeof(big), 0) == sizeof(big),
		  "1400 bytes did not fit the default MTU: %s",
		  strerror(errno));
	hn_mtu(net, "a", "b", 1280);
	TK_EXPECT(send(tx, big, sizeof(big), 0) < 0 && errno == EMSGSIZE,
		  "after the MTU became 1280 a 1400-byte datagram gave %s, "
		  "not EMSGSIZE", strerror(errno));
	close(tx);
	hn_down(net);
}

static void injected_rst_resets_the_connection(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "a", "b");
	int lfd = t_listen(net, "b", AF_INET, 5000);
	int cfd = t_connect(net, "a", "b", AF_INET, 5000);
	int afd = t_accept(lfd, 2000);
	char buf[8];
	ssize_t n;

	(void)state;
	hn_inject_rst(net, "a", t_port(cfd), 2000);
	n = t_recv(cfd, buf, sizeof(buf), 2000);
	TK_EXPECT(n < 0 && errno == ECONNRESET, "after the RST, a's read "
		  "gave %zd (%s), not ECONNRESET", n, strerror(errno));
	TK_EXPECT(hn_cap_count(cap, HN_RST " and dst host 192.0.2.1") == 1,
		  "the capture does not show exactly one RST to a");
	close(afd);
	close(cfd);
	close(lfd);
	hn_down(net);
}

/* One-way delays of N datagrams a -> b, in ms, measured with one clock. */
static void one_way_delays(hn_net *net, int n, long *ms)
{
	int rx = t_udp(net, "b", AF_INET, 4000);
	int tx = t_udp_to(net, "a", "b", AF_INET, 4000);
	int i, seq;

	for (i = 0; i < n; i++) {
		long sent = t_now_ms();

		send_seq(tx, i);
		TK_EXPECT(t_recv(rx, &seq, sizeof(seq), 2000) == sizeof(seq),
			  "datagram %d never arrived through the impairer", i);
		ms[i] = t_now_ms() - sent;
	}
	close(rx);
	close(tx);
}

/* Delays only grow when the machine is busy, so the checks are that no
 * datagram beat the delay, and that jitter spread them out. */
static void delay_and_jitter_measured(void **state)
{
	hn_net *net = hn_two_hosts();
	struct hn_impair im = { .delay_ms = 40, .jitter_ms = 20, .seed = 7 };
	long ms[8], lo = 100000, hi = 0;
	char *tables = NULL;
	int i;

	(void)state;
	hn_impair(net, "a", "b", HN_OUT, &im);
	one_way_delays(net, 8, ms);
	for (i = 0; i < 8; i++) {
		lo = ms[i] < lo ? ms[i] : lo;
		hi = ms[i] > hi ? ms[i] : hi;
	}
	TK_EXPECT(lo >= 40 && hi - lo >= 5, "with delay 40 ms and jitter 20 "
		  "ms the delays ran from %ld to %ld ms", lo, hi);
	hn_clear(net, "a", "b");
	hn_sh(net, "a", 2000, &tables, "nft list tables");
	TK_EXPECT(strstr(tables, "hnimp") == NULL, "hn_clear left the "
		  "impairer's rules:\n%s", tables);
	free(tables);
	one_way_delays(net, 1, ms);
	hn_down(net);
}

static void reorder_and_duplicate_measured(void **state)
{
	hn_net *net = hn_two_hosts();
	struct hn_impair im = { .reorder_pct = 25, .reorder_ms = 150,
				.dup_pct = 20, .seed = 3 };
	int rx = t_udp(net, "b", AF_INET, 4000);
	int tx = t_udp_to(net, "a", "b", AF_INET, 4000);
	char seen[200] = { 0 };
	int i, seq, last = -1, late = 0, dups = 0, lost = 0;

	(void)state;
	hn_impair(net, "a", "b", HN_OUT, &im);
	for (i = 0; i < 200; i++)
		send_seq(tx, i);
	hn_clear(net, "a", "b");        /* held packets are let go */
	for (;;) {
		TK_EXPECT(t_recv(rx, &seq, sizeof(seq), 2000) == sizeof(seq),
			  "the impaired stream stopped before the marker");
		if (seq == MARKER)
			break;
		late += seq < last;
		last = seq > last ? seq : last;
		seen[seq]++;
		if (seq == 199)
			send_seq(tx, MARKER);
	}
	for (i = 0; i < 200; i++) {
		dups += seen[i] > 1;
		lost += seen[i] == 0;
	}
	TK_EXPECT(late >= 20 && late <= 80 && dups >= 20 && dups <= 60 &&
		  lost == 0, "of 200 datagrams %d came late (out of order), %d "
		  "twice and %d never; expected about 50, 40 and 0", late,
		  dups, lost);
	close(rx);
	close(tx);
	hn_down(net);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(loss_of_30_percent),
		TK_TEST(drop_exactly_the_third),
		TK_TEST(partition_then_heal),
		TK_TEST(link_down_far_and_local),
		TK_TEST(icmp_unreachable_port_host_net),
		TK_TEST(mtu_change_is_felt),
		TK_TEST(injected_rst_resets_the_connection),
		TK_TEST(delay_and_jitter_measured),
		TK_TEST(reorder_and_duplicate_measured),
	};
	return TK_RUN("harness_faults", tests);
}
