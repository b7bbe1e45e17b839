/*
 * tcpservthr.c - the echo server with a thread per client (sections 26.4
 * and 26.5): each thread gets its own copy of the connected descriptor.
 *
 * usage: tcpservthr [-w] [PORT]     (default 9877; 0: any free port)
 *   -w  the tests' hook (racehook.h): the first client's thread waits
 *       until the second client is accepted before it starts
 */
#include "lnp.h"
#include "racehook.h"

/* include serve_thread */
/* One client's thread.  arg is its own malloc'd copy of the descriptor,
 * which no other thread ever writes. */
static void *serve(void *arg)
{
	int connfd;

	hook_start();
	connfd = *(int *)arg;
	free(arg);
	printf("a thread serves descriptor %d\n", connfd);
	if (str_echo(connfd) < 0)
		err_ret("str_echo");
	close(connfd);                  /* nobody else will: same process */
	return NULL;
}
/* end serve_thread */

int main(int argc, char **argv)
{
	int port, listenfd, nconn = 0, err;
	pthread_attr_t attr;

	if (argc > 1 && strcmp(argv[1], "-w") == 0) {
		hook_on = true;
		argc--, argv++;
	}
	port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	listenfd = Tcp_listen_port(port, true);
	setvbuf(stdout, NULL, _IOLBF, 0);
	announce_port(listenfd);
	/* include accept_threads */
	pthread_attr_init(&attr);       /* nobody joins them: detached */
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		int *connp = Malloc(sizeof(int));
		pthread_t tid;

		*connp = Accept(listenfd, NULL, NULL);
		printf("accepted connection %d on descriptor %d\n", ++nconn,
		       *connp);
		hook_accept();
		err = pthread_create(&tid, &attr, serve, connp);
		if (err != 0) {
			errno = err;
			err_sys("pthread_create");
		}
	}
	/* end accept_threads */
}
