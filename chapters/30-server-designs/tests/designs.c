/*
 * Chapter 30's programs, run: every server design serves 50 clients at
 * once, a request split in three pieces and a reply larger than any
 * send buffer to a client with a small receive buffer, then ends on
 * SIGTERM leaving no process or thread behind; the thundering herd
 * measured four ways; the load client against a design and against
 * nginx, which must send the same body.  With TK_BENCH=1: every design
 * and nginx under the same load, and wrk against the best (make bench).
 */
#include <math.h>
#include <signal.h>
#include <sys/wait.h>

#include "ch30.h"

#define CH "30-server-designs"

struct design {
	const char *name;               /* as the book's table says it */
	const char *prog;
	const char *args[4];            /* before the port */
	bool threads_per_client;        /* threads come and go */
};

static const struct design designs[] = {
	{ "iterative", "serv_iter", { NULL }, false },
	{ "fork", "serv_fork", { NULL }, false },
	{ "prefork_nolock", "serv_prefork", { "-n", "4", "-l", "none" },
	  false },
	{ "prefork_fcntl", "serv_prefork", { "-n", "4", "-l", "fcntl" },
	  false },
	{ "prefork_mutex", "serv_prefork", { "-n", "4", "-l", "mutex" },
	  false },
	{ "prefork_pass", "serv_prepass", { "-n", "4" }, false },
	{ "thread", "serv_thread", { NULL }, true },
	{ "prethread_mutex", "serv_prethread", { "-n", "4" }, false },
	{ "prethread_main", "serv_prethmain", { "-n", "4" }, false },
	{ "epoll_reuseport", "serv_epoll", { NULL }, false },
	{ "io_uring", "serv_uring", { NULL }, false },
};
#define NDESIGNS (sizeof(designs) / sizeof(designs[0]))

static hn_proc *start(const struct design *d, const char *port)
{
	char *argv[8];
	int n = 0;

	argv[n++] = (char *)tk_prog(CH, d->prog);
	for (int i = 0; i < 4 && d->args[i] != NULL; i++)
		argv[n++] = (char *)d->args[i];
	argv[n++] = (char *)port;
	argv[n] = NULL;
	return hn_spawn(NULL, NULL, argv, NULL);
}

static void small_rcvbuf(int fd, int family)
{
	int size = 4096;

	(void)family;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/* One design, through everything a server must survive here. */
static void check_design(const struct design *d)
{
	hn_proc *srv = start(d, "0");
	int port = tk_listening_port(srv, 3000), fd, nkids;
	pid_t pid = hn_pid(srv), kids[64];
	int base = ch30_threads(pid);
	long big = 2 * ch30_wmem_max();
	struct ch30_reply r;
	char why[256];

	TK_EXPECT(ch30_many(port, 50, 1000, 5000, why, sizeof(why)) == 50,
		  "%s: of 50 clients at once, %s", d->name, why);

	fd = tk_connect_here(TK_LOOPBACK, port);
	TK_EXPECT(ch30_send_piece(fd, "GET /300 HT", 2000) &&
		  ch30_send_piece(fd, "TP/1.1\r\nHost: x\r\n", 2000) &&
		  ch30_send_piece(fd, "\r\n", 2000),
		  "%s did not read the pieces of a request", d->name);
	TK_EXPECT(ch30_get_reply(&r, fd, 300, 3000), "%s: a request in "
		  "three pieces got %s", d->name, ch30_reply_said(&r));
	close(fd);

	tk_before_connect = small_rcvbuf;
	fd = tk_connect_here(TK_LOOPBACK, port);
	tk_before_connect = NULL;
	ch30_send_request(fd, big);
	TK_EXPECT(ch30_get_reply(&r, fd, big, 8000), "%s: a reply of %ld "
		  "bytes to a client with a 4 KB receive buffer: %s", d->name,
		  big, ch30_reply_said(&r));
	close(fd);

	nkids = tk_children(pid, kids, 64);
	if (d->threads_per_client) {            /* they end with their work */
		long long end = tk_now_ms() + 3000;

		/* ThreadSanitizer's runtime (make TSAN=1) starts a thread
		 * of its own at the first pthread_create(), and keeps it */
		if (strstr(tk_prog(CH, d->prog), "/tsan/") != NULL)
			base++;
		while (ch30_threads(pid) > base && tk_now_ms() < end)
			tk_tick();
		TK_EXPECT(ch30_threads(pid) == base, "%s keeps %d threads "
			  "after its clients left (it had %d)", d->name,
			  ch30_threads(pid), base);
	}
	TK_EXPECT(hn_zombies(srv) == 0 || strcmp(d->prog, "serv_fork") != 0,
		  "%s left zombies", d->name);
	hn_signal(srv, SIGTERM);
	TK_EXPECT(tk_exited(srv, 3000), "%s did not end on SIGTERM", d->name);
	for (int i = 0; i < nkids; i++)
		TK_EXPECT(tk_wait_state(kids[i], 0, 3000), "%s: child %d was "
			  "left behind", d->name, (int)kids[i]);
}

#define DESIGN_TEST(i, fn) \
	static void fn(void **state) \
	{ (void)state; check_design(&designs[i]); }
DESIGN_TEST(0, iterative_serves)
DESIGN_TEST(1, fork_serves)
DESIGN_TEST(2, prefork_nolock_serves)
DESIGN_TEST(3, prefork_fcntl_serves)
DESIGN_TEST(4, prefork_mutex_serves)
DESIGN_TEST(5, prefork_pass_serves)
DESIGN_TEST(6, thread_serves)
DESIGN_TEST(7, prethread_mutex_serves)
DESIGN_TEST(8, prethread_main_serves)
DESIGN_TEST(9, epoll_reuseport_serves)
DESIGN_TEST(10, io_uring_serves)

/* herd -m MODE: its wakeups per connection. */
static double herd(const char *mode, FILE *tr)
{
	hn_proc *p = tk_run(CH, "herd", "-n", "4", "-k", "40", "-m", mode,
			    NULL);
	double w = -1;
	const char *s;

	TK_EXPECT(tk_exited(p, 10000) && tk_exit_code(p) == 0, "herd -m %s "
		  "failed: %s", mode, tk_shown(hn_stderr(p)));
	s = strstr(hn_stdout(p), "connections: ");
	TK_EXPECT(s != NULL && sscanf(s, "connections: %lf", &w) == 1,
		  "herd -m %s printed %s", mode, tk_shown(hn_stdout(p)));
	fprintf(tr, "$ herd -n 4 -k 40 -m %s\n%s", mode, hn_stdout(p));
	return w;
}

static void thundering_herd_measured(void **state)
{
	FILE *tr = tk_transcript_open();
	double a = herd("accept", tr), s = herd("select", tr);
	double e = herd("epoll", tr), x = herd("epollex", tr);

	(void)state;
	TK_EXPECT(a < 1.5, "children blocked in accept(): %.2f wakeups per "
		  "connection, expected 1 (the kernel wakes one)", a);
	TK_EXPECT(s > 3.5 && e > 3.5, "select and epoll: %.2f and %.2f "
		  "wakeups per connection, expected all 4 children", s, e);
	TK_EXPECT(x < 1.5, "EPOLLEXCLUSIVE: %.2f wakeups per connection", x);
	tk_transcript_close(tr, CH, "herd");
}

/* nginx, with one worker per core, serving the same body as the
 * designs on port; access log off (our servers log nothing either). */
static hn_proc *nginx(int port)
{
	static const char *const args[] = { "-e", "%DIR%/error.log", "-p",
					    "%DIR%", "-c", "%CONF%", NULL };
	struct hn_peer peer = {
		.package = "nginx", .program = "/usr/sbin/nginx",
		.config_name = "nginx.conf", .args = args,
		.ready_proto = IPPROTO_TCP, .ready_port = port,
	};
	char body[65], *conf;
	hn_proc *p;

	for (int i = 0; i < 64; i++)
		body[i] = ch30_byte(i);
	body[64] = '\0';
/* the nginx we race (also shown in the chapter, section 30.12) */
	TK_EXPECT(asprintf(&conf,
		"daemon off;\n"
		"worker_processes %ld;\n"
		"user root root;\n"
		"pid %%DIR%%/nginx.pid;\n"
		"error_log %%DIR%%/error.log;\n"
		"events { worker_connections 1024; }\n"
		"http {\n"
		"  access_log off;\n"
		"  client_body_temp_path %%DIR%%/body;\n"
		"  proxy_temp_path %%DIR%%/proxy;\n"
		"  fastcgi_temp_path %%DIR%%/fastcgi;\n"
		"  uwsgi_temp_path %%DIR%%/uwsgi;\n"
		"  scgi_temp_path %%DIR%%/scgi;\n"
		"  server {\n"
		"    listen 127.0.0.1:%d reuseport;\n"
		"    default_type text/plain;\n"
		"    location / { return 200 \"%s\"; }\n"
		"  }\n"
		"}\n", sysconf(_SC_NPROCESSORS_ONLN), port, body) > 0,
		"out of memory");
	peer.config = conf;
	p = hn_peer_start(NULL, NULL, &peer);
	free(conf);
	return p;
}

/* loadcli -c C -r R against port; its requests per second. */
static double load(int port, int c, int r, char **out)
{
	char cs[16], rs[16], ps[16];
	hn_proc *p;
	const char *s;
	double rps = 0;

	snprintf(cs, sizeof(cs), "%d", c);
	snprintf(rs, sizeof(rs), "%d", r);
	snprintf(ps, sizeof(ps), "%d", port);
	p = tk_run(CH, "loadcli", "-c", cs, "-r", rs, "127.0.0.1", ps, NULL);
	TK_EXPECT(tk_exited(p, 30000) && tk_exit_code(p) == 0, "loadcli "
		  "against port %d: %s", port, tk_shown(hn_stdout(p)));
	s = strstr(hn_stdout(p), " s: ");
	TK_EXPECT(s != NULL && sscanf(s, " s: %lf", &rps) == 1, "loadcli "
		  "printed %s", tk_shown(hn_stdout(p)));
	if (out != NULL)
		*out = strdup(hn_stdout(p));
	return rps;
}

static void loadcli_against_a_design_and_nginx(void **state)
{
	hn_proc *srv = tk_run(CH, "serv_prefork", "-n", "4", "-l", "mutex",
			      "0", NULL);
	int port = tk_listening_port(srv, 3000);
	char *a, *b, *text, re[64];

	(void)state;
	load(port, 4, 50, &a);
	nginx(18080);
	load(18080, 4, 50, &b);
	text = NULL;
	TK_EXPECT(asprintf(&text, "$ serv_prefork -n 4 -l mutex 0 &\n"
			   "listening on port %d\n"
			   "$ loadcli -c 4 -r 50 127.0.0.1 %d\n%s"
			   "$ nginx -p $PWD/nginx -c nginx.conf &\n"
			   "$ loadcli -c 4 -r 50 127.0.0.1 18080\n%s",
			   port, port, a, b) > 0, "out of memory");
	text = tk_scrub(text, "in [0-9.]+ s: [0-9]+ requests/s",
			"in T s: R requests/s");
	snprintf(re, sizeof(re), "port %d\n", port);
	text = tk_scrub(text, re, "port 40000\n");
	snprintf(re, sizeof(re), "127.0.0.1 %d\n", port);
	text = tk_scrub(text, re, "127.0.0.1 40000\n");
	tk_transcript(CH, "loadcli", text);
	free(a);
	free(b);
	free(text);
}

/* ---- make bench ------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* wrk (an independent load generator) against port, a new connection
 * for every request as loadcli makes them; its requests per second. */
static double wrk(int port)
{
	char url[64];
	double rps = 0;
	const char *s;
	hn_proc *w;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/64", port);
	w = hn_run(NULL, NULL, "/usr/bin/wrk", "-t2", "-c8", "-d2s", "-H",
		   "Connection: close", url, NULL);
	TK_EXPECT(tk_exited(w, 20000) && tk_exit_code(w) == 0, "wrk: %s",
		  tk_shown(hn_stderr(w)));
	if ((s = strstr(hn_stdout(w), "Requests/sec:")) != NULL)
		sscanf(s, "Requests/sec: %lf", &rps);
	TK_EXPECT(strstr(hn_stdout(w), "Non-2xx") == NULL &&
		  strstr(hn_stdout(w), "Socket errors") == NULL,
		  "wrk saw errors: %s", tk_shown(hn_stdout(w)));
	return rps;
}

#define ROUNDS 5

/* The median of ROUNDS runs of loadcli against a server on port. */
static double median_rps(double *r)
{
	qsort(r, ROUNDS, sizeof(*r), cmp_double);
	return r[ROUNDS / 2];
}

static void bench_designs_and_nginx(void **state)
{
	double rps[NDESIGNS + 1][ROUNDS], med[NDESIGNS + 1], best = 0;
	int ports[NDESIGNS], ngx = 18081, bi = 0;
	hn_proc *srv[NDESIGNS];
	const char *upd = getenv("TK_UPDATE_TRANSCRIPTS");
	double wrk_rps, wrk_ngx;

	(void)state;
	if (getenv("TK_BENCH") == NULL)
		skip();
	for (size_t i = 0; i < NDESIGNS; i++) {
		srv[i] = start(&designs[i], "0");
		ports[i] = tk_listening_port(srv[i], 3000);
	}
	nginx(ngx);
	for (int k = 0; k < ROUNDS; k++) {      /* interleaved: fair load */
		for (size_t i = 0; i < NDESIGNS; i++)
			rps[i][k] = load(ports[i], 8, 400, NULL);
		rps[NDESIGNS][k] = load(ngx, 8, 400, NULL);
	}
	for (size_t i = 0; i <= NDESIGNS; i++) {
		med[i] = median_rps(rps[i]);
		if (i < NDESIGNS && med[i] > best) {
			best = med[i];
			bi = (int)i;
		}
	}
	wrk_rps = wrk(ports[bi]);
	wrk_ngx = wrk(ngx);
	for (size_t i = 0; i < NDESIGNS; i++)
		printf("BENCH ch30.%s.rps %.0f\n", designs[i].name, med[i]);
	printf("BENCH ch30.nginx.rps %.0f\n", med[NDESIGNS]);
	printf("BENCH ch30.best %s\n", designs[bi].name);
	printf("BENCH ch30.best_vs_nginx %.2f\n", best / med[NDESIGNS]);
	printf("BENCH ch30.best.wrk_rps %.0f\n", wrk_rps);
	printf("BENCH ch30.nginx.wrk_rps %.0f\n", wrk_ngx);
	if (upd != NULL && strcmp(upd, "1") == 0) {
		FILE *tr = tk_transcript_open();

		fprintf(tr, "$ make bench-ch30\n");
		fprintf(tr, "%-16s %9s  %s\n", "design", "requests/s",
			"(loadcli -c 8 -r 400, median of 5)");
		for (size_t i = 0; i <= NDESIGNS; i++) {
			int bar = (int)lround(40.0 * med[i] / (best >
				  med[NDESIGNS] ? best : med[NDESIGNS]));

			fprintf(tr, "%-16s %9.0f  ", i < NDESIGNS ?
				designs[i].name : "nginx", med[i]);
			for (int j = 0; j < bar; j++)
				fputc('#', tr);
			fputc('\n', tr);
		}
		fprintf(tr, "best: %s, %.2f times nginx\n",
			designs[bi].name, best / med[NDESIGNS]);
		fprintf(tr, "wrk -t2 -c8 -d2s: %s %.0f requests/s, nginx %.0f"
			"\n", designs[bi].name, wrk_rps, wrk_ngx);
		tk_transcript_close(tr, CH, "bench");
	}
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(iterative_serves),
		TK_TEST(fork_serves),
		TK_TEST(prefork_nolock_serves),
		TK_TEST(prefork_fcntl_serves),
		TK_TEST(prefork_mutex_serves),
		TK_TEST(prefork_pass_serves),
		TK_TEST(thread_serves),
		TK_TEST(prethread_mutex_serves),
		TK_TEST(prethread_main_serves),
		TK_TEST(epoll_reuseport_serves),
		TK_TEST(io_uring_serves),
		TK_TEST(thundering_herd_measured),
		TK_TEST(loadcli_against_a_design_and_nginx),
		TK_TEST(bench_designs_and_nginx),
	};
	return TK_RUN("designs", tests);
}
