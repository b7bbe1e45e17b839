/*
 * sniff - a minimal packet sniffer on libpcap: captures on an
 * interface (-i, default eth0) or reads a capture file (-r), keeps what
 * the filter (tcpdump's language, the remaining arguments) accepts,
 * and prints one line a packet:
 *
 *   udp 192.0.2.1.40000 > 192.0.2.2.53 length 34
 *   tcp 2001:db8:1::1.41000 > 2001:db8:1::2.7 length 5
 *   icmp 192.0.2.2 > 192.0.2.1 length 36
 *
 * (the protocol, source and destination, with ports for TCP and UDP,
 * and the length of what the protocol carries: UDP's or TCP's data,
 * the whole ICMP message).  -c N stops after N packets; -s BYTES
 * captures at most BYTES of each packet.  Exits 0, or 1 with pcap's
 * own message when the capture or the filter cannot be set up.
 *
 * usage: sniff [-i if | -r file] [-c count] [-s snaplen] [filter ...]
 */
#include "lnp.h"
#include <pcap/pcap.h>

#define USAGE "usage: sniff [-i if | -r file] [-c count] [-s snaplen] " \
	      "[filter ...]"

/* Big-endian numbers in a packet, whatever its alignment. */
static unsigned get16(const u_char *p)
{
	return (unsigned)(p[0] << 8 | p[1]);
}

/* "ADDR" or "ADDR.PORT", as tcpdump -n writes them. */
static void endpoint(char *out, size_t n, int fam, const u_char *addr,
		     long port)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(fam, addr, a, sizeof(a));
	if (port >= 0)
		snprintf(out, n, "%s.%ld", a, port);
	else
		snprintf(out, n, "%s", a);
}

/* The line for one IP packet whose transport header starts at T
 * (what was captured of it ends at END): PROTO is its protocol and
 * PAYLOAD the length of what IP carries, from the IP header. */
static void print_transport(int fam, const u_char *src, const u_char *dst,
			    int proto, const u_char *t, const u_char *end,
			    long payload)
{
	char s[64], d[64];
	long sport = -1, dport = -1, len = payload;
	const char *name;

	if (proto == IPPROTO_UDP || proto == IPPROTO_TCP) {
		if (end - t < 4)
			return;                 /* ports not captured */
		sport = get16(t);
		dport = get16(t + 2);
	}
	if (proto == IPPROTO_UDP) {
		name = "udp";
		if (end - t >= 6)
			len = (long)get16(t + 4) - 8;
	} else if (proto == IPPROTO_TCP) {
		name = "tcp";
		if (end - t < 13)
			return;
		len = payload - (t[12] >> 4) * 4;       /* data offset */
	} else if (proto == IPPROTO_ICMP && fam == AF_INET) {
		name = "icmp";
	} else if (proto == IPPROTO_ICMPV6 && fam == AF_INET6) {
		name = "icmp6";
	} else {
		return;                         /* not one we print */
	}
	endpoint(s, sizeof(s), fam, src, sport);
	endpoint(d, sizeof(d), fam, dst, dport);
	printf("%s %s > %s length %ld\n", name, s, d, len);
}

/* include sniff_packet */
/* Where the IP packet starts in a frame of this link type, and which
 * protocol the link layer says it is (an Ethernet type). */
static long link_header(int dlt, const u_char *f, size_t caplen,
			unsigned *type)
{
	/* BEGIN SOLUTION */
	switch (dlt) {
	case DLT_EN10MB:                /* dst MAC, src MAC, type */
		if (caplen < 14)
			return -1;
		*type = get16(f + 12);
		if (*type == 0x8100 && caplen >= 18) {  /* one VLAN tag */
			*type = get16(f + 16);
			return 18;
		}
		return 14;
	case DLT_LINUX_SLL:             /* "cooked": 16 bytes, type last */
		if (caplen < 16)
			return -1;
		*type = get16(f + 14);
		return 16;
	case DLT_LINUX_SLL2:            /* type first, 20 bytes */
		if (caplen < 20)
			return -1;
		*type = get16(f);
		return 20;
	case DLT_RAW:                   /* the IP packet itself */
		if (caplen < 1)
			return -1;
		*type = (f[0] >> 4) == 6 ? 0x86dd : 0x0800;
		return 0;
	}
	return -1;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 29.6): the link-layer header's length for DLT
	// (DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW) and the
	// Ethernet type it gives in *type; -1 for a link type not known.
	(void)dlt; (void)f; (void)caplen; (void)type;
	return -1;
	STARTER */
}

/* pcap_loop()'s callback: one line for an IPv4 or IPv6 packet. */
static void sniff_packet(u_char *user, const struct pcap_pkthdr *h,
			 const u_char *f)
{
	int dlt = *(int *)user;
	/* BEGIN SOLUTION */
	unsigned type;
	long off = link_header(dlt, f, h->caplen, &type);
	const u_char *ip = f + off, *end = f + h->caplen;

	if (off < 0)
		return;
	if (type == 0x0800 && end - ip >= 20 && (ip[0] >> 4) == 4) {
		long ihl = (ip[0] & 0x0f) * 4;  /* options included */
		long total = get16(ip + 2);

		if (ihl < 20 || total < ihl)
			return;
		print_transport(AF_INET, ip + 12, ip + 16, ip[9], ip + ihl,
				end, total - ihl);
	} else if (type == 0x86dd && end - ip >= 40 && (ip[0] >> 4) == 6) {
		print_transport(AF_INET6, ip + 8, ip + 24, ip[6], ip + 40,
				end, get16(ip + 4));
	}
	fflush(stdout);
	/* END SOLUTION */
	/* STARTER
	// TODO (sections 29.6 and 29.7): find the IP header after the
	// link-layer header (link_header()), then for IPv4 (its header
	// length is in the IHL field) and IPv6 (40 bytes), call
	// print_transport() with the addresses, the protocol, where the
	// transport header starts and the length from the IP header.
	(void)dlt; (void)h; (void)f;
	(void)link_header; (void)print_transport;
	STARTER */
}
/* end sniff_packet */

/* include sniff_open */
/* A live capture on IFNAME (packets delivered as they come) or the
 * capture file PATH; NULL with pcap's message in ERR on failure. */
static pcap_t *open_capture(const char *ifname, const char *path,
			    int snaplen, char *err)
{
	/* BEGIN SOLUTION */
	pcap_t *p;

	if (path != NULL)
		return pcap_open_offline(path, err);
	if ((p = pcap_create(ifname, err)) == NULL)
		return NULL;
	pcap_set_snaplen(p, snaplen);
	pcap_set_immediate_mode(p, 1);
	if (pcap_activate(p) < 0) {
		snprintf(err, PCAP_ERRBUF_SIZE, "%s: %s", ifname,
			 pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	return p;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 29.5): pcap_open_offline() for a file; for an
	// interface pcap_create(), the snap length, immediate mode,
	// pcap_activate() (its error: pcap_geterr()).
	(void)ifname; (void)path; (void)snaplen;
	snprintf(err, PCAP_ERRBUF_SIZE, "open_capture: not written");
	return NULL;
	STARTER */
}

/* Compiles FILTER for P and sets it; -1 (pcap's message in ERR) if
 * it does not compile.  On an interface, the filter's "broadcast"
 * needs the interface's netmask. */
static int set_filter(pcap_t *p, const char *ifname, const char *filter,
		      char *err)
{
	/* BEGIN SOLUTION */
	struct bpf_program prog;
	bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;

	if (ifname != NULL && pcap_lookupnet(ifname, &net, &mask, err) < 0)
		mask = PCAP_NETMASK_UNKNOWN;
	if (pcap_compile(p, &prog, filter, 1, mask) < 0 ||
	    pcap_setfilter(p, &prog) < 0) {
		snprintf(err, PCAP_ERRBUF_SIZE, "%s", pcap_geterr(p));
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 29.5): pcap_compile() with the interface's netmask
	// (pcap_lookupnet(); PCAP_NETMASK_UNKNOWN for a file), then
	// pcap_setfilter(); on failure, pcap_geterr() into err.
	(void)p; (void)ifname; (void)filter;
	snprintf(err, PCAP_ERRBUF_SIZE, "set_filter: not written");
	return -1;
	STARTER */
}
/* end sniff_open */

/* include sniff_main */
int main(int argc, char **argv)
{
	int c, count = 0, snaplen = 262144, dlt;
	const char *ifname = "eth0", *path = NULL;
	char err[PCAP_ERRBUF_SIZE], filter[1024] = "";
	pcap_t *p;

	while ((c = getopt(argc, argv, "i:r:c:s:")) != -1) {
		if (c == 'i')
			ifname = optarg;
		else if (c == 'r')
			path = optarg;
		else if (c == 'c' && atoi(optarg) > 0)
			count = atoi(optarg);
		else if (c == 's' && atoi(optarg) > 0)
			snaplen = atoi(optarg);
		else
			err_quit(USAGE);
	}
	for (; optind < argc; optind++) {       /* the filter's words */
		if (strlen(filter) + strlen(argv[optind]) + 2 >
		    sizeof(filter))
			err_quit("filter too long");
		if (filter[0] != '\0')
			strcat(filter, " ");
		strcat(filter, argv[optind]);
	}
	if ((p = open_capture(ifname, path, snaplen, err)) == NULL)
		err_quit("%s", err);
	if (set_filter(p, path == NULL ? ifname : NULL, filter, err) < 0)
		err_quit("%s", err);
	dlt = pcap_datalink(p);
	/* BEGIN SOLUTION */
	if (pcap_loop(p, count > 0 ? count : -1, sniff_packet,
		      (u_char *)&dlt) == PCAP_ERROR)
		err_quit("%s", pcap_geterr(p));
	/* END SOLUTION */
	/* STARTER
	// TODO (section 29.5): pcap_loop() with sniff_packet, &dlt as its
	// user argument, and the count (-1 for no limit).
	(void)sniff_packet; (void)count; (void)dlt;
	STARTER */
	pcap_close(p);
	return 0;
}
/* end sniff_main */
