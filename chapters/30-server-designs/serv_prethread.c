/*
 * serv_prethread.c - design 7: N threads made in advance, each calling
 * accept() with a mutex held around it.  Usage: serv_prethread [-n N] port
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "lnp.h"
#include "web30.h"

static int listenfd;
static pthread_mutex_t accept_lock = PTHREAD_MUTEX_INITIALIZER;

/* include prethread_main */
static void *worker(void *arg)
{
	int connfd;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&accept_lock);
		connfd = accept(listenfd, NULL, NULL);
		pthread_mutex_unlock(&accept_lock);
		if (connfd < 0)
			continue;
		web_serve(connfd);
		close(connfd);
	}
	return NULL;
}
/* end prethread_main */

int main(int argc, char **argv)
{
	int c, n = 4;
	pthread_t tid;

	while ((c = getopt(argc, argv, "n:")) != -1)
		if (c != 'n' || (n = atoi(optarg)) <= 0 || n > 1000)
			err_quit("usage: serv_prethread [-n threads] port");
	if (optind != argc - 1)
		err_quit("usage: serv_prethread [-n threads] port");
	signal(SIGPIPE, SIG_IGN);
	listenfd = web_listen(Port_parse(argv[optind]), false, false);
	if (listenfd < 0)
		err_sys("listen");
	for (int i = 0; i < n; i++)
		if (pthread_create(&tid, NULL, worker, NULL) != 0)
			err_quit("pthread_create failed");
	announce_port(listenfd);
	pause();                        /* SIGTERM ends us all */
	return 0;
}
