/*
 * web30.h - the one request every server of chapter 30 answers, and the
 * one reply: "GET /N HTTP/1.1" asks for a body of N bytes (the letters
 * a to z over and over), and the reply closes the connection.  Blocking
 * servers call web_serve(); the non-blocking ones (epoll, io_uring) feed
 * a struct web_conn what they read and send what it gives them.
 */
#ifndef WEB30_H
#define WEB30_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define WEB_REQ_MAX 2048            /* a longer request is refused */
#define WEB_BODY_MAX (64L << 20)    /* the largest body asked for */

struct web_conn {
	int fd;
	char req[WEB_REQ_MAX];
	size_t rlen;                /* request bytes so far */
	char hdr[160];
	size_t hlen, hsent;         /* the reply's header, and sent of it */
	long body, bsent;           /* body length, and sent of it */
	bool want_out;              /* the server waits for room to send */
};

/* A listening TCP socket on the IPv4 wildcard and PORT (0: any), with
 * SO_REUSEADDR, SO_REUSEPORT if asked, non-blocking if asked; -1 and
 * errno on failure. */
int web_listen(int port, bool reuseport, bool nonblock);
/* The port a socket is bound to. */
int web_port(int fd);

void web_conn_init(struct web_conn *c, int fd);
/* Adds n bytes of request: 1 when the request is whole (the reply is
 * then ready), 0 to wait for more. */
int web_feed(struct web_conn *c, const char *data, size_t n);
/* The next bytes of the reply to send (0 when all is sent). */
size_t web_next(const struct web_conn *c, const char **p);
/* n bytes of what web_next gave were sent. */
void web_sent(struct web_conn *c, size_t n);

/* Serves one connection on a blocking socket: reads the request (in as
 * many reads as it comes in), writes the whole reply; 0, or -1 if the
 * client went away.  Does not close fd.  (webserve.c) */
int web_serve(int fd);

/* The body of a reply of n bytes, byte i: the clients check it. */
static inline char web_byte(long i)
{
	return (char)('a' + i % 26);
}

#endif
