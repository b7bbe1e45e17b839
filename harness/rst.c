/*
 * rst.c - injecting a RST into a live TCP connection.
 *
 * A RST is only believed if its sequence number is exactly the one the
 * receiver expects next (RFC 5961).  To learn it without touching the
 * victim's socket, we ask the victim: a SYN sent on an established
 * connection makes Linux answer with a "challenge ACK" whose ack field is
 * that number.  Both segments are sent from the peer's own namespace, so
 * they cross the real link and show up in captures.
 */
#include "hn_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip6.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct conn {
	int family;
	unsigned char local[16], remote[16];
	int lport, rport;
};

/* Reads "0100007F:1F90" (the kernel's byte order, word by word). */
static int parse_hex_addr(const char *text, int family, unsigned char *out,
			  int *port)
{
	int words = family == AF_INET ? 1 : 4, i;
	unsigned w, p;

	for (i = 0; i < words; i++) {
		if (sscanf(text + 8 * i, "%8x", &w) != 1)
			return -1;
		memcpy(out + 4 * i, &w, 4);
	}
	if (sscanf(text + 8 * words, ":%x", &p) != 1)
		return -1;
	*port = (int)p;
	return 0;
}

/* Finds a connection (not a listener) on local PORT in the current
 * namespace's /proc/net/tcp or tcp6. */
static int find_conn(int port, struct conn *c)
{
	const char *files[] = { "/proc/thread-self/net/tcp",
				"/proc/thread-self/net/tcp6" };
	char line[512], la[64], ra[64];
	unsigned st;
	int f;

	for (f = 0; f < 2; f++) {
		FILE *in = fopen(files[f], "re");

		if (in == NULL)
			continue;
		c->family = f == 0 ? AF_INET : AF_INET6;
		while (fgets(line, sizeof(line), in) != NULL) {
			if (sscanf(line, " %*d: %63s %63s %x", la, ra, &st) != 3
			    || st == 0x0A ||
			    parse_hex_addr(la, c->family, c->local, &c->lport)
			    < 0 || c->lport != port ||
			    parse_hex_addr(ra, c->family, c->remote, &c->rport)
			    < 0)
				continue;
			fclose(in);
			return 0;
		}
		fclose(in);
	}
	return -1;
}

/* The host that owns address A, or -1. */
static int owner(hn_net *net, int family, const unsigned char *a)
{
	char text[INET6_ADDRSTRLEN];
	int h, i, fam = family == AF_INET6;

	inet_ntop(family, a, text, sizeof(text));
	for (h = 0; h < net->t.nhosts; h++)
		for (i = 0; i < net->t.hosts[h].nifs; i++)
			if (strcmp(net->t.hosts[h].ifs[i].text[fam], text) == 0)
				return h;
	return -1;
}

static uint16_t checksum(const unsigned char *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A bare TCP header from the peer (remote) to the host (local). */
static void tcp_segment(const struct conn *c, uint32_t seq, uint8_t flags,
			unsigned char seg[20])
{
	uint32_t nseq = htonl(seq), sum = 0;
	int i, alen = c->family == AF_INET ? 4 : 16;

	memset(seg, 0, 20);
	seg[0] = (unsigned char)(c->rport >> 8);
	seg[1] = (unsigned char)c->rport;
	seg[2] = (unsigned char)(c->lport >> 8);
	seg[3] = (unsigned char)c->lport;
	memcpy(seg + 4, &nseq, 4);
	seg[12] = 5 << 4;
	seg[13] = flags;
	seg[14] = 0x20;             /* some window */
	if (c->family == AF_INET6)
		return;             /* the kernel sums it (IPV6_CHECKSUM) */
	for (i = 0; i < alen; i += 2)
		sum += (uint32_t)(c->remote[i] << 8 | c->remote[i + 1]) +
		       (uint32_t)(c->local[i] << 8 | c->local[i + 1]);
	sum += IPPROTO_TCP + 20;
	{
		uint16_t ck = htons(checksum(seg, 20, sum));

		memcpy(seg + 16, &ck, 2);
	}
}

/* A raw TCP socket in the current namespace bound to the peer's address. */
static int raw_socket(const struct conn *c)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	int fd = socket(c->family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
	int offset = 16;

	if (fd < 0)
		return -1;
	ss.ss_family = (sa_family_t)c->family;
	if (c->family == AF_INET)
		memcpy(&sin->sin_addr, c->remote, 4);
	else {
		memcpy(&sin6->sin6_addr, c->remote, 16);
		setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &offset,
			   sizeof(offset));
	}
	if (bind(fd, (struct sockaddr *)&ss, c->family == AF_INET ?
		 sizeof(*sin) : sizeof(*sin6)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_segment(int fd, const struct conn *c, uint32_t seq,
			uint8_t flags)
{
	struct sockaddr_storage ss = { 0 };
	unsigned char seg[20];

	tcp_segment(c, seq, flags, seg);
	ss.ss_family = (sa_family_t)c->family;
	if (c->family == AF_INET)
		memcpy(&((struct sockaddr_in *)&ss)->sin_addr, c->local, 4);
	else
		memcpy(&((struct sockaddr_in6 *)&ss)->sin6_addr, c->local, 16);
	return sendto(fd, seg, 20, 0, (struct sockaddr *)&ss,
		      c->family == AF_INET ? sizeof(struct sockaddr_in) :
		      sizeof(struct sockaddr_in6)) == 20 ? 0 : -1;
}

/* Waits for the host's answer on the connection; returns its ack
 * number, the sequence number the host expects from its peer. */
static int challenge_ack(pcap_t *pc, int timeout_ms, uint32_t *ack)
{
	long deadline = hn_now_ms() + timeout_ms;
	struct pcap_pkthdr *hdr;
	const unsigned char *d;

	for (;;) {
		struct pollfd pfd = { .fd = pcap_get_selectable_fd(pc),
				      .events = POLLIN };
		long left = deadline - hn_now_ms();
		int r = pcap_next_ex(pc, &hdr, &d);

		if (r == 1) {
			/* "any" gives a 16-byte cooked header */
			size_t ip = 16, off;
			int v6 = (d[ip] >> 4) == 6;

			off = ip + (v6 ? 40 : (size_t)(d[ip] & 0x0f) * 4);
			if (hdr->caplen < off + 20)
				continue;
			memcpy(ack, d + off + 8, 4);
			*ack = ntohl(*ack);
			return 0;
		}
		if (r < 0 || left <= 0)
			return -1;
		poll(&pfd, 1, (int)left);
	}
}

static int inject(hn_net *net, int h, struct conn *c, int timeout_ms)
{
	char filter[256], ltext[INET6_ADDRSTRLEN], rtext[INET6_ADDRSTRLEN];
	int peer = owner(net, c->family, c->remote), fd, rc;
	uint32_t ack = 0;
	pcap_t *pc;

	inet_ntop(c->family, c->remote, rtext, sizeof(rtext));
	inet_ntop(c->family, c->local, ltext, sizeof(ltext));
	if (peer < 0)
		return hn_err("RST injection: the connection's peer %s is not "
			      "a host of this network", rtext);
	snprintf(filter, sizeof(filter), "tcp and src host %s and src port "
		 "%d and dst host %s and dst port %d and tcp[13] & 4 == 0",
		 ltext, c->lport, rtext, c->rport);
	if (c->family == AF_INET6)   /* pcap's tcp[] is IPv4-only */
		snprintf(filter, sizeof(filter), "ip6 and src host %s and "
			 "dst host %s and tcp src port %d and tcp dst port %d",
			 ltext, rtext, c->lport, c->rport);
	pc = hn_pcap_any(net, h, filter);
	if (pc == NULL)
		return -1;
	if (hn_ns_enter(net->t.hosts[peer].nsfd) < 0) {
		pcap_close(pc);
		return -1;
	}
	fd = raw_socket(c);
	rc = fd < 0 ? hn_err("RST injection: raw socket: %s",
			     strerror(errno))
		    : send_segment(fd, c, 0x5eed0000u, 0x02 /* SYN */);
	if (rc == 0 && challenge_ack(pc, timeout_ms, &ack) < 0)
		rc = hn_err("RST injection: host %s did not answer a probe on "
			    "its connection %s.%d > %s.%d within %d ms",
			    net->t.hosts[h].name, ltext, c->lport, rtext,
			    c->rport, timeout_ms);
	if (rc == 0)
		rc = send_segment(fd, c, ack, 0x04 /* RST */);
	if (fd >= 0)
		close(fd);
	hn_ns_leave();
	pcap_close(pc);
	return rc;
}

int hn_inject_rst(hn_net *net, const char *host, int port, int timeout_ms)
{
	int h = net == NULL ? -1 : hn_host_find(&net->t, host), rc;
	struct conn c;

	if (h < 0)
		return hn_check(hn_no_host(net, host));
	if (hn_ns_enter(net->t.hosts[h].nsfd) < 0)
		return hn_check(-1);
	rc = find_conn(port, &c);
	hn_ns_leave();
	if (rc < 0)
		return hn_check(hn_err("RST injection: host %s has no TCP "
				       "connection on local port %d", host,
				       port));
	return hn_check(inject(net, h, &c, timeout_ms));
}
