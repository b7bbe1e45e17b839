/*
 * strclithr.c - the echo client with two threads (section 26.3): one
 * copies standard input to the server, the other (the main thread)
 * copies what the server sends back to standard output.  Each does one
 * thing with ordinary blocking calls, as the two processes of section
 * 16.3 do, but they share one address space and one descriptor table.
 *
 * usage: strclithr HOST [PORT]      (default port 9877)
 */
#include "lnp.h"

#include <pthread.h>
#include <stdatomic.h>

static int sockfd;                      /* set before the thread starts */
static atomic_bool input_done;          /* the copier reached end of file */

/* include copy_to_server */
/* The second thread: standard input to the server, then a half-close,
 * so that the server's FIN ends the main thread's loop. */
static void *copy_to_server(void *arg)
{
	char buf[BUFFSIZE];
	ssize_t n;

	(void)arg;
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
		Writen(sockfd, buf, (size_t)n);
	if (n < 0)
		err_sys("read from standard input");
	atomic_store(&input_done, true);
	Shutdown(sockfd, SHUT_WR);              /* FIN: "no more lines" */
	return NULL;
}
/* end copy_to_server */

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	pthread_t tid;
	char buf[BUFFSIZE];
	ssize_t n;
	int err;

	if (argc < 2 || argc > 3)
		err_quit("usage: strclithr HOST [PORT]");
	Sock_parse(argv[1], argc == 3 ? argv[2] : "9877", &ss, &len);
	sockfd = Socket(ss.ss_family, SOCK_STREAM, 0);
	Connect(sockfd, (struct sockaddr *)&ss, len);
	/* include str_cli_threads */
	err = pthread_create(&tid, NULL, copy_to_server, NULL);
	if (err != 0) {
		errno = err;                    /* pthreads return it */
		err_sys("pthread_create");
	}
	while ((n = read(sockfd, buf, sizeof(buf))) > 0)
		Writen(STDOUT_FILENO, buf, (size_t)n);
	if (n < 0)
		err_sys("read from the server");
	if (!atomic_load(&input_done))
		err_quit("strclithr: server terminated prematurely");
	pthread_join(tid, NULL);
	/* end str_cli_threads */
	return 0;
}
