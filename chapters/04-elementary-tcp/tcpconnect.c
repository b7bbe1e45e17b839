/*
 * tcpconnect.c - calls connect() once and says what it returned and how
 * long it took (section 4.3): the instrument for watching the three ways
 * a connection attempt fails.
 *
 * Usage: tcpconnect ADDRESS PORT     (IPv4 or IPv6)
 * Prints "connected from ADDRESS:PORT after T s" and exits 0, or
 * "connect: MESSAGE (ERRNO) after T s" and exits 1.
 */
#include "lnp.h"

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* include tcpconnect */
int main(int argc, char **argv)
{
	struct sockaddr_storage server, local;
	socklen_t len, llen = sizeof(local);
	struct timespec start;
	char name[SOCK_NTOP_LEN];
	int sockfd, err;

	if (argc != 3)
		err_quit("usage: tcpconnect ADDRESS PORT");
	Sock_parse(argv[1], argv[2], &server, &len);
	sockfd = Socket(server.ss_family, SOCK_STREAM, 0);

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (connect(sockfd, (struct sockaddr *)&server, len) < 0) {
		err = errno;
		printf("connect: %s (%s) after %.2f s\n", strerror(err),
		       strerrorname_np(err), seconds_since(&start));
		return 1;
	}
	Getsockname(sockfd, (struct sockaddr *)&local, &llen);
	printf("connected from %s after %.2f s\n",
	       Sock_ntop((struct sockaddr *)&local, llen, name, sizeof(name)),
	       seconds_since(&start));
	return 0;
}
/* end tcpconnect */
