/*
 * serv_prethmain.c - design 8: N threads made in advance; the main
 * thread alone accepts and puts each connection in a queue, from which
 * an idle thread takes it (a mutex and a condition variable).
 * Usage: serv_prethmain [-n threads] port
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "lnp.h"
#include "web30.h"

#define QSIZE 256
static int queue[QSIZE];
static unsigned head, tail;             /* take at head, put at tail */
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t nonfull = PTHREAD_COND_INITIALIZER;

/* include queue_take */
static void *worker(void *arg)
{
	int connfd;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&qlock);
		while (head == tail)
			pthread_cond_wait(&nonempty, &qlock);
		connfd = queue[head++ % QSIZE];
		pthread_cond_signal(&nonfull);
		pthread_mutex_unlock(&qlock);
		web_serve(connfd);
		close(connfd);
	}
	return NULL;
}
/* end queue_take */

int main(int argc, char **argv)
{
	int c, n = 4, listenfd, connfd;
	pthread_t tid;

	while ((c = getopt(argc, argv, "n:")) != -1)
		if (c != 'n' || (n = atoi(optarg)) <= 0 || n > 1000)
			err_quit("usage: serv_prethmain [-n threads] port");
	if (optind != argc - 1)
		err_quit("usage: serv_prethmain [-n threads] port");
	signal(SIGPIPE, SIG_IGN);
	listenfd = web_listen(Port_parse(argv[optind]), false, false);
	if (listenfd < 0)
		err_sys("listen");
	for (int i = 0; i < n; i++)
		if (pthread_create(&tid, NULL, worker, NULL) != 0)
			err_quit("pthread_create failed");
	announce_port(listenfd);
/* include queue_put */
	for (;;) {
		if ((connfd = accept(listenfd, NULL, NULL)) < 0)
			continue;
		pthread_mutex_lock(&qlock);
		while (tail - head == QSIZE)    /* full: wait for room */
			pthread_cond_wait(&nonfull, &qlock);
		queue[tail++ % QSIZE] = connfd;
		pthread_cond_signal(&nonempty);
		pthread_mutex_unlock(&qlock);
	}
/* end queue_put */
}
