/*
 * Chapter 14's examples: timeouts against a black-holed server (the
 * kernel's own timers, so only the program's timeout ends the wait),
 * the recv/send flags and queue sizes, gather/scatter and ancillary
 * data, the stdio deadlock (watch it break, then the fix), and epoll's
 * edge-triggered stall (watch it break, then the fix).
 */
#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#include <sys/ioctl.h>

#define CH "14-advanced-io"

/* Host a and a black-holed host b (192.0.2.2): packets between them are
 * dropped.  The kernel's own timers, so connect() alone would go on for
 * about two minutes (six SYN retries). */
static hn_net *black_hole(bool now)
{
	hn_net *net = hn_up("host a b\n"
			    "link a b 192.0.2.0/24 2001:db8:1::/64\n"
			    "timing kernel\n");

	if (now)
		hn_partition(net, "a", "b");
	return net;
}

static void on_alarm(int signo)
{
	(void)signo;
}

/* ---- 14.3 and 14.6: connect ------------------------------------------- */

static void connect_timeouts_on_a_black_hole(void **state)
{
	hn_net *net = black_hole(true);
	const char *b = hn_addr(net, "b", AF_INET);
	FILE *tr = tk_transcript_open();
	hn_proc *p;
	char cmd[128];

	(void)state;
	for (int i = 0; i < 2; i++) {
		const char *opt = i == 0 ? "300" : "-o";

		p = i == 0 ? hn_run(net, "a", tk_prog(CH, "conntimeo"), "300",
				    b, "9", NULL)
			   : hn_run(net, "a", tk_prog(CH, "conntimeo"), "-o",
				    "300", b, "9", NULL);
		TK_EXPECT(tk_exited(p, 2000), "conntimeo %s did not give up "
			  "on a black-holed server within 2 s", opt);
		TK_EXPECT(strstr(hn_stdout(p), i == 0 ? "EINTR" :
				 "EINPROGRESS") != NULL &&
			  strstr(hn_stdout(p), "about 300 ms") != NULL &&
			  strstr(hn_stdout(p), "SYN_SENT") != NULL,
			  "conntimeo %s said: %s", opt,
			  tk_shown(hn_stdout(p)));
		snprintf(cmd, sizeof(cmd), "a$ conntimeo %s%s 192.0.2.2 9",
			 i == 0 ? "" : "-o ", "300");
		fprintf(tr, "%s\n%s", cmd, hn_stdout(p));
	}
	tk_transcript_close(tr, CH, "conntimeo");

	/* watch it break: SA_RESTART, and the timeout never ends it */
	p = hn_run(net, "a", tk_prog(CH, "conntimeo"), "-r", "300", b, "9",
		   NULL);
	TK_EXPECT(hn_exited_within(p, 1500) == -1, "conntimeo -r (SA_RESTART)"
		  " should still be in connect() 1.5 s later, restarted after "
		  "each SIGALRM; it ended: %s", tk_shown(hn_stdout(p)));
}

/* After an interrupted connect the kernel goes on: the same socket's
 * next connect() waits for the same handshake (here: heal and see it
 * complete). */
static void interrupted_connect_goes_on(void **state)
{
	hn_net *net = black_hole(true);
	struct sockaddr_storage ss;
	socklen_t len;
	int l = tk_listen(net, "b", "0.0.0.0", 7000, 4), fd;
	struct itimerval it = { .it_value = { 0, 200000 } };

	(void)state;
	hn_sockaddr(net, "b", AF_INET, 7000, &ss, &len);
	hn_enter(net, "a");
	fd = Socket(AF_INET, SOCK_STREAM, 0);
	hn_leave(net);
	signal_intr(SIGALRM, on_alarm);
	setitimer(ITIMER_REAL, &it, NULL);
	TK_EXPECT(connect(fd, (struct sockaddr *)&ss, len) < 0 &&
		  errno == EINTR, "connect to a black hole interrupted by "
		  "SIGALRM should fail with EINTR (%s)", strerror(errno));
	hn_heal(net);
	TK_EXPECT(connect(fd, (struct sockaddr *)&ss, len) == 0 ||
		  errno == EISCONN, "after the partition healed, the same "
		  "socket's connect() should complete the handshake the "
		  "kernel kept trying (%s)", strerror(errno));
	close(fd);
	close(l);
}

/* ---- 14.4 to 14.6: read ----------------------------------------------- */

static void read_timeouts_on_a_black_hole(void **state)
{
	static const char *modes[] = { "-a", "-s", "-o" };
	static const char *said[] = { "EINTR", "select returned 0",
				      "EAGAIN" };
	FILE *tr = tk_transcript_open();

	(void)state;
	for (int i = 0; i < 3; i++) {
		hn_net *net = black_hole(false);
		int l = tk_listen(net, "b", "0.0.0.0", 7000, 4);
		hn_proc *p = hn_run(net, "a", tk_prog(CH, "readtimeo"),
				    modes[i], "300", "192.0.2.2", "7000",
				    NULL);

		TK_EXPECT(tk_saw(p, "connected", 2000), "readtimeo %s did not "
			  "connect: %s", modes[i], tk_shown(hn_stderr(p)));
		hn_partition(net, "a", "b");    /* now b is a black hole */
		hn_feed(p, "hello\n", 6, 1000);
		TK_EXPECT(tk_exited(p, 2000), "readtimeo %s 300 did not give "
			  "up within 2 s", modes[i]);
		TK_EXPECT(strstr(hn_stdout(p), said[i]) != NULL, "readtimeo "
			  "%s should say %s; it said %s", modes[i], said[i],
			  tk_shown(hn_stdout(p)));
		fprintf(tr, "a$ readtimeo %s 300 192.0.2.2 7000\nconnected\n"
			TK_TYPED "hello\n%s", modes[i],
			hn_stdout(p) + strlen("connected\n"));
		close(l);
		hn_down(net);
	}
	tk_transcript_close(tr, CH, "readtimeo");
}

/* ---- 14.7 to 14.9: flags, vectors, ancillary data, queues ------------- */

static void recv_flags_measured(void **state)
{
	hn_proc *p = tk_run(CH, "recvflags", NULL);

	(void)state;
	TK_EXPECT(tk_exited(p, 3000) && tk_exit_code(p) == 0, "recvflags "
		  "failed: %s", tk_shown(hn_stderr(p)));
	TK_EXPECT(strstr(hn_stdout(p), "SO_RCVTIMEO 200 ms = 4\n") &&
		  strstr(hn_stdout(p), "SIGALRM after 200 ms = 4\n") &&
		  strstr(hn_stdout(p), "MSG_NOSIGNAL = -1 EPIPE") &&
		  strstr(hn_stdout(p), "SO_SNDTIMEO 200 ms = -1 EAGAIN\n"
			 "it waited about 200 ms (195 ms to 1 s): "
			 "yes"),
		  "recvflags said: %s", tk_shown(hn_stdout(p)));
	tk_transcript_of(CH, "recvflags", "recvflags", hn_stdout(p));
}

static void vectors_and_ancillary_data(void **state)
{
	hn_proc *p = tk_run(CH, "vecio", NULL);

	(void)state;
	TK_EXPECT(tk_exited(p, 3000) && tk_exit_code(p) == 0, "vecio failed: "
		  "%s", tk_shown(hn_stderr(p)));
	TK_EXPECT(strstr(hn_stdout(p), "sent to 127.0.0.1, arrived on lo"),
		  "vecio said: %s", tk_shown(hn_stdout(p)));
	tk_transcript_of(CH, "vecio", "vecio", hn_stdout(p));
}

/* ---- 14.10: sockets and standard I/O ---------------------------------- */

static void stdio_full_buffering_deadlocks(void **state)
{
	int l = tk_listen(NULL, NULL, TK_LOOPBACK, 0, 4), c, queued = -1;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char port[16];
	hn_proc *p;

	(void)state;
	Getsockname(l, (struct sockaddr *)&sin, &len);
	snprintf(port, sizeof(port), "%d", ntohs(sin.sin_port));
	p = tk_run(CH, "stdiocli_naive", TK_LOOPBACK, port, "one", "two",
		   NULL);
	c = Accept(l, NULL, NULL);
	/* connected: the next thing that can block it is fgets() */
	TK_EXPECT(tk_wait_state(hn_pid(p), 'S', 2000), "stdiocli_naive "
		  "should be asleep waiting for its reply");
	ioctl(c, FIONREAD, &queued);
	TK_EXPECT(queued == 0, "stdiocli_naive is waiting for a reply, and "
		  "the server has %d bytes of request: the deadlock needs 0",
		  queued);
	TK_EXPECT(!tk_readable(c, 300), "stdiocli_naive's request arrived "
		  "after all: %s", tk_shown(hn_stdout(p)));
	TK_EXPECT(hn_exit_status(p) == -1, "stdiocli_naive ended");
	close(c);                       /* end of file breaks the deadlock */
	TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 1 &&
		  hn_stderr_has(p, "closed", 1000), "stdiocli_naive at end of "
		  "file said: %s", tk_shown(hn_stderr(p)));
	close(l);
}

static void stdio_line_buffered_works(void **state)
{
	hn_proc *srv = tk_run(CH, "lineserv", "0", NULL);
	char port[16];
	hn_proc *p;

	(void)state;
	snprintf(port, sizeof(port), "%d", tk_listening_port(srv, 2000));
	for (int i = 0; i < 2; i++) {
		const char *prog = i == 0 ? "stdiocli_naive" : "stdiocli";

		p = tk_run(CH, prog, TK_LOOPBACK, port, "one", "two", NULL);
		if (i == 0) {           /* the same deadlock, a real server */
			TK_EXPECT(!tk_saw(p, "1: one", 300), "stdiocli_naive "
				  "got a reply: %s", tk_shown(hn_stdout(p)));
			hn_kill(p);
			continue;
		}
		TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 0,
			  "stdiocli failed: %s", tk_shown(hn_stderr(p)));
		TK_EXPECT(strcmp(hn_stdout(p), "1: one\n2: two\n") == 0,
			  "stdiocli printed %s", tk_shown(hn_stdout(p)));
		tk_transcript_of(CH, "stdiocli", "stdiocli 127.0.0.1 PORT one "
				 "two", hn_stdout(p));
	}
}

/* ---- 14.11: epoll, level and edge --------------------------------------- */

static const char forty[] = "0123456789abcdefghijABCDEFGHIJklmnopqrst";

static void epoll_edge_without_draining_stalls(void **state)
{
	hn_proc *srv = tk_run(CH, "epollet", "-e", "0", NULL);
	int fd = tk_connect_here(TK_LOOPBACK, tk_listening_port(srv, 2000));
	char buf[64] = "";
	size_t n;

	(void)state;
	Write(fd, forty, 40);
	n = tk_read_n(fd, buf, 16, 2000);
	TK_EXPECT(n == 16 && memcmp(buf, forty, 16) == 0, "epollet -e echoed "
		  "%zu bytes of the first 16", n);
	TK_EXPECT(!tk_readable(fd, 300), "epollet -e echoed more than one "
		  "read's 16 bytes for one edge");
	Write(fd, "!", 1);              /* a new edge */
	n = tk_read_n(fd, buf, 16, 2000);
	TK_EXPECT(n == 16 && memcmp(buf, forty + 16, 16) == 0, "after a new "
		  "byte (a new edge) epollet -e should echo the next 16 old "
		  "bytes; it echoed %zu: %.*s", n, (int)n, buf);
	close(fd);
}

static void epoll_level_and_drained_edge_echo_all(void **state)
{
	static const char *modes[] = { "-E", NULL };

	(void)state;
	for (int i = 0; i < 2; i++) {
		hn_proc *srv = modes[i] ? tk_run(CH, "epollet", modes[i], "0",
						 NULL)
					: tk_run(CH, "epollet", "0", NULL);
		int fd = tk_connect_here(TK_LOOPBACK,
					 tk_listening_port(srv, 2000));
		char buf[64] = "";
		size_t n;

		Write(fd, forty, 40);
		n = tk_read_n(fd, buf, 40, 2000);
		TK_EXPECT(n == 40 && memcmp(buf, forty, 40) == 0, "epollet %s "
			  "echoed %zu of 40 bytes", modes[i] ? modes[i] :
			  "(level)", n);
		close(fd);
	}
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(connect_timeouts_on_a_black_hole),
		TK_TEST(interrupted_connect_goes_on),
		TK_TEST(read_timeouts_on_a_black_hole),
		TK_TEST(recv_flags_measured),
		TK_TEST(vectors_and_ancillary_data),
		TK_TEST(stdio_full_buffering_deadlocks),
		TK_TEST(stdio_line_buffered_works),
		TK_TEST(epoll_edge_without_draining_stalls),
		TK_TEST(epoll_level_and_drained_edge_echo_all),
	};
	return TK_RUN("ch14 advio", tests);
}
