/*
 * echosrv_v3.c - the echo server, final version (section 5.10): children
 * are waited for by a SIGCHLD handler, and an accept() interrupted by
 * that handler is simply called again.
 *
 * Usage: echosrv_v3 [port]     (default 9877; 0 asks for any free port)
 */
#include "lnp.h"

/* Waits for every child that has ended: one SIGCHLD may stand for many. */
static void sig_chld(int signo)
{
	int saved_errno = errno;

	(void)signo;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		continue;
	errno = saved_errno;
}

static void serve_client(int connfd)
{
	if (str_echo(connfd) < 0)
		err_sys("str_echo");
	exit(0);
}

/* include accept_restart */
/* accept(), called again when a signal handler interrupted it. */
static int accept_restarting(int listenfd)
{
	int connfd;

	while ((connfd = accept(listenfd, NULL, NULL)) < 0) {
		if (errno == EINTR)
			continue;               /* SIGCHLD: nothing is wrong */
		if (errno == ECONNABORTED)
			continue;       /* the client gave up: next one */
		err_sys("accept");
	}
	return connfd;
}
/* end accept_restart */

int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	int listenfd = Tcp_listen_port(port, true);
	int connfd;

	/* The handler still interrupts accept(), as in version 2: this
	 * version copes with it. */
	if (signal_intr(SIGCHLD, sig_chld) == SIG_ERR)
		err_sys("sigaction(SIGCHLD)");
	announce_port(listenfd);
	for (;;) {
		connfd = accept_restarting(listenfd);
		if (Fork() == 0) {
			Close(listenfd);
			serve_client(connfd);
		}
		Close(connfd);
	}
}
