/*
 * Lab 16 public tests: the student's webcli, run in the client host of a
 * two-host network, against nginx in the server host and against
 * servers the test plays itself (to see each request and each
 * connection as it comes).
 */
#include "lab16.h"

#define OWN_PORT 9000           /* where the test plays the server */

/* The test's own server: accepts one connection within timeout_ms, or
 * -1 (at once if webcli, P, has exited and none is waiting, and once
 * webcli has sat still for WEBCLI_STILL_MS: it waits for something that
 * will not come). */
static int own_accept(int lfd, int timeout_ms, hn_proc *p)
{
	long long end = tk_now_ms() + timeout_ms;
	struct tk_still w;

	web_still_start(&w);
	while (!tk_readable(lfd, 20)) {
		if (hn_exit_status(p) != -1 && !tk_readable(lfd, 20))
			return -1;
		if (tk_now_ms() >= end ||
		    web_still(&w, p, WEBCLI_STILL_MS))
			return -1;
	}
	return accept(lfd, NULL, NULL);
}

/* Reads a request (up to its blank line) from fd, at most timeout_ms,
 * and once it has begun at most 1 s for each next piece (a client
 * sending the rest sends it at once); less once webcli, P, has sat
 * still for WEBCLI_STILL_MS.  NUL-terminated in buf, its length
 * returned. */
static size_t own_request(int fd, char *buf, size_t size, int timeout_ms,
			  hn_proc *p)
{
	long long end = tk_now_ms() + timeout_ms, piece = tk_now_ms();
	struct tk_still w;
	size_t len = 0;
	ssize_t n;

	buf[0] = '\0';
	web_still_start(&w);
	while (len < size - 1 && strstr(buf, "\r\n\r\n") == NULL) {
		long long now = tk_now_ms();

		if (now >= end || (len > 0 && now - piece >= 1000) ||
		    web_still(&w, p, WEBCLI_STILL_MS))
			break;
		if (!tk_readable(fd, 20))
			continue;
		if ((n = read(fd, buf + len, size - 1 - len)) <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		piece = tk_now_ms();
	}
	return len;
}

static void own_reply(int fd, const char *body)
{
	char resp[256];
	int n = snprintf(resp, sizeof(resp), "HTTP/1.0 200 OK\r\n"
			 "Content-Length: %zu\r\n\r\n%s", strlen(body), body);

	TK_EXPECT(write(fd, resp, (size_t)n) == n, "could not answer");
	close(fd);
}

/* What webcli said and wrote, for a message. */
static const char *said(hn_proc *p)
{
	static char text[2048];

	snprintf(text, sizeof(text), " (webcli wrote \"%s\"; stderr \"%s\")",
		 tk_chomp(hn_stdout(p)), tk_chomp(hn_stderr(p)));
	return text;
}

static void request_is_well_formed(void **state)
{
	const char *args[] = { WEB_IP, "9000", NULL, "/docs/a.html", NULL };
	char req[4096];
	int lfd, fd, st;
	hn_proc *p;

	(void)state;
	web_up();
	lfd = tk_listen(web_net, "server", WEB_IP, OWN_PORT, 16);
	args[2] = web_outdir("mine");
	p = webcli_start(args);
	fd = own_accept(lfd, 3000, p);
	TK_EXPECT(fd >= 0, "webcli never connected to " WEB_IP ":9000%s%s",
		  said(p), webcli_diagnosis(p));
	own_request(fd, req, sizeof(req), 1000, p);
	TK_EXPECT(req[0] != '\0', "webcli connected but sent no request"
		  "%s.  When a non-blocking connect ends, the "
		  "socket turns writable (not readable): wait for "
		  "writability, then read SO_ERROR, then write: see 16.4.%s",
		  said(p), webcli_diagnosis(p));
	TK_EXPECT(strncmp(req, "GET /docs/a.html HTTP/1.", 24) == 0,
		  "the request line was \"%s\", not \"GET /docs/a.html "
		  "HTTP/1.0\" (16.5)", tk_shown(req));
	TK_EXPECT(strcasestr(req, "\r\nHost: " WEB_IP ":9000\r\n") != NULL,
		  "the request has no \"Host: " WEB_IP ":9000\" header: "
		  "\"%s\".  A server with several sites (nginx here) "
		  "needs it to know which: see 16.5.", tk_shown(req));
	TK_EXPECT(strstr(req, "\r\n\r\n") != NULL, "the request never "
		  "ended with an empty line (\"\\r\\n\\r\\n\"): \"%s\"; the "
		  "server waits for more headers until it gives up: see 16.5.",
		  tk_shown(req));
	own_reply(fd, "hello\n");
	st = hn_exited_within(p, 2000);
	TK_EXPECT(st == 0, "webcli did not exit 0 after the reply%s", said(p));
	TK_EXPECT(tk_saw(p, "/docs/a.html: 200, 6 bytes", 0), "webcli did "
		  "not print \"/docs/a.html: 200, 6 bytes\"%s", said(p));
}

/* Fetches PATHS (NULL-ended) with webcli -n N and with curl, and
 * compares every file. */
static void fetch_like_curl(const char *n, const char **paths, int ms)
{
	const char *args[48] = { "-n", n, WEB_IP, "8080", NULL };
	char *dir = web_outdir("mine"), *cdir = web_outdir("curl");
	int i, k = 4, st;
	hn_proc *p;

	args[k - 1] = "8080";
	args[k++] = dir;
	for (i = 0; paths[i] != NULL; i++)
		args[k++] = paths[i];
	args[k] = NULL;
	args[2] = WEB_IP;
	p = webcli_run(&st, ms, args);
	TK_EXPECT(st != -1, "webcli had not finished after %d ms%s%s", ms,
		  said(p), webcli_diagnosis(p));
	for (i = 0; paths[i] != NULL; i++) {
		web_curl(cdir, paths[i]);
		expect_same_as_curl(p, dir, cdir, paths[i]);
	}
	TK_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "webcli fetched "
		  "everything but exited with status %d%s", tk_exit_code(p),
		  said(p));
}

static void fetches_one_file_like_curl(void **state)
{
	const char *paths[] = { "/index.html", NULL };

	(void)state;
	web_up();
	fetch_like_curl("4", paths, 5000);
}

static void fetches_many_files_like_curl(void **state)
{
	const char *paths[] = { "/index.html", "/small.bin", "/page1.bin",
				"/page2.bin", "/page3.bin", "/page4.bin",
				"/big.bin", "/img0.bin", "/img1.bin", NULL };

	(void)state;
	web_up();
	fetch_like_curl("3", paths, 8000);
}

/* nginx 10 ms away: a 64 kB file arrives in bursts (the sender's
 * window grows round trip by round trip), with nothing to read between
 * them. */
static void slow_server_big_file(void **state)
{
	const char *paths[] = { "/page3.bin", NULL };
	struct hn_impair im = { .delay_ms = 10 };

	(void)state;
	web_up();
	hn_impair(web_net, "server", "client", HN_OUT, &im);
	fetch_like_curl("2", paths, 8000);
}

static void refused_connect_is_reported(void **state)
{
	const char *args[] = { WEB_IP, "8081", NULL, "/index.html", NULL };
	hn_proc *p;
	int st;

	(void)state;
	web_up();
	args[2] = web_outdir("mine");
	p = webcli_run(&st, 3000, args);
	TK_EXPECT(st != -1, "webcli had not finished 3 s after a connect "
		  "that was refused at once%s", said(p));
	TK_EXPECT(tk_saw(p, "/index.html: connect: Connection refused", 0),
		  "nothing listens on port 8081, so the connect is refused: "
		  "webcli should print \"/index.html: connect: Connection "
		  "refused\"%s.  Writability says only that the connect "
		  "ended; SO_ERROR says how: see 16.4.", said(p));
	TK_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 1, "webcli exited "
		  "with status %d after a refused connect, not 1%s",
		  tk_exit_code(p), said(p));
}

/* With -n 2 and five files, the test's server never sees a third
 * connection while two are open. */
static void at_most_n_connections(void **state)
{
	const char *args[] = { "-n", "2", WEB_IP, "9000", NULL, "/f1",
			       "/f2", "/f3", "/f4", "/f5", NULL };
	int lfd, open[5], nopen = 0, served = 0, st;
	char req[4096];
	hn_proc *p;

	(void)state;
	web_up();
	lfd = tk_listen(web_net, "server", WEB_IP, OWN_PORT, 16);
	args[4] = web_outdir("mine");
	p = webcli_start(args);
	while (served < 5) {
		while (nopen < 2 && served + nopen < 5) {
			open[nopen] = own_accept(lfd, 3000, p);
			TK_EXPECT(open[nopen] >= 0, "with -n 2, after %d files "
				  "served and %d connections open, webcli "
				  "opened no more (within 3 s, or before it "
				  "sat idle)%s%s", served,
				  nopen, said(p), webcli_diagnosis(p));
			nopen++;
		}
		TK_EXPECT(!tk_readable(lfd, 50), "webcli -n 2 opened a third "
			  "connection while two were open: at most N at "
			  "once, the rest wait their turn (16.5)");
		own_request(open[0], req, sizeof(req), 1000, p);
		own_reply(open[0], "x\n");
		memmove(open, open + 1, sizeof(open[0]) * 4);
		nopen--;
		served++;
	}
	st = hn_exited_within(p, 2000);
	TK_EXPECT(st == 0, "webcli did not exit 0 once five files were "
		  "served%s%s", said(p), webcli_diagnosis(p));
}

/* A request of 100 kB (a long query string) from a host with small send
 * buffers to a server with a small receive window: write() takes it in
 * pieces. */
static void long_request_sent_whole(void **state)
{
	const char *args[] = { WEB_IP, "9000", NULL, NULL, NULL };
	size_t len = 100000, got;
	char *path = malloc(len + 1), *req = malloc(len + 4096);
	int lfd, fd, small = 4096;

	(void)state;
	web_up();
	memcpy(path, "/q?", 3);
	memset(path + 3, 'x', len - 3);
	path[len] = '\0';
	args[3] = path;
	TK_EXPECT(hn_sh(web_net, "client", 2000, NULL, "echo '4096 4096 "
			"4096' > /proc/sys/net/ipv4/tcp_wmem") == 0,
		  "could not set tcp_wmem in the client's host");
	hn_enter(web_net, "server");
	lfd = tk_listen(NULL, NULL, WEB_IP, OWN_PORT, 16);
	setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	hn_leave(web_net);
	args[2] = web_outdir("mine");
	hn_proc *p = webcli_start(args);
	fd = own_accept(lfd, 3000, p);
	TK_EXPECT(fd >= 0, "webcli never connected%s%s", said(p),
		  webcli_diagnosis(p));
	got = own_request(fd, req, len + 4096, 2000, p);
	TK_EXPECT(got > len && strncmp(req + 4, path, len) == 0 &&
		  strstr(req, "\r\n\r\n") != NULL,
		  "the server got %zu bytes of a request of more than %zu "
		  "(its start: \"%.40s...\").  A write() on a non-blocking "
		  "socket may take only part of what it is given; the rest "
		  "must be sent when the socket is writable again: see 16.2.",
		  got, len, req);
	own_reply(fd, "long\n");
	TK_EXPECT(hn_exited_within(p, 2000) == 0, "webcli did not exit 0%s",
		  said(p));
	free(path);
	free(req);
}

/* Six files from nginx 20 ms away each way: six connections at once
 * take about two round trips, one after the other twelve. */
static void parallel_beats_sequential(void **state)
{
	const char *paths[] = { "/img0.bin", "/img1.bin", "/img2.bin",
				"/img3.bin", "/img4.bin", "/img5.bin", NULL };
	const char *args[16] = { "-n", NULL, WEB_IP, "8080", NULL };
	struct hn_impair im = { .delay_ms = 20 };
	long long t0, seq, par;
	int i, st, syns = 0;
	char *order, *line;
	hn_cap *cap;
	hn_proc *p;

	(void)state;
	web_up();
	hn_impair(web_net, "server", "client", HN_OUT, &im);
	hn_impair(web_net, "client", "server", HN_OUT, &im);
	for (i = 0; paths[i] != NULL; i++)
		args[5 + i] = paths[i];
	args[4] = web_outdir("seq");
	args[1] = "1";
	t0 = tk_now_ms();
	p = webcli_run(&st, 5000, args);
	seq = tk_now_ms() - t0;
	TK_EXPECT(st == 0, "webcli -n 1 failed%s%s", said(p),
		  webcli_diagnosis(p));
	args[4] = web_outdir("par");
	args[1] = "6";
	cap = hn_capture(web_net, "client", "server");
	t0 = tk_now_ms();
	p = webcli_run(&st, 5000, args);
	par = tk_now_ms() - t0;
	TK_EXPECT(st == 0, "webcli -n 6 failed%s%s", said(p),
		  webcli_diagnosis(p));
	/* at once means a second SYN leaves before the first SYN-ACK is
	 * back (40 ms later): a matter of order, not of a loaded clock */
	order = hn_cap_summary(cap, "(" HN_SYN ") or (" HN_SYNACK ")");
	for (line = order; line != NULL && *line != '\0';
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		size_t len = strcspn(line, "\n");

		if (memmem(line, len, "[SA]", 4) != NULL)
			break;          /* the first SYN-ACK */
		if (memmem(line, len, "[S]", 3) != NULL)
			syns++;
	}
	free(order);
	if (getenv("TK_BENCH") != NULL)
		printf("BENCH ch16.parallel_speedup %.1f x (6 files, 40 ms "
		       "round trip: %lld ms one at a time, %lld ms 6 at "
		       "once)\n", (double)seq / (double)(par ? par : 1), seq,
		       par);
	TK_EXPECT(syns >= 2 && par < seq, "with -n 6, %d SYN%s left before "
		  "the first SYN-ACK came back, and six files 40 ms away "
		  "took %lld ms (%lld ms with -n 1): the connections did "
		  "not start at once.  Is connect() waiting for each "
		  "handshake?  O_NONBLOCK must be set before connect(): see "
		  "16.4.", syns, syns == 1 ? "" : "s", par, seq);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(request_is_well_formed),
		TK_TEST(fetches_one_file_like_curl),
		TK_TEST(fetches_many_files_like_curl),
		TK_TEST(slow_server_big_file),
		TK_TEST(refused_connect_is_reported),
		TK_TEST(at_most_n_connections),
		TK_TEST(long_request_sent_whole),
		TK_TEST(parallel_beats_sequential),
	};

	hn_init();
	return TK_RUN("lab16", tests);
}
