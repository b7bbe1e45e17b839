/*
 * udpdst - a UDP echo server that says, for every datagram, who sent it,
 * to which of this host's addresses, on which interface, and whether it
 * was cut to fit the buffer.  -p answers from the address the request
 * was sent to (IP_PKTINFO on sendmsg); without it the kernel chooses.
 *
 * usage: udpdst [-6] [-p] [-b bytes] port
 */
#include "lnp.h"

#include <net/if.h>

/* include recvfrom_flags */
/* Receives one datagram into buf; *flags gets msg_flags, *dst the
 * address it was sent to and *ifindex the interface it came in on.
 * Returns the datagram's real length (more than len when cut). */
static ssize_t recvfrom_flags(int fd, void *buf, size_t len, int *flags,
			      struct sockaddr_storage *from,
			      struct sockaddr_storage *dst, int *ifindex)
{
	union {                         /* room for either family's cmsg */
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = from, .msg_namelen = sizeof(*from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	ssize_t n = recvmsg(fd, &msg, MSG_TRUNC);  /* the real length */

	if (n < 0)
		return -1;
	*flags = msg.msg_flags;
	*ifindex = 0;
	memset(dst, 0, sizeof(*dst));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL;
	     c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			struct sockaddr_in *d = (struct sockaddr_in *)dst;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			d->sin_family = AF_INET;
			d->sin_addr = pi.ipi_addr;      /* header's dest. */
			*ifindex = pi.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			struct sockaddr_in6 *d = (struct sockaddr_in6 *)dst;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			d->sin6_family = AF_INET6;
			d->sin6_addr = pi.ipi6_addr;
			*ifindex = (int)pi.ipi6_ifindex;
		}
	}
	return n;
}
/* end recvfrom_flags */

/* include sendto_from */
/* Sends buf to `to` with source address src (from recvfrom_flags):
 * the reply leaves from the address the request was sent to. */
static ssize_t sendto_from(int fd, const void *buf, size_t len,
			   const struct sockaddr_storage *to,
			   socklen_t tolen,
			   const struct sockaddr_storage *src)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = (void *)to, .msg_namelen = tolen,
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf,
	};
	struct cmsghdr *c = (struct cmsghdr *)control.buf;

	memset(&control, 0, sizeof(control));
	if (src->ss_family == AF_INET) {
		struct in_pktinfo pi = { 0 };   /* ifindex 0: route says */

		pi.ipi_spec_dst = ((const struct sockaddr_in *)src)->sin_addr;
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		msg.msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi = { 0 };

		pi.ipi6_addr = ((const struct sockaddr_in6 *)src)->sin6_addr;
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		msg.msg_controllen = CMSG_SPACE(sizeof(pi));
	}
	return sendmsg(fd, &msg, 0);
}
/* end sendto_from */

int main(int argc, char **argv)
{
	int c, fd, on = 1, family = AF_INET, from_dst = 0;
	size_t size = 1500;
	struct sockaddr_storage me;
	socklen_t melen;
	char *buf;

	while ((c = getopt(argc, argv, "6pb:")) != -1) {
		if (c == '6')
			family = AF_INET6;
		else if (c == 'p')
			from_dst = 1;
		else if (c == 'b' && atoi(optarg) > 0)
			size = (size_t)atoi(optarg);
		else
			err_quit("usage: udpdst [-6] [-p] [-b bytes] port");
	}
	if (optind != argc - 1)
		err_quit("usage: udpdst [-6] [-p] [-b bytes] port");
	buf = Malloc(size);
	fd = Socket(family, SOCK_DGRAM, 0);
	/* include pktinfo_on */
	if (family == AF_INET)
		Setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	else
		Setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
			   sizeof(on));
	/* end pktinfo_on */
	memset(&me, 0, sizeof(me));
	me.ss_family = (sa_family_t)family;
	melen = family == AF_INET ? sizeof(struct sockaddr_in)
				  : sizeof(struct sockaddr_in6);
	sock_set_wild((struct sockaddr *)&me, melen);
	sock_set_port((struct sockaddr *)&me, melen, Port_parse(argv[optind]));
	Bind(fd, (struct sockaddr *)&me, melen);
	Getsockname(fd, (struct sockaddr *)&me, &melen);
	printf("listening on port %d\n",
	       sock_get_port((struct sockaddr *)&me, melen));
	fflush(stdout);

	/* include udpdst_loop */
	for (;;) {
		struct sockaddr_storage from, dst;
		char f[SOCK_NTOP_LEN], d[SOCK_NTOP_LEN], ifname[IF_NAMESIZE];
		int flags, ifindex;
		ssize_t n = recvfrom_flags(fd, buf, size, &flags, &from, &dst,
					   &ifindex);
		size_t kept;

		if (n < 0)
			err_sys("recvmsg");
		kept = (size_t)n < size ? (size_t)n : size;
		if (if_indextoname((unsigned)ifindex, ifname) == NULL)
			strcpy(ifname, "?");
		printf("%zd bytes from %s to %s on %s%s\n", n,
		       sock_ntop((struct sockaddr *)&from, sizeof(from), f,
				 sizeof(f)),
		       sock_ntop_host((struct sockaddr *)&dst, sizeof(dst), d,
				      sizeof(d)),
		       ifname, (flags & MSG_TRUNC) ? " (truncated)" : "");
		fflush(stdout);
		if (from_dst)
			n = sendto_from(fd, buf, kept, &from, melen, &dst);
		else
			n = sendto(fd, buf, kept, 0,
				   (struct sockaddr *)&from, melen);
		if (n < 0)
			err_ret("reply");
	}
	/* end udpdst_loop */
}
