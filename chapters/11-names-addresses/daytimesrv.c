/*
 * daytimesrv.c - a daytime server that knows no address family: it
 * listens where tcp_listen() says and names each client with
 * getnameinfo() (sections 11.7 and 11.10).
 *
 * usage: daytimesrv [HOST] SERVICE     (SERVICE 0: any free port)
 */
#include "lnp.h"

/* include daytimesrv_main */
int main(int argc, char **argv)
{
	struct sockaddr_storage cli;
	socklen_t addrlen, len;
	char host[NI_MAXHOST], serv[NI_MAXSERV], buf[MAXLINE];
	time_t now;
	int listenfd, connfd, n;

	if (argc < 2 || argc > 3)
		err_quit("usage: daytimesrv [HOST] SERVICE");
	listenfd = Tcp_listen(argc == 3 ? argv[1] : NULL, argv[argc - 1],
			      &addrlen);
	announce_port(listenfd);
	for (;;) {
		len = sizeof(cli);
		connfd = Accept(listenfd, (struct sockaddr *)&cli, &len);
		n = getnameinfo((struct sockaddr *)&cli, len, host,
				sizeof(host), serv, sizeof(serv),
				NI_NUMERICSERV);
		if (n == 0)
			printf("connection from %s port %s\n", host, serv);
		else if (getnameinfo((struct sockaddr *)&cli, len, host,
				     sizeof(host), serv, sizeof(serv),
				     NI_NUMERICHOST | NI_NUMERICSERV) == 0)
			printf("connection from %s port %s (no name: %s)\n",
			       host, serv, gai_strerror(n));
		fflush(stdout);
		now = time(NULL);
		snprintf(buf, sizeof(buf), "%.24s\r\n", ctime(&now));
		Write(connfd, buf, strlen(buf));
		Close(connfd);
	}
}
/* end daytimesrv_main */
