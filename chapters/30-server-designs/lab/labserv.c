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
/* BEGIN SOLUTION */
	struct web_conn c;
	char buf[WEB_REQ_MAX];
	const char *p;
	ssize_t n;
	size_t len;

	web_conn_init(&c, fd);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (web_feed(&c, buf, (size_t)n))
			break;
	}
	while ((len = web_next(&c, &p)) > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		web_sent(&c, (size_t)n);
	}
	return 0;
/* END SOLUTION */
/* STARTER
	// TODO (section 30.2): read until web_feed() says the request is
	// whole, then write until web_next() has nothing left
	(void)fd;
	return -1;
STARTER */
}

/* ---- design: a child per client (section 30.4) ------------------------ */

/* BEGIN SOLUTION */
static void reap(int signo)
{
	int saved = errno;

	(void)signo;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	errno = saved;
}
/* END SOLUTION */

static int run_fork(int listenfd, int n)
{
/* BEGIN SOLUTION */
	struct pollfd pf = { .fd = listenfd, .events = POLLIN };
	int connfd;

	(void)n;
	signal_intr(SIGCHLD, reap);     /* accept() sees EINTR */
	ready(listenfd);
	for (;;) {
		if (poll(&pf, 1, -1) < 0) {
			if (errno == EINTR)     /* a child ended */
				continue;
			err_sys("poll");
		}
		if ((connfd = accept(listenfd, NULL, NULL)) < 0) {
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EAGAIN)
				continue;
			err_sys("accept");
		}
		if (Fork() == 0) {
			close(listenfd);
			serve(connfd);
			_exit(0);
		}
		close(connfd);
	}
/* END SOLUTION */
/* STARTER
	// TODO (section 30.4): accept, fork a child that serves the
	// client; the parent closes its copy and reaps its children
	(void)listenfd;
	(void)n;
	return NOT_WRITTEN;
STARTER */
}

/* ---- design: N children made in advance (sections 30.5, 30.6) -------- */

/* BEGIN SOLUTION */
static pthread_mutex_t *accept_lock;    /* shared by the children */

static void prefork_child(int listenfd)
{
	struct pollfd pf = { .fd = listenfd, .events = POLLIN };
	int connfd;

	for (;;) {
		pthread_mutex_lock(accept_lock);
		poll(&pf, 1, -1);
		connfd = accept(listenfd, NULL, NULL);
		pthread_mutex_unlock(accept_lock);
		if (connfd < 0)
			continue;
		serve(connfd);
		close(connfd);
	}
}
/* END SOLUTION */

static int run_prefork(int listenfd, int n)
{
/* BEGIN SOLUTION */
	pthread_mutexattr_t attr;
	sigset_t term, old;
	pid_t *kids;
	int sig;

	accept_lock = mmap(NULL, sizeof(*accept_lock), PROT_READ |
			   PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (accept_lock == MAP_FAILED)
		err_sys("mmap");
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(accept_lock, &attr);
	kids = Malloc(sizeof(*kids) * (size_t)n);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &old);
	for (int i = 0; i < n; i++)
		if ((kids[i] = Fork()) == 0) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			prefork_child(listenfd);
		}
	ready(listenfd);
	sigwait(&term, &sig);           /* SIGTERM: the children first */
	for (int i = 0; i < n; i++)
		kill(kids[i], SIGTERM);
	while (wait(NULL) > 0)
		;
	exit(0);
/* END SOLUTION */
/* STARTER
	// TODO (sections 30.5 and 30.6): fork n children that take turns
	// (a lock) to wait for and accept a connection, and serve it; on
	// SIGTERM end them, then yourself
	(void)listenfd;
	(void)n;
	return NOT_WRITTEN;
STARTER */
}

/* ---- design: a thread per client (section 30.8) ---------------------- */

/* BEGIN SOLUTION */
static void *serve_thread(void *arg)
{
	int connfd = (int)(intptr_t)arg;

	serve(connfd);
	close(connfd);
	return NULL;
}
/* END SOLUTION */

static int run_thread(int listenfd, int n)
{
/* BEGIN SOLUTION */
	struct pollfd pf = { .fd = listenfd, .events = POLLIN };
	pthread_attr_t attr;
	pthread_t tid;
	int connfd;

	(void)n;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ready(listenfd);
	for (;;) {
		if ((connfd = accept(listenfd, NULL, NULL)) < 0) {
			poll(&pf, 1, -1);       /* EAGAIN: wait for one */
			continue;
		}
		if (pthread_create(&tid, &attr, serve_thread,
				   (void *)(intptr_t)connfd) != 0)
			close(connfd);
	}
	return 0;
/* END SOLUTION */
/* STARTER
	// TODO (section 30.8): accept, and start a thread that serves
	// that connection (and no other)
	(void)listenfd;
	(void)n;
	return NOT_WRITTEN;
STARTER */
}

/* ---- design: one thread, epoll (section 30.11) ----------------------- */

/* BEGIN SOLUTION */
/* Reads, then writes what the socket takes; false when done. */
static bool step(struct web_conn *c, int ep)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };
	char buf[WEB_REQ_MAX];
	const char *p;
	ssize_t n;
	size_t len;

	while (c->hlen == 0) {
		n = read(c->fd, buf, sizeof(buf));
		if (n < 0 && errno == EAGAIN)
			return true;
		if (n <= 0)
			return false;
		web_feed(c, buf, (size_t)n);
	}
	while ((len = web_next(c, &p)) > 0) {
		n = write(c->fd, p, len);
		if (n < 0 && errno == EAGAIN) {
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
/* END SOLUTION */

static int run_epoll(int listenfd, int n)
{
/* BEGIN SOLUTION */
	struct epoll_event ev = { .events = EPOLLIN }, evs[64];
	struct web_conn *c;
	int ep, k, fd;

	(void)n;
	if ((ep = epoll_create1(0)) < 0)
		err_sys("epoll_create1");
	ev.data.ptr = NULL;
	epoll_ctl(ep, EPOLL_CTL_ADD, listenfd, &ev);
	ready(listenfd);
	for (;;) {
		if ((k = epoll_wait(ep, evs, 64, -1)) < 0)
			continue;
		for (int i = 0; i < k; i++) {
			if ((c = evs[i].data.ptr) != NULL) {
				if (!step(c, ep)) {
					close(c->fd);
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
/* END SOLUTION */
/* STARTER
	// TODO (section 30.11): one epoll instance; accept every waiting
	// connection, feed each its request as it comes, and send its reply
	// as the socket takes it, waiting for EPOLLOUT when it is full
	(void)listenfd;
	(void)n;
	return NOT_WRITTEN;
STARTER */
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
/* BEGIN SOLUTION */
	signal(SIGPIPE, SIG_IGN);
/* END SOLUTION */
/* STARTER
	// TODO (section 30.2): a client that leaves must not end the server
STARTER */
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
