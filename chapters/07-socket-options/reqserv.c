/*
 * reqserv.c - a request/reply server for measuring Nagle's algorithm
 * (section 7.9).  A request is a 4-byte header holding the body's length
 * (network byte order) and then the body; the reply is 4 bytes, sent only
 * once the whole request is in.  One connection at a time.
 *
 * usage: reqserv PORT
 */
#include "lnp.h"

static void serve(int fd)
{
	uint32_t hdr, body_len;
	char body[MAXLINE];

	while (readn(fd, &hdr, sizeof(hdr)) == sizeof(hdr)) {
		body_len = ntohl(hdr);
		if (body_len > sizeof(body)) {
			err_msg("request body of %u bytes is too long",
				(unsigned)body_len);
			return;
		}
		if (readn(fd, body, body_len) != (ssize_t)body_len)
			return;
		if (writen(fd, "done", 4) < 0)
			return;
	}
}

int main(int argc, char **argv)
{
	int listenfd;

	if (argc != 2)
		err_quit("usage: reqserv PORT");
	signal(SIGPIPE, SIG_IGN);
	listenfd = Tcp_listen_port(Port_parse(argv[1]), true);
	announce_port(listenfd);
	for (;;) {
		int fd = Accept(listenfd, NULL, NULL);

		serve(fd);
		Close(fd);
	}
}
