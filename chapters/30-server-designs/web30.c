/*
 * web30.c - the request and reply of chapter 30 (web30.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "web30.h"

/* 26 * 2521 bytes of the pattern, so that any offset's bytes are a
 * slice of it. */
#define PATTERN_LEN (26 * 2521)
static char pattern[PATTERN_LEN + 26];
static pthread_once_t pattern_once = PTHREAD_ONCE_INIT;

/* Filled once, by whichever thread replies first; the others wait for
 * it (a test that the first byte was set would let a second thread
 * send the bytes not yet written). */
static void fill_pattern(void)
{
	for (long i = 0; i < (long)sizeof(pattern); i++)
		pattern[i] = web_byte(i);
}

int web_listen(int port, bool reuseport, bool nonblock)
{
	struct sockaddr_in addr;
	int on = 1;
	int fd = socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0),
			0);

	if (fd < 0)
		return -1;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_ANY);
	addr.sin_port = htons((uint16_t)port);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on,
				     sizeof(on)) < 0) ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(fd, 1024) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int web_port(int fd)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);

	if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0)
		return -1;
	return ntohs(addr.sin_port);
}

void web_conn_init(struct web_conn *c, int fd)
{
	c->fd = fd;
	c->want_out = false;
	c->rlen = c->hlen = c->hsent = 0;
	c->body = c->bsent = 0;
}

static const char bad[] = "HTTP/1.1 400 Bad Request\r\n"
			  "Content-Length: 0\r\nConnection: close\r\n\r\n";

/* The body length a whole request asks for, or -1. */
static long parse(const char *req)
{
	char *end;
	long n;

	if (strncmp(req, "GET /", 5) != 0)
		return -1;
	errno = 0;
	n = strtol(req + 5, &end, 10);
	if (end == req + 5 || errno != 0 || n < 0 || n > WEB_BODY_MAX ||
	    strncmp(end, " HTTP/1.", 8) != 0)
		return -1;
	return n;
}

/* include web_feed */
int web_feed(struct web_conn *c, const char *data, size_t n)
{
	long body;

	if (c->hlen > 0)
		return 1;               /* bytes after the request: ignored */
	if (n > sizeof(c->req) - 1 - c->rlen)
		n = sizeof(c->req) - 1 - c->rlen;
	memcpy(c->req + c->rlen, data, n);
	c->rlen += n;
	c->req[c->rlen] = '\0';
	if (strstr(c->req, "\r\n\r\n") == NULL &&
	    c->rlen < sizeof(c->req) - 1)
		return 0;               /* not whole yet: read more */
	body = parse(c->req);
	if (body < 0) {
		memcpy(c->hdr, bad, sizeof(bad) - 1);
		c->hlen = sizeof(bad) - 1;
		return 1;
	}
	c->body = body;
	c->hlen = (size_t)snprintf(c->hdr, sizeof(c->hdr),
				   "HTTP/1.1 200 OK\r\n"
				   "Content-Type: text/plain\r\n"
				   "Content-Length: %ld\r\n"
				   "Connection: close\r\n\r\n", body);
	return 1;
}
/* end web_feed */

size_t web_next(const struct web_conn *c, const char **p)
{
	long left;

	pthread_once(&pattern_once, fill_pattern);
	if (c->hsent < c->hlen) {
		*p = c->hdr + c->hsent;
		return c->hlen - c->hsent;
	}
	left = c->body - c->bsent;
	*p = pattern + c->bsent % 26;
	return left < PATTERN_LEN ? (size_t)left : PATTERN_LEN;
}

void web_sent(struct web_conn *c, size_t n)
{
	size_t h = c->hlen - c->hsent;

	if (n <= h) {
		c->hsent += n;
		return;
	}
	c->hsent = c->hlen;
	c->bsent += (long)(n - h);
}
