/*
 * daytimetcpsrvv6.c - the daytime server for IPv6.  It listens on the
 * IPv6 wildcard address only (IPV6_V6ONLY), so IPv4 clients are refused;
 * chapter 12 shows one socket serving both.
 *
 *   daytimetcpsrvv6 [port]
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

/* Prints "listening on [ADDRESS]:PORT" once the socket is listening. */
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

/* include main */
int main(int argc, char **argv)
{
	struct sockaddr_in6 servaddr;
	int listenfd, connfd, on = 1;

	if (argc > 2)
		err_quit("usage: daytimetcpsrvv6 [port]");

	listenfd = Socket(AF_INET6, SOCK_STREAM, 0);
	Setsockopt(listenfd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	memset(&servaddr, 0, sizeof(servaddr));
	servaddr.sin6_family = AF_INET6;
	servaddr.sin6_addr = in6addr_any;
	servaddr.sin6_port = htons(port_from(argv[1]));
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
