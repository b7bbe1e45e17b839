/*
 * sdlaunch.c - socket activation without systemd: a tiny launcher that
 * listens on a TCP port itself, and when the first connection waits,
 * starts the server with the listening socket as descriptor 3 and
 * LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES set, as systemd does for a
 * .socket unit (Accept=no).  When the server exits, the launcher
 * watches the socket again: the next client starts it anew.
 *
 *   sdlaunch PORT PROGRAM [ARGS...]     (PORT 0: a free one, printed)
 */
#include "lnp.h"

#include <poll.h>

/* include activate */
#define LISTEN_FDS_START 3              /* the first descriptor passed */

/* In the child: the socket on descriptor 3 and the protocol's three
 * variables, then the server replaces the child. */
static void activate(int listenfd, char **argv)
{
	char pid[16];

	if (listenfd != LISTEN_FDS_START) {
		Dup2(listenfd, LISTEN_FDS_START);  /* dup2 clears CLOEXEC */
		Close(listenfd);
	}
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	setenv("LISTEN_PID", pid, 1);   /* the variables are for this pid */
	setenv("LISTEN_FDS", "1", 1);   /* one descriptor: 3 */
	setenv("LISTEN_FDNAMES", "daytime", 1);
	execvp(argv[0], argv);
	err_sys("exec %s", argv[0]);
}
/* end activate */

/* include main */
int main(int argc, char **argv)
{
	struct pollfd pfd = { .events = POLLIN };
	pid_t pid;
	int status;

	if (argc < 3)
		err_quit("usage: sdlaunch PORT PROGRAM [ARGS...]");
	pfd.fd = Tcp_listen_port(Port_parse(argv[1]), true);
	announce_port(pfd.fd);
	for (;;) {
		Poll(&pfd, 1, -1);              /* a client is waiting */
		if ((pid = Fork()) == 0)
			activate(pfd.fd, argv + 2);
		printf("started %s as pid %d\n", argv[2], (int)pid);
		fflush(stdout);
		if (waitpid(pid, &status, 0) < 0)
			err_sys("waitpid");
		printf("%s ended (%s %d)\n", argv[2], WIFEXITED(status) ?
		       "exit" : "signal", WIFEXITED(status) ?
		       WEXITSTATUS(status) : WTERMSIG(status));
		fflush(stdout);
	}
}
/* end main */
