/*
 * epollet.c - an echo server on epoll (section 14.11) that reads at most
 * 16 bytes a time, level-triggered (the default) or edge-triggered:
 *   -e  edge-triggered, one read per event: watch it break (what is
 *       left in the socket waits for the next event, which may never
 *       come)
 *   -E  edge-triggered, reading until EAGAIN (the right way)
 *
 * usage: epollet [-e | -E] PORT
 */
#include "lnp.h"

#include <sys/epoll.h>

#define CHUNK 16

/* Echoes what one read gets; 1 if it read something, 0 when the socket
 * is drained (EAGAIN), -1 when the client is gone. */
static int echo_once(int fd)
{
	char buf[CHUNK];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n > 0) {
		Writen(fd, buf, (size_t)n);
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	return -1;
}

int main(int argc, char **argv)
{
	struct epoll_event ev, events[16];
	char mode = argc == 3 ? argv[1][1] : 'l';
	int l, ep, n;

	if (argc == 3 && strcmp(argv[1], "-e") && strcmp(argv[1], "-E"))
		err_quit("usage: epollet [-e | -E] PORT");
	if (argc != 2 && argc != 3)
		err_quit("usage: epollet [-e | -E] PORT");
	l = Tcp_listen_port(Port_parse(argv[argc - 1]), true);
	announce_port(l);
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		err_sys("epoll_create1");
	ev = (struct epoll_event){ .events = EPOLLIN, .data.fd = l };
	if (epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev) < 0)
		err_sys("epoll_ctl");
	for (;;) {
		if ((n = epoll_wait(ep, events, 16, -1)) < 0)
			err_sys("epoll_wait");
		for (int i = 0; i < n; i++) {
			int fd = events[i].data.fd, r;

			if (fd == l) {
				int c = Accept(l, NULL, NULL);

				fcntl(c, F_SETFL, O_NONBLOCK);
				/* include epollet_add */
				ev.events = mode == 'l' ? EPOLLIN
							: EPOLLIN | EPOLLET;
				ev.data.fd = c;
				epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				/* end epollet_add */
				continue;
			}
			/* include epollet_read */
			if (mode == 'E')        /* edge: drain to EAGAIN */
				while ((r = echo_once(fd)) > 0)
					;
			else                    /* level, or -e: one read */
				r = echo_once(fd);
			/* end epollet_read */
			if (r < 0)
				Close(fd);      /* leaves the epoll set */
		}
	}
}
