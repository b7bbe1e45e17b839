/*
 * naivecli.c - the daytime client with the loop that every first
 * version of tcp_connect() has: a plain blocking connect() to each
 * address in turn.  Kept on purpose: when the first address swallows
 * packets, it waits the kernel's whole SYN timeout (over two minutes
 * with Linux's defaults) before it tries the second (section 11.9).
 *
 * usage: naivecli HOST [SERVICE]
 */
#include "lnp.h"

/* include naive_connect */
static int naive_connect(const char *host, const char *serv)
{
	struct addrinfo hints, *res, *ai;
	int n, fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((n = getaddrinfo(host, serv, &hints, &res)) != 0)
		err_quit("%s %s: %s", host, serv, gai_strerror(n));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = Socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;         /* blocks as long as the kernel tries */
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		err_sys("no address of %s answered", host);
	return fd;
}
/* end naive_connect */

int main(int argc, char **argv)
{
	char buf[MAXLINE + 1];
	ssize_t n;
	int fd;

	if (argc < 2 || argc > 3)
		err_quit("usage: naivecli HOST [SERVICE]");
	printf("trying %s\n", argv[1]);
	fflush(stdout);
	fd = naive_connect(argv[1], argc == 3 ? argv[2] : "daytime");
	while ((n = Read(fd, buf, MAXLINE)) > 0) {
		buf[n] = '\0';
		Fputs(buf, stdout);
	}
	Close(fd);
	return 0;
}
