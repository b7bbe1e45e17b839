/*
 * tracerr.c - traceroute without a raw socket (section 28.7): the UDP
 * probes' own socket asks for IP_RECVERR (IPV6_RECVERR), and the kernel
 * queues each ICMP error about them on that socket's error queue, read
 * with recvmsg(MSG_ERRQUEUE).  No privilege needed.  Prints what
 * traceroute prints:
 *
 *      1  198.51.100.2  0.045 ms  0.013 ms  0.012 ms
 *
 * Usage: tracerr [-m MAXHOPS] [-q PROBES] [-w WAIT_MS] HOST
 */
#include "lnp.h"
#include <linux/errqueue.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* include read_error */
/* Reads one entry of FD's error queue.  Returns the probe number it is
 * about (the probe's payload comes back with it), or -1; fills *ee and
 * *from, the address of the router or host that sent the ICMP error. */
static int read_error(int fd, struct sock_extended_err *ee,
		      struct sockaddr_storage *from)
{
	char ctl[512];
	int seq = -1;
	struct iovec iov = { &seq, sizeof(seq) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl,
			      .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;

	if (recvmsg(fd, &msg, MSG_ERRQUEUE) < 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if ((c->cmsg_level == IPPROTO_IP &&
		     c->cmsg_type == IP_RECVERR) ||
		    (c->cmsg_level == IPPROTO_IPV6 &&
		     c->cmsg_type == IPV6_RECVERR)) {
			struct sock_extended_err *e = (void *)CMSG_DATA(c);

			size_t alen = c->cmsg_len - CMSG_LEN(sizeof(*e));

			memcpy(ee, e, sizeof(*ee));
			/* the offender's address follows the structure */
			memset(from, 0, sizeof(*from));
			memcpy(from, SO_EE_OFFENDER(e),
			       alen < sizeof(*from) ? alen : sizeof(*from));
			return seq;
		}
	return -1;
}
/* end read_error */

/* include errq_probe */
/* Sends probe SEQ with hop limit TTL and waits at most WAIT_MS for the
 * error it provokes.  Returns 0 (nothing), 1 (time exceeded: a router)
 * or 2 (unreachable: the end), with the sender and the time taken. */
static int errq_probe(int fd, struct sockaddr *dst, socklen_t len,
		      int seq, int wait_ms, struct sockaddr_storage *from,
		      double *rtt, int *code)
{
	double sent = now_ms(), deadline = sent + wait_ms;
	struct pollfd pfd = { .fd = fd, .events = 0 };	/* POLLERR only */
	struct sock_extended_err ee;

	sock_set_port(dst, len, 33434 + seq);
	if (sendto(fd, &seq, sizeof(seq), 0, dst, len) < 0 &&
	    errno != EHOSTUNREACH && errno != ECONNREFUSED)
		err_ret("sendto");
	while (poll(&pfd, 1, (int)(deadline - now_ms()) + 1) > 0) {
		if (read_error(fd, &ee, from) != seq)
			continue;		/* an older probe's */
		*rtt = now_ms() - sent;
		*code = ee.ee_code;
		if (ee.ee_origin == SO_EE_ORIGIN_ICMP)
			return ee.ee_type == ICMP_TIME_EXCEEDED ? 1 : 2;
		if (ee.ee_origin == SO_EE_ORIGIN_ICMP6)
			return ee.ee_type == ICMP6_TIME_EXCEEDED ? 1 : 2;
	}
	return 0;
}
/* end errq_probe */

int main(int argc, char **argv)
{
	int maxhops = 30, nprobes = 3, wait_ms = 1000, on = 1, c, ttl, i;
	int fd, seq = 0, done = 0, reached = 0, code, r;
	struct sockaddr_storage dst, from;
	char host[INET6_ADDRSTRLEN], addr[INET6_ADDRSTRLEN], last[64];
	struct addrinfo *ai;
	socklen_t len;
	double rtt;

	while ((c = getopt(argc, argv, "m:q:w:")) != -1) {
		switch (c) {
		case 'm': maxhops = atoi(optarg); break;
		case 'q': nprobes = atoi(optarg); break;
		case 'w': wait_ms = atoi(optarg); break;
		default: optind = argc;
		}
	}
	if (optind != argc - 1 || maxhops < 1 || maxhops > 255 ||
	    nprobes < 1 || nprobes > 10 || wait_ms < 1)
		err_quit("usage: tracerr [-m MAXHOPS] [-q PROBES] "
			 "[-w WAIT_MS] HOST");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((ai = host_serv(argv[optind], NULL, AF_UNSPEC, SOCK_DGRAM,
			    &c)) == NULL)
		err_quit("tracerr: %s: %s", argv[optind], name_strerror(c));
	memcpy(&dst, ai->ai_addr, ai->ai_addrlen);
	len = ai->ai_addrlen;
	fd = Socket(ai->ai_family, SOCK_DGRAM, 0);
	/* include recverr */
	if (ai->ai_family == AF_INET)
		Setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
	else
		Setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(on));
	/* end recverr */
	sock_ntop_host((struct sockaddr *)&dst, len, host, sizeof(host));
	printf("traceroute to %s, %d hops max\n", host, maxhops);
	for (ttl = 1; ttl <= maxhops && !done; ttl++) {
		if (ai->ai_family == AF_INET)
			Setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
		else
			Setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl,
				   sizeof(ttl));
		printf("%2d ", ttl);
		last[0] = '\0';
		for (i = 0; i < nprobes; i++) {
			r = errq_probe(fd, (struct sockaddr *)&dst, len, ++seq,
				       wait_ms, &from, &rtt, &code);
			if (r == 0) {
				printf(" *");
				continue;
			}
			sock_ntop_host((struct sockaddr *)&from, sizeof(from),
				       addr, sizeof(addr));
			if (strcmp(addr, last) != 0)
				printf(" %s", addr);
			snprintf(last, sizeof(last), "%s", addr);
			printf("  %.3f ms", rtt);
			if (r == 2) {
				done = 1;
				reached |= ai->ai_family == AF_INET ?
					   code == ICMP_PORT_UNREACH :
					   code == ICMP6_DST_UNREACH_NOPORT;
			}
		}
		printf("\n");
	}
	freeaddrinfo(ai);
	return reached ? 0 : 1;
}
