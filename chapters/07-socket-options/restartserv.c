/*
 * restartserv.c - a server that says hello and closes first, so each of
 * its connections ends in TIME_WAIT on the server's side; stop it and
 * start it again at once, and see whether it can bind its port
 * (section 7.5, SO_REUSEADDR).
 *
 * Without -r, bind() fails with EADDRINUSE for as long as any connection
 * on the port sits in TIME_WAIT (60 s on Linux).  With -r the server
 * sets SO_REUSEADDR before bind(), and restarts at once.  On Linux the
 * old connections must carry SO_REUSEADDR too (they inherit it from the
 * listening socket that accepted them): a server started with -r cannot
 * take over from one started without it until the TIME_WAITs are gone.
 *
 * usage: restartserv [-r] PORT
 */
#include "lnp.h"

/* include restartserv_listen */
static int listen_on(int port, bool reuse)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int on = 1;
	int fd = Socket(AF_INET, SOCK_STREAM, 0);

	addr.sin_addr.s_addr = htonl(INADDR_ANY);
	addr.sin_port = htons((uint16_t)port);
	if (reuse)              /* before bind(), or it is too late */
		Setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	Bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	Listen(fd, LISTENQ);
	return fd;
}
/* end restartserv_listen */

int main(int argc, char **argv)
{
	bool reuse = argc == 3 && strcmp(argv[1], "-r") == 0;
	int listenfd;

	if (argc != 2 && !reuse)
		err_quit("usage: restartserv [-r] PORT");
	listenfd = listen_on(Port_parse(argv[argc - 1]), reuse);
	announce_port(listenfd);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		int connfd = Accept(listenfd, NULL, NULL);

		if (writen(connfd, "hello\n", 6) < 0)
			err_ret("write");
		Close(connfd);          /* we close first: TIME_WAIT is ours */
	}
}
