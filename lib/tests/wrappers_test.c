/*
 * wrappers_test.c - unit tests of the wrappers (lib/wrapsock.c,
 * wrapunix.c, wraplib.c, and Signal in signal.c).
 *
 * A wrapper that fails must end the process with exit status 1 and one
 * line naming the call and the reason, e.g.
 *     wrappers_test: connect: Connection refused
 * Each failing call runs in a child process; the table says what it must
 * print.  A wrapper that succeeds must return what the call returned.
 * (Fork, Malloc, Accept's retries and short writes: see inject_test.c.)
 */
#include "lnp.h"
#include "testkit.h"
#include "child.h"

#include <sys/resource.h>

static int tcp_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	return fd;
}

/* ---- one failing call each ---------------------------------------------- */

static void bad_socket(void *a) { (void)a; Socket(AF_INET, 12345, 0); }

static void bad_bind(void *a)
{
	struct sockaddr_in in = { .sin_family = AF_INET };

	(void)a;
	Bind(-1, (struct sockaddr *)&in, sizeof(in));
}

/* Nobody listens on this abstract name: the connection is refused. */
static void bad_connect(void *a)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int len = snprintf(un.sun_path + 1, sizeof(un.sun_path) - 1,
			   "lnp-wrappers-test-nobody-%d", (int)getpid());

	(void)a;
	Connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&un,
		(socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			    (size_t)len));
}

static void bad_listen(void *a)
{
	(void)a;
	Listen(socket(AF_INET, SOCK_DGRAM, 0), 5);
}

/* A backlog from the environment that is not a number is refused. */
static void bad_listenq(void *a)
{
	(void)a;
	setenv("LISTENQ", "lots", 1);
	Listen(tcp_socket(), 5);
}

static void bad_accept(void *a) { (void)a; Accept(tcp_socket(), NULL, 0); }

static void bad_getpeername(void *a)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	(void)a;
	Getpeername(tcp_socket(), (struct sockaddr *)&ss, &len);
}

static void bad_getsockname(void *a)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	(void)a;
	Getsockname(-1, (struct sockaddr *)&ss, &len);
}

static void bad_getsockopt(void *a)
{
	int v;
	socklen_t len = sizeof(v);

	(void)a;
	Getsockopt(tcp_socket(), SOL_SOCKET, 12345, &v, &len);
}

static void bad_setsockopt(void *a)
{
	int v = 1;

	(void)a;
	Setsockopt(tcp_socket(), SOL_SOCKET, 12345, &v, sizeof(v));
}

static void bad_shutdown(void *a) { (void)a; Shutdown(tcp_socket(), 0); }

static void bad_recv(void *a)
{
	char c;

	(void)a;
	Recv(-1, &c, 1, 0);
}

/* The peer has gone: EPIPE (MSG_NOSIGNAL: no SIGPIPE to kill us first). */
static void bad_send(void *a)
{
	int sv[2];

	(void)a;
	Socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	Send(sv[0], "x", 1, MSG_NOSIGNAL);
}

static void bad_recvfrom(void *a)
{
	char c;

	(void)a;
	Recvfrom(-1, &c, 1, 0, NULL, NULL);
}

static void bad_sendto(void *a)
{
	struct sockaddr_in in = { .sin_family = AF_INET };

	(void)a;
	Sendto(socket(AF_INET, SOCK_DGRAM, 0), "x", 1, 0,
	       (struct sockaddr *)&in, 3);
}

static void bad_select(void *a) { (void)a; Select(-1, NULL, NULL, NULL, 0); }

static void bad_poll(void *a) { (void)a; Poll(NULL, 1u << 30, 0); }

static void bad_socketpair(void *a)
{
	int sv[2];

	(void)a;
	Socketpair(AF_INET, SOCK_STREAM, 0, sv);
}

static void bad_close(void *a) { (void)a; Close(-1); }

static void bad_read(void *a)
{
	char c;

	(void)a;
	Read(-1, &c, 1);
}

static void bad_write(void *a) { (void)a; Write(-1, "x", 1); }

/* LeakSanitizer (SAN=1) calls this at exit: leak checking needs free
 * descriptors, which bad_pipe's child deliberately has none of. */
static int no_leak_check;
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
	return no_leak_check;
}

/* With at most 3 descriptors, all in use, a pipe cannot be made. */
static void bad_pipe(void *a)
{
	struct rlimit lim = { 3, 3 };
	int fds[2];

	(void)a;
	no_leak_check = 1;
	if (setrlimit(RLIMIT_NOFILE, &lim) < 0)
		_exit(3);
	Pipe(fds);
}

static void bad_dup2(void *a) { (void)a; Dup2(-1, 5); }

static void bad_fgets(void *a)
{
	char buf[8];
	FILE *f = fopen("/dev/null", "w");      /* not for reading */

	(void)a;
	Fgets(buf, sizeof(buf), f);
}

static void bad_fputs(void *a)
{
	FILE *f = fopen("/dev/null", "r");      /* not for writing */

	(void)a;
	Fputs("x", f);
}

static void bad_inet_pton_text(void *a)
{
	struct in_addr in;

	(void)a;
	Inet_pton(AF_INET, "192.0.2.300", &in);
}

static void bad_inet_pton_family(void *a)
{
	struct in_addr in;

	(void)a;
	Inet_pton(12345, "192.0.2.1", &in);
}

static void bad_inet_ntop(void *a)
{
	struct in_addr in = { htonl(0xc0000201) };
	char buf[4];

	(void)a;
	Inet_ntop(AF_INET, &in, buf, sizeof(buf));
}

static void ignore(int signo) { (void)signo; }

static void bad_signal(void *a) { (void)a; Signal(SIGKILL, ignore); }

static void bad_readn(void *a)
{
	char buf[4];

	(void)a;
	Readn(-1, buf, sizeof(buf));
}

static void bad_writen(void *a) { (void)a; Writen(-1, "x", 1); }

static void bad_readline(void *a)
{
	struct linebuf lb;
	char buf[8];

	(void)a;
	linebuf_init(&lb, -1);
	Readline(&lb, buf, sizeof(buf));
}

static void bad_sock_ntop(void *a)
{
	struct sockaddr_storage ss = { .ss_family = 12345 };
	char buf[SOCK_NTOP_LEN];

	(void)a;
	Sock_ntop((struct sockaddr *)&ss, sizeof(ss), buf, sizeof(buf));
}

struct wrap_case {
	const char *name;
	void (*fn)(void *);
	const char *want;       /* the message after "wrappers_test: " */
};

#define EBADF_TEXT ": Bad file descriptor"

static const struct wrap_case wrap_cases[] = {
	{ "Socket", bad_socket, "socket: Invalid argument" },
	{ "Bind", bad_bind, "bind" EBADF_TEXT },
	{ "Connect", bad_connect, "connect: Connection refused" },
	{ "Listen", bad_listen, "listen: Operation not supported" },
	{ "Listen", bad_listenq, "listen: LISTENQ=\"lots\" is not a backlog "
	  "between 0 and 65535" },
	{ "Accept", bad_accept, "accept: Invalid argument" },
	{ "Getpeername", bad_getpeername,
	  "getpeername: Transport endpoint is not connected" },
	{ "Getsockname", bad_getsockname, "getsockname" EBADF_TEXT },
	{ "Getsockopt", bad_getsockopt, "getsockopt: Protocol not available" },
	{ "Setsockopt", bad_setsockopt, "setsockopt: Protocol not available" },
	{ "Shutdown", bad_shutdown,
	  "shutdown: Transport endpoint is not connected" },
	{ "Recv", bad_recv, "recv" EBADF_TEXT },
	{ "Send", bad_send, "send: Broken pipe" },
	{ "Recvfrom", bad_recvfrom, "recvfrom" EBADF_TEXT },
	{ "Sendto", bad_sendto, "sendto: Invalid argument" },
	{ "Select", bad_select, "select: Invalid argument" },
	{ "Poll", bad_poll, "poll: Invalid argument" },
	{ "Socketpair", bad_socketpair,
	  "socketpair: Operation not supported" },
	{ "Close", bad_close, "close" EBADF_TEXT },
	{ "Read", bad_read, "read" EBADF_TEXT },
	{ "Write", bad_write, "write" EBADF_TEXT },
	{ "Pipe", bad_pipe, "pipe: Too many open files" },
	{ "Dup2", bad_dup2, "dup2" EBADF_TEXT },
	{ "Fgets", bad_fgets, "fgets" EBADF_TEXT },
	{ "Fputs", bad_fputs, "fputs" EBADF_TEXT },
	{ "Inet_pton, bad text", bad_inet_pton_text,
	  "inet_pton: \"192.0.2.300\" is not a valid address" },
	{ "Inet_pton, bad family", bad_inet_pton_family,
	  "inet_pton(192.0.2.1): Address family not supported by protocol" },
	{ "Inet_ntop", bad_inet_ntop, "inet_ntop: No space left on device" },
	{ "Signal", bad_signal, "sigaction(9): Invalid argument" },
	{ "Readn", bad_readn, "readn" EBADF_TEXT },
	{ "Writen", bad_writen, "writen" EBADF_TEXT },
	{ "Readline", bad_readline, "readline" EBADF_TEXT },
	{ "Sock_ntop", bad_sock_ntop,
	  "sock_ntop: Address family not supported by protocol" },
};

static void wrappers_exit_with_a_message(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(wrap_cases) / sizeof(wrap_cases[0]); i++) {
		const struct wrap_case *c = &wrap_cases[i];
		struct child_run r;
		char want[256], how[64];

		snprintf(want, sizeof(want), "wrappers_test: %s\n", c->want);
		child_run(c->fn, NULL, &r);
		TK_EXPECT(child_exited(&r, 1), "%s: the child ended with %s; "
			  "expected exit status 1.  It printed: %s", c->name,
			  child_how(&r, how, sizeof(how)), r.out);
		TK_EXPECT(strcmp(r.out, want) == 0, "%s printed \"%s\"; "
			  "expected \"%s\"", c->name, r.out, want);
	}
}

/* ---- and when the call works, the wrapper passes its result on -------- */

static void socket_wrappers_pass_results_on(void **state)
{
	int sv[2], fd;
	char buf[8];
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	fd_set rset;
	struct pollfd pfd;

	(void)state;
	fd = Socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	Close(fd);
	Socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	Send(sv[1], "ping", 4, 0);
	FD_ZERO(&rset);
	FD_SET(sv[0], &rset);
	assert_int_equal(Select(sv[0] + 1, &rset, NULL, NULL, NULL), 1);
	pfd.fd = sv[0];
	pfd.events = POLLIN;
	assert_int_equal(Poll(&pfd, 1, 0), 1);
	assert_int_equal(Recv(sv[0], buf, 2, 0), 2);
	assert_int_equal(Recvfrom(sv[0], buf, sizeof(buf), 0,
				  (struct sockaddr *)&ss, &len), 2);
	assert_memory_equal(buf, "ng", 2);
	Shutdown(sv[1], SHUT_WR);
	assert_int_equal(Read(sv[0], buf, sizeof(buf)), 0);
	Close(sv[0]);
	Close(sv[1]);
}

/* Listen takes its backlog from $LISTENQ when set, as the book's does.
 * Linux reports a listening socket's backlog in TCP_INFO's tcpi_sacked. */
static void listen_takes_backlog_from_environment(void **state)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);
	int fd = tcp_socket();

	(void)state;
	assert_int_equal(setenv("LISTENQ", "7", 1), 0);
	Listen(fd, LISTENQ);
	unsetenv("LISTENQ");
	Getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len);
	TK_EXPECT(info.tcpi_sacked == 7, "with LISTENQ=7 the backlog is %u",
		  info.tcpi_sacked);
	Close(fd);
}

static void unix_wrappers_pass_results_on(void **state)
{
	int fds[2];
	char buf[16];
	FILE *f;
	struct in6_addr in6;

	(void)state;
	Pipe(fds);
	Write(fds[1], "line\n", 5);
	Dup2(fds[0], fds[0] + 10);
	Close(fds[0]);
	Close(fds[1]);
	f = fdopen(fds[0] + 10, "r");
	assert_non_null(Fgets(buf, sizeof(buf), f));
	assert_string_equal(buf, "line\n");
	/* end of file is not an error: Fgets returns NULL and goes on */
	assert_null(Fgets(buf, sizeof(buf), f));
	fclose(f);
	Inet_pton(AF_INET6, "2001:DB8::0:1", &in6);
	assert_string_equal(Inet_ntop(AF_INET6, &in6, buf, sizeof(buf)),
			    "2001:db8::1");
	free(Malloc(16));
	assert_true(Signal(SIGUSR2, ignore) == SIG_DFL);
	assert_true(Signal(SIGUSR2, SIG_DFL) == ignore);
}

static void lib_wrappers_pass_results_on(void **state)
{
	int sv[2];
	char buf[16];
	struct linebuf lb;
	struct sockaddr_in in = { .sin_family = AF_INET,
				  .sin_port = htons(7) };

	(void)state;
	Socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	Writen(sv[1], "abc\ndef", 7);
	Shutdown(sv[1], SHUT_WR);
	assert_int_equal(Readn(sv[0], buf, 2), 2);
	linebuf_init(&lb, sv[0]);
	assert_int_equal(Readline(&lb, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "c\n");
	assert_int_equal(Readline(&lb, buf, sizeof(buf)), 3);
	assert_int_equal(Readline(&lb, buf, sizeof(buf)), 0);
	Inet_pton(AF_INET, "192.0.2.7", &in.sin_addr);
	assert_string_equal(Sock_ntop((struct sockaddr *)&in, sizeof(in),
				      buf, sizeof(buf)), "192.0.2.7:7");
	Close(sv[0]);
	Close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(wrappers_exit_with_a_message),
		TK_TEST(socket_wrappers_pass_results_on),
		TK_TEST(listen_takes_backlog_from_environment),
		TK_TEST(unix_wrappers_pass_results_on),
		TK_TEST(lib_wrappers_pass_results_on),
	};
	return TK_RUN("lib wrappers", tests);
}
