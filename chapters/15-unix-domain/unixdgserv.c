/*
 * unixdgserv.c - the echo server over a Unix domain datagram socket
 * (section 15.6): each datagram goes back to the address it came from.
 * A client that bound no address has none, and gets no answer: the
 * server says so and goes on.
 *
 * Usage: unixdgserv PATH|@NAME
 */
#include "lnp.h"

#include <sys/stat.h>

/* include unixdgserv */
static void echo_datagrams(int sockfd)
{
	char buf[MAXLINE], from[SOCK_NTOP_LEN];
	struct sockaddr_un cli;
	socklen_t len;
	ssize_t n;

	for (;;) {
		len = sizeof(cli);
		n = Recvfrom(sockfd, buf, sizeof(buf), 0,
			     (struct sockaddr *)&cli, &len);
		if (sendto(sockfd, buf, (size_t)n, 0,
			   (struct sockaddr *)&cli, len) < 0)
			err_ret("no reply to %s (address length %u)",
				len > offsetof(struct sockaddr_un, sun_path) ?
				Sock_ntop((struct sockaddr *)&cli, len, from,
					  sizeof(from)) : "an unnamed socket",
				(unsigned)len);
	}
}
/* end unixdgserv */

int main(int argc, char **argv)
{
	struct sockaddr_un addr;
	struct stat st;
	socklen_t len;
	int sockfd;

	if (argc != 2)
		err_quit("usage: unixdgserv PATH|@NAME");
	Unix_addr(argv[1], &addr, &len);
	sockfd = Socket(AF_UNIX, SOCK_DGRAM, 0);
	if (argv[1][0] != '@' && lstat(argv[1], &st) == 0 &&
	    S_ISSOCK(st.st_mode))
		unlink(argv[1]);        /* left by an earlier server */
	Bind(sockfd, (struct sockaddr *)&addr, len);
	printf("listening on %s\n", argv[1]);
	fflush(stdout);
	echo_datagrams(sockfd);
}
