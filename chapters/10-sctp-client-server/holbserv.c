/*
 * holbserv - the far end of the head-of-line measurement: an echo
 * server on the same port over TCP (bytes back as they come, on each
 * connection) and over SCTP (each message back on the stream it came
 * on, one one-to-many socket).  Both turn Nagle's algorithm off, so that
 * an echo leaves as soon as its request is read.
 *
 * usage: holbserv port
 */
#include "lnp.h"
#include "sctputil.h"

#define MAXCONN 8

static int sctp_listener(int port)
{
	struct sockaddr_in any = { .sin_family = AF_INET,
				   .sin_port = htons((uint16_t)port) };
	struct sctp_initmsg init = { .sinit_num_ostreams = 64,
				     .sinit_max_instreams = 64 };
	int fd = Socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP), on = 1;

	Setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &init, sizeof(init));
	Setsockopt(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));
	Setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof(on));
	Bind(fd, (struct sockaddr *)&any, sizeof(any));
	Listen(fd, LISTENQ);
	return fd;
}

/* One SCTP message back on its stream, to its association. */
static void sctp_echo(int fd)
{
	static char buf[4096];
	struct sctp_msginfo info;
	int flags;
	ssize_t n = sctp_recv_whole(fd, buf, sizeof(buf), NULL, NULL,
				    &info, &flags);

	if (n < 0)
		err_sys("SCTP recvmsg");
	if (!(flags & MSG_NOTIFICATION) &&
	    sctp_send_sndinfo(fd, buf, (size_t)n, NULL, 0, info.assoc_id,
			      info.stream, info.ppid, 0) < 0)
		err_ret("SCTP sendmsg");
}

/* Whatever a TCP connection has sent, back; false at its end. */
static bool tcp_echo(int fd)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n <= 0)
		return false;
	return writen(fd, buf, (size_t)n) == n;
}

int main(int argc, char **argv)
{
	struct pollfd p[2 + MAXCONN];
	int port, on = 1, nconn = 0;

	if (argc != 2)
		err_quit("usage: holbserv port");
	port = Port_parse(argv[1]);
	p[0] = (struct pollfd){ Tcp_listen_port(port, true), POLLIN, 0 };
	port = announce_port(p[0].fd);
	p[1] = (struct pollfd){ sctp_listener(port), POLLIN, 0 };
	for (;;) {
		Poll(p, (nfds_t)(2 + nconn), -1);
		if ((p[0].revents & POLLIN) && nconn < MAXCONN) {
			int c = Accept(p[0].fd, NULL, NULL);

			Setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on,
				   sizeof(on));
			p[2 + nconn++] = (struct pollfd){ c, POLLIN, 0 };
		}
		if (p[1].revents & POLLIN)
			sctp_echo(p[1].fd);
		for (int i = 2; i < 2 + nconn; i++)
			if (p[i].revents && !tcp_echo(p[i].fd)) {
				Close(p[i].fd);
				p[i--] = p[1 + nconn--];
			}
	}
}
