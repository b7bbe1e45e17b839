/*
 * oobmark.c - reads up to the mark (sections 24.4 and 24.5).
 *
 * Accepts one connection on PORT and waits until the sender has
 * finished (its FIN has come: POLLRDHUP), so that what is read depends
 * only on what was sent, not on when it arrived.  Then:
 *
 *   - without -i, it reads the urgent byte with MSG_OOB, then the
 *     ordinary data;
 *   - with -i, SO_OOBINLINE is on (set before the connection existed,
 *     on the listening socket) and the urgent byte stays in the stream.
 *
 * Before each read it asks sockatmark() whether the next byte is the
 * one at the mark.  A read never goes past the mark: it stops before
 * it, and the next read starts at it.
 *
 * usage: oobmark [-i] PORT
 */
#include "lnp.h"

#include <poll.h>

/* Waits until the peer has sent its FIN. */
static void wait_for_end(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	while (!(p.revents & (POLLRDHUP | POLLHUP | POLLERR)))
		Poll(&p, 1, -1);
}

/* include oobmark_loop */
static void read_to_end(int fd)
{
	char buf[MAXLINE];
	ssize_t n;
	int mark;

	for (;;) {
		if ((mark = sockatmark(fd)) < 0)
			err_sys("sockatmark");
		n = Read(fd, buf, sizeof(buf));
		if (n == 0)
			break;
		printf("%sread %zd bytes: %.*s\n", mark ? "at the mark; " : "",
		       n, (int)n, buf);
	}
	printf("end of file\n");
}
/* end oobmark_loop */

int main(int argc, char **argv)
{
	bool inline_oob = argc == 3 && strcmp(argv[1], "-i") == 0;
	int listenfd, connfd, on = 1;
	char c;

	if (argc != 2 && !inline_oob)
		err_quit("usage: oobmark [-i] PORT");
	listenfd = Tcp_listen_port(Port_parse(argv[argc - 1]), true);
	if (inline_oob)
		Setsockopt(listenfd, SOL_SOCKET, SO_OOBINLINE, &on,
			   sizeof(on));
	announce_port(listenfd);
	connfd = Accept(listenfd, NULL, NULL);
	wait_for_end(connfd);
	if (!inline_oob) {
		if (recv(connfd, &c, 1, MSG_OOB) == 1)
			printf("recv MSG_OOB: urgent byte %c\n", c);
		else
			printf("recv MSG_OOB: %s\n", strerror(errno));
	}
	read_to_end(connfd);
	return 0;
}
