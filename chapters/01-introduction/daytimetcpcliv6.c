/*
 * daytimetcpcliv6.c - the daytime client for IPv6.  Compared with
 * daytimetcpcli.c only the address structure and the family change:
 * the reason chapter 11 makes clients protocol-independent.
 *
 *   daytimetcpcliv6 2001:db8::1 [port]
 */
#include "lnp.h"

/* The port to use: 13 (daytime) or the one given, checked. */
static uint16_t port_from(const char *arg)
{
	char *end;
	long port;

	if (arg == NULL)
		return 13;
	errno = 0;
	port = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || port < 1 ||
	    port > 65535)
		err_quit("\"%s\" is not a port number (1 to 65535)", arg);
	return (uint16_t)port;
}

/* include main */
int main(int argc, char **argv)
{
	struct sockaddr_in6 servaddr;
	char buf[MAXLINE];
	ssize_t n;
	int sockfd;

	if (argc < 2 || argc > 3)
		err_quit("usage: daytimetcpcliv6 <IPv6 address> [port]");

	sockfd = Socket(AF_INET6, SOCK_STREAM, 0);
	memset(&servaddr, 0, sizeof(servaddr));
	servaddr.sin6_family = AF_INET6;
	servaddr.sin6_port = htons(port_from(argv[2]));
	Inet_pton(AF_INET6, argv[1], &servaddr.sin6_addr);
	Connect(sockfd, (struct sockaddr *)&servaddr, sizeof(servaddr));

	while ((n = Read(sockfd, buf, sizeof(buf))) > 0)
		Write(STDOUT_FILENO, buf, (size_t)n);
	Close(sockfd);
	return 0;
}
/* end main */
