/*
 * capture.c - libpcap at one end of a link, opened inside the host's
 * namespace before traffic starts; every packet is kept in memory and
 * written to a pcap file, and predicates are pcap filter expressions
 * applied offline (pcap_offline_filter).
 */
#include "hn_int.h"
#include "testkit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct packet {
	struct pcap_pkthdr hdr;
	unsigned char *data;
};

static void summarise(FILE *out, const struct packet *p);

struct hn_cap {
	hn_net *net;
	int host;
	char peer[HN_NAME_MAX];
	char ifname[IFNAMSIZ];
	pcap_t *pc;
	pcap_dumper_t *dump;
	char path[PATH_MAX];
	struct packet *pkts;
	int npkts, room;
	hn_cap *next;
};

static pcap_t *open_live(int nsfd, const char *ifname, const char *filter)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	pcap_t *pc;

	if (hn_ns_enter(nsfd) < 0)
		return NULL;
	pc = pcap_create(ifname, errbuf);
	if (pc != NULL) {
		pcap_set_snaplen(pc, 65535);
		pcap_set_immediate_mode(pc, 1);
		pcap_set_buffer_size(pc, 8 << 20);
		if (pcap_activate(pc) < 0) {
			hn_err("cannot capture on %s: %s", ifname,
			       pcap_geterr(pc));
			pcap_close(pc);
			pc = NULL;
		}
	} else
		hn_err("cannot capture on %s: %s", ifname, errbuf);
	hn_ns_leave();
	if (pc != NULL && filter != NULL &&
	    (pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
	     pcap_setfilter(pc, &prog) < 0)) {
		hn_err("bad capture filter \"%s\": %s", filter,
		       pcap_geterr(pc));
		pcap_close(pc);
		return NULL;
	}
	if (pc != NULL && filter != NULL)
		pcap_freecode(&prog);
	if (pc != NULL)
		pcap_setnonblock(pc, 1, errbuf);
	return pc;
}

/* The test binary's path under the build root, '/' made '-', so that
 * the lab-01/ref and lab-01/student binaries' captures differ. */
static const char *binary_name(char *exe, size_t len)
{
	const char *root = tk_build_root();
	size_t rootlen = strlen(root);
	ssize_t n = readlink("/proc/self/exe", exe, len - 1);
	char *name, *p;

	exe[n > 0 ? n : 0] = '\0';
	name = strncmp(exe, root, rootlen) == 0 && exe[rootlen] == '/' ?
	       exe + rootlen + 1 : basename(exe);
	for (p = name; *p != '\0'; p++)
		if (*p == '/')
			*p = '-';
	return name;
}

/* <build root>/captures/<binary>.<test>.<n>-<host>-<peer>.pcap, or in
 * $HN_CAPTURE_DIR (the grader's sandbox, where the tree is read-only). */
static void capture_path(hn_cap *cap)
{
	char exe[PATH_MAX], dir[PATH_MAX];
	const char *binary = binary_name(exe, sizeof(exe));
	const char *chosen = getenv("HN_CAPTURE_DIR");

	if (chosen != NULL && chosen[0] != '\0')
		snprintf(dir, sizeof(dir), "%s", chosen);
	else
		snprintf(dir, sizeof(dir), "%s/captures", tk_build_root());
	mkdir(dir, 0777);
	snprintf(cap->path, sizeof(cap->path), "%.3000s/%.100s.%.100s.%d-%s-%s"
		 ".pcap", dir, binary, tk_current_test,
		 ++cap->net->ncaps_made, cap->net->t.hosts[cap->host].name,
		 cap->peer);
}

hn_cap *hn_capture(hn_net *net, const char *host, const char *peer)
{
	struct hn_if *ifp;
	hn_cap *cap;
	int h;

	if (hn_end_find(net, host, peer, &h, &ifp) < 0)
		return hn_check_ptr(NULL);
	cap = calloc(1, sizeof(*cap));
	cap->net = net;
	cap->host = h;
	snprintf(cap->peer, sizeof(cap->peer), "%s", peer);
	snprintf(cap->ifname, sizeof(cap->ifname), "%s", ifp->name);
	cap->pc = open_live(net->t.hosts[h].nsfd, ifp->name, NULL);
	if (cap->pc == NULL) {
		free(cap);
		return hn_check_ptr(NULL);
	}
	capture_path(cap);
	cap->dump = pcap_dump_open(cap->pc, cap->path);
	if (cap->dump == NULL) {
		hn_err("cannot write capture %s: %s", cap->path,
		       pcap_geterr(cap->pc));
		pcap_close(cap->pc);
		free(cap);
		return hn_check_ptr(NULL);
	}
	tk_note("capture at %s's end of the link to %s: %s (open it in "
		"Wireshark)", host, peer, cap->path);
	cap->next = net->caps;
	net->caps = cap;
	return cap;
}

const char *hn_cap_path(const hn_cap *cap)
{
	return cap->path;
}

static void keep_packet(unsigned char *user, const struct pcap_pkthdr *h,
			const unsigned char *bytes)
{
	hn_cap *cap = (hn_cap *)user;
	struct packet *p;

	if (cap->npkts == cap->room) {
		cap->room = cap->room ? 2 * cap->room : 256;
		cap->pkts = realloc(cap->pkts, (size_t)cap->room *
				    sizeof(*cap->pkts));
	}
	p = &cap->pkts[cap->npkts++];
	p->hdr = *h;
	p->data = malloc(h->caplen);
	memcpy(p->data, bytes, h->caplen);
	pcap_dump((unsigned char *)cap->dump, h, bytes);
}

/* Takes in every packet the kernel has for us so far. */
static void drain(hn_cap *cap)
{
	if (cap->pc == NULL)
		return;
	while (pcap_dispatch(cap->pc, -1, keep_packet, (unsigned char *)cap)
	       > 0)
		;
	pcap_dump_flush(cap->dump);
}

static int compile(hn_cap *cap, const char *filter, struct bpf_program *p)
{
	pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
	int rc = pcap_compile(dead, p, filter != NULL ? filter : "", 1,
			      PCAP_NETMASK_UNKNOWN);

	if (rc < 0)
		hn_err("bad capture filter \"%s\": %s", filter,
		       pcap_geterr(dead));
	pcap_close(dead);
	(void)cap;
	return rc;
}

/* The index of the Nth (0 = first) stored packet matching, or -1. */
static int nth_match(hn_cap *cap, struct bpf_program *prog, int nth)
{
	int i;

	for (i = 0; i < cap->npkts; i++)
		if (pcap_offline_filter(prog, &cap->pkts[i].hdr,
					cap->pkts[i].data) && nth-- == 0)
			return i;
	return -1;
}

static int count(hn_cap *cap, struct bpf_program *prog)
{
	int i, n = 0;

	for (i = 0; i < cap->npkts; i++)
		n += pcap_offline_filter(prog, &cap->pkts[i].hdr,
					 cap->pkts[i].data) != 0;
	return n;
}

int hn_cap_count(hn_cap *cap, const char *filter)
{
	struct bpf_program prog;
	int n;

	if (compile(cap, filter, &prog) < 0)
		return hn_check(-1);
	drain(cap);
	n = count(cap, &prog);
	pcap_freecode(&prog);
	return n;
}

int hn_cap_wait(hn_cap *cap, const char *filter, int want, int timeout_ms)
{
	long deadline = hn_now_ms() + timeout_ms;
	struct bpf_program prog;
	int n;

	if (compile(cap, filter, &prog) < 0)
		return hn_check(-1);
	for (;;) {
		struct pollfd pfd = { .events = POLLIN };
		long left = deadline - hn_now_ms();

		drain(cap);
		n = count(cap, &prog);
		if (n >= want || left <= 0 || cap->pc == NULL)
			break;
		pfd.fd = pcap_get_selectable_fd(cap->pc);
		poll(&pfd, 1, (int)left);
	}
	pcap_freecode(&prog);
	if (n >= want)
		return n;
	return hn_check(hn_err("waited %d ms for %d packet(s) matching \"%s\" "
			       "at %s's end of the link to %s; saw %d (of %d "
			       "captured, in %s)", timeout_ms, want, filter,
			       cap->net->t.hosts[cap->host].name, cap->peer,
			       n, cap->npkts, cap->path));
}

/* ---- looking inside a packet -------------------------------------------- */

struct l4 {
	int proto;                 /* IPPROTO_TCP, IPPROTO_UDP, ... */
	const unsigned char *hdr;  /* the transport header */
	size_t len;                /* from there to the end of the packet */
};

/* Finds the transport header of an Ethernet frame (no IPv6 extension
 * headers, no VLAN). */
static int find_l4(const struct packet *p, struct l4 *out)
{
	const unsigned char *d = p->data;
	size_t len = p->hdr.caplen, off;
	int type;

	if (len < 14)
		return -1;
	type = d[12] << 8 | d[13];
	if (type == 0x0800 && len >= 34) {
		off = 14 + (size_t)(d[14] & 0x0f) * 4;
		out->proto = d[23];
	} else if (type == 0x86dd && len >= 54) {
		off = 54;
		out->proto = d[20];
	} else
		return -1;
	if (off > len)
		return -1;
	out->hdr = d + off;
	out->len = len - off;
	return 0;
}

ssize_t hn_cap_payload(hn_cap *cap, const char *filter, int index,
		       void *buf, size_t len)
{
	struct bpf_program prog;
	struct l4 l;
	size_t skip, n;
	int i;

	if (compile(cap, filter, &prog) < 0)
		return hn_check(-1);
	drain(cap);
	i = nth_match(cap, &prog, index);
	pcap_freecode(&prog);
	if (i < 0 || find_l4(&cap->pkts[i], &l) < 0 ||
	    (l.proto != IPPROTO_TCP && l.proto != IPPROTO_UDP))
		return -1;
	skip = l.proto == IPPROTO_UDP ? 8 : (size_t)(l.hdr[12] >> 4) * 4;
	if (skip > l.len)
		return -1;
	n = l.len - skip < len ? l.len - skip : len;
	memcpy(buf, l.hdr + skip, n);
	return (ssize_t)n;
}

static int mss_option(const struct l4 *l)
{
	size_t end = (size_t)(l->hdr[12] >> 4) * 4, i = 20;

	while (i < end && i < l->len) {
		unsigned kind = l->hdr[i];

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= l->len || l->hdr[i + 1] < 2)
			break;
		if (kind == 2 && l->hdr[i + 1] == 4 && i + 3 < l->len)
			return l->hdr[i + 2] << 8 | l->hdr[i + 3];
		i += l->hdr[i + 1];
	}
	return -1;
}

int hn_cap_tcp_mss(hn_cap *cap, const char *filter, int index)
{
	struct bpf_program prog;
	struct l4 l;
	int i;

	if (compile(cap, filter, &prog) < 0)
		return hn_check(-1);
	drain(cap);
	i = nth_match(cap, &prog, index);
	pcap_freecode(&prog);
	if (i < 0 || find_l4(&cap->pkts[i], &l) < 0 ||
	    l.proto != IPPROTO_TCP || l.len < 20)
		return -1;
	return mss_option(&l);
}

void hn_cap_print(FILE *out, const struct pcap_pkthdr *hdr,
		  const unsigned char *data)
{
	struct packet p = { .hdr = *hdr, .data = (unsigned char *)data };

	summarise(out, &p);
}

static const char *proto_name(int proto)
{
	static char other[16];

	if (proto == IPPROTO_ICMP)
		return "ICMP";
	if (proto == IPPROTO_ICMPV6)
		return "ICMPv6";
	if (proto == 0)
		return "IPv6 hop-by-hop (MLD?)";
	snprintf(other, sizeof(other), "proto %d", proto);
	return other;
}

static void summarise(FILE *out, const struct packet *p)
{
	const unsigned char *d = p->data;
	char src[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?";
	static const char flag_names[] = "FSRPAUEC";
	struct l4 l;
	int i;

	if (find_l4(p, &l) < 0) {
		fprintf(out, "%s, %u bytes\n", p->hdr.caplen >= 14 &&
			d[12] == 0x08 && d[13] == 0x06 ? "ARP" : "non-IP",
			p->hdr.len);
		return;
	}
	if (d[12] == 0x08) {
		inet_ntop(AF_INET, d + 26, src, sizeof(src));
		inet_ntop(AF_INET, d + 30, dst, sizeof(dst));
	} else {
		inet_ntop(AF_INET6, d + 22, src, sizeof(src));
		inet_ntop(AF_INET6, d + 38, dst, sizeof(dst));
	}
	if ((l.proto == IPPROTO_TCP || l.proto == IPPROTO_UDP) && l.len >= 8)
		fprintf(out, "%s %s.%d > %s.%d", l.proto == IPPROTO_TCP ?
			"TCP" : "UDP", src, l.hdr[0] << 8 | l.hdr[1], dst,
			l.hdr[2] << 8 | l.hdr[3]);
	else
		fprintf(out, "%s %s > %s", proto_name(l.proto), src, dst);
	if (l.proto == IPPROTO_TCP && l.len >= 20) {
		fputs(" [", out);
		for (i = 0; i < 8; i++)
			if (l.hdr[13] & (1 << i))
				fputc(flag_names[i], out);
		fputc(']', out);
	}
	if ((l.proto == IPPROTO_ICMP || l.proto == IPPROTO_ICMPV6) &&
	    l.len >= 2)
		fprintf(out, " type %d code %d", l.hdr[0], l.hdr[1]);
	fprintf(out, " len %u\n", p->hdr.len);
}

char *hn_cap_summary(hn_cap *cap, const char *filter)
{
	struct bpf_program prog;
	char *text;
	size_t len;
	FILE *out;
	int i;

	if (compile(cap, filter, &prog) < 0)
		return hn_check_ptr(NULL);
	drain(cap);
	out = open_memstream(&text, &len);
	for (i = 0; i < cap->npkts; i++)
		if (pcap_offline_filter(&prog, &cap->pkts[i].hdr,
					cap->pkts[i].data))
			summarise(out, &cap->pkts[i]);
	fclose(out);
	pcap_freecode(&prog);
	return text;
}

/* ---- closing and reopening --------------------------------------------- */

static void cap_free(hn_cap *cap)
{
	int i;

	drain(cap);
	if (cap->pc != NULL)
		pcap_close(cap->pc);
	pcap_dump_close(cap->dump);
	for (i = 0; i < cap->npkts; i++)
		free(cap->pkts[i].data);
	free(cap->pkts);
	free(cap);
}

void hn_cap_close(hn_cap *cap)
{
	hn_cap **pp;

	if (cap == NULL)
		return;
	for (pp = &cap->net->caps; *pp != NULL; pp = &(*pp)->next)
		if (*pp == cap) {
			*pp = cap->next;
			break;
		}
	cap_free(cap);
}

void hn_caps_close_all(hn_net *net)
{
	while (net->caps != NULL) {
		hn_cap *cap = net->caps;

		net->caps = cap->next;
		cap_free(cap);
	}
}

void hn_caps_reopen(hn_net *net, int h)
{
	hn_cap *cap;

	for (cap = net->caps; cap != NULL; cap = cap->next) {
		if (cap->host != h)
			continue;
		drain(cap);
		if (cap->pc != NULL)
			pcap_close(cap->pc);
		cap->pc = open_live(net->t.hosts[h].nsfd, cap->ifname, NULL);
	}
}

pcap_t *hn_pcap_any(hn_net *net, int h, const char *filter)
{
	return open_live(net->t.hosts[h].nsfd, "any", filter);
}
