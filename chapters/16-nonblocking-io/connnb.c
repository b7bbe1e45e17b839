/*
 * connnb.c - connect with a time limit of our choosing, by a
 * non-blocking connect() (section 16.4).
 *
 * connect() on a non-blocking socket starts the handshake and returns
 * EINPROGRESS.  The socket becomes writable when the handshake ends,
 * whichever way it ends; SO_ERROR then says which: 0 for connected,
 * ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH... for the rest.  Our own limit
 * is select()'s timeout.
 *
 * usage: connnb HOST PORT MSEC
 */
#include "lnp.h"

/* include connect_nonb */
/* Connects sockfd within msec ms (0: the kernel's own limit).  Returns
 * 0, or -1 with errno set (ETIMEDOUT when our limit ran out).  The
 * socket is blocking again on success. */
static int connect_nonb(int sockfd, const struct sockaddr *sa,
			socklen_t salen, int msec)
{
	int flags = fcntl(sockfd, F_GETFL, 0), error = 0, n;
	socklen_t len = sizeof(error);
	struct timeval tv = { msec / 1000, (msec % 1000) * 1000 };
	fd_set rset, wset;

	fcntl(sockfd, F_SETFL, flags | O_NONBLOCK);     /* before connect */
	if (connect(sockfd, sa, salen) == 0) {
		printf("connect() returned 0: done at once\n");
		goto done;
	}
	if (errno != EINPROGRESS)
		return -1;              /* refused at once, bad address ... */
	printf("connect() returned EINPROGRESS\n");
	FD_ZERO(&rset);
	FD_SET(sockfd, &rset);
	wset = rset;
	n = select(sockfd + 1, &rset, &wset, NULL, msec ? &tv : NULL);
	if (n < 0)
		return -1;
	if (n == 0) {                                   /* our limit */
		close(sockfd);          /* abandons the handshake */
		errno = ETIMEDOUT;
		return -1;
	}
	if (getsockopt(sockfd, SOL_SOCKET, SO_ERROR, &error, &len) < 0)
		return -1;
	printf("select: %s%s; SO_ERROR %d\n",
	       FD_ISSET(sockfd, &rset) ? "readable " : "",
	       FD_ISSET(sockfd, &wset) ? "writable" : "", error);
	if (error != 0) {
		errno = error;          /* how the handshake ended */
		return -1;
	}
done:
	fcntl(sockfd, F_SETFL, flags);                  /* blocking again */
	return 0;
}
/* end connect_nonb */

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	struct timespec t0, t1;
	socklen_t len;
	int sockfd, msec;

	if (argc != 4)
		err_quit("usage: connnb HOST PORT MSEC");
	Sock_parse(argv[1], argv[2], &server, &len);
	msec = atoi(argv[3]);
	sockfd = Socket(server.ss_family, SOCK_STREAM, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (connect_nonb(sockfd, (struct sockaddr *)&server, len, msec) < 0)
		err_sys("connect_nonb");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("connected after %ld ms\n", (long)((t1.tv_sec - t0.tv_sec)
	       * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
	return 0;
}
