/*
 * echocli.c - the echo client (section 5.4): sends each line typed on
 * standard input to the server and prints the line that comes back.
 *
 * Usage: echocli ADDRESS [PORT]     (IPv4 or IPv6; port 9877 by default)
 */
#include "lnp.h"

/* include echocli */
int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	socklen_t len;
	int sockfd;

	if (argc < 2 || argc > 3)
		err_quit("usage: echocli ADDRESS [PORT]");
	Sock_parse(argv[1], argc == 3 ? argv[2] : "9877", &server, &len);
	sockfd = Socket(server.ss_family, SOCK_STREAM, 0);
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
/* end echocli */
