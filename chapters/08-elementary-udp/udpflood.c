/*
 * udpflood.c - send COUNT datagrams of SIZE bytes as fast as possible
 * (section 8.13).  UDP has no flow control: nothing tells the sender
 * that the receiver cannot keep up, so the receiver's kernel drops what
 * does not fit in its socket's buffer, and counts it.
 *
 * usage: udpflood HOST PORT COUNT SIZE
 */
#include "lnp.h"

static long number(const char *text, const char *what, long max)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || n < 1 || n > max)
		err_quit("%s \"%s\" is not a number of 1 to %ld", what, text,
			 max);
	return n;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	socklen_t len;
	long count, size;
	char *buf;
	int fd;

	if (argc != 5)
		err_quit("usage: udpflood HOST PORT COUNT SIZE");
	Sock_parse(argv[1], argv[2], &server, &len);
	count = number(argv[3], "COUNT", 10000000);
	size = number(argv[4], "SIZE", 65507);
	buf = Malloc((size_t)size);
	memset(buf, 'u', (size_t)size);
	fd = Socket(server.ss_family, SOCK_DGRAM, 0);
	/* include udpflood_loop */
	for (long i = 0; i < count; i++)
		Sendto(fd, buf, (size_t)size, 0, (struct sockaddr *)&server,
		       len);
	/* end udpflood_loop */
	printf("sent %ld datagrams of %ld bytes\n", count, size);
	free(buf);
	return 0;
}
