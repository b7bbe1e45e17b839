/*
 * ping.c - lab 28: send ICMP echo requests to a host, IPv4 or IPv6,
 * and print the replies that answer them with their round-trip times,
 * then how many were lost (sections 28.3 to 28.5).
 *
 *     PING 198.51.100.98: 56 data bytes
 *     64 bytes from 198.51.100.98: icmp_seq=1 ttl=61 time=0.105 ms
 *     ...
 *     --- 198.51.100.98 ping statistics ---
 *     3 packets transmitted, 3 received, 0% packet loss
 *     rtt min/avg/max = 0.071/0.088/0.105 ms
 *
 * Usage: ping [-u] [-c COUNT] [-i INTERVAL_MS] [-W WAIT_MS] [-s SIZE]
 *             HOST
 *   -u  an ICMP datagram socket (no privilege) instead of a raw one
 *   -W  how long to wait for replies after the last request (1000)
 *   -s  data bytes after the ICMP header, at least 16 (56)
 * Exits 0 if a reply came, 1 if none did, 2 on an error.
 */
#include "lnp.h"
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <time.h>

#define MAXCOUNT 1000
#define MAXDATA 1400

struct ping {
	int fd, family, dgram;
	uint16_t ident;			/* our identifier */
	struct sockaddr_storage dst;
	socklen_t dstlen;
	char host[INET6_ADDRSTRLEN];
	int datalen, count, interval_ms, wait_ms;
	int sent, received, dups;
	double last_sent;		/* when the last request left */
	unsigned char got[MAXCOUNT + 1];	/* replies seen, by seq */
	double tmin, tmax, tsum;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The Internet checksum (RFC 1071) of LEN bytes at BUF: the ones'
 * complement of the ones'-complement sum of its 16-bit words, an odd
 * last byte taken as the high byte of a word padded with zero.  The
 * result is in network byte order, ready to store. */
uint16_t in_cksum(const void *buf, size_t len)
{
	// TODO (section 28.3): add up 16-bit words (the first byte is the
	// high one), an odd last byte padded with zero, fold the carries
	// back in, complement, and return it in network byte order
	(void)buf;
	(void)len;
	return 0;
}

/* Writes echo request SEQ into BUF: the ICMP header (type, code 0,
 * checksum, identifier, sequence number), then datalen bytes whose
 * first 16 are the time it is sent.  Returns its length. */
static size_t build_echo(struct ping *p, unsigned char *buf, int seq)
{
	size_t len = 8 + p->datalen;
	// TODO (sections 28.3 and 28.4): the type (ICMP_ECHO or
	// ICMP6_ECHO_REQUEST), code 0, identifier and sequence in network
	// byte order, the send time (a struct timespec of CLOCK_MONOTONIC)
	// at buf + 8, then the checksum (IPv4 only: see 28.3)
	(void)p;
	(void)buf;
	(void)seq;
	return len;
}

/* Looks at N bytes received on the socket.  If they are an echo reply
 * to one of our requests, sets *SEQ and *RTT (ms, from the time in the
 * payload) and returns 1; returns 0 for anything else. */
static int parse_reply(struct ping *p, unsigned char *buf, ssize_t n,
		       int *seq, double *rtt)
{
	// TODO (sections 28.4 and 28.5): skip the IP header a raw IPv4
	// socket delivers (28.2), check the type is an echo reply, the
	// identifier ours and the sequence one we sent; the RTT is now
	// minus the time carried in the payload
	(void)p;
	(void)buf;
	(void)n;
	(void)seq;
	(void)rtt;
	(void)now_ms;
	return 0;
}

/* Counts reply SEQ, which took RTT ms, and prints its line; a second
 * reply to the same request is a duplicate, shown but not counted. */
static void count_reply(struct ping *p, int seq, double rtt, int nbytes,
			int ttl, const char *from)
{
	// TODO (section 28.5): count the reply once (a second one to the
	// same request is printed with " (DUP!)" and counted in dups),
	// keep min, max and sum of the RTTs, and print
	// "N bytes from ADDR: icmp_seq=S ttl=T time=X.XXX ms"
	(void)p;
	(void)seq;
	(void)rtt;
	(void)nbytes;
	(void)ttl;
	(void)from;
}

static void print_stats(struct ping *p)
{
	printf("--- %s ping statistics ---\n", p->host);
	// TODO (section 28.5): "N packets transmitted, M received, P%
	// packet loss" (P with %g; "+D duplicates, " before it if any),
	// then "rtt min/avg/max = A/B/C ms" if anything came back
	(void)p;
}

/* A raw ICMP socket, or with -u the unprivileged ICMP datagram socket,
 * asking for the TTL (hop limit) of what arrives. */
static void open_socket(struct ping *p)
{
	int on = 1;

	if (p->family == AF_INET) {
		p->fd = Socket(AF_INET, p->dgram ? SOCK_DGRAM : SOCK_RAW,
			       IPPROTO_ICMP);
		Setsockopt(p->fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
	} else {
		p->fd = Socket(AF_INET6, p->dgram ? SOCK_DGRAM : SOCK_RAW,
			       IPPROTO_ICMPV6);
		Setsockopt(p->fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on,
			   sizeof(on));
	}
	if (p->family == AF_INET6 && !p->dgram) {
		struct icmp6_filter f;	/* only echo replies, please */

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		Setsockopt(p->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f,
			   sizeof(f));
	}
	p->ident = getpid() & 0xffff;
	if (p->dgram) {
		/* the kernel puts its own identifier (the socket's "port")
		 * in every request and passes up only replies carrying it */
		struct sockaddr_storage me;
		socklen_t len = sizeof(me);

		Connect(p->fd, (struct sockaddr *)&p->dst, p->dstlen);
		Getsockname(p->fd, (struct sockaddr *)&me, &len);
		p->ident = sock_get_port((struct sockaddr *)&me, len);
	}
}

/* The TTL or hop limit from the control messages of MSG, or -1. */
static int ttl_of(struct msghdr *msg)
{
	struct cmsghdr *c;
	int ttl;

	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c))
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 &&
		     c->cmsg_type == IPV6_HOPLIMIT)) {
			memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
			return ttl;
		}
	return -1;
}

static void receive_one(struct ping *p)
{
	unsigned char buf[MAXDATA + 128];
	char ctl[256], from[INET6_ADDRSTRLEN];
	struct sockaddr_storage ss;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = { .msg_name = &ss, .msg_namelen = sizeof(ss),
			      .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl,
			      .msg_controllen = sizeof(ctl) };
	ssize_t n = recvmsg(p->fd, &msg, 0);
	int seq, hlen;
	double rtt;

	if (n < 0) {
		if (errno != EINTR)
			err_ret("recvmsg");
		return;
	}
	if (!parse_reply(p, buf, n, &seq, &rtt))
		return;
	hlen = p->family == AF_INET && !p->dgram ? (buf[0] & 0x0f) * 4 : 0;
	sock_ntop_host((struct sockaddr *)&ss, msg.msg_namelen, from,
		       sizeof(from));
	count_reply(p, seq, rtt, (int)n - hlen, ttl_of(&msg), from);
}

static void usage(void)
{
	err_quit("usage: ping [-u] [-c COUNT] [-i INTERVAL_MS] [-W WAIT_MS]"
		 " [-s SIZE] HOST");
}

static int number(const char *s, int lo, int hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		usage();
	return (int)v;
}

int main(int argc, char **argv)
{
	struct ping p = { .count = 5, .interval_ms = 1000, .wait_ms = 1000,
			  .datalen = 56 };
	unsigned char pkt[8 + MAXDATA];
	struct addrinfo *ai;
	struct pollfd pfd;
	double next, end = 0;
	int c;

	while ((c = getopt(argc, argv, "uc:i:W:s:")) != -1) {
		switch (c) {
		case 'u': p.dgram = 1; break;
		case 'c': p.count = number(optarg, 1, MAXCOUNT); break;
		case 'i': p.interval_ms = number(optarg, 1, 60000); break;
		case 'W': p.wait_ms = number(optarg, 1, 60000); break;
		case 's': p.datalen = number(optarg, 16, MAXDATA); break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	ai = host_serv(argv[optind], NULL, AF_UNSPEC, SOCK_DGRAM, &c);
	if (ai == NULL)
		err_quit("ping: %s: %s", argv[optind], name_strerror(c));
	p.family = ai->ai_family;
	memcpy(&p.dst, ai->ai_addr, ai->ai_addrlen);
	p.dstlen = ai->ai_addrlen;
	freeaddrinfo(ai);
	sock_ntop_host((struct sockaddr *)&p.dst, p.dstlen, p.host,
		       sizeof(p.host));
	open_socket(&p);
	printf("PING %s: %d data bytes\n", p.host, p.datalen);

	pfd.fd = p.fd;
	pfd.events = POLLIN;
	next = now_ms();
	for (;;) {
		double now = now_ms();
		int wait;

		if (p.sent < p.count && now >= next) {
			size_t len = build_echo(&p, pkt, ++p.sent);

			if (sendto(p.fd, pkt, len, 0,
				   (struct sockaddr *)&p.dst, p.dstlen) < 0)
				err_ret("sendto");
			p.last_sent = now;
			next += p.interval_ms;
			if (p.sent == p.count)
				end = p.last_sent + p.wait_ms;
			continue;
		}
		if (p.sent == p.count && (now >= end ||
					  p.received == p.count))
			break;
		wait = (int)((p.sent < p.count ? next : end) - now) + 1;
		if (poll(&pfd, 1, wait) > 0)
			receive_one(&p);
	}
	print_stats(&p);
	return p.received > 0 ? 0 : 1;
}
