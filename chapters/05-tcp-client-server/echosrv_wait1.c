/*
 * echosrv_wait1.c - the echo server with a first SIGCHLD handler
 * (section 5.9): each time the signal arrives, it waits for one child.
 *
 * Kept on purpose as it is: Unix does not queue SIGCHLD, so when several
 * children end while the signal is already pending, the handler runs once
 * and waits for one of them; the others stay zombies (section 5.10).
 *
 * Usage: echosrv_wait1 [port]  (default 9877; 0 asks for any free port)
 */
#include "lnp.h"

/* include sig_chld_wait1 */
static void sig_chld(int signo)
{
	int saved_errno = errno;        /* the interrupted code may need it */

	(void)signo;
	(void)wait(NULL);               /* one child, however many ended */
	errno = saved_errno;
}
/* end sig_chld_wait1 */

static void serve_client(int connfd)
{
	if (str_echo(connfd) < 0)
		err_sys("str_echo");
	exit(0);
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	int listenfd = Tcp_listen_port(port, true);
	int connfd;

	/* Signal() sets SA_RESTART, so the handler never breaks accept(). */
	Signal(SIGCHLD, sig_chld);
	announce_port(listenfd);
	for (;;) {
		connfd = Accept(listenfd, NULL, NULL);
		if (Fork() == 0) {
			Close(listenfd);
			serve_client(connfd);
		}
		Close(connfd);
	}
}
