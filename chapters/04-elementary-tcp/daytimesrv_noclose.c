/*
 * daytimesrv_noclose.c - the concurrent daytime server with its parent's
 * close() forgotten (section 4.9).
 *
 * Kept on purpose as it is: the child sends the time and closes its
 * descriptor, but the parent still holds one for the same connection, so
 * the kernel sends no FIN: the client waits for an end of file that never
 * comes, and the parent piles up one open descriptor per client.
 *
 * Usage: daytimesrv_noclose [port]    (default 13; 0: any free port)
 */
#include "lnp.h"

static int listen_on(int port)
{
	struct sockaddr_in servaddr;
	int listenfd = Socket(AF_INET, SOCK_STREAM, 0);

	memset(&servaddr, 0, sizeof(servaddr));
	servaddr.sin_family = AF_INET;
	servaddr.sin_addr.s_addr = htonl(INADDR_ANY);
	servaddr.sin_port = htons((uint16_t)port);
	Bind(listenfd, (struct sockaddr *)&servaddr, sizeof(servaddr));
	Listen(listenfd, LISTENQ);
	return listenfd;
}

static void send_time(int connfd)
{
	char buf[MAXLINE];
	time_t now = time(NULL);

	snprintf(buf, sizeof(buf), "%.24s\r\n", ctime(&now));
	Writen(connfd, buf, strlen(buf));
}

/* include daytimesrv_noclose */
int main(int argc, char **argv)
{
	int listenfd = listen_on(argc > 1 ? Port_parse(argv[1]) : 13);
	int connfd;

	announce_port(listenfd);
	for (;;) {
		connfd = Accept(listenfd, NULL, NULL);
		if (Fork() == 0) {
			Close(listenfd);
			send_time(connfd);
			Close(connfd);  /* one reference of two: no FIN yet */
			exit(0);
		}
		/* missing: Close(connfd); */
	}
}
/* end daytimesrv_noclose */
