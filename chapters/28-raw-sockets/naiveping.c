/*
 * naiveping.c - a ping that breaks (section 28.4): it sends COUNT echo
 * requests on a raw ICMP socket and counts every echo reply it reads,
 * without looking at the identifier.  A raw ICMP socket is given a copy
 * of every ICMP message the host receives, so another ping's replies
 * are counted as its own.
 *
 * Usage: naiveping [-c COUNT] [-W WAIT_MS] ADDRESS     (IPv4)
 */
#include "lnp.h"
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <time.h>

/* The Internet checksum of an ICMP header alone (8 bytes). */
static uint16_t cksum8(const void *hdr)
{
	const uint16_t *w = hdr;
	uint32_t sum = 0;
	int i;

	for (i = 0; i < 4; i++)
		sum += w[i];		/* any byte order: RFC 1071 */
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int main(int argc, char **argv)
{
	int count = 3, wait_ms = 1000, fd, c, i, replies = 0;
	unsigned char buf[1500];
	struct icmphdr req = { .type = ICMP_ECHO };
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct pollfd pfd;

	while ((c = getopt(argc, argv, "c:W:")) != -1)
		if (c == 'c')
			count = atoi(optarg);
		else if (c == 'W')
			wait_ms = atoi(optarg);
		else
			optind = argc;
	if (optind != argc - 1 || count < 1 ||
	    inet_pton(AF_INET, argv[optind], &dst.sin_addr) != 1)
		err_quit("usage: naiveping [-c COUNT] [-W WAIT_MS] ADDRESS");
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = Socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	req.un.echo.id = htons(getpid() & 0xffff);
	for (i = 1; i <= count; i++) {
		req.un.echo.sequence = htons(i);
		req.checksum = 0;
		req.checksum = cksum8(&req);
		Sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&dst,
		       sizeof(dst));
	}
	printf("sent %d echo requests\n", count);
	pfd.fd = fd;
	pfd.events = POLLIN;
	/* include naive_count */
	while (poll(&pfd, 1, wait_ms) > 0) {
		ssize_t n = Recv(fd, buf, sizeof(buf), 0);
		int hlen = (buf[0] & 0x0f) * 4;

		if (n >= hlen + 8 && buf[hlen] == ICMP_ECHOREPLY)
			replies++;	/* whose reply?  never asked */
	}
	/* end naive_count */
	printf("%d sent, %d received\n", count, replies);
	return 0;
}
