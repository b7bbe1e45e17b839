/*
 * Chapter 26's suite: the threaded echo client and server, the &connfd
 * race forced and fixed, ThreadSanitizer's report of that race, readline
 * with a static buffer against thread-specific data, the threaded web
 * client against nginx, and a thread per client against a process per
 * client.
 */
#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include "tkweb.h"

#define CH "26-threads"

/* A server of this chapter on port 0, here; its port in *port. */
static hn_proc *server(const char *name, const char *opt, int *port)
{
	hn_proc *p = opt ? tk_run(CH, name, opt, "0", NULL)
			 : tk_run(CH, name, "0", NULL);

	*port = tk_listening_port(p, 3000);
	return p;
}

static void strclithr_echoes_a_batch(void **state)
{
	int port, st;
	char portstr[16], *batch = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&batch, &len);
	hn_proc *cli;

	(void)state;
	server("tcpservthr", NULL, &port);
	snprintf(portstr, sizeof(portstr), "%d", port);
	for (int i = 0; i < 20000; i++)
		fprintf(f, "line %d of the batch\n", i);
	fclose(f);
	cli = tk_run(CH, "strclithr", "127.0.0.1", portstr, NULL);
	TK_EXPECT(hn_feed(cli, batch, len, 5000) == 0, "could not feed "
		  "strclithr its input");
	st = hn_exited_within(cli, 5000);
	TK_EXPECT(st == 0, "strclithr exited %d: %s", tk_exit_code(cli),
		  tk_chomp(hn_stderr(cli)));
	TK_EXPECT(strlen(hn_stdout(cli)) == len &&
		  memcmp(hn_stdout(cli), batch, len) == 0, "strclithr "
		  "printed %zu bytes, not the %zu bytes sent",
		  strlen(hn_stdout(cli)), len);
	free(batch);
}

static void strclithr_transcript(void **state)
{
	int port;
	char portstr[16];
	hn_proc *cli;
	FILE *tr = tk_transcript_open();
	static const char input[] = "hello\nthreads share one socket\n";

	(void)state;
	server("tcpservthr", NULL, &port);
	snprintf(portstr, sizeof(portstr), "%d", port);
	cli = tk_run(CH, "strclithr", "127.0.0.1", portstr, NULL);
	hn_feed(cli, input, strlen(input), 2000);
	TK_EXPECT(hn_exited_within(cli, 3000) == 0, "strclithr failed: %s",
		  tk_chomp(hn_stderr(cli)));
	fprintf(tr, "$ strclithr 127.0.0.1\n" TK_TYPED "hello\n"
		"%.6s" TK_TYPED "threads share one socket\n%s" TK_TYPED
		"^D\n", hn_stdout(cli), hn_stdout(cli) + 6);
	tk_transcript_close(tr, CH, "strclithr");
}

/* The scene of 26.5: client 1 connects and sends a line; client 2
 * connects; the server's hook (-w) makes client 1's thread look at its
 * argument only after the second accept(). */
struct scene {
	hn_proc *srv;
	int c1, c2;
	char out[1024];
};

static void race_scene(struct scene *s, const char *prog)
{
	int port;

	s->srv = server(prog, "-w", &port);
	s->c1 = tk_connect_here(TK_LOOPBACK, port);
	TK_EXPECT(tk_saw(s->srv, "accepted connection 1", 2000),
		  "%s did not accept the first client", prog);
	s->c2 = tk_connect_here(TK_LOOPBACK, port);
	TK_EXPECT(tk_saw(s->srv, "accepted connection 2", 2000),
		  "%s did not accept the second client", prog);
}

static void connfd_race_forced(void **state)
{
	struct scene s;
	char *a, *b;
	FILE *tr = tk_transcript_open();

	(void)state;
	race_scene(&s, "tcpservrace");
	a = hn_next_line(s.srv, "serves descriptor", 2000);
	b = hn_next_line(s.srv, "serves descriptor", 2000);
	TK_EXPECT(a != NULL && b != NULL, "tcpservrace's two threads did "
		  "not both start: %s", tk_chomp(hn_stdout(s.srv)));
	free(a);
	free(b);
	TK_EXPECT(strstr(hn_stdout(s.srv), "serves descriptor 5\n"
			 "a thread serves descriptor 5\n") != NULL,
		  "expected both threads to serve descriptor 5, the second "
		  "client's: %s", tk_shown(hn_stdout(s.srv)));
	TK_EXPECT(tk_echoes(s.c2, "from client 2\n", 2000), "client 2 got "
		  "\"%s\"", tk_last_echo());
	/* Nobody reads descriptor 4: its line stays unanswered.  Forced:
	 * no thread holds it, so 300 ms is only how long we look. */
	TK_EXPECT(!tk_echoes(s.c1, "from client 1\n", 300), "client 1 was "
		  "answered although no thread serves descriptor 4");
	fprintf(tr, "$ tcpservrace -w 9877\n%s", strchr(hn_stdout(s.srv),
							'\n') + 1);
	fprintf(tr, "client 2: sent \"from client 2\", got \"from "
		"client 2\"\nclient 1: sent \"from client 1\", no answer "
		"(300 ms)\n");
	tk_transcript_close(tr, CH, "race-forced");
	close(s.c1);
	close(s.c2);
}

static void connfd_fixed_same_scene(void **state)
{
	struct scene s;
	FILE *tr = tk_transcript_open();

	(void)state;
	race_scene(&s, "tcpservthr");
	TK_EXPECT(tk_echoes(s.c1, "from client 1\n", 2000), "tcpservthr: "
		  "client 1 got \"%s\"", tk_last_echo());
	TK_EXPECT(tk_echoes(s.c2, "from client 2\n", 2000), "tcpservthr: "
		  "client 2 got \"%s\"", tk_last_echo());
	TK_EXPECT(strstr(hn_stdout(s.srv), "serves descriptor 4\n") &&
		  strstr(hn_stdout(s.srv), "serves descriptor 5\n"), "the "
		  "threads should serve 4 and 5: %s",
		  tk_shown(hn_stdout(s.srv)));
	fprintf(tr, "$ tcpservthr -w 9877\naccepted connection 1 on "
		"descriptor 4\naccepted connection 2 on descriptor 5\n"
		"a thread serves descriptor 4\na thread serves descriptor "
		"5\n");
	fprintf(tr, "client 1: sent \"from client 1\", got \"from "
		"client 1\"\nclient 2: sent \"from client 2\", got \"from "
		"client 2\"\n");
	tk_transcript_close(tr, CH, "race-fixed");
	close(s.c1);
	close(s.c2);
}

/* TSan sees the race without the hook, whatever the timing: the main
 * thread's write of connfd and the first thread's read of it are not
 * ordered by anything. */
static void tsan_reports_the_race(void **state)
{
	hn_proc *srv = tk_run(CH, "tcpservrace-tsan", "0", NULL);
	int port = tk_listening_port(srv, 5000), c1, c2;
	char *rep, *end;

	(void)state;
	c1 = tk_connect_here(TK_LOOPBACK, port);
	TK_EXPECT(tk_echoes(c1, "one\n", 3000), "client 1 got \"%s\"",
		  tk_last_echo());
	c2 = tk_connect_here(TK_LOOPBACK, port);
	TK_EXPECT(tk_echoes(c2, "two\n", 3000), "client 2 got \"%s\"",
		  tk_last_echo());
	TK_EXPECT(hn_stderr_has(srv, "SUMMARY: ThreadSanitizer: data race",
				5000), "ThreadSanitizer reported no race: %s",
		  tk_shown(hn_stderr(srv)));
	rep = strdup(strstr(hn_stderr(srv), "WARNING: ThreadSanitizer"));
	TK_EXPECT(strstr(rep, "by main thread") && strstr(rep, "serve ") &&
		  strstr(rep, "tcpservrace.c"), "the report does not name "
		  "main and serve: %s", tk_shown(rep));
	if ((end = strstr(rep, "\nSUMMARY")) != NULL)
		end = strchr(end + 1, '\n'), end[1] = '\0';
	rep = tk_scrub(rep, "\\(pid=[0-9]+\\)", "(pid=N)");
	rep = tk_scrub(rep, " \\([^ ()]+\\+0x[0-9a-f]+\\)", "");
	rep = tk_scrub(rep, "0x[0-9a-f]+", "0x...");
	rep = tk_scrub(rep, "tid=[0-9]+", "tid=N");
	rep = tk_scrub(rep, "/[^ ]*/chapters/", "chapters/");
	rep = tk_scrub(rep, "\\.\\./[^ ]*/tsan_", "tsan_");
	tk_transcript_of(CH, "tsan-race", "tcpservrace-tsan 9877", rep);
	free(rep);
	close(c1);
	close(c2);
}

static void readline_static_and_per_thread(void **state)
{
	static const char *const how[] = { "static", "key", "tls" };
	static const char *const b_reads[] = { "a2", "b1", "b1" };

	(void)state;
	for (int i = 0; i < 3; i++) {
		hn_proc *p = tk_run(CH, "rlthreads", how[i], NULL);
		char want[64], cmd[64], name[64];

		TK_EXPECT(hn_exited_within(p, 3000) == 0, "rlthreads %s "
			  "failed: %s", how[i], tk_chomp(hn_stderr(p)));
		snprintf(want, sizeof(want), "thread B read from pipe B: %s",
			 b_reads[i]);
		TK_EXPECT(strstr(hn_stdout(p), "thread A read from pipe A: "
				 "a1") && strstr(hn_stdout(p), want),
			  "rlthreads %s: expected \"%s\", got %s", how[i],
			  want, tk_shown(hn_stdout(p)));
		if (i == 1)
			TK_EXPECT(strstr(hn_stdout(p), "freed 2 buffers"),
				  "the destructor did not free 2 buffers: %s",
				  tk_shown(hn_stdout(p)));
		snprintf(cmd, sizeof(cmd), "rlthreads %s", how[i]);
		snprintf(name, sizeof(name), "rlthreads-%s", how[i]);
		tk_transcript_of(CH, name, cmd, hn_stdout(p));
	}
}

static void webthr_transcript(void **state)
{
	const char *prog = tk_prog(CH, "webthr");
	char cmd[512];
	hn_proc *p;
	char *out;

	(void)state;
	web_up();
	snprintf(cmd, sizeof(cmd), "%s -n 3 " WEB_IP " 8080 %s /index.html "
		 "/page2.bin /big.bin /img0.bin | sort", prog,
		 web_outdir("mine"));
	TK_EXPECT(hn_sh(web_net, "client", 10000, &out, "%s", cmd) == 0,
		  "webthr failed: %s", out ? out : "");
	(void)p;
	tk_transcript_of(CH, "webthr", "webthr -n 3 192.0.2.2 8080 /tmp/w "
			 "/index.html /page2.bin /big.bin /img0.bin | sort",
			 out);
	free(out);
}

/* webthr -n N on six small files, nginx 20 ms away each way: its wall
 * time in ms. */
static long long webthr_ms(const char *n)
{
	static const char *const files[] = { "/img0.bin", "/img1.bin",
		"/img2.bin", "/img3.bin", "/img4.bin", "/img5.bin" };
	char *argv[16];
	long long t0 = tk_now_ms();
	hn_proc *p;
	int k = 0;

	argv[k++] = (char *)tk_prog(CH, "webthr");
	argv[k++] = "-n";
	argv[k++] = (char *)n;
	argv[k++] = WEB_IP;
	argv[k++] = "8080";
	argv[k++] = web_outdir(n);
	for (int i = 0; i < 6; i++)
		argv[k++] = (char *)files[i];
	argv[k] = NULL;
	p = hn_spawn(web_net, "client", argv, NULL);
	TK_EXPECT(hn_exited_within(p, 5000) == 0, "webthr -n %s failed: %s "
		  "%s", n, tk_chomp(hn_stdout(p)), tk_chomp(hn_stderr(p)));
	return tk_now_ms() - t0;
}

/* The slow server: each fetch mostly waits, so six threads waiting at
 * once finish in about the time of one. */
static void slow_server_threads_overlap(void **state)
{
	struct hn_impair im = { .delay_ms = 20 };
	long long seq, par;

	(void)state;
	web_up();
	hn_impair(web_net, "server", "client", HN_OUT, &im);
	hn_impair(web_net, "client", "server", HN_OUT, &im);
	seq = webthr_ms("1");
	par = webthr_ms("6");
	if (getenv("TK_BENCH") != NULL)
		fprintf(stderr, "BENCH ch26.parallel_speedup %.1f x (6 files, "
			"40 ms round trip: %lld ms one thread at a time, "
			"%lld ms 6 at once)\n", (double)seq /
			(double)(par ? par : 1), seq, par);
	/* One file costs two round trips at least (the handshake, then the
	 * request and its answer): 80 ms.  A client that fetches one file
	 * at a time can never take less than 6 x 80 ms, however idle the
	 * machine; a loaded machine only adds to the time of either. */
	TK_EXPECT(par < 6 * 80, "six files 40 ms away took %lld ms with -n "
		  "6 (%lld ms with -n 1): one at a time cannot take less than "
		  "480 ms, and six threads took longer than that", par, seq);
}

/* N connections in turn, each one line there and back, then closed:
 * the server's cost per client (accept, a thread or a process, the
 * echo, the end).  Microseconds per connection. */
static double per_connection_us(hn_proc *srv, int port, int n)
{
	struct timespec a, b;

	(void)srv;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		int fd = tk_connect_here(TK_LOOPBACK, port);

		TK_EXPECT(tk_echoes(fd, "x\n", 2000), "no echo on connection "
			  "%d: \"%s\"", i, tk_last_echo());
		close(fd);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	return ((double)(b.tv_sec - a.tv_sec) * 1e6 +
		(double)(b.tv_nsec - a.tv_nsec) / 1e3) / n;
}

/* Rounds of N connections to one server then N to the other;
 * the best round of each (the machine is shared: a round that another
 * program slowed down says nothing about the server). */
static void thread_against_fork_per_client(void **state)
{
	int n = getenv("TK_BENCH") ? 400 : 30, pt, pf;
	double t_thr = 1e9, t_fork = 1e9, t;

	(void)state;
	hn_proc *thr = server("tcpservthr", NULL, &pt);
	hn_proc *frk = tk_run("05-tcp-client-server", "echosrv_v3", "0",
			      NULL);

	pf = tk_listening_port(frk, 3000);
	for (int round = 0; round < 5; round++) {
		if ((t = per_connection_us(thr, pt, n)) < t_thr)
			t_thr = t;
		if ((t = per_connection_us(frk, pf, n)) < t_fork)
			t_fork = t;
	}
	fprintf(stderr, "BENCH ch26.thread_per_client_us %.0f us\n"
		"BENCH ch26.fork_per_client_us %.0f us\n", t_thr, t_fork);
	TK_EXPECT(hn_exit_status(frk) == -1 && hn_exit_status(thr) == -1,
		  "a server ended during the measurement");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(strclithr_echoes_a_batch),
		TK_TEST(strclithr_transcript),
		TK_TEST(connfd_race_forced),
		TK_TEST(connfd_fixed_same_scene),
		TK_TEST(tsan_reports_the_race),
		TK_TEST(readline_static_and_per_thread),
		TK_TEST(webthr_transcript),
		TK_TEST(slow_server_threads_overlap),
		TK_TEST(thread_against_fork_per_client),
	};

	hn_init();
	return TK_RUN("threads", tests);
}
