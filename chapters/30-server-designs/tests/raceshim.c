/*
 * raceshim.c - linked into lab 30's labserv (with -Wl,--wrap for
 * pthread_create and the calls a main thread waits in), it makes the
 * race of section 30.8 happen every time instead of once in a while:
 * with LAB30_RACE=1 in the environment, a new thread waits, before its
 * start function runs, until the thread that made it has made two more
 * of those calls (accept, then poll or accept again): by then a
 * variable the new thread was given the address of holds the next
 * connection, or -1.  Without LAB30_RACE it does nothing.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>

int __real_pthread_create(pthread_t *t, const pthread_attr_t *a,
			  void *(*fn)(void *), void *arg);
int __real_accept(int fd, struct sockaddr *sa, socklen_t *len);
int __real_accept4(int fd, struct sockaddr *sa, socklen_t *len, int fl);
int __real_poll(struct pollfd *p, nfds_t n, int ms);
int __real_select(int n, fd_set *r, fd_set *w, fd_set *e,
		  struct timeval *tv);
int __real_epoll_wait(int ep, struct epoll_event *ev, int n, int ms);

static _Atomic pid_t creator;           /* the thread that makes threads */
static atomic_long calls;               /* its waiting calls so far */

static void counted(void)
{
	if (creator != 0 && gettid() == creator)
		calls++;
}

struct start {
	void *(*fn)(void *);
	void *arg;
	long seen;
};

static void *delayed_start(void *p)
{
	struct start s = *(struct start *)p;
	struct timespec ms = { 0, 1000000 };

	free(p);
	for (int i = 0; i < 2000 && calls < s.seen + 2; i++)
		nanosleep(&ms, NULL);   /* at most 2 s */
	return s.fn(s.arg);
}

int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *a,
			  void *(*fn)(void *), void *arg)
{
	struct start *s;

	if (getenv("LAB30_RACE") == NULL ||
	    (s = malloc(sizeof(*s))) == NULL)
		return __real_pthread_create(t, a, fn, arg);
	creator = gettid();
	s->fn = fn;
	s->arg = arg;
	s->seen = calls;
	return __real_pthread_create(t, a, delayed_start, s);
}

int __wrap_accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	counted();
	return __real_accept(fd, sa, len);
}

int __wrap_accept4(int fd, struct sockaddr *sa, socklen_t *len, int fl)
{
	counted();
	return __real_accept4(fd, sa, len, fl);
}

int __wrap_poll(struct pollfd *p, nfds_t n, int ms)
{
	counted();
	return __real_poll(p, n, ms);
}

int __wrap_select(int n, fd_set *r, fd_set *w, fd_set *e,
		  struct timeval *tv)
{
	counted();
	return __real_select(n, r, w, e, tv);
}

int __wrap_epoll_wait(int ep, struct epoll_event *ev, int n, int ms)
{
	counted();
	return __real_epoll_wait(ep, ev, n, ms);
}
