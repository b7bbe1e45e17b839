/*
 * capscan.c - Lab 2: read a packet capture of a TCP connection and say
 * how it began and how it ended.
 *
 *   capscan FILE
 *
 * FILE is a pcap or pcapng capture (tcpdump -w, Wireshark, the test
 * harness).  capscan follows the first connection whose SYN is in the
 * capture and prints, one fact a line:
 *
 *   client: 192.0.2.1:43512             who sent the SYN
 *   server: 192.0.2.2:13                who answered it
 *   handshake: packets 3, 4, 5          SYN, SYN+ACK, ACK
 *   mss: client 1460, server 1460       the MSS each side announced
 *   first fin: server, packet 7         or "first fin: none"
 *   second fin: client, packet 9        or "second fin: none"
 *   reset: client, packet 8             only if a RST ended it
 *   time_wait: server                   or "none"
 *
 * Packets are numbered from 1 in the order of the file, every packet
 * counted (ARP and the like too), as Wireshark numbers them.  The side
 * that sends the first FIN does the active close and ends in TIME_WAIT,
 * once the other side's FIN has come; a connection reset ends with
 * neither.  An MSS a side did not announce prints as "none".
 *
 * Exit status: 0 after a report, 1 when the file cannot be read or holds
 * no complete three-way handshake, 2 for a usage error.
 */
#include "lnp.h"

#include <pcap/pcap.h>

/* ---- what one TCP segment says (you fill it in parse_segment) -------- */

struct endpoint {
	int family;                /* AF_INET or AF_INET6 */
	uint8_t addr[16];          /* 4 bytes used for IPv4 */
	uint16_t port;             /* host byte order */
};

struct segment {
	struct endpoint src, dst;
	uint32_t seq, ack;         /* host byte order */
	uint8_t flags;             /* TH_SYN, TH_ACK, TH_FIN, TH_RST... */
	int mss;                   /* the MSS option, or -1 if none */
};

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

/* ---- what we learn about the connection (you fill it in follow) ------ */

struct conn {
	struct endpoint client, server;
	long syn, synack, ack;     /* packet numbers; 0 = not seen yet */
	uint32_t client_isn, server_isn;
	int client_mss, server_mss;        /* -1 = not announced */
	long fin[2];               /* the first and the second FIN */
	int fin_by_client[2];      /* 1 if that FIN came from the client */
	long rst;                  /* the first RST, 0 if none */
	int rst_by_client;
};

static int same_endpoint(const struct endpoint *a, const struct endpoint *b)
{
	size_t len = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && a->port == b->port &&
	       memcmp(a->addr, b->addr, len) == 0;
}

/* ---- the link layer: provided --------------------------------------- */

/*
 * Finds the IP header in a captured frame of link type DLT.  Returns a
 * pointer to it and sets *len to the bytes captured from there on, or
 * returns NULL for frames that carry no IP (ARP, ...) and for link
 * types this program does not know.
 */
static const uint8_t *ip_header(int dlt, const uint8_t *frame,
				size_t caplen, size_t *len)
{
	size_t skip, type_at;
	uint16_t type;

	switch (dlt) {
	case DLT_EN10MB:           /* Ethernet (veth, bridges) */
		skip = 14, type_at = 12;
		break;
	case DLT_LINUX_SLL:        /* tcpdump -i any, older form */
		skip = 16, type_at = 14;
		break;
	case DLT_LINUX_SLL2:       /* tcpdump -i any */
		skip = 20, type_at = 0;
		break;
	case DLT_RAW:              /* bare IP */
		skip = 0, type_at = 0;
		break;
	default:
		return NULL;
	}
	if (caplen < skip || caplen - skip < 1)
		return NULL;
	if (dlt == DLT_EN10MB && caplen >= 18 &&
	    frame[12] == 0x81 && frame[13] == 0x00)
		skip = 18, type_at = 16;        /* an 802.1Q VLAN tag */
	if (dlt != DLT_RAW) {
		type = (uint16_t)(frame[type_at] << 8 | frame[type_at + 1]);
		if (type != 0x0800 && type != 0x86dd)
			return NULL;
	}
	*len = caplen - skip;
	return frame + skip;
}

/* ---- the network and transport layers: yours ------------------------ */

/* Reads a 16- or 32-bit number in network byte order from p. */
static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}


/*
 * Decodes the IPv4 or IPv6 header at ip (len bytes captured) and the TCP
 * header after it into *s.  Returns 0, or -1 when the packet is not TCP
 * or is cut too short to hold a TCP header.  Bytes past len were not
 * captured: never read them, whatever the headers claim.
 */
static int parse_segment(const uint8_t *ip, size_t len, struct segment *s)
{
	// TODO (section 2.6): IPv4 (version 4, header length from its low
	// nibble, protocol 6, not a later fragment) or IPv6 (version 6,
	// next header 6; header of 40 bytes): fill s->src and s->dst.  Then
	// the TCP header: ports, seq, ack (get16/get32), flags (byte 13),
	// and the MSS option (kind 2, length 4) among the options between
	// byte 20 and the data offset; s->mss = -1 if there is none.
	(void)ip;
	(void)len;
	(void)s;
	(void)get16;
	(void)get32;
	return -1;
}

/*
 * Updates what we know of the connection with segment s, packet number
 * no.  The connection is the one of the first SYN (without ACK) in the
 * capture; segments of other connections are ignored.
 */
static void follow(struct conn *c, const struct segment *s, long no)
{
	// TODO (sections 2.6 and 2.7): remember the first SYN without ACK
	// (client, server, ISN, MSS); then the SYN+ACK from the server whose
	// ack is the client's ISN + 1; then the client's ACK whose ack is
	// the server's ISN + 1.  After that, record the first FIN of each
	// side, in order, and the first RST.  Ignore other connections.
	(void)c;
	(void)s;
	(void)no;
	(void)same_endpoint;
}

/* ---- the report: provided ------------------------------------------ */

static const char *endpoint_text(const struct endpoint *e, char *buf,
				 size_t len)
{
	struct sockaddr_storage ss;
	socklen_t salen;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)e->family;
	salen = e->family == AF_INET ? sizeof(struct sockaddr_in)
				     : sizeof(struct sockaddr_in6);
	sock_set_addr((struct sockaddr *)&ss, salen, e->addr);
	sock_set_port((struct sockaddr *)&ss, salen, e->port);
	if (sock_ntop((struct sockaddr *)&ss, salen, buf, len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

static void print_mss(const char *label, int mss, const char *end)
{
	if (mss < 0)
		printf("%s none%s", label, end);
	else
		printf("%s %d%s", label, mss, end);
}

static void print_fin(const char *which, long no, int by_client)
{
	if (no == 0)
		printf("%s fin: none\n", which);
	else
		printf("%s fin: %s, packet %ld\n", which,
		       by_client ? "client" : "server", no);
}

/* The side that closed first waits in TIME_WAIT once the other side's
 * FIN has arrived; a reset before that ends the connection at once. */
static const char *time_wait_side(const struct conn *c)
{
	if (c->fin[1] == 0 || (c->rst != 0 && c->rst < c->fin[1]))
		return "none";
	return c->fin_by_client[0] ? "client" : "server";
}

static void report(const struct conn *c)
{
	char text[SOCK_NTOP_LEN];

	printf("client: %s\n", endpoint_text(&c->client, text, sizeof(text)));
	printf("server: %s\n", endpoint_text(&c->server, text, sizeof(text)));
	printf("handshake: packets %ld, %ld, %ld\n", c->syn, c->synack,
	       c->ack);
	print_mss("mss: client", c->client_mss, ",");
	print_mss(" server", c->server_mss, "\n");
	print_fin("first", c->fin[0], c->fin_by_client[0]);
	print_fin("second", c->fin[1], c->fin_by_client[1]);
	if (c->rst != 0)
		printf("reset: %s, packet %ld\n",
		       c->rst_by_client ? "client" : "server", c->rst);
	printf("time_wait: %s\n", time_wait_side(c));
}

/* Follows every packet of the capture.  A capture cut short (tcpdump
 * killed mid-write) is reported, and what came before it still counts. */
static void scan(pcap_t *pc, const char *path, struct conn *c)
{
	struct pcap_pkthdr *hdr;
	const uint8_t *frame;
	struct segment s;
	long no = 0;
	int rc;

	while ((rc = pcap_next_ex(pc, &hdr, &frame)) == 1) {
		const uint8_t *ip;
		size_t len;

		no++;
		ip = ip_header(pcap_datalink(pc), frame, hdr->caplen, &len);
		memset(&s, 0, sizeof(s));
		if (ip != NULL && parse_segment(ip, len, &s) == 0)
			follow(c, &s, no);
	}
	if (rc == PCAP_ERROR)
		err_msg("%s: cannot read packet %ld (%s); reporting the %ld "
			"before it", path, no + 1, pcap_geterr(pc), no);
}

int main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct conn c;
	pcap_t *pc;

	if (argc != 2) {
		fprintf(stderr, "usage: capscan FILE\n");
		return 2;
	}
	pc = pcap_open_offline(argv[1], errbuf);
	if (pc == NULL) {
		err_msg("cannot read %s: %s", argv[1], errbuf);
		return 1;
	}
	memset(&c, 0, sizeof(c));
	c.client_mss = c.server_mss = -1;
	scan(pc, argv[1], &c);
	pcap_close(pc);
	if (c.ack == 0) {
		err_msg("%s: no complete three-way handshake (SYN, SYN+ACK, "
			"ACK) in the capture", argv[1]);
		return 1;
	}
	report(&c);
	return 0;
}
