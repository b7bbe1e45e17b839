/*
 * ch28.h - what chapter 28's suite and lab 28's tests share: the chain
 * of routers they run on, faults made with nftables, the output of
 * ping, traceroute and tracepath read into numbers, and the ICMP
 * checksum of captured packets checked.
 */
#ifndef CH28_H
#define CH28_H

#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#include <pcap/pcap.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <sys/socket.h>

#define CH "28-raw-sockets"

/* hn_chain(3): client - r1 - r2 - r3 - server; link i is
 * 198.51.100.(32 i)/27 and 2001:db8:1i::/64, the left end first. */
#define CLIENT  "198.51.100.1"
#define R1      "198.51.100.2"		/* each router's address ... */
#define R2      "198.51.100.34"		/* ... on the client's side */
#define R3      "198.51.100.66"
#define SERVER  "198.51.100.98"
#define R1_6    "2001:db8:10::2"
#define R2_6    "2001:db8:11::2"
#define R3_6    "2001:db8:12::2"
#define SERVER6 "2001:db8:13::2"

/* Loads nftables RULES (a chain's body) into HOST as table inet NAME
 * with a chain of TYPE ("forward", "output"), replacing an older one
 * of that name: its counters start again from zero. */
static inline void ch28_nft(hn_net *net, const char *host, const char *name,
			    const char *hook, const char *rules)
{
	char *r;

	if (asprintf(&r, "add table inet %s\ndelete table inet %s\n"
		     "table inet %s {\nchain c {\ntype filter hook %s "
		     "priority 0;\n%s\n}\n}\n", name, name, name, hook,
		     rules) < 0)
		abort();
	hn_nft(net, host, r);
	free(r);
}

/* A test's sockets in HOST: the datagram ICMP socket allowed for
 * group 0 (the sandbox's root group) or back to the kernel's default. */
static inline void ping_group_range(hn_net *net, const char *host,
				    const char *range)
{
	int fd;

	hn_enter(net, host);
	fd = open("/proc/sys/net/ipv4/ping_group_range", O_WRONLY);
	TK_EXPECT(fd >= 0 && write(fd, range, strlen(range)) > 0,
		  "cannot set ping_group_range in %s: %s", host,
		  strerror(errno));
	close(fd);
	hn_leave(net);
}

/* The ones'-complement sum (folded, not inverted) of LEN bytes. */
static inline unsigned ch28_sum(const unsigned char *p, size_t len,
				unsigned sum)
{
	for (; len > 1; p += 2, len -= 2)
		sum += p[0] << 8 | p[1];
	if (len == 1)
		sum += p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The test's own echo requests, identifier 4242, from the client: the
 * replies reach every raw ICMP socket there, ping's too. */
static inline void foreign_pings(hn_net *net, int n)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned char m[64];
	int fd, i, got = 0;

	hn_enter(net, "client");
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	hn_leave(net);
	TK_EXPECT(fd >= 0, "the test cannot open a raw socket: %s",
		  strerror(errno));
	inet_pton(AF_INET, SERVER, &dst.sin_addr);
	for (i = 1; i <= n; i++) {
		memset(m, 0, 24);
		m[0] = ICMP_ECHO;
		m[4] = 4242 >> 8, m[5] = 4242 & 0xff, m[7] = i;
		m[2] = ~ch28_sum(m, 24, 0) >> 8;
		m[3] = ~ch28_sum(m, 24, 0) & 0xff;
		TK_EXPECT(sendto(fd, m, 24, 0, (struct sockaddr *)&dst,
				 sizeof(dst)) == 24, "the test cannot ping: "
			  "%s", strerror(errno));
	}
	while (got < n && tk_readable(fd, 1000)) {
		unsigned char b[128];
		ssize_t k = recv(fd, b, sizeof(b), 0);

		if (k >= 28 && b[20] == ICMP_ECHOREPLY && b[24] == 4242 >> 8)
			got++;
	}
	close(fd);
	TK_EXPECT(got == n, "the test's own pings got %d replies of %d",
		  got, n);
}

/* ---- ping's output ------------------------------------------------- */

#define MAXLINES 64
struct pingout {
	int tx, rx, dups;		/* the summary line; -1: none */
	double loss;
	int n;				/* reply lines */
	int seq[MAXLINES], ttl[MAXLINES], dup[MAXLINES];
	double rtt[MAXLINES];
};

/* Reads the output of our ping or iputils' (the same lines). */
static inline struct pingout ping_read(const char *out)
{
	struct pingout po = { .tx = -1, .rx = -1 };
	const char *l;

	for (l = out; l != NULL && *l != '\0';
	     l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *s = strstr(l, "icmp_seq="), *e = strchr(l, '\n');
		const char *d;

		if (s != NULL && strstr(l, "bytes from") != NULL &&
		    (e == NULL || s < e) && po.n < MAXLINES) {
			sscanf(s, "icmp_seq=%d ttl=%d time=%lf",
			       &po.seq[po.n], &po.ttl[po.n], &po.rtt[po.n]);
			d = strstr(s, "DUP!");
			po.dup[po.n++] = d != NULL && (e == NULL || d < e);
		}
		if (sscanf(l, "%d packets transmitted, %d received", &po.tx,
			   &po.rx) == 2) {
			const char *p = strstr(l, "duplicates");
			const char *q = strstr(l, "% packet loss");

			if (p != NULL && (e == NULL || p < e))
				sscanf(strchr(l, '+'), "+%d", &po.dups);
			if (q != NULL) {
				while (q > l && q[-1] != ' ')
					q--;
				po.loss = atof(q);
			}
		}
	}
	return po;
}

/* ---- traceroute's and tracepath's output ---------------------------- */

struct hop {
	char addr[INET6_ADDRSTRLEN];	/* the first address answering */
	int answers, stars, others;	/* others: a second address */
	char mark[8];			/* "!H", ... */
};
struct route {
	int n;				/* hops 1..n in h[0..n-1] */
	struct hop h[32];
};

/* Reads the output of our traceroute, tracerr, or traceroute(8) -n. */
static inline struct route route_read(const char *out)
{
	struct route r = { 0 };
	char *copy = strdup(out), *line, *save;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *tok, *s2, *prev = NULL;
		int num, off;
		struct hop *h;

		if (sscanf(line, "%d%n", &num, &off) != 1 || num < 1 ||
		    num > 32 || line[off] != ' ')
			continue;
		h = &r.h[num - 1];
		if (num > r.n)
			r.n = num;
		for (tok = strtok_r(line + off, " ", &s2); tok != NULL;
		     tok = strtok_r(NULL, " ", &s2)) {
			if (strcmp(tok, "*") == 0)
				h->stars++;
			else if (strcmp(tok, "ms") == 0)
				h->answers++;
			else if (tok[0] == '!')
				snprintf(h->mark, sizeof(h->mark), "%s", tok);
			else if (strchr(tok, ':') != NULL ||
				 (strchr(tok, '.') != NULL &&
				  strchr(tok, '.') != strrchr(tok, '.'))) {
				if (h->addr[0] == '\0')
					snprintf(h->addr, sizeof(h->addr),
						 "%s", tok);
				else if (strcmp(h->addr, tok) != 0)
					h->others++;
			}
			prev = tok;
		}
		(void)prev;
	}
	free(copy);
	return r;
}

/* Reads tracepath -n: " 2:  198.51.100.34   0.016ms" (a hop may come
 * twice; "no reply" leaves it empty). */
static inline struct route tracepath_read(const char *out)
{
	struct route r = { 0 };
	char *copy = strdup(out), *line, *save;

	for (line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char addr[INET6_ADDRSTRLEN];
		int num;

		if (sscanf(line, "%d: %45s", &num, addr) != 2 || num < 1 ||
		    num > 32)
			continue;
		if (num > r.n)
			r.n = num;
		if (strcmp(addr, "no") == 0) {
			r.h[num - 1].stars++;
			continue;
		}
		r.h[num - 1].answers++;
		if (r.h[num - 1].addr[0] == '\0')
			snprintf(r.h[num - 1].addr, sizeof(r.h[0].addr),
				 "%s", addr);
	}
	free(copy);
	return r;
}

/* The route as text, "198.51.100.2 * 198.51.100.66" (a hop with no
 * answer is "*"), for comparisons and messages. */
static inline const char *route_text(const struct route *r)
{
	static char text[4][32 * (INET6_ADDRSTRLEN + 1)];
	static int which;
	char *t = text[which++ % 4];
	int i;

	t[0] = '\0';
	for (i = 0; i < r->n; i++)
		snprintf(t + strlen(t), sizeof(text[0]) - strlen(t), "%s%s",
			 i ? " " : "", r->h[i].addr[0] ? r->h[i].addr : "*");
	return t;
}

/* ---- captures -------------------------------------------------------- */

/* The ICMP message (after Ethernet and the IPv4 header) of the INDEXth
 * packet matching FILTER, copied into BUF; its length, or -1. */
static inline int cap_icmp(hn_cap *cap, const char *filter, int index,
			   unsigned char *buf, size_t size)
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
			int hl = (p[14] & 0xf) * 4;

			len = (int)h->caplen - 14 - hl;
			if (len < 0 || (size_t)len > size)
				len = -1;
			else
				memcpy(buf, p + 14 + hl, len);
			break;
		}
	pcap_freecode(&prog);
	pcap_close(pc);
	return len;
}

#endif
