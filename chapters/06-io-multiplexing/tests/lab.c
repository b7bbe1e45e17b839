/*
 * Lab 6 public tests: the student's mux_echo, run as a program.  Each
 * scenario is one a real server meets: a slow client, a big batch, a
 * client that resets, a crowd.
 */
#include "lab6net.h"


static void expect_server_alive(const char *after)
{
	TK_EXPECT(!tk_exited(server, 0), "mux_echo exited %s; its "
		  "stderr: %s", after, hn_stderr(server));
}

/* For a message about a closed connection: whether the server is gone,
 * and what it said (a dead server closes every connection). */
static const char *server_fate(void)
{
	static char said[1024];

	if (!tk_exited(server, 50))
		return "";
	snprintf(said, sizeof(said), " (mux_echo had exited, saying: %s)",
		 tk_chomp(hn_stderr(server)));
	return said;
}

/* True if the server closed (or reset) this connection. */
static bool closed_by_server(int fd)
{
	char c;

	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0 ||
	       errno == ECONNRESET;
}

/* Field n (1-based, as in proc(5)) of /proc/PID/stat, or -1. */
static long long proc_stat_field(pid_t pid, int n)
{
	char path[64], buf[1024], *p;
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	for (int i = 3; p != NULL && i <= n; i++) {
		p = strchr(p + 1, ' ');
		if (p != NULL && i == n)
			v = strtoll(p + 1, NULL, 10);
	}
	return v;
}

/* CPU time the process has used (user and system), in ms. */
static long long cpu_ms(pid_t pid)
{
	return (proc_stat_field(pid, 14) + proc_stat_field(pid, 15)) *
	       1000 / sysconf(_SC_CLK_TCK);
}

/* Its resident memory, in kB (VmRSS), or -1. */
static long long rss_kb(pid_t pid)
{
	long long pages = proc_stat_field(pid, 24);

	return pages < 0 ? -1 : pages * (sysconf(_SC_PAGESIZE) / 1024);
}

/* A connection to the server with a receive buffer of size bytes (set
 * before connect(), so the window the server sees is small too). */
static int connect_small(int port, int size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	int fd = Socket(AF_INET, SOCK_STREAM, 0);

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	inet_pton(AF_INET, server_ip, &sin.sin_addr);
	Connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	return fd;
}

static void expect_line(int fd, const char *want, int timeout_ms,
			const char *who)
{
	char got[MAXLINE];

	tk_read_line(fd, got, sizeof(got), timeout_ms);
	TK_EXPECT(got[0] != '\0' || !closed_by_server(fd), "%s sent \"%.*s\" "
		  "and the server closed the connection without answering%s",
		  who, (int)strcspn(want, "\n"), want, server_fate());
	TK_EXPECT(got[0] != '\0', "%s sent \"%.*s\" and got nothing back "
		  "within %d ms", who, (int)strcspn(want, "\n"), want,
		  timeout_ms);
	TK_EXPECT(strcmp(got, want) == 0, "%s sent \"%.*s\" and got \"%s\" "
		  "back within %d ms", who, (int)strcspn(want, "\n"), want,
		  got, timeout_ms);
}

static void echoes_lines_in_order(void **state)
{
	enum { LONG = 3 * MAXLINE + 10 };
	int port = start_mux_echo();    /* sets server_ip: first */
	int fd = tk_connect_here(server_ip, port);
	char *line = malloc(LONG), *back = malloc(LONG);
	size_t got;

	(void)state;
	Writen(fd, "one\ntwo\n", 8);
	expect_line(fd, "one\n", 2000, "a client");
	expect_line(fd, "two\n", 2000, "a client");
	Writen(fd, "thr", 3);
	Writen(fd, "ee\n", 3);
	expect_line(fd, "three\n", 2000, "a client (in two writes)");
	for (int i = 0; i < LONG - 1; i++)
		line[i] = (char)('a' + i % 26);
	line[LONG - 1] = '\n';
	Writen(fd, line, LONG);
	got = tk_read_n(fd, back, LONG, 2000);
	TK_EXPECT(got == LONG && memcmp(line, back, LONG) == 0,
		  "a line of %d bytes (longer than MAXLINE, %d) came back as "
		  "%zu bytes%s%s", LONG, MAXLINE, got, got == LONG ?
		  ", not the same ones" : "", server_fate());
	Close(fd);
	free(line);
	free(back);
}

static void slowloris_does_not_delay_others(void **state)
{
	int port = start_mux_echo();
	int slow = tk_connect_here(server_ip, port);
	int other = tk_connect_here(server_ip, port);
	char got[64];

	(void)state;
	Writen(slow, "half a li", 9);
	Writen(other, "hello\n", 6);
	TK_EXPECT(tk_read_line(other, got, sizeof(got), 2000) > 0 ||
		  !closed_by_server(other), "while one client sent half a "
		  "line and stopped, the server closed a second client's "
		  "connection without answering%s", server_fate());
	TK_EXPECT(got[0] != '\0',
		  "while one client sent half a line and stopped, a second "
		  "client got no answer for 2 s");
	TK_EXPECT(strcmp(got, "hello\n") == 0, "the second client got "
		  "\"%s\" instead of its own line", got);
	TK_EXPECT(!tk_readable(slow, 100), "the slow client got an echo of "
		  "half a line before its newline arrived");
	Writen(slow, "ne\n", 3);
	expect_line(slow, "half a line\n", 2000,
		    "the slow client, finishing its line,");
	Close(slow);
	Close(other);
}

/* Sends all of data, half-closes, reads to end of file: what a batch
 * client does.  It reads only when it cannot send, into a small receive
 * buffer (see connect_small), so the server's writes are often short.
 * Returns the bytes
 * received; *eof says whether end of file came. */
static size_t batch(int fd, const char *data, size_t len, char *back,
		    int timeout_ms, bool *eof)
{
	long long deadline = tk_now_ms() + timeout_ms;
	size_t sent = 0, got = 0;
	bool done = false;

	*eof = false;
	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (!done && tk_now_ms() < deadline) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (sent < len)
			pf.events |= POLLOUT;
		poll(&pf, 1, 100);
		if ((pf.revents & POLLOUT) && sent < len) {
			n = send(fd, data + sent, len - sent, MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
			if (sent == len)
				shutdown(fd, SHUT_WR);
			if (n > 0)
				continue;       /* read only when stuck */
		}
		if (pf.revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, back + got, len + 1 - got);
			if (n > 0)
				got += (size_t)n;
			else if (n == 0 || errno != EAGAIN)
				done = true;
			*eof = n == 0;
		}
	}
	return got;
}

static void batch_of_1mb_comes_back_whole(void **state)
{
	size_t len = 1 << 20, got, same = 0, tail;
	char *data = malloc(len), *back = malloc(len + 1);
	int fd = connect_small(start_mux_echo(), 4096);
	bool eof;

	(void)state;
	for (size_t i = 0; i < len; i++)
		data[i] = (i % 61 == 60) ? '\n' : (char)('a' + i % 26);
	tail = len - (len / 61) * 61;   /* the last line, without '\n' */
	got = batch(fd, data, len, back, 5000, &eof);
	while (same < got && same < len && back[same] == data[same])
		same++;
	TK_EXPECT(same == got || same == len, "a client piped 1 MB through; "
		  "the echo lost or changed bytes from offset %zu on: when "
		  "write() takes only part of what waits, the rest must stay "
		  "for the next POLLOUT (see 6.8)", same);
	TK_EXPECT(!(eof && got == len - tail), "a client piped 1 MB "
		  "through and half-closed; all came back but its last %zu "
		  "bytes, a line without '\\n': at end of file what is left "
		  "must be echoed too (see 6.6)", tail);
	TK_EXPECT(got == len, "a client piped 1 MB through and half-closed; "
		  "%zu bytes came back before %s%s", got,
		  eof ? "the server closed the connection (a FIN means only "
		  "that the client has finished sending)" : "the deadline "
		  "(5 s)", server_fate());
	Close(fd);
	free(data);
	free(back);
}

/* One client resets with an echo on its way, one with nothing pending
 * (the server's read() gets ECONNRESET); then, with every client gone,
 * the server must sleep in poll(). */
static void client_reset_does_not_hurt_others(void **state)
{
	int port = start_mux_echo();
	int rude = tk_connect_here(server_ip, port);
	int other = tk_connect_here(server_ip, port), quiet;
	long long before;
	char c;

	(void)state;
	Writen(rude, "bye\n", 4);
	expect_line(rude, "bye\n", 2000, "a client");
	Writen(rude, "and now a reset\n", 16);
	tk_close_rst(rude);
	Writen(other, "still served?\n", 14);
	expect_line(other, "still served?\n", 2000,
		    "after one client reset its connection, another client");
	quiet = tk_connect_here(server_ip, port);
	Writen(quiet, "hi\n", 3);
	expect_line(quiet, "hi\n", 2000, "a client");
	tk_close_rst(quiet);
	Writen(other, "and now?\n", 9);
	expect_line(other, "and now?\n", 2000, "after a client with nothing "
		    "pending reset its connection, another client");
	expect_server_alive("after a client reset its connection");
	shutdown(other, SHUT_WR);
	TK_EXPECT(tk_read_n(other, &c, 1, 2000) == 0, "a client half-closed "
		  "and the server did not close the connection within 2 s");
	Close(other);
	before = cpu_ms(hn_pid(server));
	usleep(400 * 1000);     /* measures idleness: nothing to wait for */
	TK_EXPECT(cpu_ms(hn_pid(server)) - before < 40, "with every client "
		  "gone the server used %lld ms of CPU in 400 ms: poll() "
		  "returns at once, every time.  Is a closed descriptor still "
		  "in its array (POLLNVAL)?  See 6.10",
		  cpu_ms(hn_pid(server)) - before);
}

/* Sends as much as will go without ever reading, until nothing more
 * goes for 200 ms or 16 MB went. */
static size_t send_without_reading(int fd)
{
	static char chunk[65536];
	size_t sent = 0;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	memset(chunk, 'x', sizeof(chunk));
	for (size_t i = 99; i < sizeof(chunk); i += 100)
		chunk[i] = '\n';
	while (sent < (16u << 20)) {
		struct pollfd pf = { .fd = fd, .events = POLLOUT };
		ssize_t n = send(fd, chunk, sizeof(chunk), MSG_NOSIGNAL);

		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (errno != EAGAIN || poll(&pf, 1, 200) <= 0)
			break;
	}
	return sent;
}

/* Another client's line must come back while the hog waits. */
static void another_client_is_answered(int port, const char *when)
{
	int other = tk_connect_here(server_ip, port);
	char got[64];

	Writen(other, "anyone home?\n", 13);
	tk_read_line(other, got, sizeof(got), 2000);
	TK_EXPECT(got[0] != '\0' || !closed_by_server(other), "%s, the "
		  "server closed another client's connection%s", when,
		  server_fate());
	TK_EXPECT(got[0] != '\0', "%s, another client got no answer for "
		  "2 s: the server waits for that client (a blocking "
		  "write()?)", when);
	TK_EXPECT(strcmp(got, "anyone home?\n") == 0, "another client got "
		  "\"%s\" instead of its own line", got);
	Close(other);
}

/* Reads FD to its end of file (or the deadline); returns the bytes. */
static size_t read_to_end(int fd, int timeout_ms)
{
	static char buf[65536];
	long long end = tk_now_ms() + timeout_ms;
	size_t total = 0, n;

	do {
		n = tk_read_n(fd, buf, sizeof(buf),
			      (int)(end - tk_now_ms()));
		total += n;
	} while (n == sizeof(buf) && tk_now_ms() < end);
	return total;
}

/* A client that sends and (almost) never reads its echoes must cost the
 * others nothing: no blocking write, and no memory without bound.  Once
 * it could send no more, a server whose write() blocks is stuck in it.
 * Then it reads 24 kB once, so that poll() says POLLOUT for it again
 * while more echoes wait than its connection can take: a server that
 * writes them all at once, looping on short writes, waits for it
 * forever, and one that takes a short write for a whole one loses the
 * rest.  At last it half-closes and reads every echo. */
static void client_that_never_reads_costs_nothing(void **state)
{
	int port = start_mux_echo(), hog = connect_small(port, 4096);
	long long rss = rss_kb(hn_pid(server)), grew;
	static char some[24576];
	size_t sent, back;

	(void)state;
	sent = send_without_reading(hog);
	another_client_is_answered(port, "while a client that does not read "
				   "its echoes had sent all it could");
	back = tk_read_n(hog, some, sizeof(some), 1000);
	another_client_is_answered(port, "after a client that does not read "
				   "its echoes took 24 kB of them");
	grew = rss_kb(hn_pid(server)) - rss;
	TK_EXPECT(grew < 8192, "a client sent %zu bytes and never read its "
		  "echoes; the server grew by %lld kB to keep them: stop "
		  "asking poll() for POLLIN while a client's echoes pile up "
		  "(see 6.10)", sent, grew);
	shutdown(hog, SHUT_WR);
	back += read_to_end(hog, 5000);
	TK_EXPECT(back == sent, "a client sent %zu bytes, took its echoes "
		  "slowly, and got %zu back%s: when write() takes only part "
		  "of what waits, the rest must stay for the next POLLOUT "
		  "(see 6.8)", sent, back, server_fate());
	Close(hog);
}

static void two_hundred_clients_at_once(void **state)
{
	enum { N = 200 };
	int port = start_mux_echo(), fd[N];
	char line[64];

	(void)state;
	for (int i = 0; i < N; i++)
		fd[i] = tk_connect_here(server_ip, port);
	for (int i = N - 1; i >= 0; i--) {
		snprintf(line, sizeof(line), "I am client %d\n", i);
		Writen(fd[i], line, strlen(line));
	}
	for (int i = 0; i < N; i++) {
		char got[64];

		snprintf(line, sizeof(line), "I am client %d\n", i);
		tk_read_line(fd[i], got, sizeof(got), 3000);
		TK_EXPECT(strcmp(got, line) == 0, "with 200 clients connected "
			  "at once, client %d got \"%s\" back", i, got);
	}
	for (int i = 0; i < N; i++)
		Close(fd[i]);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(echoes_lines_in_order),
		TK_TEST(slowloris_does_not_delay_others),
		TK_TEST(batch_of_1mb_comes_back_whole),
		TK_TEST(client_reset_does_not_hurt_others),
		TK_TEST(client_that_never_reads_costs_nothing),
		TK_TEST(two_hundred_clients_at_once),
	};
	return TK_RUN("lab06", tests);
}
