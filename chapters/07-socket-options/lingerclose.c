/*
 * lingerclose.c - close a TCP connection the normal way (FIN) or abort it
 * with SO_LINGER and a zero timeout (RST), to watch the difference on the
 * wire (section 7.5).
 *
 * With -z the client sets l_onoff = 1, l_linger = 0 before close(): the
 * kernel throws away whatever is still unsent and sends a RST instead of
 * a FIN.  No TIME_WAIT follows, and the peer's next read fails with
 * ECONNRESET instead of returning end of file.
 *
 * usage: lingerclose [-z] HOST PORT
 */
#include "lnp.h"

/* include linger_zero */
static void abort_on_close(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	Setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}
/* end linger_zero */

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	socklen_t len;
	bool zero = argc == 4 && strcmp(argv[1], "-z") == 0;
	int fd;

	if (argc != 3 && !zero)
		err_quit("usage: lingerclose [-z] HOST PORT");
	Sock_parse(argv[argc - 2], argv[argc - 1], &server, &len);
	fd = Socket(server.ss_family, SOCK_STREAM, 0);
	Connect(fd, (struct sockaddr *)&server, len);
	Writen(fd, "goodbye\n", 8);
	if (zero)
		abort_on_close(fd);
	Close(fd);
	printf("closed with %s\n", zero ? "SO_LINGER {1, 0}: RST" : "FIN");
	return 0;
}
