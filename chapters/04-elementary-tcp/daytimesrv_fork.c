/*
 * daytimesrv_fork.c - a concurrent daytime server (sections 4.8 to 4.10):
 * one child process per client, and each child asks the kernel who is at
 * both ends of its connection.
 *
 * Usage: daytimesrv_fork [port]    (default 13; 0 asks for any free port)
 */
#include "lnp.h"

/* include listen_on */
/* socket, bind to the wildcard address and port, listen (4.2 to 4.5). */
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
/* end listen_on */

/* include report_ends */
/* Prints "connection from 192.0.2.1:40000 to 192.0.2.2:13".  The child
 * has only the descriptor, so it asks the kernel for both addresses. */
static void report_ends(int connfd)
{
	struct sockaddr_storage local, peer;
	socklen_t llen = sizeof(local), plen = sizeof(peer);
	char lname[SOCK_NTOP_LEN], pname[SOCK_NTOP_LEN];

	Getsockname(connfd, (struct sockaddr *)&local, &llen);
	Getpeername(connfd, (struct sockaddr *)&peer, &plen);
	printf("connection from %s to %s\n",
	       Sock_ntop((struct sockaddr *)&peer, plen, pname, sizeof(pname)),
	       Sock_ntop((struct sockaddr *)&local, llen, lname,
			 sizeof(lname)));
	fflush(stdout);
}
/* end report_ends */

static void send_time(int connfd)
{
	char buf[MAXLINE];
	time_t now = time(NULL);

	snprintf(buf, sizeof(buf), "%.24s\r\n", ctime(&now));
	Writen(connfd, buf, strlen(buf));
}

/* include daytimesrv_fork */
int main(int argc, char **argv)
{
	int listenfd = listen_on(argc > 1 ? Port_parse(argv[1]) : 13);
	int connfd;

	announce_port(listenfd);
	for (;;) {
		connfd = Accept(listenfd, NULL, NULL);
		if (Fork() == 0) {              /* the child */
			Close(listenfd);        /* it serves one client only */
			report_ends(connfd);
			send_time(connfd);
			Close(connfd);          /* FIN: the client's EOF */
			exit(0);
		}
		Close(connfd);                  /* the parent: back to accept */
	}
}
/* end daytimesrv_fork */
