/*
 * udptcpserv.c - one echo server for TCP and UDP on the same port
 * (section 8.15): select() waits on the listening TCP socket and the UDP
 * socket together.  A TCP client gets a child process of its own (fork,
 * as in chapter 5); a UDP datagram is answered at once by the parent.
 *
 * TCP and UDP ports are separate spaces, so both sockets can bind the
 * same number.  SIGCHLD interrupts select(); the handler reaps children
 * and the loop just calls select() again.
 *
 * usage: udptcpserv [PORT]      (0: any free port; default 9877)
 */
#include "lnp.h"

static void reap_children(int signo)
{
	int saved = errno;

	(void)signo;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	errno = saved;
}

static void tcp_echo(int connfd)
{
	char buf[BUFFSIZE];
	ssize_t n;

	while ((n = read(connfd, buf, sizeof(buf))) > 0)
		if (writen(connfd, buf, (size_t)n) < 0)
			break;
}

/* include udptcp_loop */
static void serve(int listenfd, int udpfd)
{
	int maxfdp1 = (listenfd > udpfd ? listenfd : udpfd) + 1;
	fd_set rset;

	for (;;) {
		FD_ZERO(&rset);
		FD_SET(listenfd, &rset);
		FD_SET(udpfd, &rset);
		if (select(maxfdp1, &rset, NULL, NULL, NULL) < 0) {
			if (errno == EINTR)
				continue;       /* SIGCHLD came */
			err_sys("select");
		}
		if (FD_ISSET(listenfd, &rset)) {
			int connfd = Accept(listenfd, NULL, NULL);

			if (Fork() == 0) {
				Close(listenfd);
				tcp_echo(connfd);
				exit(0);
			}
			Close(connfd);
		}
		if (FD_ISSET(udpfd, &rset)) {
			char msg[MAXLINE];
			struct sockaddr_storage cli;
			socklen_t len = sizeof(cli);
			ssize_t n = Recvfrom(udpfd, msg, sizeof(msg), 0,
					     (struct sockaddr *)&cli, &len);

			if (sendto(udpfd, msg, (size_t)n, 0,
				   (struct sockaddr *)&cli, len) < 0)
				err_ret("sendto");
		}
	}
}
/* end udptcp_loop */

int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	int listenfd, udpfd;

	if (argc > 2)
		err_quit("usage: udptcpserv [PORT]");
	signal(SIGPIPE, SIG_IGN);
	Signal(SIGCHLD, reap_children);
	listenfd = Tcp_listen_port(port, true);
	if (port == 0) {        /* the UDP socket takes the port TCP got */
		struct sockaddr_in sin;
		socklen_t len = sizeof(sin);

		Getsockname(listenfd, (struct sockaddr *)&sin, &len);
		port = ntohs(sin.sin_port);
	}
	udpfd = Udp_bind_port(port);
	announce_port(listenfd);        /* both are ready now */
	serve(listenfd, udpfd);
}
