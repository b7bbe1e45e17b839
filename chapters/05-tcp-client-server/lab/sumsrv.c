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

/* BEGIN SOLUTION */
/* Is every byte printable ASCII, space or tab? */
static bool all_text(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c != '\t' && (c < 0x20 || c > 0x7e))
			return false;
	}
	return true;
}

/* Splits s (NUL-terminated) at spaces and tabs; stores at most max field
 * starts in field[] (each NUL-terminated) and returns how many there
 * were, up to max + 1. */
static int split_fields(char *s, char *field[], int max)
{
	int n = 0;
	char *save = NULL;

	for (char *f = strtok_r(s, " \t", &save); f != NULL && n <= max;
	     f = strtok_r(NULL, " \t", &save)) {
		if (n < max)
			field[n] = f;
		n++;
	}
	return n;
}

/* Is s (NUL-terminated) an optional sign followed by digits, and
 * nothing else? */
static bool is_number(const char *s)
{
	const char *start;

	if (*s == '+' || *s == '-')
		s++;
	start = s;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return s != start;
}

/* The value of a field that is_number(); false if it does not fit in
 * 64 bits (strtoll says so only through errno). */
static bool to_int64(const char *s, long long *out)
{
	errno = 0;
	*out = strtoll(s, NULL, 10);
	return errno != ERANGE;
}

/* a + b without undefined behaviour; false if it does not fit. */
static bool add_int64(long long a, long long b, long long *sum)
{
	if ((b > 0 && a > LLONG_MAX - b) || (b < 0 && a < LLONG_MIN - b))
		return false;
	*sum = a + b;
	return true;
}
/* END SOLUTION */

void sum_reply(const char *line, size_t len, char *reply, size_t size)
{
	/* BEGIN SOLUTION */
	char text[SUM_MAX_LINE + 1], *field[2];
	const char *why = NULL;
	long long a, b, sum;

	if (len > SUM_MAX_LINE)
		why = "line too long";
	else if (!all_text(line, len))
		why = "binary data";
	if (why == NULL) {
		memcpy(text, line, len);
		text[len] = '\0';
		if (split_fields(text, field, 2) != 2)
			why = "need two numbers";
	}
	/* each reason for both fields before the next reason */
	if (why == NULL && !(is_number(field[0]) && is_number(field[1])))
		why = "not a number";
	if (why == NULL && (!to_int64(field[0], &a) ||
			    !to_int64(field[1], &b)))
		why = "out of range";
	if (why == NULL && !add_int64(a, b, &sum))
		why = "sum out of range";
	if (why != NULL)
		snprintf(reply, size, "error: %s\n", why);
	else
		snprintf(reply, size, "%lld\n", sum);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 5.18): check the request in the order LAB.md gives
	// and answer the sum, or "error: REASON".  Beware: line is not
	// NUL-terminated and may contain NUL bytes; strtoll() skips leading
	// spaces, accepts "12abc" and reports overflow only through errno;
	// and adding two long longs can overflow.
	(void)line;
	(void)len;
	snprintf(reply, size, "error: not written yet\n");
	STARTER */
}

/* BEGIN SOLUTION */
/* Reads and throws away the rest of an over-long line.  Returns 1 once
 * its '\n' is gone, 0 at end of file, -1 on error. */
static int skip_rest_of_line(struct linebuf *lb)
{
	char piece[SUM_MAX_LINE + 3];
	ssize_t n;

	while ((n = readline(lb, piece, sizeof(piece))) > 0)
		if (piece[n - 1] == '\n')
			return 1;
	return (int)n;
}
/* END SOLUTION */

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
		/* BEGIN SOLUTION */
		if (line[n - 1] != '\n' && (size_t)n == sizeof(line) - 1) {
			/* a piece of a longer line: drop the rest of it */
			if (skip_rest_of_line(&lb) < 0)
				return -1;
			len = SUM_MAX_LINE + 1;         /* "too long" */
		}
		/* END SOLUTION */
		/* STARTER
		// TODO (section 5.18): readline() hands a line longer than
		// the buffer back in pieces: answer such a line once, with
		// "error: line too long", and not each of its pieces.
		STARTER */
		sum_reply(line, len, reply, sizeof(reply));
		if (writen(sockfd, reply, strlen(reply)) < 0)
			return -1;
	}
	return n < 0 ? -1 : 0;
}
