/*
 * daytimetcpsrv.c - the IPv4 daytime server again, with the wrapper
 * functions of lib/ doing the checking.
 *
 *   daytimetcpsrv [port]
 */
#include "lnp.h"

/* The port to listen on: 13 (daytime) or the one given, checked. */
static uint16_t port_from(const char *arg)
{
	char *end;
	long port;

	if (arg == NULL)
		return 13;
	errno = 0;
	port = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || port < 0 ||
	    port > 65535)
		err_quit("\"%s\" is not a port number (0 to 65535)", arg);
	return (uint16_t)port;
}

/* Prints "listening on ADDRESS:PORT" once the socket is listening. */
static void announce(int listenfd)
{
	struct sockaddr_storage bound;
	socklen_t len = sizeof(bound);
	char text[SOCK_NTOP_LEN];

	Getsockname(listenfd, (struct sockaddr *)&bound, &len);
	printf("listening on %s\n",
	       Sock_ntop((struct sockaddr *)&bound, len, text, sizeof(text)));
	fflush(stdout);
}

/* include daytime */
/* Writes the time of day in the ctime() layout, ended by CR LF. */
static void send_daytime(int connfd)
{
	char buff[MAXLINE];
	time_t ticks = time(NULL);
	size_t len;

	len = strftime(buff, sizeof(buff), "%a %b %e %H:%M:%S %Y\r\n",
		       localtime(&ticks));
	Write(connfd, buff, len);
}
/* end daytime */

/* include main */
int main(int argc, char **argv)
{
	struct sockaddr_in servaddr;
	int listenfd, connfd;

	if (argc > 2)
		err_quit("usage: daytimetcpsrv [port]");

	listenfd = Socket(AF_INET, SOCK_STREAM, 0);
	memset(&servaddr, 0, sizeof(servaddr));
	servaddr.sin_family = AF_INET;
	servaddr.sin_addr.s_addr = htonl(INADDR_ANY);
	servaddr.sin_port = htons(port_from(argv[1]));
	Bind(listenfd, (struct sockaddr *)&servaddr, sizeof(servaddr));
	Listen(listenfd, LISTENQ);
	announce(listenfd);

	for (;;) {
		connfd = Accept(listenfd, NULL, NULL);
		send_daytime(connfd);
		Close(connfd);
	}
}
/* end main */
