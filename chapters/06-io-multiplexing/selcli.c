/*
 * selcli.c - the echo client with select(), done right (section 6.7).
 *
 * Two changes from selcli_naive.c.  It reads stdin with read(), not
 * stdio, so no line can hide in a buffer that select() does not see.  And
 * when stdin ends it does not exit: it half-closes the connection with
 * shutdown(SHUT_WR), which sends the server a FIN after the last byte,
 * and keeps reading echoes until the server closes its side in turn.
 * Only then has every reply arrived.
 *
 * usage: selcli HOST PORT
 */
#include "lnp.h"

static int max(int a, int b)
{
	return a > b ? a : b;
}

/* include str_cli_select */
static void str_cli_select(int infd, int sockfd)
{
	char buf[BUFFSIZE];
	bool stdin_done = false;
	fd_set rset;
	ssize_t n;

	for (;;) {
		FD_ZERO(&rset);
		if (!stdin_done)
			FD_SET(infd, &rset);
		FD_SET(sockfd, &rset);
		Select(max(infd, sockfd) + 1, &rset, NULL, NULL, NULL);

		if (FD_ISSET(sockfd, &rset)) {
			n = Read(sockfd, buf, sizeof(buf));
			if (n == 0 && stdin_done)
				return;         /* every echo is in */
			if (n == 0)
				err_quit("server terminated prematurely");
			Writen(STDOUT_FILENO, buf, (size_t)n);
		}
		if (FD_ISSET(infd, &rset)) {
			n = Read(infd, buf, sizeof(buf));
			if (n == 0) {
				stdin_done = true;
				Shutdown(sockfd, SHUT_WR);      /* send FIN */
				continue;
			}
			Writen(sockfd, buf, (size_t)n);
		}
	}
}
/* end str_cli_select */

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	socklen_t len;
	int sockfd;

	if (argc != 3)
		err_quit("usage: selcli HOST PORT");
	Sock_parse(argv[1], argv[2], &server, &len);
	sockfd = Socket(server.ss_family, SOCK_STREAM, 0);
	Connect(sockfd, (struct sockaddr *)&server, len);
	str_cli_select(STDIN_FILENO, sockfd);
	return 0;
}
