/*
 * rrserv.c - a UDP echo server that sends each datagram's IP options
 * back with its echo (section 27.4): with IP_RETOPTS the kernel hands
 * over the options ready to be used for the reply (a source route
 * reversed, a record route to be continued), and sendmsg() sends them.
 *
 * Usage: rrserv [PORT]     (0: any free port, printed)
 */
#include "lnp.h"
#include <netinet/ip.h>

int main(int argc, char **argv)
{
	int fd, on = 1;
	struct sockaddr_storage cli;
	char buf[2048], name[SOCK_NTOP_LEN];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(MAX_IPOPTLEN)];
	} ctl;
	struct iovec iov;
	struct msghdr msg;
	struct cmsghdr *cm;
	ssize_t n;

	if (argc > 2)
		err_quit("usage: rrserv [PORT]");
	fd = Udp_bind_port(argc == 2 ? Port_parse(argv[1]) : 9877);
	setvbuf(stdout, NULL, _IOLBF, 0);
	announce_port(fd);
/* include rrserv */
	Setsockopt(fd, IPPROTO_IP, IP_RETOPTS, &on, sizeof(on));
	for (;;) {
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &cli;
		msg.msg_namelen = sizeof(cli);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		if ((n = recvmsg(fd, &msg, 0)) < 0)
			err_sys("recvmsg");
		cm = CMSG_FIRSTHDR(&msg);	/* IP_RETOPTS, if any */
		printf("%zd bytes from %s, %zu bytes of IP options\n", n,
		       Sock_ntop((struct sockaddr *)&cli, msg.msg_namelen,
				 name, sizeof(name)),
		       cm ? cm->cmsg_len - CMSG_LEN(0) : 0);
		iov.iov_len = n;	/* the same options go back */
		msg.msg_controllen = cm ? CMSG_SPACE(cm->cmsg_len -
						     CMSG_LEN(0)) : 0;
		if (msg.msg_controllen == 0)
			msg.msg_control = NULL;
		if (sendmsg(fd, &msg, 0) < 0)
			err_ret("sendmsg to %s", name);
	}
/* end rrserv */
}
