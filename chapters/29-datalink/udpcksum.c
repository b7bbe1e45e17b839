/*
 * udpcksum - asks a DNS server for a name's address with a UDP
 * datagram built by hand, IP header included, sent through a raw
 * socket; catches the reply with libpcap and checks its UDP checksum.
 * -z sends the query with a checksum of zero, -b with a wrong one;
 * -6 asks over IPv6 (the server's address is then an IPv6 one).
 * -i IF captures on IF (default: any); -t MS waits MS for the reply
 * (default 1000); -p PORT sends from that port (default: one the
 * kernel chooses); -x prints both packets in hex as well.
 *
 * usage: udpcksum [-6] [-z|-b] [-x] [-i if] [-t ms] [-p port] server
 *        name
 */
#include "lnp.h"
#include <pcap/pcap.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/udp.h>

#define USAGE "usage: udpcksum [-6] [-z|-b] [-x] [-i if] [-t ms] " \
	      "[-p port] server name"

static int family = AF_INET, hexdump, sport;
static struct sockaddr_storage src, dst;       /* ports: ours, 53 */

/* include cksum */
/* The Internet checksum (RFC 1071): the ones' complement of the ones'
 * complement sum of 16-bit words, SUM carried in from other parts. */
static uint32_t sum16(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len == 1)
		sum += (uint32_t)(p[0] << 8);   /* padded with a zero */
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* UDP's checksum covers a pseudo-header (the two addresses, the
 * protocol and the UDP length) and then the UDP header and data. */
static uint16_t udp_sum(int fam, const void *s, const void *d,
			const void *udp, size_t len)
{
	size_t alen = fam == AF_INET ? 4 : 16;
	uint32_t sum = sum16(sum16(0, s, alen), d, alen);

	sum += IPPROTO_UDP + (uint32_t)len;     /* len < 65536 */
	return fold(sum16(sum, udp, len));
}
/* end cksum */

static const void *addr_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return &((const struct sockaddr_in *)ss)->sin_addr;
	return &((const struct sockaddr_in6 *)ss)->sin6_addr;
}

static int port_of(const struct sockaddr_storage *ss)
{
	return sock_get_port((const struct sockaddr *)ss, sizeof(*ss));
}

static void dump(const char *what, const uint8_t *p, size_t len)
{
	printf("%s, %zu bytes:\n", what, len);
	for (size_t i = 0; i < len; i++)
		printf("%02x%s", p[i], i % 16 == 15 || i + 1 == len ? "\n"
		       : " ");
}

/* A DNS question for the A (IPv4) or AAAA record of NAME, after a
 * 12-byte header: id, "recursion desired", one question. */
static size_t dns_query(uint8_t *q, const char *name, uint16_t id)
{
	size_t n = 12;
	const char *dot;

	memset(q, 0, 12);
	q[0] = id >> 8, q[1] = id & 0xff;
	q[2] = 0x01;                            /* RD */
	q[5] = 1;                               /* QDCOUNT */
	while (*name != '\0') {                 /* labels: length, bytes */
		size_t l = (dot = strchr(name, '.')) ? (size_t)(dot - name)
						     : strlen(name);
		if (l == 0 || l > 63 || n + l > 250)
			err_quit("bad name");
		q[n++] = (uint8_t)l;
		memcpy(q + n, name, l);
		n += l;
		name += l + (dot != NULL);
	}
	q[n++] = 0;
	q[n++] = 0, q[n++] = family == AF_INET ? 1 : 28;  /* A, AAAA */
	q[n++] = 0, q[n++] = 1;                           /* IN */
	return n;
}

/* include build */
/* Builds the whole IP datagram in PKT: IP header, UDP header, the
 * DNS query; CKSUM_MODE 'z' leaves the checksum zero, 'b' spoils it. */
static size_t build(uint8_t *pkt, const char *name, int cksum_mode)
{
	size_t iphl = family == AF_INET ? sizeof(struct ip)
					: sizeof(struct ip6_hdr);
	struct udphdr *uh = (struct udphdr *)(pkt + iphl);
	size_t dlen = dns_query(pkt + iphl + sizeof(*uh), name, 0x2901);
	size_t ulen = sizeof(*uh) + dlen;

	if (family == AF_INET) {
		struct ip *ip = (struct ip *)pkt;

		memset(ip, 0, sizeof(*ip));
		ip->ip_v = 4;
		ip->ip_hl = sizeof(*ip) >> 2;   /* in 32-bit words */
		ip->ip_len = htons((uint16_t)(iphl + ulen));
		ip->ip_ttl = 64;
		ip->ip_p = IPPROTO_UDP;         /* id, sum: the kernel's */
		memcpy(&ip->ip_src, addr_of(&src), 4);
		memcpy(&ip->ip_dst, addr_of(&dst), 4);
	} else {
		struct ip6_hdr *ip6 = (struct ip6_hdr *)pkt;

		memset(ip6, 0, sizeof(*ip6));
		ip6->ip6_flow = htonl(6u << 28);        /* version 6 */
		ip6->ip6_plen = htons((uint16_t)ulen);
		ip6->ip6_nxt = IPPROTO_UDP;
		ip6->ip6_hlim = 64;
		memcpy(&ip6->ip6_src, addr_of(&src), 16);
		memcpy(&ip6->ip6_dst, addr_of(&dst), 16);
	}
	uh->uh_sport = htons((uint16_t)port_of(&src));
	uh->uh_dport = htons((uint16_t)port_of(&dst));
	uh->uh_ulen = htons((uint16_t)ulen);
	uh->uh_sum = 0;
	if (cksum_mode != 'z') {
		uint16_t s = udp_sum(family, addr_of(&src), addr_of(&dst),
				     uh, ulen);

		if (s == 0)
			s = 0xffff;     /* 0 means "none": send all ones */
		if (cksum_mode == 'b')
			s ^= 0x0100;    /* one bit wrong */
		uh->uh_sum = htons(s);
	}
	return iphl + ulen;
}
/* end build */

/* include send */
/* A raw socket of protocol IPPROTO_RAW takes whole IP datagrams, our
 * header included (IP_HDRINCL is implied; IPv6 does the same). */
static void send_raw(const uint8_t *pkt, size_t len)
{
	int fd = Socket(family, SOCK_RAW, IPPROTO_RAW);
	struct sockaddr_storage to = dst;

	sock_set_port((struct sockaddr *)&to, sizeof(to), 0);
	if (sendto(fd, pkt, len, 0, (struct sockaddr *)&to,
		   family == AF_INET ? sizeof(struct sockaddr_in)
				     : sizeof(struct sockaddr_in6)) < 0)
		err_sys("sendto");
	Close(fd);
}
/* end send */

/* include capture */
/* libpcap on IF, delivering each packet at once, keeping only UDP
 * from the server's port 53 to our port. */
static pcap_t *capture_open(const char *ifname)
{
	char err[PCAP_ERRBUF_SIZE], filter[160], a[INET6_ADDRSTRLEN];
	struct bpf_program prog;
	pcap_t *p = pcap_create(ifname, err);

	if (p == NULL)
		err_quit("%s", err);
	pcap_set_snaplen(p, 2048);
	pcap_set_immediate_mode(p, 1);          /* no buffering */
	if (pcap_activate(p) < 0)
		err_quit("%s: %s", ifname, pcap_geterr(p));
	Inet_ntop(family, addr_of(&dst), a, sizeof(a));
	snprintf(filter, sizeof(filter), "%s and udp and src host %s and "
		 "src port %d and dst port %d", family == AF_INET ? "ip"
		 : "ip6", a, port_of(&dst), port_of(&src));
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
	    pcap_setfilter(p, &prog) < 0)
		err_quit("%s: %s", filter, pcap_geterr(p));
	pcap_freecode(&prog);
	if (pcap_setnonblock(p, 1, err) < 0)   /* we wait in poll() */
		err_quit("%s", err);
	return p;
}
/* end capture */

/* Where the IP header starts after the capture's link-layer header. */
static long link_len(pcap_t *p)
{
	switch (pcap_datalink(p)) {
	case DLT_EN10MB:
		return 14;
	case DLT_LINUX_SLL:
		return 16;
	case DLT_LINUX_SLL2:
		return 20;
	case DLT_RAW:
		return 0;
	default:
		return -1;
	}
}

/* The DNS answer: rcode, and the first A or AAAA record. */
static void print_answer(const uint8_t *d, size_t len)
{
	size_t i = 12;
	char a[INET6_ADDRSTRLEN];
	int an = len >= 12 ? d[6] << 8 | d[7] : 0;

	if (len < 12 || (d[3] & 0x0f) != 0) {
		printf("answer: rcode %d\n", len < 12 ? -1 : d[3] & 0x0f);
		return;
	}
	while (i < len && d[i] != 0)            /* the question's name */
		i += d[i] + 1u;
	for (i += 5; an-- > 0 && i + 12 <= len;) {
		int type, rdlen;

		if ((d[i] & 0xc0) == 0xc0)      /* a pointer: 2 bytes */
			i += 2;
		else {
			while (i < len && d[i] != 0)
				i += d[i] + 1u;
			i++;
		}
		if (i + 10 > len)
			break;
		type = d[i] << 8 | d[i + 1];
		rdlen = d[i + 8] << 8 | d[i + 9];
		i += 10;
		if (i + (size_t)rdlen > len)
			break;
		if ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16)) {
			printf("answer: %s\n", Inet_ntop(type == 1 ? AF_INET
			       : AF_INET6, d + i, a, sizeof(a)));
			return;
		}
		i += (size_t)rdlen;
	}
	printf("answer: none\n");
}

/* include verify */
/* Checks the UDP checksum of the reply in PKT (an IP datagram). */
static int check_reply(const uint8_t *pkt, size_t len)
{
	const uint8_t *s, *d;
	size_t iphl;
	const struct udphdr *uh;
	size_t ulen;
	uint16_t got;

	if (family == AF_INET) {
		iphl = (size_t)(pkt[0] & 0x0f) * 4;     /* IHL: words */
		s = pkt + 12, d = pkt + 16;
	} else {
		iphl = sizeof(struct ip6_hdr);
		s = pkt + 8, d = pkt + 24;
	}
	if (len < iphl + sizeof(*uh))
		err_quit("reply cut short (%zu bytes)", len);
	uh = (const struct udphdr *)(pkt + iphl);
	ulen = ntohs(uh->uh_ulen);
	if (ulen < sizeof(*uh) || iphl + ulen > len)
		err_quit("reply cut short (%zu bytes)", len);
	got = ntohs(uh->uh_sum);
	printf("reply: %zu bytes of UDP from port %d, checksum 0x%04x",
	       ulen, ntohs(uh->uh_sport), got);
	if (got == 0)
		printf(": none (the sender did not compute one)\n");
	else if (udp_sum(family, s, d, uh, ulen) == 0)
		printf(": correct\n");  /* the sum, itself included */
	else {
		printf(": WRONG\n");
		return -1;
	}
	print_answer(pkt + iphl + sizeof(*uh), ulen - sizeof(*uh));
	return 0;
}
/* end verify */

/* Our address and a UDP port of our own: a UDP socket connected to
 * the server chooses both, and holding it open keeps the port ours,
 * so the kernel takes the reply instead of answering "port
 * unreachable". */
static int reserve_port(void)
{
	int fd = Socket(family, SOCK_DGRAM, 0);
	socklen_t len = sizeof(src);

	if (sport != 0)
		Bind(fd, (struct sockaddr *)&src, sizeof(src));

	Connect(fd, (struct sockaddr *)&dst, family == AF_INET ?
		sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	Getsockname(fd, (struct sockaddr *)&src, &len);
	return fd;
}

/* include main */
int main(int argc, char **argv)
{
	int c, mode = 0, timeout = 1000, held, rc = 1;
	const char *ifname = "any";
	uint8_t pkt[512];
	size_t len;
	pcap_t *p;
	struct pollfd pf;
	struct pcap_pkthdr *h;
	const u_char *data;
	long ll;
	struct udphdr *uh;

	while ((c = getopt(argc, argv, "6zbxi:t:p:")) != -1) {
		if (c == '6')
			family = AF_INET6;
		else if (c == 'z' || c == 'b')
			mode = c;
		else if (c == 'x')
			hexdump = 1;
		else if (c == 'i')
			ifname = optarg;
		else if (c == 't' && atoi(optarg) > 0)
			timeout = atoi(optarg);
		else if (c == 'p' && atoi(optarg) > 0 && atoi(optarg) < 65536)
			sport = atoi(optarg);
		else
			err_quit(USAGE);
	}
	if (argc - optind != 2)
		err_quit(USAGE);
	memset(&dst, 0, sizeof(dst));
	dst.ss_family = (sa_family_t)family;
	if (inet_pton(family, argv[optind], (void *)addr_of(&dst)) != 1)
		err_quit("%s is not an IPv%d address", argv[optind],
			 family == AF_INET ? 4 : 6);
	sock_set_port((struct sockaddr *)&dst, sizeof(dst), 53);
	memset(&src, 0, sizeof(src));
	src.ss_family = (sa_family_t)family;
	sock_set_port((struct sockaddr *)&src, sizeof(src), sport);
	held = reserve_port();
	p = capture_open(ifname);               /* before the query goes */
	ll = link_len(p);
	if (ll < 0)
		err_quit("link type %d", pcap_datalink(p));

	len = build(pkt, argv[optind + 1], mode);
	if (hexdump)
		dump("query", pkt, len);
	uh = (struct udphdr *)(pkt + (family == AF_INET ? 20 : 40));
	printf("query: %d bytes of UDP to port 53, checksum 0x%04x%s\n",
	       ntohs(uh->uh_ulen), ntohs(uh->uh_sum), mode == 'z' ?
	       " (none)" : mode == 'b' ? " (wrong on purpose)" : "");
	fflush(stdout);
	send_raw(pkt, len);

	pf.fd = pcap_get_selectable_fd(p);
	pf.events = POLLIN;
	for (;;) {
		int r = pcap_next_ex(p, &h, &data);

		if (r == 1 && h->caplen > (bpf_u_int32)ll) {
			if (hexdump)
				dump("reply", data + ll, h->caplen - ll);
			rc = check_reply(data + ll, h->caplen - ll) < 0
			     ? 2 : 0;
			break;
		}
		if (r < 0)
			err_quit("%s", pcap_geterr(p));
		if (r == 0 && Poll(&pf, 1, timeout) == 0) {
			printf("no reply within %d ms\n", timeout);
			break;
		}
	}
	pcap_close(p);
	Close(held);
	return rc;
}
/* end main */
