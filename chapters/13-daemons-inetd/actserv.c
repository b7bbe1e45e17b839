/*
 * actserv.c - a daytime server that does not make its own socket: it
 * takes the one its launcher (systemd, or sdlaunch here) passes, the way
 * sd_listen_fds(3) describes.  It serves until IDLE ms pass without a
 * client, then exits; the socket stays open in the launcher, so a client
 * that comes later waits in its queue and starts the server anew.
 *
 *   actserv [IDLE]        (started by sdlaunch or systemd; default 10 s)
 */
#include "lnp.h"

#include <fcntl.h>
#include <poll.h>
#include <time.h>

/* include listen_fds */
#define LISTEN_FDS_START 3

/* How many descriptors, from 3 on, our launcher passed: 0 when the
 * variables are missing or were meant for another process (a child of
 * ours that inherited them).  Each gets FD_CLOEXEC, and the variables
 * go, so that programs we start do not take them for theirs. */
static int listen_fds(void)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int n = 0, fd;

	if (pid != NULL && fds != NULL && atol(pid) == (long)getpid())
		n = atoi(fds);
	for (fd = LISTEN_FDS_START; fd < LISTEN_FDS_START + n; fd++)
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
			return -1;              /* EBADF: a lying launcher */
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return n;
}
/* end listen_fds */

/* Whether FD is a listening stream socket (what sd_is_socket() checks
 * before a server relies on it). */
static bool is_listening_stream(int fd)
{
	int type, listening;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
		return false;
	len = sizeof(listening);
	return type == SOCK_STREAM && getsockopt(fd, SOL_SOCKET,
		SO_ACCEPTCONN, &listening, &len) == 0 && listening;
}

/* include main */
int main(int argc, char **argv)
{
	struct pollfd pfd = { .fd = LISTEN_FDS_START, .events = POLLIN };
	int idle = argc > 1 ? atoi(argv[1]) : 10000, connfd, n;
	char buf[96];
	time_t now;

	if ((n = listen_fds()) != 1)
		err_quit("expected 1 socket from the launcher, got %d "
			 "(run me under sdlaunch or systemd)", n);
	if (!is_listening_stream(LISTEN_FDS_START))
		err_quit("descriptor 3 is not a listening TCP socket");
	while (Poll(&pfd, 1, idle) > 0) {
		if ((connfd = accept(LISTEN_FDS_START, NULL, NULL)) < 0)
			continue;
		now = time(NULL);
		n = (int)strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y",
				  localtime(&now));
		snprintf(buf + n, sizeof(buf) - (size_t)n, " (pid %d)\r\n",
			 (int)getpid());
		if (write(connfd, buf, strlen(buf)) < 0)
			err_ret("write");
		close(connfd);
	}
	return 0;                       /* idle: the launcher keeps port */
}
/* end main */
