/*
 * timeo.c - Lab 14: connect and read with a timeout, three ways.  The
 * functions are described in timeo.h.
 */
#include "lnp.h"
#include "timeo.h"

#include <sys/time.h>

/* BEGIN SOLUTION */
/* include alarm_helpers */
static void on_alarm(int signo)
{
	(void)signo;            /* only there to interrupt the call */
}

/* Installs on_alarm for SIGALRM *without* SA_RESTART, keeping the old
 * action in *old, and starts a one-shot timer of ms. */
static int alarm_start(int ms, struct sigaction *old)
{
	struct sigaction act;
	struct itimerval it = { .it_value = { .tv_sec = ms / 1000,
					      .tv_usec = ms % 1000 * 1000 } };

	memset(&act, 0, sizeof(act));
	act.sa_handler = on_alarm;
	sigemptyset(&act.sa_mask);
	act.sa_flags = 0;               /* no SA_RESTART: connect must fail */
	if (sigaction(SIGALRM, &act, old) < 0)
		return -1;
	if (setitimer(ITIMER_REAL, &it, NULL) < 0) {
		sigaction(SIGALRM, old, NULL);
		return -1;
	}
	return 0;
}

/* Stops the timer and puts the old action back, keeping errno. */
static void alarm_stop(const struct sigaction *old)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	int saved = errno;

	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, old, NULL);
	errno = saved;
}
/* end alarm_helpers */
/* END SOLUTION */

/* include connect_alarm */
int connect_alarm(int fd, const struct sockaddr *sa, socklen_t len, int ms)
{
	/* BEGIN SOLUTION */
	struct sigaction old;
	int n;

	if (alarm_start(ms, &old) < 0)
		return -1;
	n = connect(fd, sa, len);
	alarm_stop(&old);
	if (n < 0 && errno == EINTR)
		errno = ETIMEDOUT;
	return n < 0 ? -1 : 0;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 14.3): install a SIGALRM handler without
	// SA_RESTART (keep the old action), start a timer of ms
	// (setitimer), connect, then stop the timer and put the old action
	// back whatever happened; EINTR means the time ran out: ETIMEDOUT.
	(void)fd; (void)sa; (void)len; (void)ms;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end connect_alarm */

/* include read_alarm */
ssize_t read_alarm(int fd, void *buf, size_t n, int ms)
{
	/* BEGIN SOLUTION */
	struct sigaction old;
	ssize_t r;

	if (alarm_start(ms, &old) < 0)
		return -1;
	r = read(fd, buf, n);
	alarm_stop(&old);
	if (r < 0 && errno == EINTR)
		errno = ETIMEDOUT;
	return r;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 14.4): as connect_alarm, around one read().
	(void)fd; (void)buf; (void)n; (void)ms;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end read_alarm */

/* include readable_timeo */
int readable_timeo(int fd, int ms)
{
	/* BEGIN SOLUTION */
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;

	if ((n = poll(&p, 1, ms)) <= 0)
		return n;               /* 0: the time ran out; -1: error */
	if (p.revents & POLLNVAL) {
		errno = EBADF;
		return -1;
	}
	return 1;               /* POLLIN, POLLHUP, POLLERR: read tells */
	/* END SOLUTION */
	/* STARTER
	// TODO (section 14.5): poll() or select() with a timeout of ms;
	// 1 readable, 0 timed out, -1 error (POLLNVAL is EBADF).
	(void)fd; (void)ms;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end readable_timeo */

/* include readn_timeo */
ssize_t readn_timeo(int fd, void *buf, size_t n, int ms)
{
	/* BEGIN SOLUTION */
	char *p = buf;
	size_t left = n;
	struct timeval tv;
	fd_set rset;
	ssize_t r;

	if (fd < 0 || fd >= FD_SETSIZE) {
		errno = EBADF;
		return -1;
	}
	while (left > 0) {
		FD_ZERO(&rset);
		FD_SET(fd, &rset);
		tv.tv_sec = ms / 1000;  /* every time: Linux's select */
		tv.tv_usec = ms % 1000 * 1000;  /* leaves what was left */
		r = select(fd + 1, &rset, NULL, NULL, &tv);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if ((r = read(fd, p, left)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;          /* end of file: a short count */
		p += r;
		left -= r;
	}
	return n - left;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 14.5): loop until n bytes or end of file; before
	// each read wait at most ms with select() (or poll()); silence for
	// ms is ETIMEDOUT.  Mind what select() does to its timeval.
	(void)fd; (void)buf; (void)n; (void)ms;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end readn_timeo */

/* BEGIN SOLUTION */
/* ms as a struct timeval, tv_usec kept below one second (EDOM else). */
static struct timeval ms_timeval(int ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = ms % 1000 * 1000 };

	return tv;
}
/* END SOLUTION */

/* include connect_sndtimeo */
int connect_sndtimeo(int fd, const struct sockaddr *sa, socklen_t len,
		     int ms)
{
	/* BEGIN SOLUTION */
	struct timeval tv = ms_timeval(ms);

	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return -1;
	if (connect(fd, sa, len) < 0) {
		if (errno == EINPROGRESS)       /* Linux: SO_SNDTIMEO ran out */
			errno = ETIMEDOUT;
		return -1;
	}
	return 0;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 14.6): set SO_SNDTIMEO, then connect; find out
	// which errno Linux gives when that timeout runs out.
	(void)fd; (void)sa; (void)len; (void)ms;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end connect_sndtimeo */

/* include read_rcvtimeo */
ssize_t read_rcvtimeo(int fd, void *buf, size_t n, int ms)
{
	/* BEGIN SOLUTION */
	struct timeval tv = ms_timeval(ms);
	ssize_t r;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -1;
	r = read(fd, buf, n);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		errno = ETIMEDOUT;      /* a timeout, not end of file */
	return r;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 14.6): set SO_RCVTIMEO first, then read; the
	// kernel says EAGAIN when the time ran out.
	(void)fd; (void)buf; (void)n; (void)ms;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end read_rcvtimeo */
