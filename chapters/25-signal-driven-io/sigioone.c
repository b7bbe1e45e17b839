/*
 * sigioone.c - a SIGIO UDP echo server written the tempting way, kept to
 * watch it break (sections 25.6 and 25.7): each SIGIO reads ONE datagram,
 * and SIGIO is never blocked, so the loop sleeps in pause().
 *
 * Both mistakes lose datagrams.  A burst that arrives while the server is
 * busy raises one SIGIO, not one per datagram, so all but the first wait
 * in the socket's queue until the next datagram comes (25.6).  And a
 * SIGIO that comes after the loop's last look at the flag, but before
 * pause(), is handled too early: the loop then sleeps with a datagram
 * waiting (25.7).  sigioserv (lab 25) is the server done right.
 *
 * After each datagram it echoes it prints "echoed 1".
 *
 * usage: sigioone [PORT]      (0: any free port; default 9877)
 */
#include "lnp.h"

static volatile sig_atomic_t got_io;

static void on_sigio(int signo)
{
	(void)signo;
	got_io = 1;
}

/* Echoes one datagram, if one is queued: 1 if it did, else 0. */
static int echo_one(int fd)
{
	char msg[MAXLINE];
	struct sockaddr_storage client;
	socklen_t len = sizeof(client);
	ssize_t n = recvfrom(fd, msg, sizeof(msg), 0,
			     (struct sockaddr *)&client, &len);

	if (n < 0)
		return 0;
	if (sendto(fd, msg, (size_t)n, 0, (struct sockaddr *)&client,
		   len) < 0)
		err_ret("sendto");
	return 1;
}

/* include serve_one */
static void serve_one(int fd)
{
	for (;;) {
		if (echo_one(fd)) {             /* one datagram a signal */
			printf("echoed 1\n");
			fflush(stdout);
		}
		got_io = 0;
		while (!got_io)
			pause();        /* SIGIO may already have come */
	}
}
/* end serve_one */

int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	int fd;

	if (argc > 2)
		err_quit("usage: sigioone [PORT]");
	fd = Udp_bind_port(port);
	Signal(SIGIO, on_sigio);
	if (fcntl(fd, F_SETOWN, getpid()) < 0 ||
	    fcntl(fd, F_SETFL, O_ASYNC | O_NONBLOCK) < 0)
		err_sys("fcntl");
	announce_port(fd);
	serve_one(fd);
}
