/*
 * daytimetcpsrv0.c - a TCP daytime server for IPv4, every call checked
 * by hand.
 *
 *   daytimetcpsrv0 [port]
 *
 * Listens on port 13 (or the port given; 0 lets the kernel choose) and
 * answers each connection with the time of day, then closes it.  It
 * prints the address it listens on first, so that whoever started it
 * knows when it is ready.
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
	struct sockaddr_in bound;
	socklen_t len = sizeof(bound);
	char addr[INET_ADDRSTRLEN];

	if (getsockname(listenfd, (struct sockaddr *)&bound, &len) < 0)
		err_sys("getsockname error");
	if (inet_ntop(AF_INET, &bound.sin_addr, addr, sizeof(addr)) == NULL)
		err_sys("inet_ntop error");
	printf("listening on %s:%d\n", addr, ntohs(bound.sin_port));
	if (fflush(stdout) == EOF)
		err_sys("fflush error");
}

int main(int argc, char **argv)
{
	/* include main */
	struct sockaddr_in servaddr;
	char buff[MAXLINE];
	int listenfd, connfd;
	time_t ticks;
	size_t len;

	if (argc > 2)
		err_quit("usage: daytimetcpsrv0 [port]");

	listenfd = socket(AF_INET, SOCK_STREAM, 0);
	if (listenfd < 0)
		err_sys("socket error");

	memset(&servaddr, 0, sizeof(servaddr));
	servaddr.sin_family = AF_INET;
	servaddr.sin_addr.s_addr = htonl(INADDR_ANY);
	servaddr.sin_port = htons(port_from(argv[1]));
	if (bind(listenfd, (struct sockaddr *)&servaddr,
		 sizeof(servaddr)) < 0)
		err_sys("bind error");
	if (listen(listenfd, LISTENQ) < 0)
		err_sys("listen error");
	announce(listenfd);

	for (;;) {
		connfd = accept(listenfd, NULL, NULL);
		if (connfd < 0)
			err_sys("accept error");
		ticks = time(NULL);
		len = strftime(buff, sizeof(buff),
			       "%a %b %e %H:%M:%S %Y\r\n",
			       localtime(&ticks));
		if (write(connfd, buff, len) != (ssize_t)len)
			err_sys("write error");
		if (close(connfd) < 0)
			err_sys("close error");
	}
	/* end main */
}
