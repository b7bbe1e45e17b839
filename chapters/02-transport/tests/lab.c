/*
 * Lab 2 public tests: the student's capscan reads captures of real
 * exchanges between hosts a (192.0.2.1, 2001:db8:1::1) and b (192.0.2.2,
 * 2001:db8:1::2), made by the test on the spot, and must tell what the
 * packets and the hosts' kernels show.
 */
#include "ch02test.h"

/* Runs the student's capscan on PATH; fills *status. */
static hn_proc *capscan(hn_net *net, const char *path, int *status)
{
	hn_proc *p = hn_run(net, "a", tk_lab_prog("capscan"), path, NULL);
	int st = hn_wait_exit(p, WAIT_MS);

	if (st < 0)
		TK_FAIL("capscan %s was still running after %d ms", path,
			WAIT_MS);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return p;
}

/* Whether the report line GOT ("client: 192.0.2.1:43512") has the
 * address of WANT and its port with the two bytes swapped. */
static int port_swapped(const char *want, size_t wl, const char *got,
			size_t gl)
{
	const char *colon = memrchr(want, ':', wl);
	size_t addr;
	long wp, gp;

	if (colon == NULL)
		return 0;
	addr = (size_t)(colon - want) + 1;
	if (gl <= addr || strncmp(want, got, addr) != 0)
		return 0;
	wp = strtol(want + addr, NULL, 10);
	gp = strtol(got + addr, NULL, 10);
	return wp != gp && gp == ((wp & 0xff) << 8 | wp >> 8);
}

/* Whether two report lines differ only in naming the other side
 * ("client" for "server" or the other way round). */
static int same_but_side(const char *want, size_t wl, const char *got,
			 size_t gl)
{
	char *other = strndup(want, wl);
	char *at = strstr(other, "server");
	int same;

	if (at != NULL)
		memcpy(at, "client", 6);
	else if ((at = strstr(other, "client")) != NULL)
		memcpy(at, "server", 6);
	same = at != NULL && gl == wl && strncmp(other, got, gl) == 0;
	free(other);
	return same;
}

/*
 * What a student should look at when the report line GOT (gl bytes)
 * differs from WANT (wl bytes): the section that explains that line,
 * and for the mistakes that have a sure sign, the sign.
 */
static const char *line_hint(const char *want, size_t wl, const char *got,
			     size_t gl)
{
	if (strncmp(want, "client:", 7) == 0 ||
	    strncmp(want, "server:", 7) == 0) {
		if (port_swapped(want, wl, got, gl))
			return "the port's two bytes are swapped: it is in "
			       "network byte order in the header, read it "
			       "with get16 (see 2.14)";
		return "the client is the side that sent the SYN, the "
		       "server the side that answered it (see 2.6)";
	}
	if (strncmp(want, "first fin:", 10) == 0 &&
	    same_but_side(want, wl, got, gl))
		return "the first FIN comes from the side that closes first, "
		       "the one that then waits in TIME_WAIT (see 2.7)";
	if (strncmp(want, "time_wait:", 10) == 0)
		return "the side that sent the first FIN waits in TIME_WAIT "
		       "(see 2.7)";
	if (strncmp(want, "mss:", 4) == 0)
		return "the MSS is the option of kind 2 and length 4 among "
		       "the options of each side's SYN: walk them from byte 20 "
		       "to the data offset, which counts 32-bit words "
		       "(see 2.6)";
	return "see 2.6";
}

/* Why a capture with a handshake (x) got none from capscan: the two
 * places to look, headers first. */
static const char *no_handshake_hint(const struct exchange *x)
{
	if (x->client[0] == '[')
		return "does parse_segment read IPv6 headers too (version 6, "
		       "40 bytes, next header at byte 6, addresses at 8 and "
		       "24: see 2.14)? Then does follow match the SYN, the "
		       "SYN+ACK of the client's ISN plus one and the ACK of "
		       "the server's ISN plus one (see 2.6)?";
	return "does parse_segment find the TCP header (the IPv4 header "
	       "length counts 32-bit words: see 2.14)? Then does follow "
	       "match the SYN, the SYN+ACK of the client's ISN plus one "
	       "and the ACK of the server's ISN plus one (see 2.6)?";
}

/* Compares the report line by line; the first difference fails. */
static void expect_report(hn_net *net, const char *scenario,
			  const struct exchange *x, const char *path,
			  const char *want)
{
	int status;
	hn_proc *p = capscan(net, path, &status);
	const char *got = hn_stdout(p), *w = want, *g = got;

	TK_EXPECT(status == 0, "for %s, your capscan exited with status %d "
		  "and said: %s%s%s", scenario, status,
		  tk_chomp(hn_stderr(p)),
		  strstr(hn_stderr(p), "handshake") ? "\nThe capture has "
		  "one: " : "", strstr(hn_stderr(p), "handshake") ?
		  no_handshake_hint(x) : "");
	while (*w != '\0') {
		size_t wl = strcspn(w, "\n"), gl = strcspn(g, "\n");

		TK_EXPECT(wl == gl && strncmp(w, g, wl) == 0,
			  "for %s, your capscan printed\n  \"%.*s\"\n"
			  "where the capture shows\n  \"%.*s\"\n"
			  "(%s; whole report:\n%s)", scenario, (int)gl, g,
			  (int)wl, w, line_hint(w, wl, g, gl), got);
		w += wl + (w[wl] != '\0');
		g += gl + (g[gl] != '\0');
	}
	TK_EXPECT(*g == '\0', "for %s, your capscan printed more than the "
		  "report: \"%s\"", scenario, g);
}

/* What the test reads, with pcap filters, of x's connection in the
 * capture at PATH (x's own, or one the test rewrote). */
static struct truth truth_in(const struct exchange *x, const char *path)
{
	char c[128], s[128];

	return read_truth(path, end_filter(x->client, c, sizeof(c)),
			  end_filter(x->server, s, sizeof(s)));
}

static struct truth truth_of(const struct exchange *x)
{
	return truth_in(x, x->path);
}

static void daytime_ipv4_server_closes_first(void **state)
{
	hn_net *net = hn_two_hosts();
	struct exchange x = capture_exchange(net, AF_INET, SERVER_CLOSES);
	struct truth t = truth_of(&x);
	char *want, *seen;

	(void)state;
	/* The kernel agrees: b, which closed first, holds TIME_WAIT. */
	TK_EXPECT(in_time_wait(net, "b", x.server, WAIT_MS, &seen),
		  "the test expected host b to hold %s in TIME_WAIT; "
		  "ss on b said: %s", x.server, seen);
	free(seen);
	want = expected_report(&x, &t, 1460, 1460, "server", "server");
	expect_report(net, "a daytime exchange over IPv4 (the server "
		      "closes first)", &x, x.path, want);
	free(want);
	free(x.path);
	hn_down(net);
}

/* The test's client sends IPv4 options (three NOPs and an end), so its
 * IPv4 headers are 24 bytes long, not 20. */
static void ipv4_header_with_options(void **state)
{
	static const unsigned char nops[4] = { 1, 1, 1, 0 };
	hn_net *net = hn_two_hosts();
	struct exchange x;
	struct truth t;
	char *want;

	(void)state;
	memcpy(ipopt, nops, sizeof(nops));
	ipopt_len = sizeof(nops);
	x = capture_exchange(net, AF_INET, SERVER_CLOSES);
	t = truth_of(&x);
	TK_EXPECT(t.syn != 0 && t.ack != 0, "the test expected a handshake "
		  "in its capture %s", x.path);
	want = expected_report(&x, &t, 1460, 1460, "server", "server");
	expect_report(net, "a daytime exchange over IPv4 whose client's IP "
		      "headers carry options (24 bytes, not 20)", &x, x.path,
		      want);
	free(want);
	free(x.path);
	hn_down(net);
}

static void echo_ipv6_client_closes_first(void **state)
{
	hn_net *net = hn_two_hosts();
	struct exchange x = capture_exchange(net, AF_INET6, CLIENT_CLOSES);
	struct truth t = truth_of(&x);
	char *want, *seen;

	(void)state;
	TK_EXPECT(in_time_wait(net, "a", x.client, WAIT_MS, &seen),
		  "the test expected host a to hold %s in TIME_WAIT; "
		  "ss on a said: %s", x.client, seen);
	free(seen);
	want = expected_report(&x, &t, 1440, 1440, "client", "client");
	expect_report(net, "an echo exchange over IPv6 (the client closes "
		      "first)", &x, x.path, want);
	free(want);
	free(x.path);
	hn_down(net);
}

static void mss_with_mtu_1280(void **state)
{
	static const int family[2] = { AF_INET, AF_INET6 };
	static const int mss[2] = { 1240, 1220 };   /* 1280 - 40, - 60 */
	static const char *const scenario[2] = {
		"a daytime exchange over IPv4 on a link of MTU 1280",
		"a daytime exchange over IPv6 on a link of MTU 1280",
	};
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		hn_net *net = hn_two_hosts();
		struct exchange x;
		struct truth t;
		char *want;

		hn_mtu(net, "a", "b", 1280);
		x = capture_exchange(net, family[i], SERVER_CLOSES);
		t = truth_of(&x);
		want = expected_report(&x, &t, mss[i], mss[i], "server",
				       "server");
		expect_report(net, scenario[i], &x, x.path, want);
		free(want);
		free(x.path);
		hn_down(net);
	}
}

/*
 * Rewrites the options of each SYN (and SYN+ACK) in place, as another
 * stack may order them: two NOPs, SACK permitted, window scale, then
 * the MSS, then the end of the list.  Same length, same MSS.
 */
static int mss_last(struct pcap_pkthdr *h, u_char *frame, long no,
		    void *arg)
{
	size_t tcp = tcp_offset(frame), len, i;
	u_char *opt = frame + tcp + 20, mss[2] = { 0, 0 }, shift = 0;

	(void)no;
	(void)arg;
	if (!is_tcp(frame, h->caplen) || !(frame[tcp + 13] & 0x02))
		return 1;
	len = (size_t)(frame[tcp + 12] >> 4) * 4 - 20;
	if (len < 11 || h->caplen < tcp + 20 + len)
		return 1;
	for (i = 0; i + 1 < len && opt[i] != 0; ) {
		if (opt[i] == 1) {
			i++;
			continue;
		}
		if (opt[i] == 2 && opt[i + 1] == 4)
			memcpy(mss, opt + i + 2, 2);
		if (opt[i] == 3 && opt[i + 1] == 3 && i + 2 < len)
			shift = opt[i + 2];
		if (opt[i + 1] < 2)
			break;
		i += opt[i + 1];
	}
	memset(opt, 0, len);
	memcpy(opt, (u_char[]){ 1, 1, 4, 2, 3, 3, shift, 2, 4 }, 9);
	memcpy(opt + 9, mss, 2);
	return 1;
}

static void mss_after_other_options(void **state)
{
	hn_net *net = hn_two_hosts();
	struct exchange x = capture_exchange(net, AF_INET, SERVER_CLOSES);
	struct truth t;
	char *path, *want;

	(void)state;
	path = beside(x.path, "-mss-last.pcap");
	rewrite(x.path, path, mss_last, NULL, 65535);
	t = truth_of(&x);
	want = expected_report(&x, &t, 1460, 1460, "server", "server");
	expect_report(net, "a capture whose SYNs carry NOP, NOP, SACK "
		      "permitted, window scale and then the MSS", &x, path,
		      want);
	free(want);
	free(path);
	free(x.path);
	hn_down(net);
}

/* Drops packet number *arg, or writes it twice if *arg is negative. */
static int drop_or_repeat(struct pcap_pkthdr *h, u_char *frame, long no,
			  void *arg)
{
	long which = *(long *)arg;

	(void)h;
	(void)frame;
	if (no == which)
		return 0;
	return no == -which ? 2 : 1;
}

/* Two daytime connections, and the capture lost the first one's SYN:
 * it begins with a SYN+ACK, which is not a SYN. */
static void handshake_after_a_missed_syn(void **state)
{
	hn_net *net = hn_two_hosts();
	struct exchange x[2];
	struct truth first;
	char *path, *want;
	struct truth t;

	(void)state;
	capture_two_daytimes(net, x);
	first = truth_of(&x[0]);
	path = beside(x[0].path, "-no-first-syn.pcap");
	rewrite(x[0].path, path, drop_or_repeat, &first.syn, 65535);
	t = truth_in(&x[1], path);
	want = expected_report(&x[1], &t, 1460, 1460, "server", "server");
	expect_report(net, "two daytime connections, the first one's SYN "
		      "missing (so the capture begins with its SYN+ACK, "
		      "which has the SYN flag but is no client's SYN)",
		      &x[1], path, want);
	free(want);
	free(path);
	free(x[0].path);
	hn_down(net);
}

/* The first FIN seen twice, as when it is sent again: still the first
 * FIN, and the other side's is the second. */
static void fin_sent_twice(void **state)
{
	hn_net *net = hn_two_hosts();
	struct exchange x = capture_exchange(net, AF_INET6, CLIENT_CLOSES);
	struct truth t = truth_of(&x);
	char *path, *want;
	long repeat = -t.fin[0];

	(void)state;
	path = beside(x.path, "-fin-twice.pcap");
	rewrite(x.path, path, drop_or_repeat, &repeat, 65535);
	t = truth_in(&x, path);
	want = expected_report(&x, &t, 1440, 1440, "client", "client");
	expect_report(net, "an echo exchange over IPv6 whose first FIN, the "
		      "client's, was seen twice (sent again)", &x, path,
		      want);
	free(want);
	free(path);
	free(x.path);
	hn_down(net);
}

static void reset_means_no_time_wait(void **state)
{
	hn_net *net = hn_two_hosts();
	struct exchange x = capture_exchange(net, AF_INET, CLIENT_RESETS);
	struct truth t = truth_of(&x);
	char *want;

	(void)state;
	TK_EXPECT(t.rst != 0, "the test expected a RST in its capture");
	TK_EXPECT(!in_time_wait(net, "a", x.client, 0, NULL) &&
		  !in_time_wait(net, "b", x.server, 0, NULL),
		  "the test expected no TIME_WAIT after a reset");
	want = expected_report(&x, &t, 1460, 1460, "client", "none");
	expect_report(net, "an echo exchange the client ended with a RST "
		      "(SO_LINGER 0)", &x, x.path, want);
	free(want);
	free(x.path);
	hn_down(net);
}

/* Writes the first LEN bytes of the file at FROM to a new file TO. */
static void copy_prefix(const char *from, const char *to, long len)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	int c;

	if (in == NULL || out == NULL)
		TK_FAIL("cannot copy %s to %s", from, to);
	while (len-- > 0 && (c = fgetc(in)) != EOF)
		fputc(c, out);
	fclose(in);
	fclose(out);
}

static long file_size(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		TK_FAIL("%s: %s", path, strerror(errno));
	return (long)st.st_size;
}

static void expect_refusal(hn_net *net, const char *what, const char *path,
			   const char *want)
{
	int status;
	hn_proc *p = capscan(net, path, &status);

	TK_EXPECT(status == 1 && hn_stdout(p)[0] == '\0' &&
		  strstr(hn_stderr(p), want) != NULL,
		  "for %s your capscan exited %d, printed \"%s\" and said "
		  "\"%s\"; expected status 1, nothing on stdout and a "
		  "message with \"%s\"", what, status, tk_shown(hn_stdout(p)),
		  tk_chomp(hn_stderr(p)), want);
}

static void bad_captures_reported(void **state)
{
	hn_net *net = hn_two_hosts();
	struct exchange x = capture_exchange(net, AF_INET, SERVER_CLOSES);
	char junk[512], *cut, *want, *late_path;
	struct truth t = truth_of(&x);
	hn_cap *late;
	int fd, status;
	hn_proc *p;

	(void)state;
	expect_refusal(net, "a file that does not exist",
		       "/nonexistent.pcap", "/nonexistent.pcap");
	snprintf(junk, sizeof(junk), "%s/junk.pcap", hn_tmpdir());
	copy_prefix(tk_lab_prog("capscan"), junk, 4096);
	expect_refusal(net, "a file that is not a capture", junk, junk);

	/* A capture that starts after the handshake has none to show. */
	fd = tk_connect(net, "a", "192.0.2.2", 7);
	late = hn_capture(net, "a", "b");
	Writen(fd, "hi\n", 3);
	close(fd);
	mark_the_end(net, late, AF_INET);
	late_path = strdup(hn_cap_path(late));
	hn_cap_close(late);
	expect_refusal(net, "a capture that starts mid-connection",
		       late_path, "handshake");
	free(late_path);

	/* A capture cut mid-packet (tcpdump killed): the packets before
	 * the cut still make a report, and the cut is told. */
	cut = beside(x.path, "-cut.pcap");
	copy_prefix(x.path, cut, file_size(x.path) - 10);
	p = capscan(net, cut, &status);
	want = expected_report(&x, &t, 1460, 1460, "server", "server");
	TK_EXPECT(status == 0 && strcmp(hn_stdout(p), want) == 0 &&
		  hn_stderr(p)[0] != '\0',
		  "for a capture whose last packet is cut short, your "
		  "capscan exited %d, printed \"%s\" and said \"%s\"; "
		  "expected the full report and a warning", status,
		  hn_stdout(p), tk_chomp(hn_stderr(p)));
	free(want);
	free(cut);
	free(x.path);
	hn_down(net);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(daytime_ipv4_server_closes_first),
		TK_TEST(ipv4_header_with_options),
		TK_TEST(echo_ipv6_client_closes_first),
		TK_TEST(mss_with_mtu_1280),
		TK_TEST(mss_after_other_options),
		TK_TEST(handshake_after_a_missed_syn),
		TK_TEST(fin_sent_twice),
		TK_TEST(reset_means_no_time_wait),
		TK_TEST(bad_captures_reported),
	};
	return TK_RUN("lab02", tests);
}
