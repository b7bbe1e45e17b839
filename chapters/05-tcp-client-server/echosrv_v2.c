/*
 * echosrv_v2.c - the echo server, second version (section 5.10): a
 * SIGCHLD handler that waits for every child that has ended.
 *
 * Kept on purpose as it is: the handler is installed so that it
 * interrupts the call the parent is blocked in (no SA_RESTART, as with
 * signal() on System V and as Linux does for some calls whatever the
 * flags), and the parent treats accept()'s EINTR as fatal: the first
 * child to end kills the server (section 5.9, "interrupted system calls").
 *
 * Usage: echosrv_v2 [port]     (default 9877; 0 asks for any free port)
 */
#include "lnp.h"

/* include sig_chld */
/* Waits for every child that has ended: one SIGCHLD may stand for many. */
static void sig_chld(int signo)
{
	int saved_errno = errno;        /* the interrupted code may need it */

	(void)signo;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		continue;
	errno = saved_errno;
}
/* end sig_chld */

static void serve_client(int connfd)
{
	if (str_echo(connfd) < 0)
		err_sys("str_echo");
	exit(0);
}

/* include echosrv_v2 */
int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	int listenfd = Tcp_listen_port(port, true);
	int connfd;

	if (signal_intr(SIGCHLD, sig_chld) == SIG_ERR)
		err_sys("sigaction(SIGCHLD)");
	announce_port(listenfd);
	for (;;) {
		connfd = Accept(listenfd, NULL, NULL);  /* EINTR: exits */
		if (Fork() == 0) {
			Close(listenfd);
			serve_client(connfd);
		}
		Close(connfd);
	}
}
/* end echosrv_v2 */
