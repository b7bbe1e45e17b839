/*
 * ladder.c - draws a TCP connection from a packet capture as a ladder
 * (sequence) diagram in SVG: one vertical line a host, one arrow a
 * segment, time running down the page.
 *
 *   ladder [--all] [--notes FILE] [--left NAME] [--right NAME]
 *          [--title TEXT] IN.pcap OUT.svg
 *
 * The first TCP segment in the capture picks the connection: its sender
 * is drawn on the left.  Segments of other connections are left out (and
 * counted on stderr).  Sequence numbers are shown relative to each side's
 * SYN (or, if the capture began later, so that the first seen is 1), as
 * tcpdump and Wireshark do, so the drawing is the same on every run.
 * A segment that repeats an earlier one (same side, sequence
 * number, length and flags) is a retransmission and is drawn dashed;
 * repeats in a row become one arrow marked "x N".
 *
 * --all draws every TCP connection, UDP datagram and ICMP error between
 * the two hosts of the first packet (TCP, UDP or ICMP), and names the
 * hosts by address alone (a client's port is chosen anew on every run).
 * An ICMP error (unreachable or time exceeded) that a router on the way
 * sends to the left host about a packet for the right one is drawn from
 * the right, "from ROUTER".
 *
 * Each side's TCP state is written beside its line where it changes, as
 * the segments imply it (RFC 9293's state machine; SYN_RECV as Linux
 * names it), except the right side of a connection that it never
 * answered with a SYN (refused, unreachable, timed out: no socket);
 * where more than one connection is drawn, each state names its
 * connection (#1, #2).  The time since the previous arrow is written
 * in the left margin when it is 20 ms or more, no note comes between, and
 * the segment is an ACK or RST without data or a retransmission: a wait
 * of the kernel's own (a delayed ACK, a retransmission timer, a keepalive
 * probe), not of a program.  It is rounded down, to 20 ms below 0.1 s and to
 * 0.1 s above, so that every run draws the same number (a delayed ACK
 * takes 40 to 48 ms by the kernel's clock ticks: "+40 ms").  A payload
 * of at most 24 bytes is shown as text.
 *
 * --notes FILE names events to mark between the segments, one a line:
 * "SECONDS LABEL", SECONDS being the same clock as the capture's time
 * stamps (e.g. "1700000000.250 server host crashes").  A label of the
 * form "=left STATE" or "=right STATE" draws no line: it sets that
 * side's state from then on (e.g. "=right (no socket)" after a reboot).
 * A note ends the wait shown before the next arrow (the time it took is
 * a person's or the harness's, not the kernel's), unless its label
 * starts with "+" (not drawn): the kernel's timer was running across it.
 *
 * Exit status: 0, or 1 with a message naming the file and the problem.
 */
#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define MAX_ROWS 400            /* a ladder longer than this is unreadable */
#define MAX_NOTES 16
#define LABEL_LEN 96
#define MAX_CONNS 8
#define SHOW_PAYLOAD 24         /* bytes of payload shown as text */
#define MIN_GAP 0.020           /* seconds: a shorter wait is not shown */

/* TCP flag bits, as on the wire. */
enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10,
       F_URG = 0x20 };

/* One end of the connection: an address and a port. */
struct endpoint {
	int family;
	uint8_t addr[16];
	uint16_t port;
};

/* What the diagram needs of one TCP segment (or UDP datagram, or ICMP
 * error: proto tells). */
struct segment {
	struct endpoint src, dst;
	int proto;              /* IPPROTO_TCP, _UDP, _ICMP, _SCTP */
	double time;
	uint8_t flags;
	uint32_t seq, ack, len;
	uint16_t urp;           /* the urgent pointer (with URG) */
	int mss;                /* MSS option, or -1 */
	int icmp_type, icmp_code;
	bool icmp_quoted;       /* an IPv4 header is quoted: icmp_about */
	uint8_t icmp_about[4];  /* the quoted packet's destination */
	bool via_router;        /* drawn from the right host, sent by src */
	char text[SHOW_PAYLOAD * 4 + 3];  /* the payload, quoted, or "" */
	char chunks[64];        /* SCTP: its chunks ("SACK + DATA") */
	char info[96];          /* SCTP: the first chunk's numbers */
	bool timer;             /* SCTP: sent on a timer (SACK, HEARTBEAT) */
};

/* One arrow (or one event note) of the diagram. */
struct row {
	bool is_note;
	bool rightward;         /* from the left host to the right one */
	bool retransmission;
	int repeats;            /* how many identical segments it stands for */
	struct segment seg;
	char note[LABEL_LEN];
	int conn;               /* which connection (TCP) */
	char state_src[32], state_dst[32];      /* new states, or "" */
	bool state_note;        /* a note that only sets a state */
	double gap;             /* seconds since the previous arrow, or -1 */
};

struct note {
	double time;
	char label[LABEL_LEN];
};

struct options {
	const char *notes, *left, *right, *title, *in, *out;
	bool all;
};

/* ---- reading packets ------------------------------------------------- */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Where the IP header starts for this link type, or -1 if the packet is
 * not IP (ARP, ...) or the link type is one we do not know. */
static long ip_offset(int linktype, const uint8_t *p, uint32_t caplen)
{
	switch (linktype) {
	case DLT_EN10MB: {
		long off = 12;

		if (caplen >= 18 && get16(p + 12) == 0x8100)
			off = 16;               /* an 802.1Q VLAN tag */
		if (caplen < (uint32_t)off + 2)
			return -1;
		uint16_t type = get16(p + off);
		return (type == 0x0800 || type == 0x86dd) ? off + 2 : -1;
	}
	case DLT_LINUX_SLL:
		return caplen >= 16 ? 16 : -1;
	case DLT_LINUX_SLL2:
		return caplen >= 20 ? 20 : -1;
	case DLT_NULL:
	case DLT_LOOP:
		return caplen >= 4 ? 4 : -1;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return 0;
	default:
		return -1;
	}
}

/* The MSS option of a TCP header with hlen bytes, or -1. */
static int tcp_mss(const uint8_t *tcp, uint32_t hlen)
{
	uint32_t i = 20;

	while (i < hlen) {
		uint8_t kind = tcp[i];

		if (kind == 0)
			break;                  /* end of options */
		if (kind == 1) {
			i++;                    /* no-op padding */
			continue;
		}
		if (i + 1 >= hlen || tcp[i + 1] < 2)
			break;                  /* malformed: stop */
		if (kind == 2 && tcp[i + 1] == 4 && i + 4 <= hlen)
			return get16(tcp + i + 2);
		i += tcp[i + 1];
	}
	return -1;
}

/* Quotes a short printable payload as C would ("hello\n") into s->text;
 * leaves it empty if the payload is long, cut or not text. */
static void payload_text(const uint8_t *p, uint32_t avail, uint32_t len,
			 struct segment *s)
{
	size_t n = 0;

	s->text[0] = '\0';
	if (len == 0 || len > SHOW_PAYLOAD || avail < len)
		return;
	s->text[n++] = '"';
	for (uint32_t i = 0; i < len; i++) {
		if (p[i] == '\n') {
			s->text[n++] = '\\';
			s->text[n++] = 'n';
		} else if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '"' &&
			   p[i] != '\\') {
			s->text[n++] = (char)p[i];
		} else {
			s->text[0] = '\0';
			return;
		}
	}
	s->text[n++] = '"';
	s->text[n] = '\0';
}

/* Fills *s from the TCP header at tcp (caplen bytes captured) carrying
 * payload bytes of data.  Returns false if it is cut short. */
static bool parse_tcp(const uint8_t *tcp, uint32_t caplen, uint32_t seglen,
		      struct segment *s)
{
	uint32_t hlen;

	if (caplen < 20 || seglen < 20)
		return false;
	hlen = (uint32_t)(tcp[12] >> 4) * 4;
	if (hlen < 20 || hlen > seglen || hlen > caplen)
		return false;
	s->src.port = get16(tcp);
	s->dst.port = get16(tcp + 2);
	s->seq = get32(tcp + 4);
	s->ack = get32(tcp + 8);
	s->flags = tcp[13] & 0x3f;
	s->urp = get16(tcp + 18);
	s->len = seglen - hlen;
	s->mss = tcp_mss(tcp, hlen);
	s->proto = IPPROTO_TCP;
	payload_text(tcp + hlen, caplen - hlen, s->len, s);
	return true;
}

/* A UDP datagram (the same fields, no flags). */
static bool parse_udp(const uint8_t *udp, uint32_t caplen, struct segment *s)
{
	if (caplen < 8 || get16(udp + 4) < 8)
		return false;
	s->src.port = get16(udp);
	s->dst.port = get16(udp + 2);
	s->len = get16(udp + 4) - 8u;
	s->mss = -1;
	s->proto = IPPROTO_UDP;
	payload_text(udp + 8, caplen - 8, s->len, s);
	return true;
}

/* An ICMP message: its type and code. */
static bool parse_icmp(const uint8_t *icmp, uint32_t caplen,
		       struct segment *s)
{
	if (caplen < 8)
		return false;
	s->icmp_type = icmp[0];
	s->icmp_code = icmp[1];
	/* an unreachable or a time exceeded quotes the packet it is about */
	if ((icmp[0] == 3 || icmp[0] == 11) && caplen >= 8 + 20 &&
	    icmp[8] >> 4 == 4) {
		s->icmp_quoted = true;
		memcpy(s->icmp_about, icmp + 8 + 16, 4);
	}
	s->mss = -1;
	s->proto = IPPROTO_ICMP;
	return true;
}

/* ---- SCTP (RFC 9260): a packet is a common header and chunks ------- */

static const char *chunk_name(uint8_t type)
{
	static const char *const names[] = {
		"DATA", "INIT", "INIT ACK", "SACK", "HEARTBEAT",
		"HEARTBEAT ACK", "ABORT", "SHUTDOWN", "SHUTDOWN ACK", "ERROR",
		"COOKIE ECHO", "COOKIE ACK", "ECNE", "CWR",
		"SHUTDOWN COMPLETE",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type]
						       : "CHUNK";
}

/* The numbers worth showing of the first chunk C (LEN bytes). */
static void chunk_info(const uint8_t *c, uint32_t len, struct segment *s)
{
	switch (c[0]) {
	case 0:         /* DATA: TSN, stream, stream sequence, PPID */
		if (len >= 16) {
			snprintf(s->info, sizeof(s->info), "stream %u"
				 "\u2002\u2002ssn %u\u2002\u2002ppid %" PRIu32,
				 get16(c + 8), get16(c + 10), get32(c + 12));
			payload_text(c + 16, len - 16, len - 16, s);
		}
		break;
	case 1:         /* INIT, INIT ACK: window, streams out, in max */
	case 2:
		if (len >= 20)
			snprintf(s->info, sizeof(s->info), "OS %u\u2002\u2002"
				 "MIS %u\u2002\u2002a_rwnd %" PRIu32,
				 get16(c + 12), get16(c + 14), get32(c + 8));
		break;
	case 3:         /* SACK: window */
		if (len >= 12)
			snprintf(s->info, sizeof(s->info), "a_rwnd %" PRIu32,
				 get32(c + 8));
		break;
	case 6:         /* ABORT: the first cause */
		if (len >= 8)
			snprintf(s->info, sizeof(s->info), "cause %u",
				 get16(c + 4));
		break;
	}
}

/* An SCTP packet: its ports, its chunks' names (bundled ones joined
 * with "+"), the first chunk's numbers. */
static bool parse_sctp(const uint8_t *p, uint32_t caplen, struct segment *s)
{
	uint32_t off = 12;
	size_t n = 0;

	if (caplen < 16)
		return false;
	s->src.port = get16(p);
	s->dst.port = get16(p + 2);
	s->mss = -1;
	s->proto = IPPROTO_SCTP;
	while (off + 4 <= caplen && n < sizeof(s->chunks) - 1) {
		uint32_t clen = get16(p + off + 2);

		if (clen < 4)
			break;
		if (off == 12) {
			chunk_info(p + off, caplen - off < clen ?
				   caplen - off : clen, s);
			s->timer = p[off] == 3 || p[off] == 4 || p[off] == 6;
		}
		n += (size_t)snprintf(s->chunks + n, sizeof(s->chunks) - n,
				      "%s%s", n ? " + " : "",
				      chunk_name(p[off]));
		if (p[off] == 0)
			s->len += clen - 16;
		off += (clen + 3) & ~3u;
	}
	return n > 0;
}

/* Parses one captured frame.  Returns true if it is a TCP segment. */
static bool parse_packet(int linktype, const uint8_t *p, uint32_t caplen,
			 struct segment *s)
{
	long off = ip_offset(linktype, p, caplen);
	const uint8_t *ip;
	uint32_t left;

	if (off < 0 || (uint32_t)off >= caplen)
		return false;
	ip = p + off;
	left = caplen - (uint32_t)off;
	memset(s, 0, sizeof(*s));
	if (left >= 20 && ip[0] >> 4 == 4) {
		uint32_t ihl = (uint32_t)(ip[0] & 0x0f) * 4;
		uint32_t total = get16(ip + 2);

		if (ihl < 20 || total < ihl || left < ihl ||
		    (get16(ip + 6) & 0x1fff) != 0)
			return false;   /* a later fragment */
		s->src.family = s->dst.family = AF_INET;
		memcpy(s->src.addr, ip + 12, 4);
		memcpy(s->dst.addr, ip + 16, 4);
		if (ip[9] == IPPROTO_UDP)
			return parse_udp(ip + ihl, left - ihl, s);
		if (ip[9] == IPPROTO_ICMP)
			return parse_icmp(ip + ihl, left - ihl, s);
		if (ip[9] == IPPROTO_SCTP)
			return parse_sctp(ip + ihl, left - ihl, s);
		if (ip[9] != IPPROTO_TCP)
			return false;
		return parse_tcp(ip + ihl, left - ihl, total - ihl, s);
	}
	if (left >= 40 && ip[0] >> 4 == 6) {
		if (ip[6] != 6)
			return false;   /* not TCP, or behind extensions */
		s->src.family = s->dst.family = AF_INET6;
		memcpy(s->src.addr, ip + 8, 16);
		memcpy(s->dst.addr, ip + 24, 16);
		return parse_tcp(ip + 40, left - 40, get16(ip + 4), s);
	}
	return false;
}

static bool same_endpoint(const struct endpoint *a, const struct endpoint *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && a->port == b->port &&
	       memcmp(a->addr, b->addr, n) == 0;
}

static void endpoint_text(const struct endpoint *e, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	inet_ntop(e->family, e->addr, addr, sizeof(addr));
	if (e->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", addr, e->port);
	else
		snprintf(buf, len, "%s:%u", addr, e->port);
}

/* ---- from segments to rows -------------------------------------------- */

/* One TCP connection between the two hosts: each side's relative zero,
 * its state and where its FIN was. */
struct conn {
	struct endpoint left, right;    /* with their ports */
	uint32_t isn_left, isn_right;
	bool have_isn_left, have_isn_right;
	char state_left[24], state_right[24];
	bool fin_left, fin_right;       /* has that side sent its FIN? */
	bool syn_left, syn_right;       /* has that side sent a SYN? */
	uint32_t fin_seq_left, fin_seq_right;
};

struct ladder {
	struct row rows[MAX_ROWS];
	int nrows;
	bool all;                       /* --all: every packet of two hosts */
	bool have_hosts;
	struct endpoint left, right;    /* the hosts (ports: first packet) */
	struct conn conns[MAX_CONNS];
	int nconns;
	double last_time;               /* of the last arrow, or -1 */
	bool note_since;                /* a note came after it */
	long other;                     /* packets left out */
	long dropped;                   /* rows past MAX_ROWS */
};

static bool same_host(const struct endpoint *a, const struct endpoint *b)
{
	size_t n = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && memcmp(a->addr, b->addr, n) == 0;
}

/* The connection of s (rightward or not), added if new; NULL if full. */
static struct conn *conn_of(struct ladder *l, const struct segment *s,
			    bool rightward, int *index)
{
	const struct endpoint *lp = rightward ? &s->src : &s->dst;
	const struct endpoint *rp = rightward ? &s->dst : &s->src;

	for (int i = 0; i < l->nconns; i++) {
		struct conn *c = &l->conns[i];

		if (same_endpoint(&c->left, lp) &&
		    same_endpoint(&c->right, rp)) {
			*index = i;
			return c;
		}
	}
	if (l->nconns == MAX_CONNS)
		return NULL;
	*index = l->nconns;
	struct conn *c = &l->conns[l->nconns++];

	memset(c, 0, sizeof(*c));
	c->left = *lp;
	c->right = *rp;
	return c;
}

/* Is s the same segment as an earlier one from the same side? */
static bool is_retransmission(const struct ladder *l, const struct segment *s,
			      bool rightward, int conn)
{
	if (s->proto != IPPROTO_TCP)
		return false;
	for (int i = 0; i < l->nrows; i++) {
		const struct row *r = &l->rows[i];

		if (r->is_note || r->rightward != rightward ||
		    r->seg.proto != IPPROTO_TCP || r->conn != conn)
			continue;
		if (r->seg.seq == s->seq && r->seg.len == s->len &&
		    r->seg.flags == s->flags &&
		    (s->len > 0 || (s->flags & (F_SYN | F_FIN))))
			return true;
	}
	return false;
}

static void set_state(char *state, const char *to, char *changed)
{
	if (strcmp(state, to) == 0)
		return;
	snprintf(state, 24, "%s", to);
	snprintf(changed, 32, "%s", to);
}

/* Moves both sides' states along for segment s, as RFC 9293's state
 * machine does, and notes in r the states that changed. */
static void track_states(struct conn *c, const struct segment *s,
			 bool rightward, struct row *r)
{
	char *snd = rightward ? c->state_left : c->state_right;
	char *rcv = rightward ? c->state_right : c->state_left;
	bool *snd_fin = rightward ? &c->fin_left : &c->fin_right;
	uint32_t *snd_fin_seq = rightward ? &c->fin_seq_left
					  : &c->fin_seq_right;
	bool rcv_fin = rightward ? c->fin_right : c->fin_left;
	uint32_t rcv_fin_seq = rightward ? c->fin_seq_right : c->fin_seq_left;
	uint8_t f = s->flags;

	if (snd[0] == '\0') {           /* first segment of the connection */
		bool opening = (f & F_SYN) && !(f & F_ACK);

		if (opening) {          /* states before the SYN: not drawn */
			snprintf(snd, 24, "CLOSED");
			snprintf(rcv, 24, "LISTEN");
		} else {                /* the capture began later */
			set_state(snd, "ESTABLISHED", r->state_src);
			set_state(rcv, "ESTABLISHED", r->state_dst);
		}
	}
	/* a side whose state a note set ("(no socket)") keeps it */
	if (snd[0] == '(' && rcv[0] == '(')
		return;
	if (snd[0] == '(')
		goto receiver;
	if (f & F_RST)
		set_state(snd, "CLOSED", r->state_src);
	else if ((f & F_SYN) && !(f & F_ACK))
		set_state(snd, "SYN_SENT", r->state_src);
	if ((f & F_FIN) && !*snd_fin) {
		*snd_fin = true;
		*snd_fin_seq = s->seq + s->len;
		if (strcmp(snd, "ESTABLISHED") == 0 ||
		    strcmp(snd, "SYN_RECV") == 0)
			set_state(snd, "FIN_WAIT_1", r->state_src);
		else if (strcmp(snd, "CLOSE_WAIT") == 0)
			set_state(snd, "LAST_ACK", r->state_src);
	}
receiver:
	if (rcv[0] == '(')
		return;
	if (f & F_RST) {
		set_state(rcv, "CLOSED", r->state_dst);
		return;
	}
	if ((f & F_SYN) && !(f & F_ACK)) {
		set_state(rcv, "SYN_RECV", r->state_dst);
		return;
	}
	if ((f & F_SYN) && strcmp(rcv, "SYN_SENT") == 0)
		set_state(rcv, "ESTABLISHED", r->state_dst);
	else if ((f & F_ACK) && strcmp(rcv, "SYN_RECV") == 0)
		set_state(rcv, "ESTABLISHED", r->state_dst);
	if ((f & F_ACK) && rcv_fin && (int32_t)(s->ack - rcv_fin_seq) > 0) {
		if (strcmp(rcv, "FIN_WAIT_1") == 0)
			set_state(rcv, "FIN_WAIT_2", r->state_dst);
		else if (strcmp(rcv, "CLOSING") == 0)
			set_state(rcv, "TIME_WAIT", r->state_dst);
		else if (strcmp(rcv, "LAST_ACK") == 0)
			set_state(rcv, "CLOSED", r->state_dst);
	}
	if (f & F_FIN) {
		if (strcmp(rcv, "ESTABLISHED") == 0)
			set_state(rcv, "CLOSE_WAIT", r->state_dst);
		else if (strcmp(rcv, "FIN_WAIT_1") == 0)
			set_state(rcv, "CLOSING", r->state_dst);
		else if (strcmp(rcv, "FIN_WAIT_2") == 0)
			set_state(rcv, "TIME_WAIT", r->state_dst);
	}
}

/* An ICMP error to the left host about a packet it sent to the right
 * one, from a third address (a router on the way). */
static bool from_router(const struct ladder *l, const struct segment *s)
{
	struct endpoint about = { .family = AF_INET };

	if (s->proto != IPPROTO_ICMP || !s->icmp_quoted ||
	    !same_host(&s->dst, &l->left))
		return false;
	memcpy(about.addr, s->icmp_about, 4);
	return same_host(&about, &l->right);
}

static void add_segment(struct ladder *l, const struct segment *seg)
{
	struct segment copy = *seg, *s = &copy;
	bool rightward;
	struct row *last = l->nrows > 0 ? &l->rows[l->nrows - 1] : NULL;
	struct conn *c = NULL;
	int conn = 0;

	if (!l->all && s->proto != IPPROTO_TCP)
		return;
	if (!l->have_hosts) {
		l->left = s->src;
		l->right = s->dst;
		l->have_hosts = true;
	}
	if (l->all ? same_host(&s->src, &l->left) &&
		     same_host(&s->dst, &l->right)
		   : same_endpoint(&s->src, &l->left) &&
		     same_endpoint(&s->dst, &l->right))
		rightward = true;
	else if (l->all ? same_host(&s->src, &l->right) &&
			  same_host(&s->dst, &l->left)
			: same_endpoint(&s->src, &l->right) &&
			  same_endpoint(&s->dst, &l->left))
		rightward = false;
	else if (l->all && from_router(l, s)) {
		rightward = false;
		s->via_router = true;
	} else {
		l->other++;
		return;
	}
	if (s->proto == IPPROTO_TCP &&
	    (c = conn_of(l, s, rightward, &conn)) == NULL) {
		l->other++;
		return;
	}
	bool again = is_retransmission(l, s, rightward, conn);

	if (again && last && !last->is_note && last->retransmission &&
	    last->rightward == rightward && last->conn == conn &&
	    last->seg.seq == s->seq && last->seg.len == s->len &&
	    last->seg.flags == s->flags) {
		last->repeats++;        /* one more of the same, in a row */
		l->last_time = s->time;
		return;
	}
	if (l->nrows == MAX_ROWS) {
		l->dropped++;
		return;
	}
	struct row *r = &l->rows[l->nrows++];

	*r = (struct row){ .rightward = rightward, .retransmission = again,
		.repeats = 1, .seg = *s, .conn = conn, .gap = -1 };
	/* a wait of the kernel's own ends in a segment that no program
	 * sent (an ACK, a probe, a RST) or a retransmission; before data, a
	 * SYN or a FIN, a wait is a program's (or the scheduler's) and is
	 * not shown */
	if (l->last_time >= 0 && !l->note_since &&
	    ((s->proto == IPPROTO_TCP && s->len == 0 &&
	      !(s->flags & (F_SYN | F_FIN))) || again ||
	     (s->proto == IPPROTO_SCTP && s->timer)))
		r->gap = s->time - l->last_time;
	l->last_time = s->time;
	l->note_since = false;
	if (c == NULL)
		return;
	if (s->flags & F_SYN)
		*(rightward ? &c->syn_left : &c->syn_right) = true;
	/* As Wireshark does: relative to the SYN's number, or, if the
	 * capture began after the SYN, so that the first byte seen is 1. */
	uint32_t base = (s->flags & F_SYN) ? s->seq : s->seq - 1;

	if (rightward && !c->have_isn_left) {
		c->isn_left = base;
		c->have_isn_left = true;
	} else if (!rightward && !c->have_isn_right) {
		c->isn_right = base;
		c->have_isn_right = true;
	}
	track_states(c, s, rightward, r);
}

/* A connection the left side opened and the right side never answered
 * with a SYN (refused, unreachable, timed out) had no socket there: its
 * right side's states, guessed from the segments, are not drawn. */
static void forget_unanswered(struct ladder *l)
{
	for (int i = 0; i < l->nrows; i++) {
		struct row *r = &l->rows[i];
		const struct conn *c = &l->conns[r->conn];

		if (r->is_note || r->seg.proto != IPPROTO_TCP ||
		    !c->syn_left || c->syn_right)
			continue;
		(r->rightward ? r->state_dst : r->state_src)[0] = '\0';
	}
}

static void add_note(struct ladder *l, const char *text)
{
	if (l->nrows == MAX_ROWS) {
		l->dropped++;
		return;
	}
	struct row *r = &l->rows[l->nrows++];

	memset(r, 0, sizeof(*r));
	r->is_note = true;
	r->gap = -1;
	/* "=left STATE" or "=right STATE": a state, not an event */
	if (strncmp(text, "=left ", 6) == 0 ||
	    strncmp(text, "=right ", 7) == 0) {
		bool left = text[1] == 'l';
		const char *state = text + (left ? 6 : 7);
		struct conn *c = l->nconns ? &l->conns[l->nconns - 1] : NULL;

		r->state_note = true;
		r->conn = l->nconns ? l->nconns - 1 : 0;
		snprintf(left ? r->state_src : r->state_dst, 32, "%s", state);
		if (c != NULL)
			snprintf(left ? c->state_left : c->state_right, 24,
				 "%s", state);
		return;
	}
	/* "+LABEL": an event that does not start the wait the next arrow
	 * ends (a crash: the kernel's timer started before it) */
	if (text[0] == '+')
		text++;
	else
		l->note_since = true;
	snprintf(r->note, sizeof(r->note), "%s", text);
}

/* Reads every packet of path into l, putting each note before the first
 * segment captured after its time.  Returns 0, or -1 with a message. */
static int read_capture(const char *path, struct ladder *l,
			const struct note *notes, int nnotes)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, err);
	struct pcap_pkthdr *h;
	const u_char *data;
	int next_note = 0, rc;

	if (pc == NULL) {
		fprintf(stderr, "ladder: %s: %s\n", path, err);
		return -1;
	}
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		struct segment s;

		if (!parse_packet(pcap_datalink(pc), data, h->caplen, &s))
			continue;
		s.time = (double)h->ts.tv_sec + h->ts.tv_usec / 1e6;
		while (next_note < nnotes && notes[next_note].time <= s.time)
			add_note(l, notes[next_note++].label);
		add_segment(l, &s);
	}
	if (rc == -1) {
		fprintf(stderr, "ladder: %s: %s\n", path, pcap_geterr(pc));
		pcap_close(pc);
		return -1;
	}
	pcap_close(pc);
	while (next_note < nnotes)
		add_note(l, notes[next_note++].label);
	return 0;
}

/* ---- notes ----------------------------------------------------------- */

static int earlier(const void *a, const void *b)
{
	double ta = ((const struct note *)a)->time;
	double tb = ((const struct note *)b)->time;

	return (ta > tb) - (ta < tb);
}

/* Reads "SECONDS LABEL" lines, in any order.  Returns how many, or -1
 * with a message. */
static int read_notes(const char *path, struct note *notes, int max)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int n = 0, lineno = 0;

	if (f == NULL) {
		fprintf(stderr, "ladder: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *end;
		double t;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		t = strtod(line, &end);
		if (end == line || *end != ' ' || end[1] == '\0' || n == max) {
			fprintf(stderr, "ladder: %s:%d: expected \"SECONDS "
				"LABEL\"%s\n", path, lineno,
				n == max ? " (too many notes)" : "");
			fclose(f);
			return -1;
		}
		notes[n].time = t;
		snprintf(notes[n].label, sizeof(notes[n].label), "%s",
			 end + 1);
		n++;
	}
	fclose(f);
	qsort(notes, (size_t)n, sizeof(*notes), earlier);
	return n;
}

/* ---- drawing --------------------------------------------------------- */

enum {
	WIDTH = 740, LEFT_X = 200, RIGHT_X = 590, TOP = 92,
	ROW_H = 58, SLANT = 16
};

/* Writes s to out with XML's special characters escaped. */
static void xml_text(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
}

/* "SYN", "SYN, ACK", "FIN, ACK", "RST", "ACK", "PSH, ACK"... */
static void flag_names(uint8_t flags, char *buf, size_t len)
{
	static const struct { uint8_t bit; const char *name; } names[] = {
		{ F_SYN, "SYN" }, { F_FIN, "FIN" }, { F_RST, "RST" },
		{ F_PSH, "PSH" }, { F_URG, "URG" }, { F_ACK, "ACK" },
	};
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 used ? ", " : "", names[i].name);
		if (used >= len)
			break;
	}
	if (buf[0] == '\0')
		snprintf(buf, len, "(no flags)");
}

/* Between the numbers: two en spaces, which SVG viewers do not collapse
 * into one as they do two plain spaces. */
#define SEP "\u2002\u2002"

/* The second label line: relative sequence numbers, length, MSS, and a
 * short payload as text. */
static void numbers_text(const struct ladder *l, const struct row *r,
			 char *buf, size_t len)
{
	const struct segment *s = &r->seg;
	int n = 0;

	if (s->proto == IPPROTO_ICMP) {
		char from[INET6_ADDRSTRLEN] = "";

		if (s->via_router)
			inet_ntop(s->src.family, s->src.addr, from,
				  sizeof(from));
		snprintf(buf, len, "type %d" SEP "code %d%s%s", s->icmp_type,
			 s->icmp_code, s->via_router ? SEP "from " : "", from);
		return;
	}
	if (s->proto == IPPROTO_SCTP) {
		n = snprintf(buf, len, "%s", s->info);
	} else if (s->proto == IPPROTO_UDP) {
		n = snprintf(buf, len, "len %" PRIu32, s->len);
	} else {
		const struct conn *c = &l->conns[r->conn];
		uint32_t own = r->rightward ? c->isn_left : c->isn_right;
		uint32_t peer = r->rightward ? c->isn_right : c->isn_left;
		bool peer_known = r->rightward ? c->have_isn_right
					       : c->have_isn_left;

		n = snprintf(buf, len, "seq %" PRIu32, s->seq - own);
		if ((s->flags & F_ACK) && peer_known)
			n += snprintf(buf + n, len - (size_t)n,
				      SEP "ack %" PRIu32, s->ack - peer);
		if (s->len > 0)
			n += snprintf(buf + n, len - (size_t)n,
				      SEP "len %" PRIu32, s->len);
		if (s->flags & F_URG)
			n += snprintf(buf + n, len - (size_t)n,
				      SEP "urp %u", (unsigned)s->urp);
		if (s->mss >= 0 && (size_t)n < len)
			n += snprintf(buf + n, len - (size_t)n,
				      SEP "mss %d", s->mss);
	}
	if (s->text[0] != '\0' && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, SEP "%s", s->text);
}

/* The first label line of a UDP datagram or an ICMP message. */
static void kind_text(const struct segment *s, char *buf, size_t len)
{
	static const char *const unreach[] = {
		"network unreachable", "host unreachable",
		"protocol unreachable", "port unreachable",
		"fragmentation needed",
	};

	if (s->proto == IPPROTO_SCTP)
		snprintf(buf, len, "%s", s->chunks);
	else if (s->proto == IPPROTO_UDP)
		snprintf(buf, len, "UDP");
	else if (s->icmp_type == 3 && s->icmp_code >= 0 && s->icmp_code < 5)
		snprintf(buf, len, "ICMP %s", unreach[s->icmp_code]);
	else if (s->icmp_type == 11)
		snprintf(buf, len, "ICMP time exceeded");
	else
		snprintf(buf, len, "ICMP");
}

static const char *segment_colour(const struct segment *s)
{
	if (s->proto == IPPROTO_ICMP || (s->flags & F_RST) ||
	    (s->proto == IPPROTO_SCTP && strncmp(s->chunks, "ABORT", 5) == 0))
		return "#c01c28";
	if (s->proto == IPPROTO_SCTP && strncmp(s->chunks, "DATA", 4) != 0 &&
	    strncmp(s->chunks, "SACK", 4) != 0 &&
	    strncmp(s->chunks, "HEARTBEAT", 9) != 0)
		return "#1a5fb4";      /* the association starts or ends */
	if (s->proto == IPPROTO_TCP && (s->flags & (F_SYN | F_FIN)))
		return "#1a5fb4";
	return "#3d4450";
}

/* The host's label: with its port, unless --all draws many ports. */
static void host_text(const struct ladder *l, const struct endpoint *e,
		      char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (!l->all) {
		endpoint_text(e, buf, len);
		return;
	}
	inet_ntop(e->family, e->addr, addr, sizeof(addr));
	snprintf(buf, len, "%s", addr);
}

static void draw_header(FILE *out, const struct ladder *l,
			const struct options *o, int height)
{
	char left[80], right[80];

	host_text(l, &l->left, left, sizeof(left));
	host_text(l, &l->right, right, sizeof(right));
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"DejaVu Sans, sans-serif\" "
		"xml:space=\"preserve\">\n",
		WIDTH, height, WIDTH, height);
	fputs("<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"9\" "
	      "refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
	      "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
	      "fill=\"context-stroke\"/></marker></defs>\n", out);
	fprintf(out, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n",
		WIDTH, height);
	if (o->title) {
		fprintf(out, "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" "
			"font-size=\"17\" font-weight=\"bold\">", WIDTH / 2);
		xml_text(out, o->title);
		fputs("</text>\n", out);
	}
	for (int side = 0; side < 2; side++) {
		int x = side ? RIGHT_X : LEFT_X;
		const char *name = side ? o->right : o->left;

		fprintf(out, "<text x=\"%d\" y=\"52\" text-anchor=\"middle\" "
			"font-size=\"17\" font-weight=\"bold\">", x);
		xml_text(out, name);
		fprintf(out, "</text>\n<text x=\"%d\" y=\"72\" "
			"text-anchor=\"middle\" font-size=\"14\" "
			"font-family=\"DejaVu Sans Mono, monospace\" "
			"fill=\"#4a5260\">", x);
		xml_text(out, side ? right : left);
		fprintf(out, "</text>\n<line x1=\"%d\" y1=\"82\" x2=\"%d\" "
			"y2=\"%d\" stroke=\"#9aa1ab\" stroke-width=\"2\"/>\n",
			x, x, height - 16);
	}
	for (int i = 0; i < l->nrows; i++) {
		if (l->rows[i].gap >= MIN_GAP) {
			fprintf(out, "<text x=\"8\" y=\"72\" "
				"font-size=\"13\" fill=\"#4a5260\">"
				"wait</text>\n");
			break;
		}
	}
}

/* A state beside a host's line, at height y. */
static void draw_state(FILE *out, const struct ladder *l, bool left,
		       int conn, const char *state, int y)
{
	if (state[0] == '\0')
		return;
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" "
		"font-size=\"13\" font-weight=\"bold\" "
		"font-family=\"DejaVu Sans Mono, monospace\" "
		"fill=\"#26734d\">", left ? LEFT_X - 8 : RIGHT_X + 8, y + 5,
		left ? "end" : "start");
	if (l->nconns > 1)
		fprintf(out, "#%d ", conn + 1);
	xml_text(out, state);
	fputs("</text>\n", out);
}

static void draw_note(FILE *out, const struct ladder *l, const struct row *r,
		      int y)
{
	if (r->state_note) {
		draw_state(out, l, true, r->conn, r->state_src, y + 18);
		draw_state(out, l, false, r->conn, r->state_dst, y + 18);
		return;
	}
	fprintf(out, "<line x1=\"70\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		"stroke=\"#b5651d\" stroke-dasharray=\"6 4\"/>\n", y + 22,
		WIDTH - 20, y + 22);
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		"font-size=\"15\" fill=\"#a0521a\" font-style=\"italic\">",
		(LEFT_X + RIGHT_X) / 2, y + 15);
	xml_text(out, r->note);
	fputs("</text>\n", out);
}

/* The wait before an arrow, rounded down: "+40 ms", "+1.0 s". */
static void draw_gap(FILE *out, double gap, int y)
{
	char text[32];

	if (gap < MIN_GAP)
		return;
	if (gap < 0.1)          /* a delayed ACK: 40 to 48 ms at HZ 250 */
		snprintf(text, sizeof(text), "+%d ms", (int)(gap * 50) * 20);
	else if (gap < 1.0)
		snprintf(text, sizeof(text), "+%d ms", (int)(gap * 10) * 100);
	else
		snprintf(text, sizeof(text), "+%.1f s",
			 (double)(long)(gap * 10) / 10);
	fprintf(out, "<text x=\"8\" y=\"%d\" font-size=\"13\" "
		"fill=\"#4a5260\">%s</text>\n", y, text);
}

static void draw_segment(FILE *out, const struct ladder *l,
			 const struct row *r, int y)
{
	int x1 = r->rightward ? LEFT_X : RIGHT_X;
	int x2 = r->rightward ? RIGHT_X : LEFT_X;
	const char *colour = segment_colour(&r->seg);
	char flags[64], numbers[LABEL_LEN + SHOW_PAYLOAD * 4];
	/* the arrow runs from y0 down to y0 + SLANT; labels sit above it */
	int mid = (LEFT_X + RIGHT_X) / 2, y0 = y + 30;

	if (r->seg.proto == IPPROTO_TCP)
		flag_names(r->seg.flags, flags, sizeof(flags));
	else
		kind_text(&r->seg, flags, sizeof(flags));
	numbers_text(l, r, numbers, sizeof(numbers));
	draw_gap(out, r->gap, y0 + 5);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		"stroke=\"%s\" stroke-width=\"1.8\"%s "
		"marker-end=\"url(#head)\"/>\n", x1, y0, x2, y0 + SLANT,
		colour, r->retransmission ? " stroke-dasharray=\"5 3\"" : "");
	/* a white outline keeps the labels readable where lines cross */
	fprintf(out, "<g stroke=\"white\" stroke-width=\"4\" "
		"paint-order=\"stroke\">\n");
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		"font-size=\"15\" font-weight=\"bold\" fill=\"%s\">%s",
		mid, y + 12, colour, flags);
	if (r->retransmission)
		fputs(" (again", out);
	if (r->repeats > 1)
		fprintf(out, ", \u00d7%d", r->repeats);
	fprintf(out, "%s</text>\n", r->retransmission ? ")" : "");
	fprintf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		"font-size=\"13\" "
		"font-family=\"DejaVu Sans Mono, monospace\" "
		"fill=\"#4a5260\">", mid, y + 29);
	xml_text(out, numbers);
	fputs("</text>\n</g>\n", out);
	draw_state(out, l, r->rightward, r->conn, r->state_src, y0);
	draw_state(out, l, !r->rightward, r->conn, r->state_dst,
		   y0 + SLANT);
}

static void draw(FILE *out, const struct ladder *l, const struct options *o)
{
	int height = TOP + l->nrows * ROW_H + 24;

	draw_header(out, l, o, height);
	for (int i = 0; i < l->nrows; i++) {
		int y = TOP + i * ROW_H;

		if (l->rows[i].is_note)
			draw_note(out, l, &l->rows[i], y);
		else
			draw_segment(out, l, &l->rows[i], y);
	}
	fputs("</svg>\n", out);
}

/* ---- the program ----------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: ladder [--all] [--notes FILE] [--left NAME] "
		"[--right NAME] [--title TEXT] IN.pcap OUT.svg\n");
}

/* Returns 0, or -1 after printing what is wrong. */
static int parse_args(int argc, char **argv, struct options *o)
{
	int npos = 0;

	*o = (struct options){ .left = "client", .right = "server" };
	for (int i = 1; i < argc; i++) {
		const char **slot = NULL;

		if (strcmp(argv[i], "--all") == 0) {
			o->all = true;
			continue;
		}
		if (strcmp(argv[i], "--notes") == 0)
			slot = &o->notes;
		else if (strcmp(argv[i], "--left") == 0)
			slot = &o->left;
		else if (strcmp(argv[i], "--right") == 0)
			slot = &o->right;
		else if (strcmp(argv[i], "--title") == 0)
			slot = &o->title;
		if (slot != NULL) {
			if (++i == argc) {
				fprintf(stderr, "ladder: %s needs a value\n",
					argv[i - 1]);
				return -1;
			}
			*slot = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "ladder: unknown option %s\n",
				argv[i]);
			return -1;
		} else if (npos++ == 0) {
			o->in = argv[i];
		} else if (npos == 2) {
			o->out = argv[i];
		}
	}
	if (npos != 2) {
		usage();
		return -1;
	}
	return 0;
}

/* Writes the SVG to a temporary file first, so a failure leaves no
 * half-written figure behind. */
static int write_svg(const struct ladder *l, const struct options *o)
{
	char tmp[4096];
	FILE *out;

	snprintf(tmp, sizeof(tmp), "%s.tmp", o->out);
	out = fopen(tmp, "w");
	if (out == NULL) {
		fprintf(stderr, "ladder: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	draw(out, l, o);
	bool failed = ferror(out) != 0;

	failed = (fclose(out) != 0) || failed;
	if (failed || rename(tmp, o->out) != 0) {
		fprintf(stderr, "ladder: cannot write %s: %s\n", o->out,
			strerror(errno));
		remove(tmp);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct ladder l;
	struct note notes[MAX_NOTES];
	struct options o;
	int nnotes = 0;

	if (parse_args(argc, argv, &o) < 0)
		return 1;
	if (o.notes && (nnotes = read_notes(o.notes, notes, MAX_NOTES)) < 0)
		return 1;
	l.all = o.all;
	l.last_time = -1;
	if (read_capture(o.in, &l, notes, nnotes) < 0)
		return 1;
	forget_unanswered(&l);
	if (!l.have_hosts) {
		fprintf(stderr, "ladder: %s: no TCP segment%s in the "
			"capture\n", o.in, o.all ? ", UDP datagram or ICMP "
			"message" : "");
		return 1;
	}
	if (l.other > 0)
		fprintf(stderr, "ladder: %s: left out %ld segments of other "
			"connections%s\n", o.in, l.other,
			o.all ? " or hosts" : "");
	if (l.dropped > 0)
		fprintf(stderr, "ladder: %s: drew the first %d rows, left out "
			"%ld\n", o.in, MAX_ROWS, l.dropped);
	return write_svg(&l, &o) < 0 ? 1 : 0;
}
