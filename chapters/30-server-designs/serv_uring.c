/*
 * serv_uring.c - an io_uring design: one thread per core, each with its
 * own SO_REUSEPORT listening socket and its own ring; accept, recv and
 * send are submitted to the kernel and their completions reaped, with
 * no readiness step in between.
 * Usage: serv_uring [-n threads] port   (default: one per online CPU)
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <liburing.h>

#include "lnp.h"
#include "web30.h"

struct uconn {
	struct web_conn w;
	bool sending;                   /* the request in flight: a send */
	char buf[WEB_REQ_MAX];
};

static struct io_uring_sqe *sqe_of(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;

	while ((sqe = io_uring_get_sqe(ring)) == NULL)
		io_uring_submit(ring);          /* full: hand them over */
	return sqe;
}

/* include uring_next */
/* What the connection needs next: more request, or more reply sent.
 * False when it is done. */
static bool queue_next(struct io_uring *ring, struct uconn *c)
{
	struct io_uring_sqe *sqe;
	const char *p;
	size_t len;

	if (c->w.hlen == 0) {
		sqe = sqe_of(ring);
		io_uring_prep_recv(sqe, c->w.fd, c->buf, sizeof(c->buf), 0);
		c->sending = false;
	} else if ((len = web_next(&c->w, &p)) > 0) {
		sqe = sqe_of(ring);
		io_uring_prep_send(sqe, c->w.fd, p, len, MSG_NOSIGNAL);
		c->sending = true;
	} else {
		return false;
	}
	io_uring_sqe_set_data(sqe, c);
	return true;
}
/* end uring_next */

static void queue_accept(struct io_uring *ring, int listenfd)
{
	struct io_uring_sqe *sqe = sqe_of(ring);

	io_uring_prep_accept(sqe, listenfd, NULL, NULL, 0);
	io_uring_sqe_set_data(sqe, NULL);       /* NULL: an accept */
}

/* include uring_loop */
static void *ring_loop(void *arg)
{
	int listenfd = (int)(intptr_t)arg, e;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct uconn *c;

	if ((e = io_uring_queue_init(256, &ring, 0)) < 0)
		err_quit("io_uring_queue_init: %s", strerror(-e));
	queue_accept(&ring, listenfd);
	for (;;) {
		io_uring_submit_and_wait(&ring, 1);
		while (io_uring_peek_cqe(&ring, &cqe) == 0) {
			int res = cqe->res;

			c = io_uring_cqe_get_data(cqe);
			io_uring_cqe_seen(&ring, cqe);
			if (c == NULL) {                /* a connection */
				queue_accept(&ring, listenfd);
				if (res < 0)
					continue;
				c = Malloc(sizeof(*c));
				web_conn_init(&c->w, res);
			} else if (res <= 0) {          /* error, EOF */
				close(c->w.fd);
				free(c);
				continue;
			} else if (c->sending) {
				web_sent(&c->w, (size_t)res);
			} else {
				web_feed(&c->w, c->buf, (size_t)res);
			}
			if (!queue_next(&ring, c)) {
				close(c->w.fd);
				free(c);
			}
		}
	}
	return NULL;
}
/* end uring_loop */

int main(int argc, char **argv)
{
	int c, n = (int)sysconf(_SC_NPROCESSORS_ONLN), port, fd;
	pthread_t tid;

	while ((c = getopt(argc, argv, "n:")) != -1)
		if (c != 'n' || (n = atoi(optarg)) <= 0 || n > 1000)
			err_quit("usage: serv_uring [-n threads] port");
	if (optind != argc - 1)
		err_quit("usage: serv_uring [-n threads] port");
	signal(SIGPIPE, SIG_IGN);
	port = Port_parse(argv[optind]);
	for (int i = 0; i < n; i++) {
		if ((fd = web_listen(port, true, false)) < 0)
			err_sys("listen on port %d", port);
		if (port == 0)
			port = web_port(fd);
		if (pthread_create(&tid, NULL, ring_loop,
				   (void *)(intptr_t)fd) != 0)
			err_quit("pthread_create failed");
	}
	printf("listening on port %d\n", port);
	fflush(stdout);
	pause();
	return 0;
}
