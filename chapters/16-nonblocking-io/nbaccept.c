/*
 * nbaccept.c - what happens between select() and accept() (section
 * 16.6).
 *
 * A server that waits in select() for its listening socket and for
 * stdin (its other work: each line typed is answered at once).  When
 * the listener turns readable the server pauses, as a busy server
 * would, until SIGUSR1; then it calls accept().  A rival process,
 * forked at the start and sharing the listener (as pre-forked servers
 * do), calls accept() on SIGUSR2.  So a test decides exactly what
 * happens in the pause: the client resets its connection, or the
 * rival takes it.
 *
 * With -b the listener is left blocking: an accept() whose connection
 * is gone waits for the next client, and the server answers nothing
 * meanwhile.  Without -b the listener is non-blocking and accept()
 * fails with EAGAIN, and the server goes back to select().
 *
 * It runs until killed; at the end of stdin it stops watching stdin.
 *
 * usage: nbaccept [-b] PORT
 */
#include "lnp.h"

static void wait_signal(int signo)
{
	sigset_t set;
	int got;

	sigemptyset(&set);
	sigaddset(&set, signo);
	if (sigwait(&set, &got) != 0)
		err_quit("sigwait failed");
}

/* The rival: on each SIGUSR2 it takes one connection. */
static void rival(int listenfd)
{
	int fd;

	for (;;) {
		wait_signal(SIGUSR2);
		fd = accept(listenfd, NULL, NULL);
		printf("rival: accept %s\n", fd >= 0 ? "returned a connection"
		       : strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

/* include serve_one */
static void serve_one(int listenfd)
{
	int fd = accept(listenfd, NULL, NULL);

	if (fd < 0) {
		if (errno == EWOULDBLOCK || errno == ECONNABORTED ||
		    errno == EPROTO || errno == EINTR) {
			printf("accept: %s; back to select\n", strerror(errno));
			return;         /* the connection went: not an error */
		}
		err_sys("accept");
	}
	if (send(fd, "served\n", 7, MSG_NOSIGNAL) < 0)
		printf("accepted; send: %s\n", strerror(errno));
	else
		printf("accepted; sent \"served\"\n");
	close(fd);
}
/* end serve_one */

int main(int argc, char **argv)
{
	bool blocking = argc == 3 && strcmp(argv[1], "-b") == 0;
	bool stdin_open = true;
	int listenfd, n;
	char line[MAXLINE];
	sigset_t set;
	pid_t pid;
	fd_set rset;

	if (argc != 2 && !blocking)
		err_quit("usage: nbaccept [-b] PORT");
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);     /* taken by sigwait only */
	listenfd = Tcp_listen_port(Port_parse(argv[argc - 1]), true);
	if (!blocking)
		fcntl(listenfd, F_SETFL, O_NONBLOCK);
	if ((pid = Fork()) == 0)
		rival(listenfd);
	printf("rival is pid %d, server is pid %d\n", (int)pid,
	       (int)getpid());
	announce_port(listenfd);
	/* include accept_loop */
	for (;;) {
		FD_ZERO(&rset);
		FD_SET(listenfd, &rset);
		if (stdin_open)
			FD_SET(STDIN_FILENO, &rset);
		Select(listenfd + 1, &rset, NULL, NULL, NULL);
		if (FD_ISSET(STDIN_FILENO, &rset)) {
			n = Read(STDIN_FILENO, line, sizeof(line) - 1);
			line[n] = '\0';
			if (n == 0)
				stdin_open = false;     /* no more work */
			else
				printf("stdin: %s", line);
		}
		if (FD_ISSET(listenfd, &rset)) {
			printf("listener readable; pausing\n");
			wait_signal(SIGUSR1);   /* a busy server, for a while */
			serve_one(listenfd);
		}
	}
	/* end accept_loop */
}
