/*
 * ch30.h - what chapter 30's suite and lab tests share: the request, a
 * reply read and checked, the receive queue of a server's socket, and
 * many clients at once.
 */
#ifndef CH30_H
#define CH30_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "tkhelpers.h"

#pragma GCC diagnostic ignored "-Wunused-function"

static inline char ch30_byte(long i)
{
	return (char)('a' + i % 26);
}

static void ch30_request_text(char *buf, size_t size, long n)
{
	snprintf(buf, size, "GET /%ld HTTP/1.1\r\nHost: test\r\n"
		 "Connection: close\r\n\r\n", n);
}

/* Sends the whole request for n bytes. */
static void ch30_send_request(int fd, long n)
{
	char req[128];

	ch30_request_text(req, sizeof(req), n);
	TK_EXPECT(write(fd, req, strlen(req)) == (ssize_t)strlen(req),
		  "cannot send the request: %s", strerror(errno));
}

/* A reply being read: the header, then n body bytes, then end of file. */
struct ch30_reply {
	int fd;
	long want, got;                 /* body bytes */
	char head[512];
	size_t hlen;
	bool header_done, eof, wrong;
	bool stuck;                     /* the server sat still instead */
};

/* The server whose replies are read (its pid), or 0: while it is known,
 * a wait for a reply ends as soon as the server sits still, asleep with
 * nothing on its way (tk_still_for), for CH30_STILL_MS: what has not come
 * by then will not come. */
static pid_t ch30_watched;
#define CH30_STILL_MS 300

/* Whether the watched server has sat still for CH30_STILL_MS. */
static bool ch30_server_still(struct tk_still *w)
{
	return ch30_watched != 0 &&
	       tk_still_for(w, &ch30_watched, 1, CH30_STILL_MS);
}

static void ch30_reply_init(struct ch30_reply *r, int fd, long want)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->want = want;
}

/* Reads what is there without blocking; true when the reply has ended
 * (end of file or error). */
static bool ch30_reply_step(struct ch30_reply *r)
{
	char buf[65536];
	ssize_t n;

	while ((n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		size_t k = 0;

		while (!r->header_done && k < (size_t)n) {
			if (r->hlen < sizeof(r->head) - 1)
				r->head[r->hlen++] = buf[k];
			k++;
			r->head[r->hlen] = '\0';
			if (strstr(r->head, "\r\n\r\n") != NULL)
				r->header_done = true;
		}
		for (; k < (size_t)n; k++, r->got++)
			if (r->got >= r->want ||
			    buf[k] != ch30_byte(r->got))
				r->wrong = true;
	}
	if (n == 0 || (n < 0 && errno != EAGAIN))
		r->eof = true;
	return r->eof;
}

/* Whether the reply came whole and right. */
static bool ch30_reply_right(const struct ch30_reply *r)
{
	char cl[64];

	snprintf(cl, sizeof(cl), "Content-Length: %ld\r\n", r->want);
	return r->eof && r->header_done && !r->wrong && r->got == r->want &&
	       strncmp(r->head, "HTTP/1.1 200 ", 13) == 0 &&
	       strstr(r->head, cl) != NULL;
}

/* What the reply was, in words, for a message. */
static const char *ch30_reply_said(const struct ch30_reply *r)
{
	static char text[256];

	snprintf(text, sizeof(text), "%s, %ld of %ld body bytes%s, %s",
		 !r->header_done ? "no whole header" :
		 strncmp(r->head, "HTTP/1.1 200 ", 13) == 0 ? "status 200"
		 : "a status other than 200", r->got, r->want,
		 r->wrong ? " (some of them wrong)" : "",
		 r->eof ? "then end of file" : r->stuck ? "and no end of file:"
		 " the server sat idle, holding the connection open" :
		 "and no end of file yet");
	return text;
}

/* Reads the reply on fd within ms; true if it is whole and right. */
static bool ch30_get_reply(struct ch30_reply *r, int fd, long want, int ms)
{
	long long end = tk_now_ms() + ms;
	struct tk_still w;

	ch30_reply_init(r, fd, want);
	tk_still_start(&w);
	while (!ch30_reply_step(r)) {
		long long left = end - tk_now_ms();
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (left <= 0)
			break;
		if (ch30_server_still(&w)) {
			r->stuck = true;
			break;
		}
		poll(&p, 1, ch30_watched != 0 && left > 50 ? 50 : (int)left);
	}
	return ch30_reply_right(r);
}

/* Sends text on fd and waits until the server has read all of it (its
 * socket's receive queue is empty again): so the next piece comes in a
 * read of its own.  False if it did not within ms (or the server sat
 * still), or the write failed (the server had closed the connection). */
static bool ch30_send_piece(int fd, const char *text, int ms)
{
	long long end = tk_now_ms() + ms;
	int one = 1;
	struct tk_still w;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return false;           /* the server closed it */
	tk_still_start(&w);
	while (tk_now_ms() < end && !ch30_server_still(&w)) {
		if (tk_peer_unread(fd) == 0)
			return true;
		tk_tick();
	}
	return false;
}

/* n clients at once: connect all, send every request, then read every
 * reply within ms.  Returns how many were whole and right; *why says
 * what the first wrong one got. */
static int ch30_many(int port, int n, long size, int ms, char *why,
		     size_t whylen)
{
	struct ch30_reply *r = calloc((size_t)n, sizeof(*r));
	struct tk_still w;
	long long end;
	int right = 0, open = n;

	for (int i = 0; i < n; i++) {
		int fd = tk_connect_here(TK_LOOPBACK, port);

		ch30_send_request(fd, size);
		ch30_reply_init(&r[i], fd, size);
	}
	end = tk_now_ms() + ms;
	tk_still_start(&w);
	while (open > 0 && tk_now_ms() < end) {
		struct pollfd *p = calloc((size_t)n, sizeof(*p));
		long long left = end - tk_now_ms();

		if (ch30_server_still(&w)) {
			for (int i = 0; i < n; i++)
				r[i].stuck = !r[i].eof;
			free(p);
			break;
		}
		for (int i = 0; i < n; i++) {
			p[i].fd = r[i].eof ? -1 : r[i].fd;
			p[i].events = POLLIN;
		}
		poll(p, (nfds_t)n, left <= 0 ? 0 : ch30_watched != 0 &&
		     left > 50 ? 50 : (int)left);
		for (int i = 0; i < n; i++)
			if (p[i].revents != 0 && ch30_reply_step(&r[i]))
				open--;
		free(p);
	}
	snprintf(why, whylen, "all right");
	for (int i = 0; i < n; i++) {
		if (ch30_reply_right(&r[i]))
			right++;
		else if (strcmp(why, "all right") == 0)
			snprintf(why, whylen, "client %d of %d got %s", i + 1,
				 n, ch30_reply_said(&r[i]));
		close(r[i].fd);
	}
	free(r);
	return right;
}

/* How many threads a process has (/proc/PID/status). */
static int ch30_threads(pid_t pid)
{
	char path[64], line[256];
	int n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* The largest TCP send buffer this kernel gives (tcp_wmem's third
 * number): a reply of twice that cannot be written in one go to a
 * client that does not read. */
static long ch30_wmem_max(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_wmem", "r");
	long a = 0, b = 0, c = 4 << 20;

	if (f != NULL) {
		if (fscanf(f, "%ld %ld %ld", &a, &b, &c) != 3)
			c = 4 << 20;
		fclose(f);
	}
	return c;
}

#endif
