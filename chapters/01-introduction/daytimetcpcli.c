/*
 * daytimetcpcli.c - the IPv4 daytime client again, with the wrapper
 * functions of lib/ doing the checking.
 *
 *   daytimetcpcli 192.0.2.1 [port]
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
	struct sockaddr_in servaddr;
	char buf[MAXLINE];
	ssize_t n;
	int sockfd;

	if (argc < 2 || argc > 3)
		err_quit("usage: daytimetcpcli <IPv4 address> [port]");

	sockfd = Socket(AF_INET, SOCK_STREAM, 0);
	memset(&servaddr, 0, sizeof(servaddr));
	servaddr.sin_family = AF_INET;
	servaddr.sin_port = htons(port_from(argv[2]));
	Inet_pton(AF_INET, argv[1], &servaddr.sin_addr);
	Connect(sockfd, (struct sockaddr *)&servaddr, sizeof(servaddr));

	while ((n = Read(sockfd, buf, sizeof(buf))) > 0)
		Write(STDOUT_FILENO, buf, (size_t)n);
	Close(sockfd);
	return 0;
}
/* end main */
