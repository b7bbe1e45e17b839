/*
 * timeo.h - Lab 14: connect and read with a timeout, three ways.
 *
 * Every function gives up after MS milliseconds (MS > 0).  A timeout is
 * -1 with errno ETIMEDOUT, whichever way it was measured; any other
 * failure is -1 with the errno of the call that failed (a refused
 * connect is ECONNREFUSED, not a timeout).  readable_timeo() is the one
 * exception: it answers a question, 0 for "not readable in time".  The
 * functions never exit, never print, and leave the process as they
 * found it: no timer running, the SIGALRM handler put back.
 */
#ifndef TIMEO_H
#define TIMEO_H

#include <sys/types.h>
#include <sys/socket.h>

/* ---- SIGALRM (section 14.3 and 14.4) ---------------------------------- */

/* connect() on fd, interrupted by SIGALRM after ms.  On a timeout the
 * connection attempt is still going on in the kernel: the caller closes
 * fd.  0, or -1. */
int connect_alarm(int fd, const struct sockaddr *sa, socklen_t len, int ms);

/* One read() of at most n bytes, interrupted by SIGALRM after ms.  The
 * bytes read (0 at end of file), or -1. */
ssize_t read_alarm(int fd, void *buf, size_t n, int ms);

/* ---- select and poll (section 14.5) ----------------------------------- */

/* Waits at most ms for fd to be readable (data, end of file or an
 * error to read).  1 when it is, 0 when the time ran out (errno not
 * changed), -1 with errno on failure (EBADF ...). */
int readable_timeo(int fd, int ms);

/* Reads exactly n bytes, waiting at most ms for *each* piece to come
 * (an idle timeout, as a server gives a slow client): a peer that keeps
 * sending, however slowly, is never cut off.  n, or fewer at end of
 * file, or -1 (ETIMEDOUT when the peer was silent for ms). */
ssize_t readn_timeo(int fd, void *buf, size_t n, int ms);

/* ---- socket options (section 14.6) ------------------------------------ */

/* connect() on fd with SO_SNDTIMEO set to ms.  0, or -1 (ETIMEDOUT:
 * Linux's connect reports that timeout as EINPROGRESS). */
int connect_sndtimeo(int fd, const struct sockaddr *sa, socklen_t len,
		     int ms);

/* One read of at most n bytes from fd after setting its SO_RCVTIMEO to
 * ms (which stays set).  The bytes read (0 at end of file), or -1
 * (ETIMEDOUT: the kernel reports that timeout as EAGAIN). */
ssize_t read_rcvtimeo(int fd, void *buf, size_t n, int ms);

#endif
