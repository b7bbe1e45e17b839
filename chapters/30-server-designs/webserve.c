/*
 * webserve.c - web_serve(): one connection served on a blocking socket
 * (web30.h), for the blocking designs of chapter 30.
 */
#include <errno.h>
#include <unistd.h>

#include "web30.h"

/* include web_serve */
int web_serve(int fd)
{
	struct web_conn c;
	char buf[WEB_REQ_MAX];
	const char *p;
	ssize_t n;
	size_t len;

	web_conn_init(&c, fd);
	for (;;) {                      /* a request may come in pieces */
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (web_feed(&c, buf, (size_t)n))
			break;
	}
	while ((len = web_next(&c, &p)) > 0) {
		n = write(fd, p, len);  /* a signal may cut a write short */
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		web_sent(&c, (size_t)n);
	}
	return 0;
}
/* end web_serve */
