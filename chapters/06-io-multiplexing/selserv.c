/*
 * selserv.c - an echo server in one process, with no fork: select() tells
 * it which of its sockets has something to read (section 6.8).
 *
 * client[] holds the connected sockets; allset is the set of descriptors
 * to watch, which select() overwrites, so each round starts from a copy.
 * It echoes whatever one read() returns, so a client that sends half a
 * line and stops cannot hold it up.  But its writes block: a client that
 * sends and never reads its echoes stalls everybody (tested, section
 * 6.8; lab 6 fixes it).
 *
 * usage: selserv [PORT]     (0: any free port; default 9877)
 */
#include "lnp.h"

/* include selserv_state */
static int client[FD_SETSIZE];  /* connected sockets, -1 for a free slot */
static int maxi = -1;           /* highest slot in use */
static fd_set allset;           /* every descriptor to watch */
static int maxfd;               /* highest descriptor in allset */
/* end selserv_state */

/* include selserv_accept */
static void accept_client(int listenfd)
{
	int connfd = Accept(listenfd, NULL, NULL);
	int i;

	for (i = 0; i < FD_SETSIZE && client[i] >= 0; i++)
		;
	if (i == FD_SETSIZE || connfd >= FD_SETSIZE) {
		/* select() cannot watch it: say no rather than crash */
		err_msg("too many clients; closing the new one");
		Close(connfd);
		return;
	}
	client[i] = connfd;
	FD_SET(connfd, &allset);
	if (connfd > maxfd)
		maxfd = connfd;
	if (i > maxi)
		maxi = i;
}
/* end selserv_accept */

/* include selserv_echo */
/* Echoes one read's worth; returns false when the client is gone. */
static bool echo_once(int fd)
{
	char buf[BUFFSIZE];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0)
		err_ret("read");        /* e.g. the client reset: drop it */
	if (n <= 0)
		return false;           /* 0: the client closed */
	/* This write may block: see the comment at the top. */
	if (writen(fd, buf, (size_t)n) < 0) {
		err_ret("write");       /* reset while we wrote */
		return false;
	}
	return true;
}
/* end selserv_echo */

/* include selserv_loop */
static void serve(int listenfd)
{
	fd_set rset;

	for (;;) {
		rset = allset;          /* select() overwrites its sets */
		int nready = Select(maxfd + 1, &rset, NULL, NULL, NULL);

		if (FD_ISSET(listenfd, &rset)) {
			accept_client(listenfd);
			if (--nready <= 0)
				continue;       /* nothing else is ready */
		}
		for (int i = 0; i <= maxi && nready > 0; i++) {
			int fd = client[i];

			if (fd < 0 || !FD_ISSET(fd, &rset))
				continue;
			nready--;
			if (!echo_once(fd)) {
				Close(fd);
				FD_CLR(fd, &allset);
				client[i] = -1;
			}
		}
	}
}
/* end selserv_loop */

int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	int listenfd;

	if (argc > 2)
		err_quit("usage: selserv [PORT]");
	signal(SIGPIPE, SIG_IGN);       /* a write to a reset client: EPIPE */
	listenfd = Tcp_listen_port(port, true);
	for (int i = 0; i < FD_SETSIZE; i++)
		client[i] = -1;
	FD_ZERO(&allset);
	FD_SET(listenfd, &allset);
	maxfd = listenfd;
	announce_port(listenfd);
	serve(listenfd);
}
