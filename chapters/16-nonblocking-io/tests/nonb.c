/*
 * Chapter 16's examples, run: the two-buffer client and the fork client
 * on a 1 MB batch (each timed), connect_nonb completing, refused and
 * timing out, what happens between select() and accept() (a reset, a
 * rival that takes the connection, with a blocking and a non-blocking
 * listener), and lab 16's web client against nginx, compared with curl.
 */
#include "tkweb.h"

#define CH "16-nonblocking-io"

/* 1 MB of numbered lines in the sandbox's tmpfs; its path. */
static const char *batch_file(char **text, size_t *len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/batch.txt", hn_tmpdir());
	f = fopen(path, "w");
	TK_EXPECT(f != NULL, "cannot write %s", path);
	for (int i = 0; ftell(f) < (1 << 20) - 64; i++)
		fprintf(f, "line %06d of the batch, on its way there and "
			"back\n", i);
	fclose(f);
	*text = web_slurp(path, len);
	return path;
}

/* Runs client NAME (from chapter CHAP) with the batch on stdin against
 * the echo server on PORT; its time in ms. */
static long long time_batch(const char *chap, const char *name, int port,
			    const char *input, const char *text, size_t len)
{
	char portstr[16], *argv[4];
	struct hn_spawn_opts opts = { .stdin_file = input };
	long long t0 = tk_now_ms();
	hn_proc *p;

	snprintf(portstr, sizeof(portstr), "%d", port);
	argv[0] = (char *)tk_prog(chap, name);
	argv[1] = "127.0.0.1";
	argv[2] = portstr;
	argv[3] = NULL;
	p = hn_spawn(NULL, NULL, argv, &opts);
	TK_EXPECT(tk_exited(p, 5000) && tk_exit_code(p) == 0, "%s did not "
		  "finish the batch within 5 s: %s", name,
		  tk_shown(hn_stderr(p)));
	t0 = tk_now_ms() - t0;
	TK_EXPECT(strlen(hn_stdout(p)) == len &&
		  memcmp(hn_stdout(p), text, len) == 0, "%s's output is not "
		  "the batch it sent (%zu bytes of %zu)", name,
		  strlen(hn_stdout(p)), len);
	return t0;
}

static void batch_through_both_clients(void **state)
{
	hn_proc *srv = tk_run("06-io-multiplexing", "selserv", "0", NULL);
	int port = tk_listening_port(srv, 2000);
	long long tn = 0, tf = 0, ts = 0;
	char *text;
	size_t len;
	const char *in = batch_file(&text, &len);

	(void)state;
	for (int i = 0; i < 3; i++) {           /* the best of three */
		long long a = time_batch(CH, "nbcli", port, in, text, len);
		long long b = time_batch(CH, "forkcli", port, in, text, len);
		long long c = time_batch("06-io-multiplexing", "selcli", port,
					 in, text, len);

		tn = i == 0 || a < tn ? a : tn;
		tf = i == 0 || b < tf ? b : tf;
		ts = i == 0 || c < ts ? c : ts;
	}
	tk_note("1 MB batch on loopback, best of 3: nbcli %lld ms, forkcli "
		"%lld ms, selcli %lld ms", tn, tf, ts);
	if (getenv("TK_BENCH") != NULL)
		printf("BENCH ch16.batch_1mb nbcli %lld ms, forkcli %lld ms, "
		       "selcli %lld ms\n", tn, tf, ts);
	free(text);
}

/* connnb's output, with its times scrubbed, as a transcript. */
static void connnb_transcript(hn_proc *p, const char *name,
			      const char *cmd)
{
	char *out = NULL;

	TK_EXPECT(tk_exited(p, 3000), "connnb did not end within 3 s");
	if (asprintf(&out, "%s%s", hn_stdout(p), hn_stderr(p)) < 0)
		abort();
	out = tk_scrub(out, "after [0-9]+ ms", "after N ms");
	tk_transcript_of(CH, name, cmd, out);
	free(out);
}

static void connect_nonb_completes(void **state)
{
	int lfd = tk_listen(NULL, NULL, "127.0.0.1", 9877, 4);
	hn_proc *p = tk_run(CH, "connnb", "127.0.0.1", "9877", "1000", NULL);

	(void)state;
	connnb_transcript(p, "connnb-ok", "connnb 127.0.0.1 9877 1000");
	TK_EXPECT(tk_exit_code(p) == 0, "connnb failed: %s",
		  hn_stderr(p));
	TK_EXPECT(strstr(hn_stdout(p), "EINPROGRESS") != NULL, "on "
		  "loopback connect() returned at once: %s", hn_stdout(p));
	close(lfd);
}

static void connect_nonb_refused(void **state)
{
	hn_proc *p = tk_run(CH, "connnb", "127.0.0.1", "9", "1000", NULL);

	(void)state;
	connnb_transcript(p, "connnb-refused", "connnb 127.0.0.1 9 1000");
	TK_EXPECT(strstr(hn_stderr(p), "Connection refused") != NULL,
		  "connnb to a closed port said: %s", hn_stderr(p));
}

static void connect_nonb_times_out(void **state)
{
	hn_net *net = hn_up("host client server\n"
			    "link client server 192.0.2.0/24\n");
	long long t0;
	hn_proc *p;

	(void)state;
	hn_partition(net, "client", "server");  /* SYNs vanish */
	t0 = tk_now_ms();
	p = hn_run(net, "client", tk_prog(CH, "connnb"), "192.0.2.2", "80",
		   "300", NULL);
	connnb_transcript(p, "connnb-timeout", "connnb 192.0.2.2 80 300");
	t0 = tk_now_ms() - t0;
	TK_EXPECT(strstr(hn_stderr(p), "timed out") != NULL, "connnb to a "
		  "silent host said: %s", hn_stderr(p));
	TK_EXPECT(t0 >= 300 && t0 < 1500, "the 300 ms limit took %lld ms",
		  t0);
}

/* Waits until no TCP socket on local port PORT is ESTABLISHED here. */
static bool gone_from_table(int port, int timeout_ms)
{
	long long end = tk_now_ms() + timeout_ms;
	char line[512], needle[16];

	snprintf(needle, sizeof(needle), ":%04X ", port);
	do {
		FILE *f = fopen("/proc/net/tcp", "r");
		bool seen = false;

		while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
			char *local = strchr(line, ':');

			/* "sl: local rem st": local port, then state 01 */
			if (local != NULL && strstr(local + 1, needle) ==
			    strchr(local + 1, ':') && strstr(line, " 01 "))
				seen = true;
		}
		if (f != NULL)
			fclose(f);
		if (!seen)
			return true;
		tk_tick();
	} while (tk_now_ms() < end);
	return false;
}

/* nbaccept (with -b or not) on loopback port 9878, its rival's pid in
 * *rival, and a transcript under way. */
static hn_proc *start_nbaccept(bool blocking, pid_t *rival, FILE *tr)
{
	hn_proc *p = blocking ?
		tk_run(CH, "nbaccept", "-b", "9878", NULL) :
		tk_run(CH, "nbaccept", "9878", NULL);
	char *line = hn_next_line(p, "rival is pid", 2000);

	TK_EXPECT(line != NULL, "nbaccept did not start: %s",
		  hn_stderr(p));
	*rival = (pid_t)atoi(line + strlen("rival is pid "));
	free(line);
	tk_listening_port(p, 2000);
	fprintf(tr, "server$ nbaccept %s9878\n"
		"rival is pid R, server is pid S\n"
		"listening on port 9878\n", blocking ? "-b " : "");
	return p;
}

/* The next line of nbaccept holding NEEDLE, into the transcript. */
static void expect_says(hn_proc *p, FILE *tr, const char *needle)
{
	char *line = hn_next_line(p, needle, 2000);

	TK_EXPECT(line != NULL, "nbaccept did not say \"%s\"; all it said: "
		  "%s %s", needle, tk_shown(hn_stdout(p)),
		  tk_shown(hn_stderr(p)));
	fprintf(tr, "%s\n", line);
	free(line);
}

static void reset_between_select_and_accept(void **state)
{
	FILE *tr = tk_transcript_open();
	pid_t rival;
	hn_proc *p = start_nbaccept(false, &rival, tr);
	int fd = tk_connect_here("127.0.0.1", 9878);

	(void)state;
	expect_says(p, tr, "listener readable");
	fprintf(tr, "(the client resets its connection; the server goes "
		"on)\n");
	tk_close_rst(fd);
	TK_EXPECT(gone_from_table(9878, 2000), "the server's end of the "
		  "reset connection is still ESTABLISHED");
	hn_signal(p, SIGUSR1);
	expect_says(p, tr, "accepted; send: Connection reset by peer");
	tk_transcript_close(tr, CH, "nbaccept-reset");
}

static void rival_takes_it_nonblocking(void **state)
{
	FILE *tr = tk_transcript_open();
	pid_t rival;
	hn_proc *p = start_nbaccept(false, &rival, tr);
	int fd = tk_connect_here("127.0.0.1", 9878);

	(void)state;
	expect_says(p, tr, "listener readable");
	fprintf(tr, "(the rival takes the connection; the server goes "
		"on)\n");
	kill(rival, SIGUSR2);
	expect_says(p, tr, "rival: accept returned a connection");
	hn_signal(p, SIGUSR1);
	expect_says(p, tr, "accept: Resource temporarily unavailable; back "
		    "to select");
	TK_EXPECT(hn_write_stdin(p, "ping\n", 5) == 0, "cannot type");
	fprintf(tr, TK_TYPED "ping\n");
	expect_says(p, tr, "stdin: ping");
	tk_transcript_close(tr, CH, "nbaccept-rival");
	close(fd);
}

static void rival_takes_it_blocking(void **state)
{
	FILE *tr = tk_transcript_open();
	pid_t rival;
	hn_proc *p = start_nbaccept(true, &rival, tr);
	int fd = tk_connect_here("127.0.0.1", 9878), fd2;
	char *line;

	(void)state;
	expect_says(p, tr, "listener readable");
	fprintf(tr, "(the rival takes the connection; the server goes "
		"on)\n");
	kill(rival, SIGUSR2);
	expect_says(p, tr, "rival: accept returned a connection");
	hn_signal(p, SIGUSR1);
	TK_EXPECT(hn_write_stdin(p, "ping\n", 5) == 0, "cannot type");
	fprintf(tr, TK_TYPED "ping\n");
	line = hn_next_line(p, "stdin: ping", 500);
	TK_EXPECT(line == NULL, "the server with a blocking listener "
		  "answered its other work at once: %s", line);
	fprintf(tr, "(nothing: the server is stuck in accept; another "
		"client comes)\n");
	fd2 = tk_connect_here("127.0.0.1", 9878);
	expect_says(p, tr, "accepted; sent");
	expect_says(p, tr, "stdin: ping");
	tk_transcript_close(tr, CH, "nbaccept-blocking");
	close(fd);
	close(fd2);
}

static int cmp_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lab 16's reference client against nginx, beside curl. */
static void webcli_against_nginx(void **state)
{
	char *dir, *cdir, *lines[16], *out, *save, *l, *a, *b;
	const char *paths[] = { "/index.html", "/page2.bin", "/big.bin" };
	int n = 0;
	size_t alen, blen;
	FILE *tr;
	hn_proc *p;

	(void)state;
	web_up();
	if (asprintf(&dir, "%s/out", hn_tmpdir()) < 0 || mkdir(dir, 0755))
		abort();
	cdir = web_outdir("curl");
	p = hn_run(web_net, "client", tk_path("lab-16/ref/webcli"), "-n",
		   "3", WEB_IP, "8080", dir, paths[0], paths[1], paths[2],
		   NULL);
	TK_EXPECT(tk_exited(p, 5000) && tk_exit_code(p) == 0, "webcli "
		  "failed: %s %s", hn_stdout(p), hn_stderr(p));
	for (int i = 0; i < 3; i++) {
		web_curl(cdir, paths[i]);
		if (asprintf(&a, "%s%s", dir, paths[i]) < 0 ||
		    asprintf(&b, "%s%s", cdir, paths[i]) < 0)
			abort();
		char *x = web_slurp(a, &alen), *y = web_slurp(b, &blen);

		TK_EXPECT(x && y && alen == blen && !memcmp(x, y, alen),
			  "webcli's %s differs from curl's", paths[i]);
		free(x); free(y); free(a); free(b);
	}
	out = strdup(hn_stdout(p));
	for (l = strtok_r(out, "\n", &save); l && n < 16;
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	qsort(lines, (size_t)n, sizeof(lines[0]), cmp_lines);
	tr = tk_transcript_open();
	fprintf(tr, "client$ webcli -n 3 192.0.2.2 8080 out /index.html "
		"/page2.bin /big.bin\n");
	for (int i = 0; i < n; i++)
		fprintf(tr, "%s\n", lines[i]);
	tk_transcript_close(tr, CH, "webcli");
	free(out);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(batch_through_both_clients),
		TK_TEST(connect_nonb_completes),
		TK_TEST(connect_nonb_refused),
		TK_TEST(connect_nonb_times_out),
		TK_TEST(reset_between_select_and_accept),
		TK_TEST(rival_takes_it_nonblocking),
		TK_TEST(rival_takes_it_blocking),
		TK_TEST(webcli_against_nginx),
	};

	hn_init();
	return TK_RUN("nonb", tests);
}
