/*
 * pollserv.c - the echo server of selserv.c with poll() in place of
 * select() (section 6.11).
 *
 * poll() takes an array of struct pollfd, one per descriptor, with the
 * events wanted in .events and the events that happened in .revents, so
 * nothing has to be copied before each call and a descriptor may be
 * larger than FD_SETSIZE.  Slot 0 is the listening socket; a free slot
 * has fd -1, which poll() skips.  Like selserv, its writes may block.
 *
 * usage: pollserv [PORT]     (0: any free port; default 9877)
 */
#include "lnp.h"

#include <sys/resource.h>

static struct pollfd *client;   /* [0] is the listening socket */
static nfds_t nslots;           /* size of client[] */
static nfds_t maxi;             /* highest slot in use */

/* As many slots as this process may open descriptors. */
static nfds_t slots_allowed(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return 1024;
	return (nfds_t)rl.rlim_cur;
}

/* include pollserv_accept */
static void accept_client(int listenfd)
{
	int connfd = Accept(listenfd, NULL, NULL);
	nfds_t i;

	for (i = 1; i < nslots && client[i].fd >= 0; i++)
		;
	if (i == nslots) {
		err_msg("too many clients; closing the new one");
		Close(connfd);
		return;
	}
	client[i].fd = connfd;
	client[i].events = POLLIN;
	if (i > maxi)
		maxi = i;
}
/* end pollserv_accept */

/* Echoes one read's worth; returns false when the client is gone. */
static bool echo_once(int fd)
{
	char buf[BUFFSIZE];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0)
		err_ret("read");        /* e.g. the client reset: drop it */
	if (n <= 0)
		return false;
	if (writen(fd, buf, (size_t)n) < 0) {
		err_ret("write");
		return false;
	}
	return true;
}

/* include pollserv_loop */
static void serve(void)
{
	for (;;) {
		int nready = Poll(client, maxi + 1, -1);

		if (client[0].revents & POLLIN) {
			accept_client(client[0].fd);
			if (--nready <= 0)
				continue;
		}
		for (nfds_t i = 1; i <= maxi && nready > 0; i++) {
			/* POLLERR and POLLHUP come even when not asked for;
			 * read() then reports what happened. */
			if (client[i].fd < 0 || client[i].revents == 0)
				continue;
			nready--;
			if (!echo_once(client[i].fd)) {
				Close(client[i].fd);
				client[i].fd = -1;
			}
		}
	}
}
/* end pollserv_loop */

int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;

	if (argc > 2)
		err_quit("usage: pollserv [PORT]");
	signal(SIGPIPE, SIG_IGN);
	nslots = slots_allowed();
	client = Malloc(nslots * sizeof(*client));
	for (nfds_t i = 0; i < nslots; i++)
		client[i].fd = -1;
	client[0].fd = Tcp_listen_port(port, true);
	client[0].events = POLLIN;
	maxi = 0;
	announce_port(client[0].fd);
	serve();
}
