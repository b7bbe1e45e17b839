/*
 * unixstrserv.c - the echo server over a Unix domain stream socket
 * (section 15.5): the TCP server of chapter 5 with another address
 * family.  A child serves each client; a SIGCHLD handler reaps them.
 *
 * Usage: unixstrserv PATH|@NAME     (@NAME: Linux's abstract namespace)
 */
#include "lnp.h"

#include <sys/stat.h>

static void sig_chld(int signo)
{
	int saved_errno = errno;

	(void)signo;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		continue;
	errno = saved_errno;
}

/* include remove_stale */
/* Removes what an earlier server left at PATH, if it is a socket: bind()
 * never reuses an existing file (EADDRINUSE).  Anything else at PATH is
 * left alone, and bind() will then say why it cannot. */
static void remove_stale(const char *path)
{
	struct stat st;

	if (path[0] != '@' && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
}
/* end remove_stale */

/* include unixstrserv */
int main(int argc, char **argv)
{
	struct sockaddr_un addr;
	socklen_t len;
	int listenfd, connfd;

	if (argc != 2)
		err_quit("usage: unixstrserv PATH|@NAME");
	Unix_addr(argv[1], &addr, &len);
	listenfd = Socket(AF_UNIX, SOCK_STREAM, 0);
	remove_stale(argv[1]);
	Bind(listenfd, (struct sockaddr *)&addr, len);
	Listen(listenfd, LISTENQ);
	Signal(SIGCHLD, sig_chld);       /* accept() is restarted */
	printf("listening on %s\n", argv[1]);
	fflush(stdout);
	for (;;) {
		connfd = Accept(listenfd, NULL, NULL);
		if (Fork() == 0) {
			Close(listenfd);
			if (str_echo(connfd) < 0)
				err_sys("str_echo");
			exit(0);
		}
		Close(connfd);
	}
}
/* end unixstrserv */
