/*
 * serv_iter.c - design 0: the iterative server.  One process, one
 * client at a time.  Usage: serv_iter port
 */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "lnp.h"
#include "web30.h"

int main(int argc, char **argv)
{
	int listenfd, connfd;

	if (argc != 2)
		err_quit("usage: serv_iter port");
	signal(SIGPIPE, SIG_IGN);       /* a client that leaves: EPIPE */
	listenfd = web_listen(Port_parse(argv[1]), false, false);
	if (listenfd < 0)
		err_sys("listen");
	announce_port(listenfd);
/* include iter_loop */
	for (;;) {
		if ((connfd = accept(listenfd, NULL, NULL)) < 0)
			continue;       /* EINTR, ECONNABORTED ... */
		web_serve(connfd);
		close(connfd);
	}
/* end iter_loop */
}
