/*
 * echosrv_v1.c - the echo server, first version (section 5.2): one child
 * process per client.
 *
 * Kept on purpose as it is: the parent never waits for its children, so
 * every child that finishes stays a zombie until the server ends
 * (section 5.8 watches that happen).
 *
 * Usage: echosrv_v1 [port]     (default 9877; 0 asks for any free port)
 */
#include "lnp.h"

/* include echosrv_v1 */
/* The child's whole life: echo until the client closes, then exit. */
static void serve_client(int connfd)
{
	if (str_echo(connfd) < 0)
		err_sys("str_echo");
	exit(0);
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	int listenfd = Tcp_listen_port(port, true);
	int connfd;

	announce_port(listenfd);
	for (;;) {
		connfd = Accept(listenfd, NULL, NULL);
		if (Fork() == 0) {              /* the child */
			Close(listenfd);
			serve_client(connfd);
		}
		Close(connfd);                  /* the parent */
	}
}
/* end echosrv_v1 */
