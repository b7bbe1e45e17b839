/*
 * Lab 6 hidden tests (grading only): the harder ways one client can hold
 * up a server, and the corners of the line protocol.
 */
#include "../lab6net.h"


/* Sends as much as will go (small receive buffer, never reading) until
 * nothing more goes for 300 ms, at most 64 MB. */
static size_t fill_without_reading(int port, int *fdp)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	static char chunk[65536];
	int fd = socket(AF_INET, SOCK_STREAM, 0), small = 4096;
	size_t sent = 0;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	sin.sin_port = htons((uint16_t)port);
	Inet_pton(AF_INET, server_ip, &sin.sin_addr);
	Connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	fcntl(fd, F_SETFL, O_NONBLOCK);
	memset(chunk, 'x', sizeof(chunk));
	for (size_t i = 0; i < sizeof(chunk); i += 100)
		chunk[i] = '\n';
	while (sent < (64u << 20)) {
		struct pollfd pf = { .fd = fd, .events = POLLOUT };
		ssize_t n = send(fd, chunk, sizeof(chunk), MSG_NOSIGNAL);

		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			break;          /* the server closed or reset it */
		if (poll(&pf, 1, 300) <= 0 || !(pf.revents & POLLOUT))
			break;
	}
	*fdp = fd;
	return sent;
}

static void client_that_never_reads_does_not_block_others(void **state)
{
	int port = start_mux_echo(), hog, other;
	size_t sent = fill_without_reading(port, &hog);
	char got[64];

	(void)state;
	other = tk_connect_here(server_ip, port);
	Writen(other, "anyone home?\n", 13);
	tk_read_line(other, got, sizeof(got), 2000);
	TK_EXPECT(strcmp(got, "anyone home?\n") == 0, "while one client "
		  "sent %zu bytes and never read its echoes, a second client "
		  "got no answer for 2 s (a blocking write?)", sent);
	TK_EXPECT(!tk_exited(server, 0), "mux_echo exited: %s",
		  hn_stderr(server));
	Close(hog);
	Close(other);
}

static void long_line_comes_back_whole(void **state)
{
	enum { LEN = 10000 };
	int port = start_mux_echo();    /* sets server_ip: first */
	int fd = tk_connect_here(server_ip, port);
	char *line = malloc(LEN), *back = malloc(LEN);
	size_t got;

	(void)state;
	for (int i = 0; i < LEN - 1; i++)
		line[i] = (char)('A' + i % 26);
	line[LEN - 1] = '\n';
	Writen(fd, line, LEN);
	got = tk_read_n(fd, back, LEN, 2000);
	TK_EXPECT(got == LEN && memcmp(line, back, LEN) == 0,
		  "a 10000-byte line (longer than MAXLINE) came back as %zu "
		  "bytes%s", got, got == LEN ? ", not the same ones" : "");
	Close(fd);
	free(line);
	free(back);
}

static void last_line_without_newline_at_eof(void **state)
{
	int port = start_mux_echo();    /* sets server_ip: first */
	int fd = tk_connect_here(server_ip, port);
	char back[64];
	size_t got;

	(void)state;
	Writen(fd, "done\nno newline", 15);
	Shutdown(fd, SHUT_WR);
	got = tk_read_n(fd, back, sizeof(back), 2000);
	TK_EXPECT(got == 15 && memcmp(back, "done\nno newline", 15) == 0,
		  "a client sent \"done\\nno newline\" and half-closed; it "
		  "got %zu bytes back: \"%.*s\"", got, (int)got, back);
	TK_EXPECT(tk_read_n(fd, back, 1, 2000) == 0, "the server did not "
		  "close the connection after the last echo of a client that "
		  "had half-closed");
	Close(fd);
}

static void partial_lines_of_two_clients_kept_apart(void **state)
{
	int port = start_mux_echo();
	int a = tk_connect_here(server_ip, port);
	int b = tk_connect_here(server_ip, port);
	char got[64];

	(void)state;
	Writen(a, "ab", 2);
	Writen(b, "cd", 2);
	TK_EXPECT(!tk_readable(a, 100), "client A got something before its "
		  "line was complete");
	Writen(a, "c\n", 2);
	Writen(b, "e\n", 2);
	tk_read_line(a, got, sizeof(got), 2000);
	TK_EXPECT(strcmp(got, "abc\n") == 0, "client A sent \"ab\" then "
		  "\"c\\n\" while B sent \"cd\" then \"e\\n\"; A got \"%s\"",
		  got);
	tk_read_line(b, got, sizeof(got), 2000);
	TK_EXPECT(strcmp(got, "cde\n") == 0, "client B sent \"cd\" then "
		  "\"e\\n\" while A sent \"ab\" then \"c\\n\"; B got \"%s\"",
		  got);
	Close(a);
	Close(b);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(client_that_never_reads_does_not_block_others),
		TK_TEST(long_line_comes_back_whole),
		TK_TEST(last_line_without_newline_at_eof),
		TK_TEST(partial_lines_of_two_clients_kept_apart),
	};
	return TK_RUN("lab06 hidden", tests);
}
