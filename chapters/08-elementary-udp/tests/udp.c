/*
 * udp.c - chapter 8's programs on loopback.  The naive client's three
 * failures are asserted (a lost datagram hangs it, a reply from anybody
 * is taken, a missing server goes unnoticed), then the connected client
 * getting ECONNREFUSED; the TCP+UDP server; a flood with the kernel's
 * drop counters; the source address a connected UDP socket gets.
 */
#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#define CH "08-elementary-udp"

/* A UDP socket of the test's own on 127.0.0.1 (or another loopback
 * address), a free port. */
static int test_udp(const char *addr, int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = Socket(AF_INET, SOCK_DGRAM, 0);

	Inet_pton(AF_INET, addr, &sin.sin_addr);
	Bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	Getsockname(fd, (struct sockaddr *)&sin, &len);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Receives one datagram (with a deadline) and says who sent it. */
static ssize_t recv_from(int fd, char *buf, size_t size,
			 struct sockaddr_in *from, int timeout_ms)
{
	socklen_t len = sizeof(*from);

	if (!tk_readable(fd, timeout_ms))
		return -1;
	return recvfrom(fd, buf, size, 0, (struct sockaddr *)from, &len);
}

static hn_proc *client(const char *name, int port)
{
	char portarg[16];

	snprintf(portarg, sizeof(portarg), "%d", port);
	return tk_run(CH, name, "127.0.0.1", portarg, NULL);
}

static void echo_round_trip(void **state)
{
	hn_proc *srv = tk_run(CH, "udpserv", "0", NULL), *cli;
	const char *in = "hello over UDP\nsecond datagram\n";

	(void)state;
	cli = client("udpcli", tk_listening_port(srv, 2000));
	hn_feed(cli, in, strlen(in), 2000);
	TK_EXPECT(tk_exited(cli, 2000) && hn_exit_status(cli) == 0,
		  "udpcli did not finish: %s", hn_stderr(cli));
	TK_EXPECT(strcmp(hn_stdout(cli), in) == 0, "udpcli printed \"%s\"",
		  hn_stdout(cli));
	tk_transcript_of(CH, "udpcli", "printf 'hello over UDP\\nsecond "
			 "datagram\\n' | ./udpcli 127.0.0.1 9877",
			 hn_stdout(cli));
}

static void naive_client_hangs_when_datagram_lost(void **state)
{
	int port, fd = test_udp("127.0.0.1", &port);
	struct sockaddr_in from;
	char buf[64];
	hn_proc *cli = client("udpcli", port);

	(void)state;
	hn_feed(cli, "lost\n", 5, 1000);
	TK_EXPECT(recv_from(fd, buf, sizeof(buf), &from, 2000) == 5,
		  "the request did not arrive");
	/* we "lose" it: no reply.  The client should wait for ever. */
	TK_EXPECT(!tk_exited(cli, 1000), "udpcli exited although no reply "
		  "came: expected it to wait for ever in recvfrom()");
	Close(fd);
}

static void naive_client_takes_reply_from_anybody(void **state)
{
	int port, other_port;
	int fd = test_udp("127.0.0.1", &port);
	int stranger = test_udp("127.0.0.2", &other_port);
	struct sockaddr_in from;
	char buf[64];
	hn_proc *cli = client("udpcli", port);

	(void)state;
	hn_feed(cli, "question\n", 9, 1000);
	TK_EXPECT(recv_from(fd, buf, sizeof(buf), &from, 2000) == 9,
		  "the request did not arrive");
	/* a third party answers first, from another address */
	Sendto(stranger, "forged answer\n", 14, 0, (struct sockaddr *)&from,
	       sizeof(from));
	TK_EXPECT(tk_exited(cli, 2000), "udpcli did not finish");
	TK_EXPECT(strcmp(hn_stdout(cli), "forged answer\n") == 0, "udpcli was "
		  "expected to print the forged answer from 127.0.0.2 as if "
		  "it were the reply; it printed \"%s\"", hn_stdout(cli));
	Close(fd);
	Close(stranger);
}

/* A port nobody listens on (bound, then closed). */
static int dead_port(void)
{
	int port, fd = test_udp("127.0.0.1", &port);

	Close(fd);
	return port;
}

static void server_absent_unconnected_vs_connected(void **state)
{
	int port = dead_port();
	hn_proc *naive = client("udpcli", port);
	hn_proc *conn = client("udpcli_connect", port);

	(void)state;
	hn_feed(naive, "anyone?\n", 8, 1000);
	hn_feed(conn, "anyone?\n", 8, 1000);
	TK_EXPECT(tk_exited(conn, 2000) && tk_exit_code(conn) == 1,
		  "udpcli_connect was expected to fail at once with "
		  "ECONNREFUSED");
	TK_EXPECT(strstr(hn_stderr(conn), "Connection refused") != NULL,
		  "udpcli_connect said: %s", hn_stderr(conn));
	/* the ICMP error came back for both; only the connected socket
	 * hears of it */
	TK_EXPECT(!tk_exited(naive, 1000), "the unconnected udpcli exited: "
		  "it was expected to wait for ever (%s)", hn_stderr(naive));
	tk_transcript_of(CH, "udpcli_connect_refused", "echo anyone? | "
			 "./udpcli_connect 127.0.0.1 9877", hn_stderr(conn));
}

static void tcp_and_udp_on_one_port(void **state)
{
	hn_proc *srv = tk_run(CH, "udptcpserv", "0", NULL), *cli;
	int port = tk_listening_port(srv, 2000), fd;

	(void)state;
	cli = client("udpcli", port);
	hn_feed(cli, "by UDP\n", 7, 1000);
	TK_EXPECT(tk_exited(cli, 2000) && strcmp(hn_stdout(cli), "by UDP\n")
		  == 0, "UDP echo through udptcpserv gave \"%s\"",
		  hn_stdout(cli));
	for (int i = 0; i < 2; i++) {   /* two TCP clients, one after other */
		fd = tk_connect_here(TK_LOOPBACK, port);
		TK_EXPECT(tk_echoes(fd, "by TCP\n", 2000), "TCP echo "
			  "through udptcpserv gave \"%s\"", tk_last_echo());
		Close(fd);
	}
	TK_EXPECT(!tk_exited(srv, 0), "udptcpserv exited: %s", hn_stderr(srv));
}

/* rx_queue of the UDP socket bound to port (from /proc/net/udp), or -1. */
static long rx_queue(int port)
{
	FILE *f = fopen("/proc/net/udp", "r");
	char line[512];
	long found = -1;

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		unsigned lport;
		unsigned long tx, rx;

		if (sscanf(line, " %*d: %*8x:%4x %*8x:%*4x %*2x %8lx:%8lx",
			   &lport, &tx, &rx) == 3 && (int)lport == port)
			found = (long)rx;
	}
	if (f != NULL)
		fclose(f);
	return found;
}

static long snmp_udp(const char *field)
{
	FILE *f = fopen("/proc/net/snmp", "r");
	char names[1024], values[1024];
	long result = -1;

	while (f != NULL && fgets(names, sizeof(names), f) != NULL) {
		if (strncmp(names, "Udp: ", 5) != 0 ||
		    fgets(values, sizeof(values), f) == NULL)
			continue;
		char *n_save, *v_save;
		char *n = strtok_r(names, " \n", &n_save);
		char *v = strtok_r(values, " \n", &v_save);

		for (; n && v; n = strtok_r(NULL, " \n", &n_save),
			       v = strtok_r(NULL, " \n", &v_save))
			if (strcmp(n, field) == 0)
				result = atol(v);
		break;
	}
	if (f != NULL)
		fclose(f);
	return result;
}

static long snmp_rcvbuf_errors(void)
{
	return snmp_udp("RcvbufErrors");
}

static void flood_drops_counted_by_kernel(void **state)
{
	hn_proc *sink = tk_run(CH, "udpsink", "-r", "8192", "0",
				       NULL), *flood;
	int port = tk_listening_port(sink, 2000);
	long before = snmp_rcvbuf_errors(), received, dropped;
	long long deadline;
	char portarg[16], *line;

	(void)state;
	snprintf(portarg, sizeof(portarg), "%d", port);
	/* A receiver that is busy elsewhere while the sender sends: stopped
	 * (and seen stopped) before the first datagram, so the outcome does
	 * not depend on which of the two the scheduler favours. */
	TK_EXPECT(tk_stop(hn_pid(sink)), "could not stop udpsink (process "
		  "%d)", (int)hn_pid(sink));
	flood = tk_run(CH, "udpflood", "127.0.0.1", portarg, "2000",
			  "1000", NULL);
	TK_EXPECT(tk_exited(flood, 5000) && hn_exit_status(flood) == 0,
		  "udpflood failed: %s", hn_stderr(flood));
	hn_signal(sink, SIGCONT);
	/* wait for the sink to take what is queued, then stop it */
	deadline = tk_now_ms() + 3000;
	while (rx_queue(port) != 0 && tk_now_ms() < deadline)
		poll(NULL, 0, 10);
	TK_EXPECT(rx_queue(port) == 0, "udpsink did not empty its queue");
	hn_signal(sink, SIGTERM);
	line = hn_next_line(sink, "received", 2000);
	TK_EXPECT(line != NULL && sscanf(line, "received %ld datagrams; the "
					 "kernel dropped %ld", &received,
					 &dropped) == 2,
		  "udpsink did not report its totals: %s", hn_stderr(sink));
	free(line);
	TK_EXPECT(received + dropped == 2000, "2000 datagrams were sent; "
		  "udpsink received %ld and the kernel counted %ld drops",
		  received, dropped);
	TK_EXPECT(dropped > 0 && received < 100, "udpsink received %ld "
		  "datagrams and the kernel dropped %ld, though its receive "
		  "buffer was 8 KB and it was not reading", received, dropped);
	TK_EXPECT(snmp_rcvbuf_errors() - before == dropped, "/proc/net/snmp "
		  "RcvbufErrors grew by %ld; udpsink's socket counted %ld "
		  "drops", snmp_rcvbuf_errors() - before, dropped);
}

static void connect_picks_source_address(void **state)
{
	hn_proc *p = tk_run(CH, "udpwhichaddr", "127.0.0.1", NULL);

	(void)state;
	TK_EXPECT(tk_exited(p, 2000) && hn_exit_status(p) == 0, "udpwhichaddr "
		  "failed: %s", hn_stderr(p));
	TK_EXPECT(strcmp(hn_stdout(p), "to 127.0.0.1 the kernel sends from "
			 "127.0.0.1\n") == 0, "udpwhichaddr said \"%s\"",
		  hn_stdout(p));
}

static void bad_arguments_are_explained(void **state)
{
	const struct tk_bad_args cases[] = {
		{ "udpserv", { "port" }, "not a port number" },
		{ "udpcli", { "localhost", "9" }, "not an IPv4 or IPv6" },
		{ "udpcli_connect", { "127.0.0.1" }, "usage" },
		{ "udptcpserv", { "65536" }, "not a port number" },
		{ "udpflood", { "127.0.0.1", "9", "0", "10" }, "COUNT" },
		{ "udpflood", { "127.0.0.1", "9", "1", "70000" }, "SIZE" },
		{ "udpsink", { "-r", "0", "9" }, "positive number" },
		{ "udpwhichaddr", { "192.0.2.1", "x" }, "not a port number" },
	};

	(void)state;
	tk_expect_bad_args(CH, cases, sizeof(cases) / sizeof(cases[0]));
}

/* ---- the same stories on a harness network ----------------------------- */

/* Starts chapter 8's program NAME with up to four arguments in HOST. */
static hn_proc *run_in(hn_net *net, const char *host, const char *name,
			    const char *a1, const char *a2, const char *a3,
			    const char *a4)
{
	char *argv[] = { (char *)tk_prog(CH, name), (char *)a1,
			 (char *)a2, (char *)a3, (char *)a4, NULL };

	return hn_spawn(net, host, argv, NULL);
}

static void lost_on_the_wire_naive_client_hangs(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *srv = run_in(net, "b", "udpserv", "0", 0, 0, 0), *cli;
	char portarg[16], match[64];
	int port = tk_listening_port(srv, 2000);

	(void)state;
	hn_capture(net, "a", "b");
	snprintf(portarg, sizeof(portarg), "%d", port);
	snprintf(match, sizeof(match), "udp dport %d", port);
	/* the second request is lost on the link a -> b */
	hn_drop_nth(net, "a", "b", HN_OUT, 2, match);
	cli = run_in(net, "a", "udpcli", hn_addr(net, "b", AF_INET), portarg,
		     0, 0);
	hn_feed(cli, "first\nsecond\n", 13, 1000);
	TK_EXPECT(tk_saw(cli, "first", 2000), "the first datagram was not "
		  "echoed: %s", hn_stderr(cli));
	TK_EXPECT(!tk_exited(cli, 1000), "udpcli exited although its second "
		  "request was lost: expected it to wait for ever");
	TK_EXPECT(strcmp(hn_stdout(cli), "first\n") == 0,
		  "udpcli printed \"%s\"", hn_stdout(cli));
}

static void port_unreachable_on_the_wire(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "a", "b");
	const char *b = hn_addr(net, "b", AF_INET);
	hn_proc *naive = run_in(net, "a", "udpcli", b, "9", 0, 0);
	hn_proc *conn = run_in(net, "a", "udpcli_connect", b, "9", 0, 0);

	(void)state;
	hn_feed(naive, "anyone?\n", 8, 1000);
	hn_feed(conn, "anyone?\n", 8, 1000);
	TK_EXPECT(hn_cap_wait(cap, HN_ICMP_PORT_UNREACH, 2, 2000) >= 2,
		  "b's kernel did not answer both requests with ICMP port "
		  "unreachable");
	TK_EXPECT(tk_exited(conn, 2000) &&
		  strstr(hn_stderr(conn), "Connection refused") != NULL,
		  "the connected client should fail with ECONNREFUSED; it "
		  "said: %s", hn_stderr(conn));
	TK_EXPECT(!tk_exited(naive, 500), "the unconnected client exited; "
		  "the ICMP error should never reach it");
}

static void outgoing_interface_depends_on_destination(void **state)
{
	hn_net *net = hn_multihomed();
	const char *to[] = { hn_addr_on(net, "r1", "client", AF_INET),
			     hn_addr_on(net, "r2", "client", AF_INET) };
	const char *from[] = { hn_addr_on(net, "client", "r1", AF_INET),
			       hn_addr_on(net, "client", "r2", AF_INET) };

	(void)state;
	for (int i = 0; i < 2; i++) {
		hn_proc *p = run_in(net, "client", "udpwhichaddr", to[i],
					 0, 0, 0);
		char want[128];

		snprintf(want, sizeof(want),
			 "to %s the kernel sends from %s\n", to[i], from[i]);
		TK_EXPECT(tk_exited(p, 2000) && strcmp(hn_stdout(p), want) == 0,
			  "on a host with two interfaces, udpwhichaddr %s "
			  "said "
			  "\"%s\", expected \"%s\"", to[i], hn_stdout(p), want);
	}
}

/* RcvbufErrors of the calling thread's namespace. */
static long snmp_in(hn_net *net, const char *host)
{
	long n;

	hn_enter(net, host);
	n = snmp_rcvbuf_errors();
	hn_leave(net);
	return n;
}

static void flood_across_a_link(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *sink = run_in(net, "b", "udpsink", "-r", "8192", "0", 0);
	hn_proc *flood;
	int port = tk_listening_port(sink, 2000);
	long before = snmp_in(net, "b"), received, dropped, queued = -1;
	long long deadline;
	char portarg[16], *line;

	(void)state;
	snprintf(portarg, sizeof(portarg), "%d", port);
	/* one datagram first, so that a has b's link-layer address and
	 * the flood is not held (and cut) in the neighbour queue */
	flood = run_in(net, "a", "udpflood", hn_addr(net, "b", AF_INET),
		       portarg, "1", "1000");
	TK_EXPECT(tk_exited(flood, 2000), "udpflood did not send");
	hn_enter(net, "b");
	deadline = tk_now_ms() + 2000;
	while (snmp_udp("InDatagrams") < 1 && tk_now_ms() < deadline)
		poll(NULL, 0, 10);
	hn_leave(net);
	flood = run_in(net, "a", "udpflood", hn_addr(net, "b", AF_INET),
		       portarg, "1999", "1000");
	TK_EXPECT(tk_exited(flood, 5000) && hn_exit_status(flood) == 0,
		  "udpflood failed: %s", hn_stderr(flood));
	hn_enter(net, "b");
	deadline = tk_now_ms() + 3000;
	while ((queued = rx_queue(port)) != 0 && tk_now_ms() < deadline)
		poll(NULL, 0, 10);
	hn_leave(net);
	TK_EXPECT(queued == 0, "udpsink did not empty its queue");
	hn_signal(sink, SIGTERM);
	line = hn_next_line(sink, "received", 2000);
	TK_EXPECT(line != NULL && sscanf(line, "received %ld datagrams; the "
					 "kernel dropped %ld", &received,
					 &dropped) == 2,
		  "udpsink did not report its totals: %s", hn_stderr(sink));
	free(line);
	TK_EXPECT(received + dropped == 2000, "2000 datagrams crossed the "
		  "link; udpsink received %ld and the kernel counted %ld "
		  "drops", received, dropped);
	TK_EXPECT(snmp_in(net, "b") - before == dropped, "RcvbufErrors on "
		  "host b grew by %ld; udpsink's socket counted %ld drops",
		  snmp_in(net, "b") - before, dropped);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(echo_round_trip),
		TK_TEST(naive_client_hangs_when_datagram_lost),
		TK_TEST(naive_client_takes_reply_from_anybody),
		TK_TEST(server_absent_unconnected_vs_connected),
		TK_TEST(tcp_and_udp_on_one_port),
		TK_TEST(flood_drops_counted_by_kernel),
		TK_TEST(connect_picks_source_address),
		TK_TEST(bad_arguments_are_explained),
		TK_TEST(lost_on_the_wire_naive_client_hangs),
		TK_TEST(port_unreachable_on_the_wire),
		TK_TEST(outgoing_interface_depends_on_destination),
		TK_TEST(flood_across_a_link),
	};
	return TK_RUN("ch08 udp", tests);
}
