/*
 * readio.c - reading and writing exactly what was asked for.
 *
 * A stream socket delivers bytes, not messages: one write of 12 bytes by
 * the peer may arrive as one read of 12, or as three reads of 4, 5 and 3.
 * And a slow reader's write may be cut short.  These functions hide that.
 * (Lab 3: the student writes the regions marked SOLUTION.)
 */
#include "lnp.h"

/* include readn */
/* Reads n bytes unless end of file comes first.  Returns the number read
 * (less than n only at end of file), or -1 on error. */
ssize_t readn(int fd, void *buf, size_t n)
{
	/* BEGIN SOLUTION */
	char *next = buf;
	size_t left = n;

	while (left > 0) {
		ssize_t got = read(fd, next, left);

		if (got < 0 && errno == EINTR)
			continue;       /* a signal handler ran: read again */
		if (got < 0)
			return -1;
		if (got == 0)
			break;          /* end of file */
		next += got;
		left -= (size_t)got;
	}
	return (ssize_t)(n - left);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 3.9): call read() until n bytes have arrived or
	// read() returns 0 (end of file); restart after EINTR.
	(void)fd;
	(void)buf;
	(void)n;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end readn */

/* include writen */
/* Writes all n bytes.  Returns n, or -1 on error. */
ssize_t writen(int fd, const void *buf, size_t n)
{
	/* BEGIN SOLUTION */
	const char *next = buf;
	size_t left = n;

	while (left > 0) {
		ssize_t put = write(fd, next, left);

		if (put < 0 && errno == EINTR)
			continue;       /* nothing was written: try again */
		if (put < 0)
			return -1;
		next += put;
		left -= (size_t)put;
	}
	return (ssize_t)n;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 3.9): call write() until all n bytes are written;
	// a write may take only part of them, or fail with EINTR.
	(void)fd;
	(void)buf;
	(void)n;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end writen */

void linebuf_init(struct linebuf *lb, int fd)
{
	lb->fd = fd;
	lb->count = 0;
	lb->start = 0;
}

size_t linebuf_pending(const struct linebuf *lb)
{
	return lb->count;
}

/* include readline */
/* BEGIN SOLUTION */
/* Hands out the next buffered byte, refilling the buffer with one read()
 * when it is empty.  Returns 1, 0 at end of file, or -1 on error. */
static int next_byte(struct linebuf *lb, char *c)
{
	while (lb->count == 0) {
		ssize_t got = read(lb->fd, lb->data, sizeof(lb->data));

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return (int)got;
		lb->start = 0;
		lb->count = (size_t)got;
	}
	*c = lb->data[lb->start++];
	lb->count--;
	return 1;
}
/* END SOLUTION */

ssize_t readline(struct linebuf *lb, void *buf, size_t maxlen)
{
	/* BEGIN SOLUTION */
	char *out = buf;
	size_t stored = 0;

	if (maxlen < 2) {
		errno = EINVAL;         /* no room for a byte and the NUL */
		return -1;
	}
	while (stored < maxlen - 1) {
		char c = 0;
		int r = next_byte(lb, &c);

		if (r < 0 && stored > 0 && stored <= sizeof(lb->data)) {
			/* keep the part of a line read so far for the next
			 * call (after EAGAIN, say): the buffer is empty now */
			memcpy(lb->data, out, stored);
			lb->start = 0;
			lb->count = stored;
		}
		if (r < 0)
			return -1;
		if (r == 0)
			break;          /* end of file, maybe mid-line */
		out[stored++] = c;
		if (c == '\n')
			break;
	}
	out[stored] = '\0';
	return (ssize_t)stored;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 3.9): copy bytes from lb's buffer into buf up to and
	// including '\n'; when the buffer is empty, refill it with ONE read().
	// Stop at maxlen - 1 bytes, NUL-terminate, return the count.  If
	// read() fails mid-line, put the part read back into lb first.
	(void)lb;
	(void)buf;
	(void)maxlen;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end readline */
