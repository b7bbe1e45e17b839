/*
 * selcli_naive.c - the echo client waiting on two inputs at once with
 * select(): lines typed (or piped) on stdin go to the server, echoes from
 * the server go to stdout, whichever comes first.
 *
 * Kept on purpose with two mistakes that interactive use hides and batch
 * input shows (section 6.5): it stops the moment stdin ends, while echoes
 * are still on their way, and it mixes stdio's buffer with select().
 *
 * usage: selcli_naive HOST PORT
 */
#include "lnp.h"

static int max(int a, int b)
{
	return a > b ? a : b;
}

/* include str_cli_naive */
static void str_cli_naive(FILE *fp, int sockfd)
{
	char sendline[MAXLINE], recvline[MAXLINE];
	struct linebuf lb;
	fd_set rset;
	int maxfdp1 = max(fileno(fp), sockfd) + 1;

	linebuf_init(&lb, sockfd);
	for (;;) {
		FD_ZERO(&rset);
		FD_SET(fileno(fp), &rset);
		FD_SET(sockfd, &rset);
		Select(maxfdp1, &rset, NULL, NULL, NULL);

		if (FD_ISSET(sockfd, &rset)) {          /* an echo came */
			if (Readline(&lb, recvline, MAXLINE) == 0)
				err_quit("server terminated prematurely");
			Fputs(recvline, stdout);
		}
		if (FD_ISSET(fileno(fp), &rset)) {      /* a line to send */
			if (Fgets(sendline, MAXLINE, fp) == NULL)
				return;         /* stdin ended: all done? */
			Writen(sockfd, sendline, strlen(sendline));
		}
	}
}
/* end str_cli_naive */

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	socklen_t len;
	int sockfd;

	if (argc != 3)
		err_quit("usage: selcli_naive HOST PORT");
	Sock_parse(argv[1], argv[2], &server, &len);
	sockfd = Socket(server.ss_family, SOCK_STREAM, 0);
	Connect(sockfd, (struct sockaddr *)&server, len);
	str_cli_naive(stdin, sockfd);
	return 0;       /* exit closes the socket, echoes or not */
}
