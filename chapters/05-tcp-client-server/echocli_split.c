/*
 * echocli_split.c - an echo client that writes each line in two pieces,
 * the first byte and then the rest (section 5.13).
 *
 * Against a server whose process is gone, the first piece draws a RST
 * from the server's host.  The client waits for that RST (a second at
 * most), so the second piece is surely a write to a reset connection:
 * the kernel sends the process SIGPIPE, which kills it, or, when the
 * signal is ignored (-i), the write fails with EPIPE.
 *
 * Usage: echocli_split [-i] ADDRESS [PORT]     (port 9877 by default)
 */
#include "lnp.h"

/* Waits at most timeout_ms for the connection to be reset or closed for
 * good.  With no events asked for, poll() returns only for POLLERR and
 * POLLHUP, which a RST brings; a live connection just lets time run out. */
static void wait_for_reset(int sockfd, int timeout_ms)
{
	struct pollfd pfd = { .fd = sockfd, .events = 0 };

	Poll(&pfd, 1, timeout_ms);
}

/* include split_write */
static void send_in_two_pieces(int sockfd, const char *line)
{
	size_t len = strlen(line);

	if (writen(sockfd, line, 1) < 0)
		err_sys("write of the first byte");
	wait_for_reset(sockfd, 1000);
	if (writen(sockfd, line + 1, len - 1) < 0)
		err_sys("write of the rest of the line");
}
/* end split_write */

static void talk(int sockfd)
{
	char sendline[MAXLINE], recvline[MAXLINE];
	struct linebuf lb;
	ssize_t n;

	linebuf_init(&lb, sockfd);
	while (Fgets(sendline, sizeof(sendline), stdin) != NULL) {
		send_in_two_pieces(sockfd, sendline);
		n = Readline(&lb, recvline, sizeof(recvline));
		if (n == 0)
			err_quit("server terminated prematurely");
		Fputs(recvline, stdout);
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	socklen_t len;
	int sockfd, first = 1;

	if (argc > 1 && strcmp(argv[1], "-i") == 0) {
		Signal(SIGPIPE, SIG_IGN);
		first = 2;
	}
	if (argc - first < 1 || argc - first > 2)
		err_quit("usage: echocli_split [-i] ADDRESS [PORT]");
	Sock_parse(argv[first], argc - first == 2 ? argv[first + 1] : "9877",
		   &server, &len);
	sockfd = Socket(server.ss_family, SOCK_STREAM, 0);
	Connect(sockfd, (struct sockaddr *)&server, len);
	talk(sockfd);
	return 0;
}
