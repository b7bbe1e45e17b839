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

/* Compares the report line by line; the first difference fails. */
static void expect_report(hn_net *net, const char *scenario,
			  const char *path, const char *want)
{
	int status;
	hn_proc *p = capscan(net, path, &status);
	const char *got = hn_stdout(p), *w = want, *g = got;

	TK_EXPECT(status == 0, "for %s, your capscan exited with status %d "
		  "and said: %s", scenario, status, tk_chomp(hn_stderr(p)));
	while (*w != '\0') {
		size_t wl = strcspn(w, "\n"), gl = strcspn(g, "\n");

		TK_EXPECT(wl == gl && strncmp(w, g, wl) == 0,
			  "for %s, your capscan printed\n  \"%.*s\"\n"
			  "where the capture shows\n  \"%.*s\"\n"
			  "(whole report:\n%s)", scenario, (int)gl, g,
			  (int)wl, w, got);
		w += wl + (w[wl] != '\0');
		g += gl + (g[gl] != '\0');
	}
	TK_EXPECT(*g == '\0', "for %s, your capscan printed more than the "
		  "report: \"%s\"", scenario, g);
}

static struct truth truth_of(const struct exchange *x)
{
	char c[128], s[128];

	return read_truth(x->path, end_filter(x->client, c, sizeof(c)),
			  end_filter(x->server, s, sizeof(s)));
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
		      "closes first)", x.path, want);
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
		      "first)", x.path, want);
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
		expect_report(net, scenario[i], x.path, want);
		free(want);
		free(x.path);
		hn_down(net);
	}
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
		      "(SO_LINGER 0)", x.path, want);
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
		TK_TEST(echo_ipv6_client_closes_first),
		TK_TEST(mss_with_mtu_1280),
		TK_TEST(reset_means_no_time_wait),
		TK_TEST(bad_captures_reported),
	};
	return TK_RUN("lab02", tests);
}
