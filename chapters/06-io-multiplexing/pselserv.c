/*
 * pselserv.c - an echo server that stops cleanly on SIGTERM or SIGINT,
 * waiting with pselect() so that no signal is ever missed (section 6.9).
 *
 * The obvious way has a hole: a handler sets a flag, and the loop tests
 * the flag and then calls select().  A signal that lands between the
 * test and the call sets the flag too late; select() sleeps on, perhaps
 * for ever.  Here the signals are blocked except while pselect() waits:
 * it installs the unblocking mask and starts waiting as one atomic step,
 * so a pending signal interrupts it at once (EINTR) and the loop sees
 * the flag on the next test.
 *
 * usage: pselserv [PORT]     (0: any free port; default 9877)
 */
#include "lnp.h"

static volatile sig_atomic_t stop_signal;       /* set by the handler */

static void on_stop(int signo)
{
	stop_signal = signo;
}

static int clients[FD_SETSIZE];
static int nclients, served;

static void add_client(int listenfd)
{
	int fd = Accept(listenfd, NULL, NULL);

	if (nclients == FD_SETSIZE - 1 || fd >= FD_SETSIZE) {
		err_msg("too many clients; closing the new one");
		Close(fd);
		return;
	}
	clients[nclients++] = fd;
	served++;
}

/* Echoes one read; on end of file or error drops client i. */
static void echo_or_drop(int i)
{
	char buf[BUFFSIZE];
	ssize_t n = read(clients[i], buf, sizeof(buf));

	if (n > 0 && writen(clients[i], buf, (size_t)n) == n)
		return;
	Close(clients[i]);
	clients[i] = clients[--nclients];       /* fill the hole */
}

/* include pselserv_loop */
static void serve(int listenfd, const sigset_t *waitmask)
{
	while (stop_signal == 0) {
		fd_set rset;
		int maxfd = listenfd;

		FD_ZERO(&rset);
		FD_SET(listenfd, &rset);
		for (int i = 0; i < nclients; i++) {
			FD_SET(clients[i], &rset);
			if (clients[i] > maxfd)
				maxfd = clients[i];
		}
		/* the signals are blocked here; pselect unblocks them only
		 * for as long as it waits */
		int n = pselect(maxfd + 1, &rset, NULL, NULL, NULL, waitmask);

		if (n < 0 && errno == EINTR)
			continue;       /* the while test sees the flag */
		if (n < 0)
			err_sys("pselect");
		if (FD_ISSET(listenfd, &rset))
			add_client(listenfd);
		for (int i = nclients - 1; i >= 0; i--)
			if (FD_ISSET(clients[i], &rset))
				echo_or_drop(i);
	}
}
/* end pselserv_loop */

/* include pselserv_main */
int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	sigset_t stopset, waitmask;
	int listenfd;

	if (argc > 2)
		err_quit("usage: pselserv [PORT]");
	signal(SIGPIPE, SIG_IGN);
	Signal(SIGTERM, on_stop);
	Signal(SIGINT, on_stop);
	sigemptyset(&stopset);
	sigaddset(&stopset, SIGTERM);
	sigaddset(&stopset, SIGINT);
	/* block them now; remember the mask to wait with */
	if (sigprocmask(SIG_BLOCK, &stopset, &waitmask) < 0)
		err_sys("sigprocmask");
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);

	listenfd = Tcp_listen_port(port, true);
	announce_port(listenfd);
	serve(listenfd, &waitmask);
	for (int i = 0; i < nclients; i++)
		Close(clients[i]);      /* each client gets its FIN */
	printf("stopped by %s after serving %d client%s\n",
	       strsignal(stop_signal), served, served == 1 ? "" : "s");
	return 0;
}
/* end pselserv_main */
