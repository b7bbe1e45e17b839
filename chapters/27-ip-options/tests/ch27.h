/*
 * ch27.h - what chapter 27's suite and lab 27's tests share: the chain
 * of routers they run on, and the IPv4 options of captured packets.
 */
#ifndef CH27_H
#define CH27_H

#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#include <pcap/pcap.h>
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>

#define CH "27-ip-options"

/* hn_chain(2): client - r1 - r2 - server, links 198.51.100.0/27,
 * .32/27 and .64/27, each link's left end the first address. */
#define CLIENT   "198.51.100.1"
#define R1_LEFT  "198.51.100.2"	/* r1 on the client's link */
#define R1_RIGHT "198.51.100.33"
#define R2_LEFT  "198.51.100.34"
#define R2_RIGHT "198.51.100.65"
#define SERVER   "198.51.100.66"

/* Packets with IPv4 options (a header longer than 20 bytes). */
#define WITH_OPTS "ip and ip[0] & 0xf > 5"

/* The IP options of the INDEXth (0 = first) packet matching FILTER
 * that CAP has seen, copied into OPT (40 bytes); their length, or -1
 * if there is no such packet. */
static inline int cap_ipopts(hn_cap *cap, const char *filter, int index,
			     unsigned char *opt)
{
	char err[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	struct pcap_pkthdr *h;
	const u_char *p;
	pcap_t *pc;
	int len = -1;

	hn_cap_count(cap, "");		/* takes in what came, flushes */
	pc = pcap_open_offline(hn_cap_path(cap), err);
	TK_EXPECT(pc != NULL, "cannot read %s: %s", hn_cap_path(cap), err);
	TK_EXPECT(pcap_compile(pc, &prog, filter, 1,
			       PCAP_NETMASK_UNKNOWN) == 0,
		  "bad filter %s", filter);
	while (pcap_next_ex(pc, &h, &p) == 1)
		if (pcap_offline_filter(&prog, h, p) && index-- == 0) {
			len = (p[14] & 0xf) * 4 - 20;	/* after Ethernet */
			if (len > 0 && h->caplen >= 34u + (unsigned)len)
				memcpy(opt, p + 34, len);
			break;
		}
	pcap_freecode(&prog);
	pcap_close(pc);
	return len;
}

/* The addresses in the route option (LSRR, SSRR or RR) that starts at
 * OPT + AT, as "A B C" (the pointer in *PTR); "" if there is none. */
static inline const char *route_of(const unsigned char *opt, int len,
				   int *ptr)
{
	static char text[10 * INET_ADDRSTRLEN];
	char a[INET_ADDRSTRLEN];
	int i = 0;

	text[0] = '\0';
	*ptr = 0;
	while (i < len && opt[i] == IPOPT_NOP)
		i++;
	if (i + 3 > len || opt[i + 1] < 3 || i + opt[i + 1] > len)
		return text;
	*ptr = opt[i + 2];
	for (int o = i + 3; o + 4 <= i + opt[i + 1]; o += 4) {
		inet_ntop(AF_INET, opt + o, a, sizeof(a));
		strcat(text, text[0] ? " " : "");
		strcat(text, a);
	}
	return text;
}

#endif
