/*
 * sumsrv.c - Lab 5, part 2: the text "sum" service of section 5.18, made
 * to answer anything a client may send.  (The task is in LAB.md.)
 *
 * A request is one line holding two decimal integers that fit in 64 bits,
 * separated (and optionally surrounded) by spaces or tabs, ending with
 * "\n" or "\r\n".  The reply is their sum and "\n", or one of these:
 *   error: line too long      more than SUM_MAX_LINE bytes (its "\n" or
 *                             "\r\n" not counted)
 *   error: binary data        a byte that is not printable ASCII or tab
 *   error: need two numbers   fewer or more than two fields
 *   error: not a number       a field that is not [+-]digits
 *   error: out of range       a number outside -2^63 .. 2^63-1
 *   error: sum out of range   the sum is outside that range
 * checked in that order, each reason for both fields before the next
 * one.  Bad input never ends the connection: every request gets exactly
 * one reply, in order.
 */
#include "lnp.h"
#include "sumsrv.h"

#include <limits.h>


void sum_reply(const char *line, size_t len, char *reply, size_t size)
{
	// TODO (section 5.18): check the request in the order LAB.md gives
	// and answer the sum, or "error: REASON".  Beware: line is not
	// NUL-terminated and may contain NUL bytes; strtoll() skips leading
	// spaces, accepts "12abc" and reports overflow only through errno;
	// and adding two long longs can overflow.
	(void)line;
	(void)len;
	snprintf(reply, size, "error: not written yet\n");
}


/* The request in a line that readline() returned: without its "\n" or
 * "\r\n".  (A '\r' not followed by '\n' is part of the request.) */
static size_t request_length(const char *line, size_t len)
{
	if (len > 0 && line[len - 1] == '\n') {
		len--;
		if (len > 0 && line[len - 1] == '\r')
			len--;
	}
	return len;
}

int sum_serve(int sockfd)
{
	/* A request of SUM_MAX_LINE bytes, its "\r\n" and a NUL fit: a
	 * line that fills the buffer without its '\n' is too long. */
	char line[SUM_MAX_LINE + 3], reply[SUM_REPLY_SIZE];
	struct linebuf lb;
	ssize_t n;
	size_t len;

	linebuf_init(&lb, sockfd);
	while ((n = readline(&lb, line, sizeof(line))) > 0) {
		len = request_length(line, (size_t)n);
		// TODO (section 5.18): readline() hands a line longer than
		// the buffer back in pieces: answer such a line once, with
		// "error: line too long", and not each of its pieces.
		sum_reply(line, len, reply, sizeof(reply));
		if (writen(sockfd, reply, strlen(reply)) < 0)
			return -1;
	}
	return n < 0 ? -1 : 0;
}
