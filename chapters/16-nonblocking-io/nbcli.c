/*
 * nbcli.c - the echo client with non-blocking descriptors and two
 * buffers (section 16.2).
 *
 * stdin, stdout and the socket are all non-blocking.  to[] holds what
 * came from stdin and is not yet sent; fr[] holds what came from the
 * server and is not yet written to stdout.  select() is asked only for
 * what can make progress: read stdin while to[] has room, write the
 * socket while to[] has bytes, and the same for the other direction.
 * No call ever waits, so a full socket never stops the client reading
 * the server's echoes, and a slow stdout never stops it sending.
 *
 * usage: nbcli HOST PORT
 */
#include "lnp.h"

/* include set_nonblock */
static void set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL, 0);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		err_sys("fcntl O_NONBLOCK");
}
/* end set_nonblock */

static int max(int a, int b)
{
	return a > b ? a : b;
}

/* One direction of the copy: a buffer, what it holds from out to in. */
struct half {
	char buf[BUFFSIZE];
	size_t in;              /* next byte read goes here */
	size_t out;             /* next byte written comes from here */
};

/* Reads what fd has into h's free space: the count, 0 at end of file,
 * or -1 for "nothing now" (EAGAIN).  Fatal on a real error. */
static ssize_t fill(int fd, struct half *h, const char *what)
{
	ssize_t n = read(fd, h->buf + h->in, sizeof(h->buf) - h->in);

	if (n < 0 && errno == EWOULDBLOCK)
		return -1;
	if (n < 0)
		err_sys("read from %s", what);
	h->in += (size_t)n;
	return n;
}

/* Writes what h holds to fd, as much as fd takes now. */
static void drain(int fd, struct half *h, const char *what)
{
	ssize_t n = write(fd, h->buf + h->out, h->in - h->out);

	if (n < 0 && errno == EWOULDBLOCK)
		return;
	if (n < 0)
		err_sys("write to %s", what);
	h->out += (size_t)n;
	if (h->out == h->in)
		h->out = h->in = 0;     /* all gone: start again at 0 */
}

/* include str_cli_nonb */
static void str_cli_nonb(int sockfd)
{
	struct half to = { .in = 0 }, fr = { .in = 0 };
	bool stdin_eof = false;
	fd_set rset, wset;
	int maxfd = max(sockfd, STDOUT_FILENO) + 1;

	set_nonblock(STDIN_FILENO);
	set_nonblock(STDOUT_FILENO);
	set_nonblock(sockfd);
	for (;;) {
		FD_ZERO(&rset);
		FD_ZERO(&wset);
		if (!stdin_eof && to.in < sizeof(to.buf))
			FD_SET(STDIN_FILENO, &rset);    /* room for input */
		if (fr.in < sizeof(fr.buf))
			FD_SET(sockfd, &rset);          /* room for echoes */
		if (to.out != to.in)
			FD_SET(sockfd, &wset);          /* input to send */
		if (fr.out != fr.in)
			FD_SET(STDOUT_FILENO, &wset);   /* echoes to show */
		Select(maxfd, &rset, &wset, NULL, NULL);

		if (FD_ISSET(STDIN_FILENO, &rset) &&
		    fill(STDIN_FILENO, &to, "stdin") == 0) {
			stdin_eof = true;
			if (to.out == to.in)
				Shutdown(sockfd, SHUT_WR);  /* FIN now */
		}
		if (FD_ISSET(sockfd, &rset) &&
		    fill(sockfd, &fr, "socket") == 0) {
			if (!stdin_eof)
				err_quit("server terminated prematurely");
			fcntl(STDOUT_FILENO, F_SETFL, 0);   /* may block */
			Writen(STDOUT_FILENO, fr.buf + fr.out, fr.in - fr.out);
			return;                 /* the last echoes shown */
		}
		if (FD_ISSET(sockfd, &wset)) {
			drain(sockfd, &to, "socket");
			if (stdin_eof && to.out == to.in)
				Shutdown(sockfd, SHUT_WR);  /* FIN after it */
		}
		if (FD_ISSET(STDOUT_FILENO, &wset))
			drain(STDOUT_FILENO, &fr, "stdout");
	}
}
/* end str_cli_nonb */

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	socklen_t len;
	int sockfd;

	if (argc != 3)
		err_quit("usage: nbcli HOST PORT");
	Sock_parse(argv[1], argv[2], &server, &len);
	sockfd = Socket(server.ss_family, SOCK_STREAM, 0);
	Connect(sockfd, (struct sockaddr *)&server, len);
	str_cli_nonb(sockfd);
	return 0;
}
