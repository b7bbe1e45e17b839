/*
 * daytimed.c - a daytime server that makes itself a daemon: started from
 * a shell, it gives the prompt back at once, keeps running with no
 * terminal, and says what it does through syslog (facility local3).
 *
 *   daytimed [port]      (default 13; 0 picks a free port, logged)
 */
#include "lnp.h"

#include <syslog.h>
#include <time.h>

/* The port a socket is bound to. */
static int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	Getsockname(fd, (struct sockaddr *)&ss, &len);
	return sock_get_port((struct sockaddr *)&ss, len);
}

/* include serve */
static void serve(int listenfd)
{
	struct sockaddr_storage cli;
	socklen_t len;
	char addr[INET6_ADDRSTRLEN + 8], buf[64];
	time_t now;
	int connfd;

	for (;;) {
		len = sizeof(cli);
		if ((connfd = accept(listenfd, (struct sockaddr *)&cli,
				     &len)) < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				err_sys("accept");
			continue;
		}
		syslog(LOG_INFO, "connection from %s",
		       sock_ntop((struct sockaddr *)&cli, len, addr,
				 sizeof(addr)));
		now = time(NULL);
		strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y\r\n",
			 localtime(&now));
		if (write(connfd, buf, strlen(buf)) < 0)
			err_ret("write to %s", addr);
		close(connfd);
	}
}
/* end serve */

/* include main */
int main(int argc, char **argv)
{
	int listenfd, port = argc > 1 ? Port_parse(argv[1]) : 13;

	if (argc > 2)
		err_quit("usage: daytimed [port]");
	if (daemon_init(program_invocation_short_name, LOG_LOCAL3) < 0)
		err_sys("daemon_init");
	listenfd = Tcp_listen_port(port, true);     /* errors: to syslog */
	syslog(LOG_NOTICE, "listening on port %d", local_port(listenfd));
	serve(listenfd);
}
/* end main */
