/*
 * str_echo.c - the echo server's work on one connection (chapter 5).
 */
#include "lnp.h"

/* include str_echo */
/* Sends back every byte read from sockfd until the client closes its end.
 * Returns 0 at the client's end of file, -1 on error (errno set): for
 * example ECONNRESET when the client aborted, or EPIPE when it is gone
 * and SIGPIPE is ignored. */
int str_echo(int sockfd)
{
	char buf[MAXLINE];
	ssize_t n;

	for (;;) {
		n = read(sockfd, buf, sizeof(buf));
		if (n > 0) {
			if (writen(sockfd, buf, (size_t)n) < 0)
				return -1;
		} else if (n == 0) {
			return 0;               /* the client closed */
		} else if (errno != EINTR) {
			return -1;
		}
	}
}
/* end str_echo */
