/*
 * daytimetcpcli1read.c - KEPT WRONG ON PURPOSE: a daytime client that
 * calls read() once and takes whatever it returns as the whole reply.
 *
 *   daytimetcpcli1read 192.0.2.1 [port]
 *
 * Against a server that sends its 26-byte reply in one write, on a
 * quiet network, it seems to work.  TCP promises a stream of bytes, not
 * messages: when the reply arrives in pieces this client prints only the
 * first one.  The chapter's test shows it happening; daytimetcpcli.c
 * loops until end of file instead.
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

int main(int argc, char **argv)
{
	struct sockaddr_in servaddr;
	char buf[MAXLINE];
	ssize_t n;
	int sockfd;

	if (argc < 2 || argc > 3)
		err_quit("usage: daytimetcpcli1read <IPv4 address> [port]");

	sockfd = Socket(AF_INET, SOCK_STREAM, 0);
	memset(&servaddr, 0, sizeof(servaddr));
	servaddr.sin_family = AF_INET;
	servaddr.sin_port = htons(port_from(argv[2]));
	Inet_pton(AF_INET, argv[1], &servaddr.sin_addr);
	Connect(sockfd, (struct sockaddr *)&servaddr, sizeof(servaddr));

	/* include oneread */
	/* WRONG: one read() returns what has arrived so far, which may be
	 * only part of what the server sent. */
	n = Read(sockfd, buf, sizeof(buf));
	Write(STDOUT_FILENO, buf, (size_t)n);
	/* end oneread */
	Close(sockfd);
	return 0;
}
