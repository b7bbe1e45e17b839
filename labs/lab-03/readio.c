/*
 * readio.c - reading and writing exactly what was asked for.
 *
 * A stream socket delivers bytes, not messages: one write of 12 bytes by
 * the peer may arrive as one read of 12, or as three reads of 4, 5 and 3.
 * And a slow reader's write may be cut short.  These functions hide that.
 * (Lab 3: the student writes the regions marked SOLUTION.)
 */
#include "lnp.h"

/* Reads n bytes unless end of file comes first.  Returns the number read
 * (less than n only at end of file), or -1 on error. */
ssize_t readn(int fd, void *buf, size_t n)
{
	// TODO (section 3.9): call read() until n bytes have arrived or
	// read() returns 0 (end of file); restart after EINTR.
	(void)fd;
	(void)buf;
	(void)n;
	errno = ENOSYS;
	return -1;
}

/* Writes all n bytes.  Returns n, or -1 on error. */
ssize_t writen(int fd, const void *buf, size_t n)
{
	// TODO (section 3.9): call write() until all n bytes are written;
	// a write may take only part of them, or fail with EINTR.
	(void)fd;
	(void)buf;
	(void)n;
	errno = ENOSYS;
	return -1;
}

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


ssize_t readline(struct linebuf *lb, void *buf, size_t maxlen)
{
	// TODO (section 3.9): copy bytes from lb's buffer into buf up to and
	// including '\n'; when the buffer is empty, refill it with ONE read().
	// Stop at maxlen - 1 bytes, NUL-terminate, return the count.  If
	// read() fails mid-line, put the part read back into lb first.
	(void)lb;
	(void)buf;
	(void)maxlen;
	errno = ENOSYS;
	return -1;
}
