/*
 * echocli5.c - the echo client with five connections (section 5.10): it
 * opens five connections to the same server and then talks over the
 * first one only.  When its input ends it exits, so the kernel closes all
 * five at once and the server's five children end together.
 *
 * Usage: echocli5 ADDRESS [PORT]    (IPv4 or IPv6; port 9877 by default)
 */
#include "lnp.h"

#define NCONN 5

/* include echocli5 */
int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	socklen_t len;
	int sockfd[NCONN];

	if (argc < 2 || argc > 3)
		err_quit("usage: echocli5 ADDRESS [PORT]");
	Sock_parse(argv[1], argc == 3 ? argv[2] : "9877", &server, &len);
	for (int i = 0; i < NCONN; i++) {
		sockfd[i] = Socket(server.ss_family, SOCK_STREAM, 0);
		Connect(sockfd[i], (struct sockaddr *)&server, len);
	}
	printf("%d connections open\n", NCONN);
	fflush(stdout);

	if (str_cli(stdin, sockfd[0]) != STR_CLI_INPUT_DONE)
		err_quit("str_cli: the connection ended early");
	return 0;       /* exit closes all five sockets at once */
}
/* end echocli5 */
