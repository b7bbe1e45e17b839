/*
 * vecio.c - gather and scatter (writev, readv) and messages with
 * ancillary data (sendmsg, recvmsg), section 14.8, over loopback:
 * a record of three pieces written in one call, and a UDP datagram
 * received with the address it was sent to and its TTL.
 *
 * usage: vecio
 */
#include "lnp.h"

#include <net/if.h>
#include <sys/uio.h>

static void gather_scatter(void)
{
	int l = Tcp_listen_port(0, true), a, b;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char head[6], body[32];
	ssize_t n;

	Getsockname(l, (struct sockaddr *)&sin, &len);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a = Socket(AF_INET, SOCK_STREAM, 0);
	Connect(a, (struct sockaddr *)&sin, sizeof(sin));
	b = Accept(l, NULL, NULL);
	/* include writev */
	struct iovec out[3] = {
		{ "LEN 5\n", 6 }, { "hello", 5 }, { "\n", 1 },
	};
	n = writev(a, out, 3);          /* one call, one segment */
	printf("writev of 6 + 5 + 1 bytes = %zd\n", n);
	/* end writev */
	/* include readv */
	struct iovec in[2] = {
		{ head, sizeof(head) }, { body, sizeof(body) },
	};
	n = readv(b, in, 2);            /* fills head first, then body */
	printf("readv = %zd: head \"%.5s\\n\", body \"%.*s\"\n", n, head,
	       (int)(n - 6 - 1), body);
	/* end readv */
	Close(a);
	Close(b);
	Close(l);
}

static void ancillary(void)
{
	int s = Udp_bind_port(0), c, on = 1, ttl = -1;
	struct sockaddr_in to, from;
	socklen_t len = sizeof(to);
	char buf[64], ifname[IF_NAMESIZE] = "?", dst[INET_ADDRSTRLEN];
	struct in_pktinfo pi = { 0 };
	ssize_t n;

	Getsockname(s, (struct sockaddr *)&to, &len);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c = Socket(AF_INET, SOCK_DGRAM, 0);
	Sendto(c, "ping", 4, 0, (struct sockaddr *)&to, sizeof(to));
	/* include recvmsg */
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo)) +
			 CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};

	Setsockopt(s, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	Setsockopt(s, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
	/* end recvmsg */
	/* The datagram was sent before the options were on: send it again,
	 * so that this one carries the ancillary data. */
	Recvfrom(s, buf, sizeof(buf), 0, NULL, NULL);
	Sendto(c, "ping", 4, 0, (struct sockaddr *)&to, sizeof(to));
	/* include cmsg_walk */
	if ((n = recvmsg(s, &msg, 0)) < 0)
		err_sys("recvmsg");
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm != NULL;
	     cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_PKTINFO)
			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
		else if (cm->cmsg_level == IPPROTO_IP &&
			 cm->cmsg_type == IP_TTL)
			memcpy(&ttl, CMSG_DATA(cm), sizeof(ttl));
	}
	/* end cmsg_walk */
	if_indextoname(pi.ipi_ifindex, ifname);
	printf("recvmsg = %zd \"%.*s\", flags %s\n", n, (int)n, buf,
	       msg.msg_flags == 0 ? "0" : "set");
	printf("  IP_PKTINFO: sent to %s, arrived on %s (index %d)\n",
	       Inet_ntop(AF_INET, &pi.ipi_addr, dst, sizeof(dst)), ifname,
	       pi.ipi_ifindex);
	printf("  IP_TTL: %d\n", ttl);
	Close(c);
	Close(s);
}

int main(void)
{
	if (setvbuf(stdout, NULL, _IOLBF, 0) != 0)
		err_quit("setvbuf");
	gather_scatter();
	ancillary();
	return 0;
}
