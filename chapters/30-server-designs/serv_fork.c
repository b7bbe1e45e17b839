/*
 * serv_fork.c - design 1: a child process for every client, the
 * classic concurrent server; the parent reaps its children on SIGCHLD.
 * Usage: serv_fork port
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include "lnp.h"
#include "web30.h"

static void reap(int signo)
{
	int saved = errno;

	(void)signo;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	errno = saved;
}

int main(int argc, char **argv)
{
	int listenfd, connfd;

	if (argc != 2)
		err_quit("usage: serv_fork port");
	signal(SIGPIPE, SIG_IGN);
	signal_intr(SIGCHLD, reap);
	listenfd = web_listen(Port_parse(argv[1]), false, false);
	if (listenfd < 0)
		err_sys("listen");
	announce_port(listenfd);
/* include fork_loop */
	for (;;) {
		if ((connfd = accept(listenfd, NULL, NULL)) < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			err_sys("accept");
		}
		if (Fork() == 0) {
			close(listenfd);
			web_serve(connfd);
			_exit(0);
		}
		close(connfd);          /* the child has its own */
	}
/* end fork_loop */
}
