/*
 * oobsel.c - receives urgent data with select()'s exception set
 * (section 24.3).
 *
 * Accepts one connection on PORT and reads it to the end, waiting in
 * select() for the socket to be readable (ordinary data) or to have an
 * exception condition (urgent data announced).  No signal is involved.
 *
 * usage: oobsel PORT
 */
#include "lnp.h"

static void print_read(const char *what, const char *buf, ssize_t n)
{
	printf("%s %zd byte%s: %.*s\n", what, n, n == 1 ? "" : "s", (int)n,
	       buf);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	char buf[MAXLINE];
	int listenfd, connfd;
	ssize_t n;
	fd_set rset, xset;

	if (argc != 2)
		err_quit("usage: oobsel PORT");
	listenfd = Tcp_listen_port(Port_parse(argv[1]), true);
	announce_port(listenfd);
	connfd = Accept(listenfd, NULL, NULL);
	Close(listenfd);
/* include oobsel_loop */
	for (;;) {
		FD_ZERO(&rset);
		FD_ZERO(&xset);
		FD_SET(connfd, &rset);
		FD_SET(connfd, &xset);
		Select(connfd + 1, &rset, NULL, &xset, NULL);
		if (FD_ISSET(connfd, &xset)) {
			n = recv(connfd, buf, 1, MSG_OOB);
			if (n < 0)
				printf("exception; recv MSG_OOB: %s\n",
				       strerror(errno));
			else
				print_read("exception; recv MSG_OOB", buf, n);
			fflush(stdout);
		}
		if (FD_ISSET(connfd, &rset)) {
			n = Read(connfd, buf, sizeof(buf));
			if (n == 0)
				break;
			print_read("readable; read", buf, n);
		}
	}
/* end oobsel_loop */
	printf("end of file\n");
	return 0;
}
