/*
 * labserv.c - lab 30: a web server in the design of your choice.
 *
 *   labserv -d fork|prefork|thread|epoll [-n N] port
 *
 * Every design answers the chapter's request ("GET /N HTTP/1.1": N bytes
 * of body, then the server closes) through the request and reply of
 * web30.h: web_feed() what you read, send what web_next() gives you,
 * tell web_sent() how much went.  Write serve() first (it is used by
 * fork, prefork and thread), then at least one design; the ones you
 * leave as they are say "not written" and their tests are skipped.
 * The listening socket main() gives you is non-blocking (the sockets
 * accept() returns from it are not: Linux does not pass O_NONBLOCK on).
 * Call ready() when your design is ready to serve.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "lnp.h"
#include "web30.h"

#define NOT_WRITTEN (-2)

/* Says "listening on port N": call it when your design is ready to
 * serve (the tests wait for it). */
static void __attribute__((unused)) ready(int listenfd)
{
	announce_port(listenfd);
}

/* One connection on a blocking socket: the whole request, however many
 * reads it takes, then the whole reply.  0, or -1 if the client left. */
static int __attribute__((unused)) serve(int fd)
{
	// TODO (section 30.2): read until web_feed() says the request is
	// whole, then write until web_next() has nothing left
	(void)fd;
	return -1;
}

/* ---- design: a child per client (section 30.4) ------------------------ */


static int run_fork(int listenfd, int n)
{
	// TODO (section 30.4): accept, fork a child that serves the
	// client; the parent closes its copy and reaps its children
	(void)listenfd;
	(void)n;
	return NOT_WRITTEN;
}

/* ---- design: N children made in advance (sections 30.5, 30.6) -------- */


static int run_prefork(int listenfd, int n)
{
	// TODO (sections 30.5 and 30.6): fork n children that take turns
	// (a lock) to wait for and accept a connection, and serve it; on
	// SIGTERM end them, then yourself
	(void)listenfd;
	(void)n;
	return NOT_WRITTEN;
}

/* ---- design: a thread per client (section 30.8) ---------------------- */


static int run_thread(int listenfd, int n)
{
	// TODO (section 30.8): accept, and start a thread that serves
	// that connection (and no other)
	(void)listenfd;
	(void)n;
	return NOT_WRITTEN;
}

/* ---- design: one thread, epoll (section 30.11) ----------------------- */


static int run_epoll(int listenfd, int n)
{
	// TODO (section 30.11): one epoll instance; accept every waiting
	// connection, feed each its request as it comes, and send its reply
	// as the socket takes it, waiting for EPOLLOUT when it is full
	(void)listenfd;
	(void)n;
	return NOT_WRITTEN;
}

static const struct {
	const char *name;
	int (*run)(int listenfd, int n);
} designs[] = {
	{ "fork", run_fork }, { "prefork", run_prefork },
	{ "thread", run_thread }, { "epoll", run_epoll },
};

int main(int argc, char **argv)
{
	const char *design = NULL;
	int c, n = 4, listenfd;

	while ((c = getopt(argc, argv, "d:n:")) != -1) {
		if (c == 'd')
			design = optarg;
		else if (c != 'n' || (n = atoi(optarg)) <= 0 || n > 100)
			design = NULL, optind = argc + 1;
	}
	if (design == NULL || optind != argc - 1)
		err_quit("usage: labserv -d fork|prefork|thread|epoll [-n N] "
			 "port");
	// TODO (section 30.2): a client that leaves must not end the server
	for (size_t i = 0; i < sizeof(designs) / sizeof(designs[0]); i++) {
		if (strcmp(design, designs[i].name) != 0)
			continue;
		listenfd = web_listen(Port_parse(argv[optind]), false, true);
		if (listenfd < 0)
			err_sys("listen");
		if (designs[i].run(listenfd, n) == NOT_WRITTEN) {
			fprintf(stderr, "labserv: design %s is not written "
				"yet\n", design);
			return 3;
		}
		return 0;
	}
	err_quit("labserv: no design \"%s\": fork, prefork, thread or epoll",
		 design);
}
