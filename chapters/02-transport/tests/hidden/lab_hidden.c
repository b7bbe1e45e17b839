/*
 * Lab 2 hidden tests (used for grading): captures with two connections,
 * with damaged or cut headers, and across a router whose far link has a
 * smaller MTU.
 */
#include "../ch02test.h"

static hn_proc *capscan(hn_net *net, const char *path, int *status)
{
	hn_proc *p = hn_run(net, "a", tk_lab_prog("capscan"), path, NULL);
	int st = hn_wait_exit(p, WAIT_MS);

	if (st < 0)
		TK_FAIL("capscan %s was still running after %d ms (a loop "
			"that never ends on a damaged header?)", path,
			WAIT_MS);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return p;
}

static struct truth truth_of(const struct exchange *x)
{
	char c[128], s[128];

	return read_truth(x->path, end_filter(x->client, c, sizeof(c)),
			  end_filter(x->server, s, sizeof(s)));
}

static void expect_output(hn_net *net, const char *scenario,
			  const char *path, const char *want)
{
	int status;
	hn_proc *p = capscan(net, path, &status);

	TK_EXPECT(status == 0 && strcmp(hn_stdout(p), want) == 0,
		  "for %s, your capscan exited %d and printed\n%s"
		  "where the capture shows\n%s(it said: %s)", scenario,
		  status, hn_stdout(p), want, tk_chomp(hn_stderr(p)));
}

/* Two daytime connections one after the other: the first is reported. */
static void two_connections_first_reported(void **state)
{
	hn_net *net = hn_two_hosts();
	struct exchange x[2];
	struct truth t;
	char *want;

	(void)state;
	capture_two_daytimes(net, x);
	t = truth_of(&x[0]);
	want = expected_report(&x[0], &t, 1460, 1460, "server", "server");
	expect_output(net, "a capture of two daytime connections",
		      x[0].path, want);
	free(want);
	free(x[0].path);
	hn_down(net);
}

/* Damages the MSS option of every SYN: its length byte becomes *arg. */
static int break_mss(struct pcap_pkthdr *h, u_char *frame, long no,
		     void *arg)
{
	size_t tcp = tcp_offset(frame), i;

	(void)no;
	if (h->caplen < tcp + 24 || !(frame[tcp + 13] & 0x02))
		return 1;
	for (i = tcp + 20; i + 1 < h->caplen; i++)
		if (frame[i] == 2 && frame[i + 1] == 4) {
			frame[i + 1] = *(u_char *)arg;
			return 1;
		}
	return 1;
}

static void malformed_mss_option(void **state)
{
	static const u_char bad_len[2] = { 0, 255 };
	hn_net *net = hn_two_hosts();
	struct exchange x = capture_exchange(net, AF_INET, SERVER_CLOSES);
	struct truth t = truth_of(&x);
	char *path, *want;
	int i;

	(void)state;
	want = expected_report(&x, &t, -1, -1, "server", "server");
	/* expected_report prints -1; capscan prints "none" */
	want = tk_scrub(want, "-1", "none");
	for (i = 0; i < 2; i++) {
		char scenario[128];

		char suffix[32];

		snprintf(suffix, sizeof(suffix), "-mss-length-%d.pcap",
			 bad_len[i]);
		path = beside(x.path, suffix);
		rewrite(x.path, path, break_mss, (void *)&bad_len[i], 65535);
		snprintf(scenario, sizeof(scenario), "a capture whose SYNs "
			 "carry an MSS option of length %d", bad_len[i]);
		expect_output(net, scenario, path, want);
		free(path);
	}
	free(want);
	free(x.path);
	hn_down(net);
}

/* Cuts every packet after its TCP header's first 20 bytes. */
static int cut_options(struct pcap_pkthdr *h, u_char *frame, long no,
		       void *arg)
{
	size_t keep = tcp_offset(frame) + 20;

	(void)arg;
	(void)no;
	if (h->caplen > keep)
		h->caplen = (bpf_u_int32)keep;
	return 1;
}

static void headers_cut_by_snaplen(void **state)
{
	hn_net *net = hn_two_hosts();
	struct exchange x = capture_exchange(net, AF_INET6, CLIENT_CLOSES);
	struct truth t = truth_of(&x);
	char *path, *want;

	(void)state;
	path = beside(x.path, "-snaplen.pcap");
	rewrite(x.path, path, cut_options, NULL, 74);
	want = expected_report(&x, &t, -1, -1, "client", "client");
	want = tk_scrub(want, "-1", "none");
	expect_output(net, "a capture taken with a snap length that cuts "
		      "off the TCP options", path, want);
	free(path);
	free(want);
	free(x.path);
	hn_down(net);
}

/*
 * a - r1 - r2 - b, the link r1 - r2 with MTU 1280: each end announces the
 * MSS of its own link (1460), not of the path.  The capture is at a's
 * end.
 */
static void mss_is_the_local_link_mtu(void **state)
{
	hn_net *net = hn_up("host a b\nrouter r1 r2\n"
			    "link a r1 192.0.2.0/24\n"
			    "link r1 r2 198.51.100.0/24\n"
			    "link r2 b 203.0.113.0/24\n"
			    "mtu r1 r2 1280\n");
	hn_cap *cap = hn_capture(net, "a", "r1");
	struct exchange x;
	struct truth t;
	char *want;
	int fd;

	(void)state;
	hn_inetd(net, "b", "daytime");
	fd = tk_connect(net, "a", "203.0.113.2", 13);
	local_end(fd, x.client, sizeof(x.client));
	peer_end(fd, x.server, sizeof(x.server));
	read_to_eof(fd);
	Shutdown(fd, SHUT_WR);
	await_closed(fd);
	close(fd);
	/* the marker: one datagram from b through r, waited for */
	{
		struct sockaddr_storage to;
		socklen_t len;
		int u;

		hn_sockaddr(net, "a", AF_INET, 9, &to, &len);
		hn_enter(net, "b");
		u = Socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		hn_leave(net);
		Sendto(u, "end", 3, 0, (struct sockaddr *)&to, len);
		close(u);
		hn_cap_wait(cap, "udp and dst port 9", 1, WAIT_MS);
	}
	x.path = strdup(hn_cap_path(cap));
	hn_cap_close(cap);
	t = truth_of(&x);
	want = expected_report(&x, &t, 1460, 1460, "server", "server");
	expect_output(net, "a daytime exchange through a router whose "
		      "other link has MTU 1280", x.path, want);
	free(want);
	free(x.path);
	hn_down(net);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(two_connections_first_reported),
		TK_TEST(malformed_mss_option),
		TK_TEST(headers_cut_by_snaplen),
		TK_TEST(mss_is_the_local_link_mtu),
	};
	return TK_RUN("lab02 hidden", tests);
}
