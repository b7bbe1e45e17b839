/*
 * ip6optsrv.c - receives UDP datagrams over IPv6 and prints the
 * extension headers each one came with (section 27.5): hop-by-hop and
 * destination options, routing header, delivered as ancillary data.
 *
 * Usage: ip6optsrv [PORT]     (0: any free port, printed)
 */
#include "lnp.h"
#include <netinet/ip6.h>

/* include ip6_optprint */
/* Prints the options of an options header, skipping the padding. */
static void ip6_optprint(const char *name, void *hdr, socklen_t len)
{
	uint8_t type;
	socklen_t olen;
	void *data;
	int off = 0;

	printf("  %s header, %u bytes:", name, (unsigned)len);
	while ((off = inet6_opt_next(hdr, len, off, &type, &olen,
				     &data)) != -1) {
		printf(" option 0x%02x (%u bytes:", type, (unsigned)olen);
		for (socklen_t i = 0; i < olen; i++)
			printf(" %02x", ((unsigned char *)data)[i]);
		printf(")");
	}
	printf("\n");
}
/* end ip6_optprint */

int main(int argc, char **argv)
{
	int fd, on = 1;
	struct sockaddr_in6 cli;
	char buf[2048], name[SOCK_NTOP_LEN];
	union {
		struct cmsghdr align;
		char buf[1024];
	} ctl;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg;
	struct cmsghdr *cm;
	ssize_t n;

	if (argc > 2)
		err_quit("usage: ip6optsrv [PORT]");
	fd = Socket(AF_INET6, SOCK_DGRAM, 0);
/* include ip6_recvopts */
	Setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPOPTS, &on, sizeof(on));
	Setsockopt(fd, IPPROTO_IPV6, IPV6_RECVDSTOPTS, &on, sizeof(on));
	Setsockopt(fd, IPPROTO_IPV6, IPV6_RECVRTHDR, &on, sizeof(on));
/* end ip6_recvopts */
	memset(&cli, 0, sizeof(cli));
	cli.sin6_family = AF_INET6;
	cli.sin6_port = htons(argc == 2 ? Port_parse(argv[1]) : 9877);
	Bind(fd, (struct sockaddr *)&cli, sizeof(cli));
	setvbuf(stdout, NULL, _IOLBF, 0);
	announce_port(fd);
	for (;;) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &cli;
		msg.msg_namelen = sizeof(cli);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		if ((n = recvmsg(fd, &msg, 0)) < 0)
			err_sys("recvmsg");
		printf("%zd bytes from %s\n", n,
		       Sock_ntop((struct sockaddr *)&cli, msg.msg_namelen,
				 name, sizeof(name)));
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
			if (cm->cmsg_type == IPV6_HOPOPTS)
				ip6_optprint("hop-by-hop", CMSG_DATA(cm),
					     cm->cmsg_len - CMSG_LEN(0));
			else if (cm->cmsg_type == IPV6_DSTOPTS)
				ip6_optprint("destination", CMSG_DATA(cm),
					     cm->cmsg_len - CMSG_LEN(0));
			else if (cm->cmsg_type == IPV6_RTHDR)
				printf("  routing header, type %d\n",
				       CMSG_DATA(cm)[2]);	/* ip6r_type */
	}
}
