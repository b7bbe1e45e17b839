/*
 * transport.c - chapter 2's claims about TCP on Linux, measured: the
 * states tcpstate shows, how long TIME_WAIT lasts, and the MSS each end
 * announces for a link's MTU and what a smaller MTU further on does.
 */
#include "ch02test.h"

/* Runs tcpstate in host a with ARGS (NULL-ended); returns its output. */
static const char *tcpstate(hn_net *net, const char *arg1,
			    const char *arg2, const char *arg3)
{
	hn_proc *p = hn_run(net, "a", ch_prog("tcpstate"), arg1, arg2, arg3,
			    NULL);
	int status = hn_wait_exit(p, WAIT_MS);

	TK_EXPECT(status == 0, "tcpstate %s %s %s failed (status %d): %s",
		  arg1 ? arg1 : "", arg2 ? arg2 : "", arg3 ? arg3 : "",
		  status, tk_chomp(hn_stderr(p)));
	return hn_stdout(p);
}

/* The line of tcpstate's table that starts with STEP, or fail. */
static const char *row(const char *out, const char *step)
{
	const char *line = out;

	while (line != NULL && *line != '\0') {
		if (strncmp(line, step, strlen(step)) == 0)
			return line;
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	TK_FAIL("tcpstate printed no step \"%s\":\n%s", step, out);
}

/* Expects the row for STEP to show the two states. */
static void expect_row(const char *out, const char *step,
		       const char *client, const char *server)
{
	const char *line = row(out, step);
	char want[160];
	size_t len = strcspn(line, "\n");

	snprintf(want, sizeof(want), "%-46s %-12s %s", step, client, server);
	TK_EXPECT(strlen(want) == len && strncmp(line, want, len) == 0,
		  "after \"%s\" the book says client %s, server %s; "
		  "tcpstate printed\n%.*s", step, client, server, (int)len,
		  line);
}

/* tcpstate's output with its ports scrubbed, for the book. */
static void transcript(const char *name, const char *command,
		       const char *out)
{
	char *text;

	if (asprintf(&text, "$ %s\n%s", command, out) < 0)
		abort();
	text = tk_scrub(text, ":[0-9]+,", ":PORT,");
	text = tk_scrub(text, ":[0-9]+\\)", ":PORT)");
	tk_transcript(CH02, name, text);
	free(text);
}

static void client_closes_first(void **state)
{
	hn_net *net = hn_two_hosts();
	const char *out = tcpstate(net, NULL, NULL, NULL);

	(void)state;
	expect_row(out, "server: listen(), a queue of one", "-", "LISTEN");
	/* Linux drops a SYN when the listen queue is full: no RST. */
	expect_row(out, "client: connect(); the SYN is dropped",
		   "SYN_SENT", "LISTEN");
	expect_row(out, "SYN sent again, answered; server: accept()",
		   "ESTABLISHED", "ESTABLISHED");
	expect_row(out, "client: shutdown(); FIN waits behind data",
		   "FIN_WAIT_1", "ESTABLISHED");
	expect_row(out, "server: reads all, then end of file",
		   "FIN_WAIT_2", "CLOSE_WAIT");
	expect_row(out, "server: shutdown(); FIN waits behind data",
		   "FIN_WAIT_2", "LAST_ACK");
	expect_row(out, "client: reads all, then end of file",
		   "TIME_WAIT", "CLOSE");
	transcript("tcpstate", "tcpstate", out);
	hn_down(net);
}

static void server_closes_first_ipv6(void **state)
{
	hn_net *net = hn_two_hosts();
	const char *out = tcpstate(net, "-c", "server", "::1");

	(void)state;
	expect_row(out, "server: shutdown(); FIN waits behind data",
		   "ESTABLISHED", "FIN_WAIT_1");
	expect_row(out, "client: reads all, then end of file",
		   "CLOSE_WAIT", "FIN_WAIT_2");
	expect_row(out, "client: shutdown(); FIN waits behind data",
		   "LAST_ACK", "FIN_WAIT_2");
	expect_row(out, "server: reads all, then end of file",
		   "CLOSE", "TIME_WAIT");
	TK_EXPECT(strstr(out, "(client [::1]:") != NULL,
		  "tcpstate ::1 did not use IPv6:\n%s", out);
	transcript("tcpstate-server", "tcpstate -c server ::1", out);
	hn_down(net);
}

static void simultaneous_close(void **state)
{
	hn_net *net = hn_two_hosts();
	const char *out = tcpstate(net, "-c", "both", NULL);

	(void)state;
	expect_row(out, "both: shutdown(); FINs wait behind data",
		   "FIN_WAIT_1", "FIN_WAIT_1");
	/* The client gets the server's FIN while its own is unacknowledged:
	 * CLOSING.  The server's FIN is acknowledged: FIN_WAIT_2. */
	expect_row(out, "client: reads all, then end of file",
		   "CLOSING", "FIN_WAIT_2");
	expect_row(out, "server: reads all, then end of file",
		   "TIME_WAIT", "TIME_WAIT");
	transcript("tcpstate-both", "tcpstate -c both", out);
	hn_down(net);
}

/* The seconds tcpstate says the client's TIME_WAIT has left. */
static int time_wait_left(const char *out)
{
	const char *line = strstr(out, "TIME_WAIT: the client's end, for ");
	int secs;

	TK_EXPECT(line != NULL && sscanf(line, "TIME_WAIT: the client's "
					 "end, for %d s", &secs) == 1,
		  "tcpstate did not report the client's TIME_WAIT:\n%s", out);
	return secs;
}

static void time_wait_lasts_60_seconds(void **state)
{
	hn_net *net = hn_two_hosts();
	const char *out = tcpstate(net, NULL, NULL, NULL);
	char *ss = NULL;
	int secs = time_wait_left(out);

	(void)state;
	/* Linux: TCP_TIMEWAIT_LEN, 60 s, fixed when the kernel is built. */
	TK_EXPECT(secs >= 55 && secs <= 60, "the client's TIME_WAIT has %d "
		  "s left; Linux keeps it for 60 s", secs);
	/* ss sees the same entry (a time-wait socket, not the client's) */
	hn_sh(net, "a", WAIT_MS, &ss, "ss -Htan state time-wait");
	TK_EXPECT(ss != NULL && strstr(ss, "127.0.0.1:") != NULL,
		  "ss shows no TIME-WAIT entry in host a: %s", ss);
	free(ss);
	/* tcp_fin_timeout is FIN_WAIT_2's limit, not TIME_WAIT's length. */
	hn_sh(net, "a", WAIT_MS, NULL,
	      "echo 5 >/proc/sys/net/ipv4/tcp_fin_timeout");
	out = tcpstate(net, NULL, NULL, NULL);
	secs = time_wait_left(out);
	TK_EXPECT(secs >= 55 && secs <= 60, "with tcp_fin_timeout 5 the "
		  "TIME_WAIT had %d s left; expected still 60", secs);
	hn_down(net);
}

static void tcpstate_rejects_bad_input(void **state)
{
	static const char *const cases[][3] = {
		/* arg1, arg2, what stderr must say */
		{ "-c", "x", "-c takes client, server or both" },
		{ "foo", NULL, "\"foo\" is not an IPv4 or IPv6 address" },
		{ "192.0.2.99", NULL, "bind: Cannot assign requested" },
		{ "127.0.0.1", "::1", "usage:" },
		{ "-z", NULL, "usage:" },
	};
	hn_net *net = hn_two_hosts();
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hn_proc *p = hn_run(net, "a", ch_prog("tcpstate"),
				    cases[i][0], cases[i][1], NULL);
		int status = hn_wait_exit(p, WAIT_MS);

		TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
			  strstr(hn_stderr(p), cases[i][2]) != NULL,
			  "tcpstate %s %s: expected status 1 and \"%s\", got "
			  "status %d and \"%s\"", cases[i][0],
			  cases[i][1] ? cases[i][1] : "", cases[i][2],
			  status, tk_chomp(hn_stderr(p)));
	}
	hn_down(net);
}

/* ---- MSS and MTU ---------------------------------------------------- */

/* Connects from a to a listener of the test in b; returns the MSS each
 * SYN announced (from the capture) and a's TCP_MAXSEG afterwards. */
static void measure_mss(hn_net *net, int family, int *syn_mss,
			int *synack_mss, int *maxseg)
{
	const char *addr = hn_addr(net, "b", family);
	hn_cap *cap = hn_capture(net, "a", "b");
	int lfd = tk_listen(net, "b", addr, 5000, LISTENQ);
	int cfd = tk_connect(net, "a", addr, 5000);
	int sfd = accept_within(lfd);
	socklen_t len = sizeof(*maxseg);

	hn_cap_wait(cap, HN_SYNACK, 1, WAIT_MS);
	*syn_mss = hn_cap_tcp_mss(cap, HN_SYN, 0);
	*synack_mss = hn_cap_tcp_mss(cap, HN_SYNACK, 0);
	Getsockopt(cfd, IPPROTO_TCP, TCP_MAXSEG, maxseg, &len);
	close(sfd);
	close(cfd);
	close(lfd);
	hn_cap_close(cap);
}

static void mss_follows_link_mtu(void **state)
{
	static const int mtus[2] = { 1500, 1280 };
	static const int families[2] = { AF_INET, AF_INET6 };
	char table[1024];
	size_t used;
	int m, f;

	(void)state;
	used = (size_t)snprintf(table, sizeof(table), "%-9s %-7s %-10s %s\n",
				"link MTU", "family", "MSS in SYN",
				"TCP_MAXSEG");
	for (m = 0; m < 2; m++) {
		hn_net *net = hn_two_hosts();

		if (mtus[m] != 1500)
			hn_mtu(net, "a", "b", mtus[m]);
		for (f = 0; f < 2; f++) {
			/* IPv4 and TCP headers: 40 bytes; IPv6: 60 */
			int want = mtus[m] - (f == 0 ? 40 : 60);
			int syn, synack, maxseg;

			measure_mss(net, families[f], &syn, &synack, &maxseg);
			TK_EXPECT(syn == want && synack == want,
				  "on a link of MTU %d over %s the SYNs "
				  "announced MSS %d and %d; expected %d",
				  mtus[m], f == 0 ? "IPv4" : "IPv6", syn,
				  synack, want);
			/* less the 12 bytes of the timestamp option */
			TK_EXPECT(maxseg == want - 12, "TCP_MAXSEG is %d; "
				  "expected %d (MSS less timestamps)", maxseg,
				  want - 12);
			used += (size_t)snprintf(table + used,
						 sizeof(table) - used,
						 "%-9d %-7s %-10d %d\n",
						 mtus[m],
						 f == 0 ? "IPv4" : "IPv6",
						 syn, maxseg);
		}
		hn_down(net);
	}
	tk_transcript(CH02, "mss", table);
}

/* a's path MTU to DST and TCP_MAXSEG on the connection fd. */
static void path_values(int fd, int *pmtu, int *maxseg)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	Getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len);
	*pmtu = (int)info.tcpi_pmtu;
	len = sizeof(*maxseg);
	Getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, maxseg, &len);
}

/*
 * a - r1 - r2 - b where r1 - r2 has MTU 1280: the SYNs announce 1460
 * (each end's own link); the first full-sized segment meets r1, which
 * answers "too big" (ICMP), and a's TCP lowers its segment size to fit
 * the path.
 */
static void smaller_mtu_further_on(void **state)
{
	static const int families[2] = { AF_INET, AF_INET6 };
	static const char *const icmp[2] = {
		HN_ICMP(3, 4),             /* fragmentation needed */
		HN_ICMP6(2, 0),            /* packet too big */
	};
	static char data[20000];
	char table[512];
	size_t used = 0;
	int f;

	(void)state;
	for (f = 0; f < 2; f++) {
		hn_net *net = hn_up("host a b\nrouter r1 r2\n"
				    "link a r1 192.0.2.0/24 2001:db8:1::/64\n"
				    "link r1 r2 198.51.100.0/24 "
				    "2001:db8:2::/64\n"
				    "link r2 b 203.0.113.0/24 "
				    "2001:db8:3::/64\n"
				    "mtu r1 r2 1280\n");
		const char *addr = hn_addr(net, "b", families[f]);
		hn_cap *cap = hn_capture(net, "a", "r1");
		int lfd = tk_listen(net, "b", addr, 5000, LISTENQ);
		int cfd = tk_connect(net, "a", addr, 5000);
		int sfd = accept_within(lfd);
		int before, pmtu, maxseg, syn;

		path_values(cfd, &pmtu, &before);
		hn_cap_wait(cap, HN_SYNACK, 1, WAIT_MS);
		syn = hn_cap_tcp_mss(cap, HN_SYNACK, 0);
		Writen(cfd, data, sizeof(data));
		Shutdown(cfd, SHUT_WR);
		TK_EXPECT(read_to_eof(sfd) == sizeof(data),
			  "b did not receive all %zu bytes", sizeof(data));
		TK_EXPECT(hn_cap_count(cap, icmp[f]) >= 1,
			  "r1 sent no ICMP \"too big\" to a:\n%s",
			  hn_cap_summary(cap, NULL));
		path_values(cfd, &pmtu, &maxseg);
		TK_EXPECT(syn == (f == 0 ? 1460 : 1440) && pmtu == 1280 &&
			  maxseg == 1280 - (f == 0 ? 40 : 60) - 12,
			  "over %s: b announced MSS %d, a's path MTU became "
			  "%d and TCP_MAXSEG %d", f == 0 ? "IPv4" : "IPv6",
			  syn, pmtu, maxseg);
		used += (size_t)snprintf(table + used, sizeof(table) - used,
					 "%s: b announced MSS %d; a's "
					 "TCP_MAXSEG %d, then after r1's ICMP "
					 "path MTU %d, TCP_MAXSEG %d\n",
					 f == 0 ? "IPv4" : "IPv6", syn,
					 before, pmtu, maxseg);
		close(sfd);
		close(cfd);
		close(lfd);
		hn_down(net);
	}
	tk_transcript(CH02, "pmtu", table);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(client_closes_first),
		TK_TEST(server_closes_first_ipv6),
		TK_TEST(simultaneous_close),
		TK_TEST(time_wait_lasts_60_seconds),
		TK_TEST(tcpstate_rejects_bad_input),
		TK_TEST(mss_follows_link_mtu),
		TK_TEST(smaller_mtu_further_on),
	};
	return TK_RUN("ch02 transport", tests);
}
