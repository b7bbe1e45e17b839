/*
 * timeo.c - Lab 14: connect and read with a timeout, three ways.  The
 * functions are described in timeo.h.
 */
#include "lnp.h"
#include "timeo.h"

#include <sys/time.h>


int connect_alarm(int fd, const struct sockaddr *sa, socklen_t len, int ms)
{
	// TODO (section 14.3): install a SIGALRM handler without
	// SA_RESTART (keep the old action), start a timer of ms
	// (setitimer), connect, then stop the timer and put the old action
	// back whatever happened; EINTR means the time ran out: ETIMEDOUT.
	(void)fd; (void)sa; (void)len; (void)ms;
	errno = ENOSYS;
	return -1;
}

ssize_t read_alarm(int fd, void *buf, size_t n, int ms)
{
	// TODO (section 14.4): as connect_alarm, around one read().
	(void)fd; (void)buf; (void)n; (void)ms;
	errno = ENOSYS;
	return -1;
}

int readable_timeo(int fd, int ms)
{
	// TODO (section 14.5): poll() or select() with a timeout of ms;
	// 1 readable, 0 timed out, -1 error (POLLNVAL is EBADF).
	(void)fd; (void)ms;
	errno = ENOSYS;
	return -1;
}

ssize_t readn_timeo(int fd, void *buf, size_t n, int ms)
{
	// TODO (section 14.5): loop until n bytes or end of file; before
	// each read wait at most ms with select() (or poll()); silence for
	// ms is ETIMEDOUT.  Mind what select() does to its timeval.
	(void)fd; (void)buf; (void)n; (void)ms;
	errno = ENOSYS;
	return -1;
}


int connect_sndtimeo(int fd, const struct sockaddr *sa, socklen_t len,
		     int ms)
{
	// TODO (section 14.6): set SO_SNDTIMEO, then connect; find out
	// which errno Linux gives when that timeout runs out.
	(void)fd; (void)sa; (void)len; (void)ms;
	errno = ENOSYS;
	return -1;
}

ssize_t read_rcvtimeo(int fd, void *buf, size_t n, int ms)
{
	// TODO (section 14.6): set SO_RCVTIMEO first, then read; the
	// kernel says EAGAIN when the time ran out.
	(void)fd; (void)buf; (void)n; (void)ms;
	errno = ENOSYS;
	return -1;
}
