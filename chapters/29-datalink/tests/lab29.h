/*
 * lab29.h - how lab 29's tests (public and hidden) make capture files,
 * run the student's sniff and tcpdump on the same packets, and compare
 * their lines.
 */
#ifndef LAB29_H
#define LAB29_H

#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include <pcap/pcap.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- packets, built byte by byte ------------------------------------- */

struct pk {
	unsigned char b[2048];
	size_t len;
};

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* Transport header + DATALEN bytes of data into T: PROTO 17 (UDP), 6
 * (TCP, with TCPOPT bytes of options: a multiple of 4), 1 or 58 (an
 * echo request).  Returns its length. */
static size_t pk_transport(unsigned char *t, int proto, unsigned sport,
			   unsigned dport, size_t datalen, size_t tcpopt)
{
	size_t h = proto == 17 ? 8 : proto == 6 ? 20 + tcpopt : 8;

	memset(t, 0, h + datalen);
	memset(t + h, 'x', datalen);
	if (proto == 17) {
		put16(t, sport);
		put16(t + 2, dport);
		put16(t + 4, (unsigned)(8 + datalen));
	} else if (proto == 6) {
		put16(t, sport);
		put16(t + 2, dport);
		t[12] = (unsigned char)((h / 4) << 4);
		t[13] = 0x18;                   /* PSH ACK */
		put16(t + 14, 65535);
		for (size_t i = 0; i < tcpopt; i++)
			t[20 + i] = 1;          /* NOPs */
	} else {
		t[0] = proto == 1 ? 8 : 128;    /* echo request */
		put16(t + 4, 0x1d);             /* id */
		put16(t + 6, 1);                /* sequence */
	}
	return h + datalen;
}

/* An IPv4 packet from SRC to DST with OPTLEN bytes of IP options (a
 * multiple of 4: NOPs and an end) and the transport above. */
static size_t pk_ip4(unsigned char *p, const char *src, const char *dst,
		     size_t optlen, int proto, unsigned sport, unsigned dport,
		     size_t datalen, size_t tcpopt)
{
	size_t ihl = 20 + optlen, tl;

	memset(p, 0, ihl);
	p[0] = (unsigned char)(0x40 | ihl / 4);
	p[8] = 64;
	p[9] = (unsigned char)proto;
	inet_pton(AF_INET, src, p + 12);
	inet_pton(AF_INET, dst, p + 16);
	for (size_t i = 0; i < optlen; i++)
		p[20 + i] = i + 1 == optlen ? 0 : 1;    /* NOPs, EOL */
	tl = ihl + pk_transport(p + ihl, proto, sport, dport, datalen,
				tcpopt);
	put16(p + 2, (unsigned)tl);
	return tl;
}

static size_t pk_ip6(unsigned char *p, const char *src, const char *dst,
		     int proto, unsigned sport, unsigned dport, size_t datalen,
		     size_t tcpopt)
{
	size_t pl;

	memset(p, 0, 40);
	p[0] = 0x60;
	p[6] = (unsigned char)proto;
	p[7] = 64;
	inet_pton(AF_INET6, src, p + 8);
	inet_pton(AF_INET6, dst, p + 24);
	pl = pk_transport(p + 40, proto, sport, dport, datalen, tcpopt);
	put16(p + 4, (unsigned)pl);
	return 40 + pl;
}

/* The link-layer header for DLT in front of an IP packet (IP version
 * V) of LEN bytes at IP; the frame in K. */
static void pk_frame(struct pk *k, int dlt, int v, const unsigned char *ip,
		     size_t len)
{
	static const unsigned char mac1[6] = { 2, 0, 0, 0, 0, 1 },
				   mac2[6] = { 2, 0, 0, 0, 0, 2 };
	unsigned type = v == 6 ? 0x86dd : 0x0800;
	size_t h = 0;

	memset(k->b, 0, 20);
	if (dlt == DLT_EN10MB) {
		memcpy(k->b, mac2, 6);
		memcpy(k->b + 6, mac1, 6);
		put16(k->b + 12, type);
		h = 14;
	} else if (dlt == DLT_EN10MB + 1000) {  /* one VLAN tag */
		memcpy(k->b, mac2, 6);
		memcpy(k->b + 6, mac1, 6);
		put16(k->b + 12, 0x8100);
		put16(k->b + 14, 7);
		put16(k->b + 16, type);
		h = 18;
	} else if (dlt == DLT_LINUX_SLL) {
		put16(k->b, 0);                 /* to us */
		put16(k->b + 2, 1);             /* ARPHRD_ETHER */
		put16(k->b + 4, 6);
		memcpy(k->b + 6, mac1, 6);
		put16(k->b + 14, type);
		h = 16;
	} else if (dlt == DLT_LINUX_SLL2) {
		put16(k->b, type);
		k->b[7] = 2;                    /* ifindex 2 */
		put16(k->b + 8, 1);             /* ARPHRD_ETHER */
		k->b[11] = 6;
		memcpy(k->b + 12, mac1, 6);
		h = 20;
	}
	memcpy(k->b + h, ip, len);
	k->len = h + len;
}

/* ---- capture files ----------------------------------------------------- */

/* Writes the N frames of K as a capture file of link type DLT (a VLAN
 * frame: DLT_EN10MB + 1000 was given to pk_frame), each cut to SNAPLEN
 * bytes; its path (in the sandbox's tmpfs, gone with it). */
static const char *lab29_file(const char *name, int dlt, int snaplen,
			      const struct pk *k, int n)
{
	static char path[8][128];
	static int next;
	char *p = path[next++ % 8];
	pcap_t *dead = pcap_open_dead(dlt, snaplen);
	pcap_dumper_t *d;

	snprintf(p, 128, "/dev/shm/lab29-%s.pcap", name);
	d = pcap_dump_open(dead, p);
	TK_EXPECT(d != NULL, "could not write %s: %s", p, pcap_geterr(dead));
	for (int i = 0; i < n; i++) {
		struct pcap_pkthdr h;

		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = 1700000000 + i;
		h.len = (bpf_u_int32)k[i].len;
		h.caplen = h.len < (bpf_u_int32)snaplen ? h.len
							 : (bpf_u_int32)snaplen;
		pcap_dump((u_char *)d, &h, k[i].b);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	return p;
}

/* ---- running sniff and tcpdump ---------------------------------------- */

static char *lab29_sniff_path(void)
{
	static char *prog;

	if (prog == NULL)
		prog = tk_sibling("sniff");
	return prog;
}

/* Starts sniff with ARGS (NULL-ended) in HOST of NET (NULL: here). */
static hn_proc *sniff_start(hn_net *net, const char *host,
			    const char **args)
{
	char *argv[24];
	int n = 0;

	argv[n++] = lab29_sniff_path();
	while (*args != NULL && n < 22)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	return hn_spawn(net, host, argv, NULL);
}

/* sniff -r FILE [FILTER words]: its output once it has ended (2 s at
 * most, else the test fails: reading a file never waits). */
static hn_proc *sniff_file(const char *file, const char *filter)
{
	const char *args[4] = { "-r", file, filter, NULL };
	hn_proc *p = sniff_start(NULL, NULL, args);

	TK_EXPECT(hn_exited_within(p, 2000) != -1, "sniff -r %s '%s' was "
		  "still running after 2 s: reading a file must end when "
		  "the file does (pcap_loop() with a count of -1 or 0, "
		  "29.5)%s", file, filter ? filter : "",
		  tk_shown(hn_stdout(p)));
	return p;
}

/* What tcpdump -n -q -t -r FILE FILTER prints, turned into sniff's
 * format, one line each ("udp A.P > B.Q length N").  tcpdump runs as
 * user 1 of a user namespace of its own: as root it would try to
 * change to user tcpdump, which this sandbox cannot. */
static char *tcpdump_lines(const char *file, const char *filter)
{
	hn_proc *p = hn_run(NULL, NULL, "unshare", "--map-user=1",
			    "--map-group=1", "tcpdump", "-n", "-q", "-t",
			    "-r", file, filter ? filter : "", NULL);
	const char *out;
	char *res, line[512];
	size_t cap = 1, used = 0;
	FILE *f;

	TK_EXPECT(hn_exited_within(p, 3000) == 0, "tcpdump -r %s failed: %s",
		  file, tk_shown(hn_stderr(p)));
	out = hn_stdout(p);
	res = calloc(1, strlen(out) + 64);
	cap = strlen(out) + 64;
	f = fmemopen((void *)out, strlen(out), "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char ver[8], src[80], dst[80], what[32];
		const char *proto = NULL, *l;
		long len = -1;

		const char *ip = line;

		/* "IP " or "IP6 ", after "eth0 In " for DLT_LINUX_SLL2 */
		while (ip != NULL && strncmp(ip, "IP ", 3) != 0 &&
		       strncmp(ip, "IP6 ", 4) != 0)
			ip = (ip = strchr(ip, ' ')) != NULL ? ip + 1 : NULL;
		if (ip == NULL || sscanf(ip, "%7s %79s > %79s %31s", ver,
					 src, dst, what) != 4)
			continue;
		if (*dst != '\0' && dst[strlen(dst) - 1] == ':')
			dst[strlen(dst) - 1] = '\0';
		if (strcmp(what, "UDP,") == 0)
			proto = "udp";
		else if (strcmp(what, "tcp") == 0) {
			proto = "tcp";
			sscanf(strstr(line, " tcp ") + 5, "%ld", &len);
		} else if (strcmp(what, "ICMP") == 0)
			proto = "icmp";
		else if (strcmp(what, "ICMP6,") == 0)
			proto = "icmp6";
		if (proto == NULL)
			continue;
		if (len < 0 && (l = strstr(line, "length ")) != NULL)
			len = atol(l + 7);
		used += (size_t)snprintf(res + used, cap - used,
					 "%s %s > %s length %ld\n", proto,
					 src, dst, len);
	}
	if (f != NULL)
		fclose(f);
	return res;
}

/* sniff's output and tcpdump's (as sniff's lines) differ: the first
 * line that differs, for a message ("" when they are the same). */
static const char *lab29_diff(const char *mine, const char *theirs)
{
	static char msg[1024];
	int n = 1;

	while (*mine != '\0' || *theirs != '\0') {
		size_t a = strcspn(mine, "\n"), b = strcspn(theirs, "\n");

		if (a != b || strncmp(mine, theirs, a) != 0) {
			snprintf(msg, sizeof(msg), "line %d: sniff printed "
				 "\"%.*s\", tcpdump saw \"%.*s\"", n,
				 a ? (int)a : 9, a ? mine : "(nothing)",
				 b ? (int)b : 9, b ? theirs : "(nothing)");
			return msg;
		}
		mine += a + (mine[a] == '\n');
		theirs += b + (theirs[b] == '\n');
		n++;
	}
	return "";
}

/* Counts the lines of a text. */
static __attribute__((unused)) int lab29_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

#endif
