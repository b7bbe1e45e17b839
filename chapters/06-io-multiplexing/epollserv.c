/*
 * epollserv.c - the echo server with epoll, what Linux servers use today
 * (section 6.12).
 *
 * select() and poll() hand the kernel the whole list of descriptors on
 * every call and then scan it for the few that are ready: the cost grows
 * with the number of clients, not with the number of events.  epoll keeps
 * the list inside the kernel (epoll_ctl adds and removes descriptors once)
 * and epoll_wait() returns only the ready ones.  Level-triggered, as
 * here, it behaves like poll(): a socket with unread data is reported
 * again on the next call.  Like selserv, its writes may block.
 *
 * usage: epollserv [PORT]     (0: any free port; default 9877)
 */
#include "lnp.h"

#include <sys/epoll.h>

#define MAX_EVENTS 64           /* ready descriptors taken per call */

/* include epollserv_add */
static void watch(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		err_sys("epoll_ctl ADD");
}
/* end epollserv_add */

/* Echoes one read's worth; returns false when the client is gone. */
static bool echo_once(int fd)
{
	char buf[BUFFSIZE];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0)
		err_ret("read");
	if (n <= 0)
		return false;
	if (writen(fd, buf, (size_t)n) < 0) {
		err_ret("write");
		return false;
	}
	return true;
}

/* include epollserv_loop */
static void serve(int epfd, int listenfd)
{
	struct epoll_event ready[MAX_EVENTS];

	for (;;) {
		int n = epoll_wait(epfd, ready, MAX_EVENTS, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err_sys("epoll_wait");
		for (int i = 0; i < n; i++) {
			int fd = ready[i].data.fd;

			if (fd == listenfd) {
				watch(epfd, Accept(listenfd, NULL, NULL));
			} else if (!echo_once(fd)) {
				/* close() also removes it from the epoll set,
				 * since no other descriptor refers to it */
				Close(fd);
			}
		}
	}
}
/* end epollserv_loop */

int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	int listenfd, epfd;

	if (argc > 2)
		err_quit("usage: epollserv [PORT]");
	signal(SIGPIPE, SIG_IGN);
	listenfd = Tcp_listen_port(port, true);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		err_sys("epoll_create1");
	watch(epfd, listenfd);
	announce_port(listenfd);
	serve(epfd, listenfd);
}
