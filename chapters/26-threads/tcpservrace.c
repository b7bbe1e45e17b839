/*
 * tcpservrace.c - watch it break (section 26.5): the thread-per-client
 * echo server that hands each thread the ADDRESS of its one connfd
 * variable.  The thread reads it later, when the main thread may
 * already have overwritten it with the next client's descriptor: two
 * threads then serve one client and nobody serves the other.
 *
 * usage: tcpservrace [-w] [PORT]    (default 9877; 0: any free port)
 *   -w  the tests' hook (racehook.h): the first client's thread waits
 *       until the second client is accepted, the unlucky timing forced
 */
#include "lnp.h"
#include "racehook.h"

/* include serve_race */
static void *serve(void *arg)
{
	int connfd;

	hook_start();
	connfd = *(int *)arg;   /* main's variable, now: whose is it? */
	printf("a thread serves descriptor %d\n", connfd);
	if (str_echo(connfd) < 0)
		err_ret("str_echo");
	close(connfd);
	return NULL;
}
/* end serve_race */

int main(int argc, char **argv)
{
	int port, listenfd, connfd, nconn = 0, err;
	pthread_attr_t attr;

	if (argc > 1 && strcmp(argv[1], "-w") == 0) {
		hook_on = true;
		argc--, argv++;
	}
	port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	listenfd = Tcp_listen_port(port, true);
	setvbuf(stdout, NULL, _IOLBF, 0);
	announce_port(listenfd);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* include accept_race */
	for (;;) {
		pthread_t tid;

		connfd = Accept(listenfd, NULL, NULL);
		printf("accepted connection %d on descriptor %d\n", ++nconn,
		       connfd);
		hook_accept();
		err = pthread_create(&tid, &attr, serve, &connfd);
		if (err != 0) {
			errno = err;
			err_sys("pthread_create");
		}
	}
	/* end accept_race */
}
