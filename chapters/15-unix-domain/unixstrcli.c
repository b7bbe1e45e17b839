/*
 * unixstrcli.c - the echo client over a Unix domain stream socket
 * (section 15.5): each line of standard input goes to the server, and
 * the line that comes back is printed.
 *
 * Usage: unixstrcli PATH|@NAME
 */
#include "lnp.h"

/* include unixstrcli */
int main(int argc, char **argv)
{
	struct sockaddr_un server;
	socklen_t len;
	int sockfd;

	if (argc != 2)
		err_quit("usage: unixstrcli PATH|@NAME");
	Unix_addr(argv[1], &server, &len);
	sockfd = Socket(AF_UNIX, SOCK_STREAM, 0);
	Connect(sockfd, (struct sockaddr *)&server, len);

	switch (str_cli(stdin, sockfd)) {
	case STR_CLI_INPUT_DONE:
		return 0;
	case STR_CLI_SERVER_CLOSED:
		err_quit("str_cli: server terminated prematurely");
	default:
		err_sys("str_cli");
	}
}
/* end unixstrcli */
