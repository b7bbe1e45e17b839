/*
 * opts.c - chapter 7's programs on loopback: checkopts against the
 * kernel's own settings, SO_LINGER's RST, SO_REUSEADDR and TIME_WAIT
 * (the failure without it asserted, and Linux's rule that the old
 * connections need it too), buffer sizes bounding what is in flight,
 * and Nagle's algorithm measured.
 */
#include <fcntl.h>
#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#define CH "07-socket-options"

static char *slurp_line(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");

	if (f == NULL || fgets(buf, sizeof(buf), f) == NULL)
		TK_FAIL("cannot read %s", path);
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* The value checkopts printed for NAME on a SOCK socket. */
static char *value_of(const char *out, const char *name, const char *sock)
{
	char key[64];
	const char *p;
	static char val[128];

	snprintf(key, sizeof(key), "\n%-18s %-5s ", name, sock);
	p = strstr(out, key);
	if (p == NULL && strncmp(out, key + 1, strlen(key + 1)) == 0)
		p = out - 1;
	TK_EXPECT(p != NULL, "checkopts printed no line for %s (%s)", name,
		  sock);
	p += strlen(key);
	snprintf(val, sizeof(val), "%.*s", (int)strcspn(p, "\n"), p);
	return val;
}

static void expect_sysctl(const char *out, const char *name,
			  const char *sock, const char *path, int field)
{
	char *want = slurp_line(path), *got;
	char copy[256];
	char *tok, *save;

	snprintf(copy, sizeof(copy), "%s", want);
	tok = strtok_r(copy, " \t", &save);
	for (int i = 0; i < field && tok != NULL; i++)
		tok = strtok_r(NULL, " \t", &save);
	got = value_of(out, name, sock);
	TK_EXPECT(tok != NULL && strcmp(got, tok) == 0, "checkopts says "
		  "%s (%s) is %s by default, but %s says %s", name, sock,
		  got, path, tok ? tok : "(nothing)");
}

static void checkopts_agrees_with_the_kernel(void **state)
{
	hn_proc *p = tk_run(CH, "checkopts", NULL);
	char *text;

	(void)state;
	TK_EXPECT(tk_exited(p, 2000) && hn_exit_status(p) == 0,
		  "checkopts failed: %s", hn_stderr(p));
	expect_sysctl(hn_stdout(p), "SO_RCVBUF", "tcp",
		      "/proc/sys/net/ipv4/tcp_rmem", 1);
	expect_sysctl(hn_stdout(p), "SO_SNDBUF", "tcp",
		      "/proc/sys/net/ipv4/tcp_wmem", 1);
	expect_sysctl(hn_stdout(p), "SO_RCVBUF", "udp",
		      "/proc/sys/net/core/rmem_default", 0);
	expect_sysctl(hn_stdout(p), "SO_SNDBUF", "udp",
		      "/proc/sys/net/core/wmem_default", 0);
	expect_sysctl(hn_stdout(p), "IP_TTL", "tcp",
		      "/proc/sys/net/ipv4/ip_default_ttl", 0);
	expect_sysctl(hn_stdout(p), "TCP_KEEPIDLE", "tcp",
		      "/proc/sys/net/ipv4/tcp_keepalive_time", 0);
	expect_sysctl(hn_stdout(p), "TCP_KEEPINTVL", "tcp",
		      "/proc/sys/net/ipv4/tcp_keepalive_intvl", 0);
	expect_sysctl(hn_stdout(p), "TCP_KEEPCNT", "tcp",
		      "/proc/sys/net/ipv4/tcp_keepalive_probes", 0);
	expect_sysctl(hn_stdout(p), "TCP_CONGESTION", "tcp",
		      "/proc/sys/net/ipv4/tcp_congestion_control", 0);
	TK_EXPECT(strcmp(value_of(hn_stdout(p), "SO_TYPE", "tcp"), "1") == 0,
		  "SO_TYPE of a TCP socket should be SOCK_STREAM (1)");
	{
		/* Linux: SO_SNDLOWAT reads 1 and cannot be set */
		int fd = Socket(AF_INET, SOCK_STREAM, 0), v = 100;

		TK_EXPECT(setsockopt(fd, SOL_SOCKET, SO_SNDLOWAT, &v,
				     sizeof(v)) < 0 && errno == ENOPROTOOPT,
			  "setting SO_SNDLOWAT was expected to fail with "
			  "ENOPROTOOPT on Linux");
		Close(fd);
	}
	{
		/* Linux: 536 is TCP_MAXSEG's default, not its minimum (88) */
		int fd = Socket(AF_INET, SOCK_STREAM, 0), v = 87;

		TK_EXPECT(setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &v,
				     sizeof(v)) < 0 && errno == EINVAL,
			  "TCP_MAXSEG 87 was expected to fail with EINVAL");
		v = 88;
		TK_EXPECT(setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &v,
				     sizeof(v)) == 0,
			  "TCP_MAXSEG 88 was expected to be accepted: %s",
			  strerror(errno));
		Close(fd);
	}
	/* net.core.rmem_default is the system's: read-only in a namespace */
	TK_EXPECT(open("/proc/sys/net/core/rmem_default", O_WRONLY) < 0,
		  "net.core.rmem_default was expected to be read-only in a "
		  "network namespace other than the first");
	/* the algorithm and the UDP buffer sizes differ between systems */
	text = tk_scrub(strdup(hn_stdout(p)), "TCP_CONGESTION +tcp +.*",
			"TCP_CONGESTION     tcp   (the system's default)");
	tk_transcript_of(CH, "checkopts", "checkopts", text);
	free(text);
}

/* A listening socket of the test's own on a free port, on the loopback
 * address or on every address. */
static int listener_on(in_addr_t addr, int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = Socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(addr);
	Bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	Listen(fd, 5);
	Getsockname(fd, (struct sockaddr *)&sin, &len);
	*port = ntohs(sin.sin_port);
	return fd;
}

static int test_listener(int *port)
{
	return listener_on(INADDR_LOOPBACK, port);
}

static int test_listener_any(int *port)
{
	return listener_on(INADDR_ANY, port);
}

/* Runs lingerclose (with -z or not) against the test; returns what the
 * second read() on the accepted socket gave: 0 or -errno. */
static int second_read_after_close(bool zero, char **transcript)
{
	int port, listenfd = test_listener(&port), fd;
	char portarg[16], buf[64];
	ssize_t n;
	hn_proc *p;

	snprintf(portarg, sizeof(portarg), "%d", port);
	p = zero ? tk_run(CH, "lingerclose", "-z", "127.0.0.1", portarg,
			     NULL)
		 : tk_run(CH, "lingerclose", "127.0.0.1", portarg, NULL);
	fd = Accept(listenfd, NULL, NULL);
	TK_EXPECT(tk_exited(p, 2000) && hn_exit_status(p) == 0, "lingerclose "
		  "failed: %s", hn_stderr(p));
	n = read(fd, buf, sizeof(buf));
	TK_EXPECT(n == 8 && memcmp(buf, "goodbye\n", 8) == 0, "the data "
		  "sent before close() did not arrive (read gave %zd)", n);
	n = read(fd, buf, sizeof(buf));
	if (asprintf(transcript, "$ lingerclose %s127.0.0.1 9877\n%s"
		     "server's next read(): %s\n", zero ? "-z " : "",
		     hn_stdout(p), n == 0 ? "0 (end of file)" :
		     n < 0 ? strerror(errno) : "data?") < 0)
		abort();
	Close(fd);
	Close(listenfd);
	return n < 0 ? -errno : (int)n;
}

static void linger_zero_close_resets(void **state)
{
	char *t1, *t2, *both;
	int r;

	(void)state;
	r = second_read_after_close(false, &t1);
	TK_EXPECT(r == 0, "after a normal close the server's read should "
		  "return 0 (FIN), got %s", strerror(-r));
	r = second_read_after_close(true, &t2);
	TK_EXPECT(r == -ECONNRESET, "after close with SO_LINGER {1, 0} the "
		  "server's read should fail with ECONNRESET, got %s",
		  r == 0 ? "end of file" : strerror(-r));
	if (asprintf(&both, "%s%s", t1, t2) < 0)
		abort();
	tk_transcript(CH, "lingerclose", both);
	free(t1);
	free(t2);
	free(both);
}

/* Starts restartserv [-r] on port (0: any); returns it. */
static hn_proc *restartserv(bool reuse, int port)
{
	char portarg[16];

	snprintf(portarg, sizeof(portarg), "%d", port);
	return reuse ? tk_run(CH, "restartserv", "-r", portarg, NULL)
		     : tk_run(CH, "restartserv", portarg, NULL);
}

/* Server (with or without -r) greets a client and closes first, so the
 * connection ends in TIME_WAIT on the server's side; then it is killed.
 * Returns its port. */
static int leave_time_wait(bool reuse)
{
	hn_proc *srv = restartserv(reuse, 0);
	int port = tk_listening_port(srv, 2000);
	int fd = tk_connect_here(TK_LOOPBACK, port);
	char buf[16];

	TK_EXPECT(tk_read_n(fd, buf, sizeof(buf), 2000) == 6,
		  "restartserv did not say hello and close");
	Close(fd);              /* our FIN: the server's side is TIME_WAIT */
	hn_signal(srv, SIGTERM);
	TK_EXPECT(tk_exited(srv, 2000), "restartserv did not stop");
	return port;
}

/* Starts restartserv on port; true if it got to listen. */
static bool restarts(bool reuse, int port, hn_proc **out)
{
	hn_proc *srv = restartserv(reuse, port);

	*out = srv;
	return tk_saw(srv, "listening on port", 2000);
}

static void restart_during_time_wait(void **state)
{
	hn_proc *srv;
	int port;
	char *text;

	(void)state;
	/* without SO_REUSEADDR: the restart fails */
	port = leave_time_wait(false);
	TK_EXPECT(!restarts(false, port, &srv), "restartserv without -r "
		  "could bind port %d while a connection was in TIME_WAIT",
		  port);
	TK_EXPECT(strstr(hn_stderr(srv), "Address already in use") != NULL,
		  "expected bind: Address already in use, got: %s",
		  hn_stderr(srv));
	if (asprintf(&text, "$ restartserv 9877\n%s", hn_stderr(srv)) < 0)
		abort();
	/* Linux: the new socket's SO_REUSEADDR is not enough when the
	 * TIME_WAIT connection was accepted without it */
	TK_EXPECT(!restarts(true, port, &srv), "restartserv -r could take "
		  "over from a server without -r during TIME_WAIT; Linux was "
		  "expected to refuse (both sides need SO_REUSEADDR)");
	/* with SO_REUSEADDR on both: at once */
	port = leave_time_wait(true);
	TK_EXPECT(restarts(true, port, &srv), "restartserv -r could not "
		  "restart on port %d during TIME_WAIT: %s", port,
		  hn_stderr(srv));
	text = tk_scrub(text, "[0-9]{4,5}", "9877");
	tk_transcript(CH, "restartserv", text);
	free(text);
}

/* bufwin against stallserv; returns the bytes it could write. */
static long in_flight(const char *rcvbuf, const char *sndbuf, char **out)
{
	hn_proc *srv, *cli;
	char portarg[16];
	const char *wrote;

	srv = rcvbuf ? tk_run(CH, "stallserv", "-r", rcvbuf, "0", NULL)
		     : tk_run(CH, "stallserv", "0", NULL);
	snprintf(portarg, sizeof(portarg), "%d", tk_listening_port(srv, 2000));
	cli = sndbuf ? tk_run(CH, "bufwin", "-s", sndbuf, "127.0.0.1",
				 portarg, NULL)
		     : tk_run(CH, "bufwin", "127.0.0.1", portarg, NULL);
	TK_EXPECT(tk_exited(cli, 10000) && hn_exit_status(cli) == 0,
		  "bufwin failed: %s", hn_stderr(cli));
	wrote = strstr(hn_stdout(cli), "wrote ");
	TK_EXPECT(wrote != NULL, "bufwin printed no total: %s", hn_stdout(cli));
	*out = strdup(hn_stdout(cli));
	return atol(wrote + 6);
}

static void small_buffers_mean_little_in_flight(void **state)
{
	char *small_out, *big_out, *text;
	long small = in_flight("4096", "4096", &small_out);
	long big = in_flight(NULL, NULL, &big_out);

	(void)state;
	TK_EXPECT(strstr(small_out, "asked 4096, the kernel set 8192"),
		  "Linux doubles SO_SNDBUF; bufwin printed: %s", small_out);
	TK_EXPECT(strstr(small_out, "the peer's 0"), "with a 4096-byte "
		  "SO_RCVBUF set before listen(), the server should "
		  "announce window scale 0: %s", small_out);
	TK_EXPECT(small < 64 * 1024, "with 4 KB buffers at both ends, %ld "
		  "bytes were in flight (expected well under 64 KB)", small);
	TK_EXPECT(big > 1024 * 1024, "with default (self-tuning) buffers, "
		  "only %ld bytes were in flight (expected over 1 MB)", big);
	if (asprintf(&text, "$ stallserv -r 4096 9877 &\n"
		     "$ bufwin -s 4096 127.0.0.1 9877\n%s", small_out) < 0)
		abort();
	/* how the kernel packs the writes into buffers varies: 10240 and
	 * 12288 bytes are both seen; the bound is checked above */
	text = tk_scrub(text, "wrote [0-9]+ bytes", "wrote N bytes");
	tk_transcript(CH, "bufwin", text);
	free(text);
	free(small_out);
	free(big_out);
}

/* nagle against reqserv; returns the average milliseconds. */
static double nagle_average(bool nodelay)
{
	hn_proc *srv = tk_run(CH, "reqserv", "0", NULL), *cli;
	char portarg[16];
	const char *avg;

	snprintf(portarg, sizeof(portarg), "%d", tk_listening_port(srv, 2000));
	cli = nodelay ? tk_run(CH, "nagle", "-n", "127.0.0.1", portarg,
				  NULL)
		      : tk_run(CH, "nagle", "127.0.0.1", portarg, NULL);
	TK_EXPECT(tk_exited(cli, 5000) && hn_exit_status(cli) == 0,
		  "nagle failed: %s", hn_stderr(cli));
	avg = strstr(hn_stdout(cli), "average ");
	TK_EXPECT(avg != NULL, "nagle printed no average: %s", hn_stdout(cli));
	return atof(avg + 8);
}

static void nagle_delays_write_write_read(void **state)
{
	double with = nagle_average(false), without = nagle_average(true);

	(void)state;
	TK_EXPECT(with >= 20.0, "write-write-read with Nagle on took %.2f ms "
		  "a request; delayed ACKs were expected to make it ~40 ms",
		  with);
	TK_EXPECT(without < 5.0 && without * 5 < with, "with TCP_NODELAY a "
		  "request took %.2f ms (with Nagle: %.2f ms)", without, with);
	printf("# Nagle on: %.2f ms a request; TCP_NODELAY: %.2f ms\n",
	       with, without);
}

static void bad_arguments_are_explained(void **state)
{
	const struct tk_bad_args cases[] = {
		{ "lingerclose", { "-x", "127.0.0.1", "9" }, "usage" },
		{ "keepalive_cli", { "127.0.0.1", "9", "0" }, "usage" },
		{ "restartserv", { "99999" }, "not a port number" },
		{ "stallserv", { "-r", "lots", "0" }, "positive number" },
		{ "bufwin", { "-s", "-5", "127.0.0.1", "9" },
		  "positive number" },
		{ "nagle", { "-c", "0", "127.0.0.1", "9" }, "usage" },
		{ "reqserv", { "x" }, "not a port number" },
	};

	(void)state;
	tk_expect_bad_args(CH, cases, sizeof(cases) / sizeof(cases[0]));
}

/* ---- on a harness network ---------------------------------------------- */

static hn_proc *run_in(hn_net *net, const char *host, const char *name,
			    const char *a1, const char *a2, const char *a3,
			    const char *a4, const char *a5)
{
	char *argv[] = { (char *)tk_prog(CH, name), (char *)a1,
			 (char *)a2, (char *)a3, (char *)a4, (char *)a5,
			 NULL };

	return hn_spawn(net, host, argv, NULL);
}

static void keepalive_detects_crashed_server(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *srv = run_in(net, "b", "stallserv", "0", 0, 0, 0, 0);
	hn_proc *cli;
	char portarg[16];
	const char *timed_out;
	double secs;

	(void)state;
	hn_capture(net, "a", "b");
	snprintf(portarg, sizeof(portarg), "%d", tk_listening_port(srv, 2000));
	/* first probe after 1 s of silence, then 1 s apart, 2 probes */
	cli = run_in(net, "a", "keepalive_cli", hn_addr(net, "b", AF_INET),
		     portarg, "1", "1", "2");
	TK_EXPECT(tk_saw(cli, "waiting", 2000), "keepalive_cli did not "
		  "connect: %s", hn_stderr(cli));
	hn_crash(net, "b");
	TK_EXPECT(tk_exited(cli, 6000), "keepalive_cli was still waiting 6 s "
		  "after the server's host crashed (keepalive 1 s, 1 s, 2)");
	timed_out = strstr(hn_stdout(cli), "Connection timed out after ");
	TK_EXPECT(timed_out != NULL, "keepalive_cli should report ETIMEDOUT; "
		  "it printed: %s", hn_stdout(cli));
	secs = atof(timed_out + strlen("Connection timed out after "));
	TK_EXPECT(secs >= 2.5 && secs <= 4.5, "keepalive gave up after %.1f "
		  "s; with idle 1, interval 1 and 2 probes about 3 s was "
		  "expected", secs);
}

/* lingerclose [-z] from a to a listener of the test's own on b; returns
 * the capture. */
static hn_cap *linger_on_the_wire(bool zero, hn_net **netp)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "a", "b");
	int port, listenfd, fd;
	char portarg[16], buf[16];
	hn_proc *cli;

	hn_enter(net, "b");
	listenfd = test_listener_any(&port);
	hn_leave(net);
	snprintf(portarg, sizeof(portarg), "%d", port);
	cli = run_in(net, "a", "lingerclose", zero ? "-z" : hn_addr(net, "b",
		     AF_INET), zero ? hn_addr(net, "b", AF_INET) : portarg,
		     zero ? portarg : NULL, 0, 0);
	fd = Accept(listenfd, NULL, NULL);
	TK_EXPECT(tk_exited(cli, 2000) && hn_exit_status(cli) == 0,
		  "lingerclose failed: %s", hn_stderr(cli));
	while (read(fd, buf, sizeof(buf)) > 0)
		;               /* to end of file, or the reset */
	hn_cap_wait(cap, zero ? HN_RST : HN_FIN, 1, 2000);
	Close(fd);
	Close(listenfd);
	*netp = net;
	return cap;
}

static void linger_zero_sends_rst_on_the_wire(void **state)
{
	hn_net *net;
	hn_cap *cap = linger_on_the_wire(false, &net);

	(void)state;
	/* hn_two_hosts(): a, the client, is 192.0.2.1 */
	TK_EXPECT(hn_cap_count(cap, HN_FIN " and src host 192.0.2.1") >= 1 &&
		  hn_cap_count(cap, HN_RST) == 0, "a normal close should send "
		  "a FIN and no RST; the wire saw:\n%s",
		  hn_cap_summary(cap, NULL));
	hn_down(net);
	cap = linger_on_the_wire(true, &net);
	TK_EXPECT(hn_cap_count(cap, HN_RST " and src host 192.0.2.1") >= 1 &&
		  hn_cap_count(cap, HN_FIN " and src host 192.0.2.1") == 0,
		  "close() with SO_LINGER {1, 0} should send a RST and no "
		  "FIN; the wire saw:\n%s", hn_cap_summary(cap, NULL));
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(checkopts_agrees_with_the_kernel),
		TK_TEST(linger_zero_close_resets),
		TK_TEST(restart_during_time_wait),
		TK_TEST(small_buffers_mean_little_in_flight),
		TK_TEST(nagle_delays_write_write_read),
		TK_TEST(bad_arguments_are_explained),
		TK_TEST(keepalive_detects_crashed_server),
		TK_TEST(linger_zero_sends_rst_on_the_wire),
	};
	return TK_RUN("ch07 opts", tests);
}
