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

static void expect_line(int fd, const char *want, int timeout_ms,
			const char *who)
{
	char got[MAXLINE];

	tk_read_line(fd, got, sizeof(got), timeout_ms);
	TK_EXPECT(got[0] != '\0' || !closed_by_server(fd), "%s sent \"%.*s\" "
		  "and the server closed the connection without answering%s",
		  who, (int)strcspn(want, "\n"), want, server_fate());
	TK_EXPECT(strcmp(got, want) == 0, "%s sent \"%.*s\" and got \"%s\" "
		  "back within %d ms", who, (int)strcspn(want, "\n"), want,
		  got, timeout_ms);
}

static void echoes_lines_in_order(void **state)
{
	int fd = tk_connect_here(server_ip, start_mux_echo());

	(void)state;
	Writen(fd, "one\ntwo\n", 8);
	expect_line(fd, "one\n", 2000, "a client");
	expect_line(fd, "two\n", 2000, "a client");
	Writen(fd, "thr", 3);
	Writen(fd, "ee\n", 3);
	expect_line(fd, "three\n", 2000, "a client (in two writes)");
	Close(fd);
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

/* Sends all of data while reading the echoes, half-closes, reads to end
 * of file: what a batch client does.  Returns the bytes received. */
static size_t batch(int fd, const char *data, size_t len, char *back,
		    int timeout_ms)
{
	long long deadline = tk_now_ms() + timeout_ms;
	size_t sent = 0, got = 0;
	bool done = false;

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
		}
		if (pf.revents & (POLLIN | POLLHUP | POLLERR)) {
			n = read(fd, back + got, len + 1 - got);
			if (n > 0)
				got += (size_t)n;
			else if (n == 0 || errno != EAGAIN)
				done = true;
		}
	}
	return got;
}

static void batch_of_1mb_comes_back_whole(void **state)
{
	size_t len = 1 << 20, got;
	char *data = malloc(len), *back = malloc(len + 1);
	int fd = tk_connect_here(server_ip, start_mux_echo());

	(void)state;
	for (size_t i = 0; i < len; i++)
		data[i] = (i % 61 == 60) ? '\n' : (char)('a' + i % 26);
	got = batch(fd, data, len, back, 5000);
	TK_EXPECT(got == len, "a client piped 1 MB through and half-closed; "
		  "%zu bytes came back before %s", got,
		  got < len ? "the deadline (5 s) or end of file" :
		  "end of file");
	TK_EXPECT(memcmp(data, back, len) == 0, "1 MB came back, but not "
		  "the same bytes in the same order");
	Close(fd);
	free(data);
	free(back);
}

static void client_reset_does_not_hurt_others(void **state)
{
	int port = start_mux_echo();
	int rude = tk_connect_here(server_ip, port);
	int other = tk_connect_here(server_ip, port);

	(void)state;
	Writen(rude, "bye\n", 4);
	expect_line(rude, "bye\n", 2000, "a client");
	Writen(rude, "and now a reset\n", 16);
	tk_close_rst(rude);
	Writen(other, "still served?\n", 14);
	expect_line(other, "still served?\n", 2000,
		    "after one client reset its connection, another client");
	expect_server_alive("after a client reset its connection");
	Close(other);
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
		TK_TEST(two_hundred_clients_at_once),
	};
	return TK_RUN("lab06", tests);
}
