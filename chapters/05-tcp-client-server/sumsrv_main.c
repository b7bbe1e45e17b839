/*
 * sumsrv_main.c - the sum server of section 5.18 done right: a forking
 * server around sum_serve(), the function of lab 5 (lab/sumsrv.c) that
 * answers every request, good or bad, with one line.  Built twice: with
 * the reference, as build/ch/05-tcp-client-server/sumsrv, and with your
 * own lab/sumsrv.c, as build/lab-05/student/sumsrv.  Talk to it:
 *
 *     $ sumsrv 9877 &
 *     $ nc localhost 9877
 *     3 4
 *     7
 *     3 4abc
 *     error: not a number
 *
 * Usage: sumsrv [port]   (default 9877; 0 asks for any free port)
 */
#include "lnp.h"
#include "sumsrv.h"

static void sig_chld(int signo)
{
	int saved_errno = errno;

	(void)signo;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		continue;
	errno = saved_errno;
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	int listenfd = Tcp_listen_port(port, true);
	int connfd;

	Signal(SIGCHLD, sig_chld);      /* SA_RESTART: accept() carries on */
	Signal(SIGPIPE, SIG_IGN);       /* a reset client: EPIPE, not death */
	announce_port(listenfd);
	for (;;) {
		connfd = Accept(listenfd, NULL, NULL);
		if (Fork() == 0) {
			Close(listenfd);
			if (sum_serve(connfd) < 0)
				err_ret("sum_serve");
			exit(0);
		}
		Close(connfd);
	}
}
