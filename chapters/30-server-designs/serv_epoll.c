/*
 * serv_epoll.c - today's design: one thread per core, each with its own
 * listening socket on the same port (SO_REUSEPORT: the kernel spreads
 * the connections over them) and its own epoll instance, serving many
 * non-blocking connections at once.
 * Usage: serv_epoll [-n threads] port   (default: one per online CPU)
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "lnp.h"
#include "web30.h"

/* Reads what is there; then sends what the socket takes.  Returns false
 * when the connection is done (the caller closes it). */
/* include epoll_conn */
static bool conn_step(struct web_conn *c, int ep)
{
	char buf[WEB_REQ_MAX];
	const char *p;
	ssize_t n;
	size_t len;
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };

	while (c->hlen == 0) {
		n = read(c->fd, buf, sizeof(buf));
		if (n < 0 && errno == EAGAIN)
			return true;            /* wait for more */
		if (n <= 0)
			return false;
		web_feed(c, buf, (size_t)n);
	}
	while ((len = web_next(c, &p)) > 0) {
		n = write(c->fd, p, len);
		if (n < 0 && errno == EAGAIN) { /* full: wait for room */
			if (!c->want_out)
				epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
			c->want_out = true;
			return true;
		}
		if (n < 0)
			return false;
		web_sent(c, (size_t)n);
	}
	return false;
}
/* end epoll_conn */

/* include epoll_loop */
static void *event_loop(void *arg)
{
	int listenfd = (int)(intptr_t)arg, ep, n, fd;
	struct epoll_event ev, evs[64];
	struct web_conn *c;

	if ((ep = epoll_create1(0)) < 0)
		err_sys("epoll_create1");
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;             /* NULL: the listening socket */
	epoll_ctl(ep, EPOLL_CTL_ADD, listenfd, &ev);
	for (;;) {
		if ((n = epoll_wait(ep, evs, 64, -1)) < 0)
			continue;
		for (int i = 0; i < n; i++) {
			if ((c = evs[i].data.ptr) != NULL) {
				if (!conn_step(c, ep)) {
					close(c->fd);   /* leaves the set */
					free(c);
				}
				continue;
			}
			while ((fd = accept4(listenfd, NULL, NULL,
					     SOCK_NONBLOCK)) >= 0) {
				c = Malloc(sizeof(*c));
				web_conn_init(c, fd);
				ev.events = EPOLLIN;
				ev.data.ptr = c;
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
			}
		}
	}
	return NULL;
}
/* end epoll_loop */

int main(int argc, char **argv)
{
	int c, n = (int)sysconf(_SC_NPROCESSORS_ONLN), port, fd;
	pthread_t tid;

	while ((c = getopt(argc, argv, "n:")) != -1)
		if (c != 'n' || (n = atoi(optarg)) <= 0 || n > 1000)
			err_quit("usage: serv_epoll [-n threads] port");
	if (optind != argc - 1)
		err_quit("usage: serv_epoll [-n threads] port");
	signal(SIGPIPE, SIG_IGN);
	port = Port_parse(argv[optind]);
/* include reuseport */
	for (int i = 0; i < n; i++) {
		if ((fd = web_listen(port, true, true)) < 0)
			err_sys("listen on port %d", port);
		if (port == 0)          /* the others join the first's port */
			port = web_port(fd);
		if (pthread_create(&tid, NULL, event_loop,
				   (void *)(intptr_t)fd) != 0)
			err_quit("pthread_create failed");
	}
/* end reuseport */
	printf("listening on port %d\n", port);
	fflush(stdout);
	pause();
	return 0;
}
