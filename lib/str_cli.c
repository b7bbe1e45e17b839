/*
 * str_cli.c - the echo client's work on one connection (chapter 5).
 */
#include "lnp.h"

/* include str_cli */
/* Sends each line of in to the server, and prints each line it sends
 * back on stdout.  Returns STR_CLI_INPUT_DONE when in runs out,
 * STR_CLI_SERVER_CLOSED when the server closed the connection before
 * answering a line, or -1 on error (errno set). */
int str_cli(FILE *in, int sockfd)
{
	char sendline[MAXLINE], recvline[MAXLINE];
	struct linebuf lb;
	ssize_t n;

	linebuf_init(&lb, sockfd);
	while (fgets(sendline, sizeof(sendline), in) != NULL) {
		if (writen(sockfd, sendline, strlen(sendline)) < 0)
			return -1;
		n = readline(&lb, recvline, sizeof(recvline));
		if (n < 0)
			return -1;
		if (n == 0)
			return STR_CLI_SERVER_CLOSED;
		if (fputs(recvline, stdout) == EOF || fflush(stdout) == EOF)
			return -1;
	}
	return ferror(in) ? -1 : STR_CLI_INPUT_DONE;
}
/* end str_cli */
