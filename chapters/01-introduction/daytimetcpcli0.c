/*
 * daytimetcpcli0.c - a TCP daytime client for IPv4, every call checked
 * by hand.
 *
 *   daytimetcpcli0 192.0.2.1 [port]
 *
 * Connects to the daytime service (port 13 unless a port is given),
 * copies whatever the server sends to standard output, and stops when
 * the server closes the connection.
 */
#include "lnp.h"

/* include port */
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
/* end port */

int main(int argc, char **argv)
{
	/* include main */
	struct sockaddr_in servaddr;
	char recvline[MAXLINE + 1];
	ssize_t n;
	int sockfd;

	if (argc < 2 || argc > 3)
		err_quit("usage: daytimetcpcli0 <IPv4 address> [port]");

	sockfd = socket(AF_INET, SOCK_STREAM, 0);
	if (sockfd < 0)
		err_sys("socket error");

	memset(&servaddr, 0, sizeof(servaddr));
	servaddr.sin_family = AF_INET;
	servaddr.sin_port = htons(port_from(argv[2]));
	if (inet_pton(AF_INET, argv[1], &servaddr.sin_addr) != 1)
		err_quit("inet_pton error: \"%s\" is not an IPv4 address",
			 argv[1]);

	if (connect(sockfd, (struct sockaddr *)&servaddr,
		    sizeof(servaddr)) < 0)
		err_sys("connect error");

	/* TCP delivers a stream of bytes: the reply may come in pieces,
	 * so read until the server closes (read returns 0). */
	while ((n = read(sockfd, recvline, MAXLINE)) > 0) {
		recvline[n] = '\0';
		if (fputs(recvline, stdout) == EOF)
			err_sys("fputs error");
	}
	if (n < 0)
		err_sys("read error");
	return 0;
	/* end main */
}
