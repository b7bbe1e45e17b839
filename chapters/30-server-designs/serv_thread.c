/*
 * serv_thread.c - design 6: a thread for every client, detached, given
 * its connection by value.  Usage: serv_thread port
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lnp.h"
#include "web30.h"

/* include thread_per_client */
static void *serve_thread(void *arg)
{
	int connfd = (int)(intptr_t)arg;        /* a copy: no race */

	web_serve(connfd);
	close(connfd);
	return NULL;
}

static void accept_loop(int listenfd)
{
	pthread_attr_t attr;
	pthread_t tid;
	int connfd, e;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		if ((connfd = accept(listenfd, NULL, NULL)) < 0)
			continue;
		e = pthread_create(&tid, &attr, serve_thread,
				   (void *)(intptr_t)connfd);
		if (e != 0) {           /* too many threads: drop this one */
			err_msg("pthread_create: %s", strerror(e));
			close(connfd);
		}
	}
}
/* end thread_per_client */

int main(int argc, char **argv)
{
	int listenfd;

	if (argc != 2)
		err_quit("usage: serv_thread port");
	signal(SIGPIPE, SIG_IGN);
	listenfd = web_listen(Port_parse(argv[1]), false, false);
	if (listenfd < 0)
		err_sys("listen");
	announce_port(listenfd);
	accept_loop(listenfd);
}
