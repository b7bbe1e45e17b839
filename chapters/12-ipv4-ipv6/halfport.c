/*
 * halfport.c - watch it break: an IPv4 server "ported" to IPv6 by
 * changing socket() and bind() only.  It still accepts into a struct
 * sockaddr_in and prints the client with inet_ntop(AF_INET, ...), so
 * every client, IPv4 or IPv6, is reported wrong.
 *
 *   halfport PORT
 */
#include "lnp.h"

/* include halfport */
int main(int argc, char **argv)
{
	struct sockaddr_in6 servaddr;
	struct sockaddr_in cliaddr;             /* the line not ported */
	char text[INET_ADDRSTRLEN];
	socklen_t len;
	int listenfd, connfd;

	if (argc != 2)
		err_quit("usage: halfport PORT");
	listenfd = Socket(AF_INET6, SOCK_STREAM, 0);
	memset(&servaddr, 0, sizeof(servaddr));
	servaddr.sin6_family = AF_INET6;
	servaddr.sin6_addr = in6addr_any;
	servaddr.sin6_port = htons((uint16_t)Port_parse(argv[1]));
	Bind(listenfd, (struct sockaddr *)&servaddr, sizeof(servaddr));
	Listen(listenfd, LISTENQ);
	announce_port(listenfd);
	for (;;) {
		len = sizeof(cliaddr);
		connfd = Accept(listenfd, (struct sockaddr *)&cliaddr, &len);
		printf("connection from %s port %d (%u bytes of address, "
		       "room for %zu)\n",
		       Inet_ntop(AF_INET, &cliaddr.sin_addr, text,
				 sizeof(text)),
		       ntohs(cliaddr.sin_port), (unsigned)len,
		       sizeof(cliaddr));
		fflush(stdout);
		Close(connfd);
	}
}
/* end halfport */
