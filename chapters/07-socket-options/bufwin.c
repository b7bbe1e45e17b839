/*
 * bufwin.c - how the socket buffers bound what is in flight (section
 * 7.5): connect to a server that never reads (stallserv), write until
 * nothing more goes, and report the buffer sizes and window scales the
 * kernel chose.
 *
 * Everything written sits either in our send buffer or in the peer's
 * receive buffer (announced to us as its window), so the total is about
 * SO_SNDBUF + the peer's SO_RCVBUF.  Linux doubles the value given to
 * setsockopt() (the extra half is for its own bookkeeping) and grows
 * buffers on its own unless they were set by hand.
 *
 * usage: bufwin [-s SNDBUF] HOST PORT
 */
#include "lnp.h"

/* include bufwin_fill */
/* Writes without blocking until the pipe stays full for 200 ms, or
 * 256 MB have gone; returns the bytes written. */
static size_t fill(int fd)
{
	static char chunk[65536];
	size_t total = 0;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (total < (256u << 20)) {
		struct pollfd pf = { .fd = fd, .events = POLLOUT };
		ssize_t n = write(fd, chunk, sizeof(chunk));

		if (n > 0)
			total += (size_t)n;
		else if (n < 0 && errno != EAGAIN)
			err_sys("write");
		else if (Poll(&pf, 1, 200) == 0)
			break;          /* the window is closed: full */
	}
	return total;
}
/* end bufwin_fill */

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	struct tcp_info ti;
	socklen_t len, optlen, tilen = sizeof(ti);
	int fd, sndbuf = 0, got;
	size_t sent;

	if (argc == 5 && strcmp(argv[1], "-s") == 0)
		sndbuf = atoi(argv[2]);
	else if (argc != 3)
		err_quit("usage: bufwin [-s SNDBUF] HOST PORT");
	if (argc == 5 && sndbuf <= 0)
		err_quit("-s \"%s\" is not a positive number of bytes",
			 argv[2]);
	Sock_parse(argv[argc - 2], argv[argc - 1], &server, &len);
	fd = Socket(server.ss_family, SOCK_STREAM, 0);
	/* include bufwin_sndbuf */
	if (sndbuf > 0)
		Setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	optlen = sizeof(got);
	Getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &got, &optlen);
	/* end bufwin_sndbuf */
	if (sndbuf > 0)
		printf("SO_SNDBUF: asked %d, the kernel set %d\n", sndbuf,
		       got);
	Connect(fd, (struct sockaddr *)&server, len);
	Getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tilen);
	printf("window scale: ours %u, the peer's %u\n",
	       ti.tcpi_rcv_wscale, ti.tcpi_snd_wscale);
	sent = fill(fd);
	printf("wrote %zu bytes before the pipe was full\n", sent);
	return 0;
}
