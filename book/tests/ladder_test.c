/*
 * ladder_test.c - tests of the ladder tool (book/figures/ladder.c): it is
 * run on captures written here with libpcap, segment by segment, and its
 * SVG is read back.
 */
#include "bkrun.h"
#include "testkit.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *scratch;

#define SEP "\u2002\u2002"    /* ladder's separator between numbers */

enum { FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10 };

/* One segment to put in a capture. */
struct seg {
	const char *src, *dst;  /* addresses: IPv4, or IPv6 if they hold ':' */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t len;           /* payload bytes */
	uint16_t mss;           /* 0: no MSS option */
	double time;
	uint32_t cut;           /* capture only this many bytes (0: all) */
};

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* Builds the TCP header and payload at p; returns its length. */
static size_t tcp_bytes(uint8_t *p, const struct seg *s)
{
	size_t hlen = s->mss ? 24 : 20;

	memset(p, 0, hlen + s->len);
	put16(p, s->sport);
	put16(p + 2, s->dport);
	put32(p + 4, s->seq);
	put32(p + 8, s->ack);
	p[12] = (uint8_t)((hlen / 4) << 4);
	p[13] = s->flags;
	put16(p + 14, 65535);
	if (s->mss) {
		p[20] = 2;
		p[21] = 4;
		put16(p + 22, s->mss);
	}
	memset(p + hlen, 'x', s->len);
	return hlen + s->len;
}

/* An Ethernet frame carrying s (or, with udp, a UDP datagram). */
static size_t frame(uint8_t *f, const struct seg *s, int udp)
{
	bool v6 = strchr(s->src, ':') != NULL;
	uint8_t *ip = f + 14;
	size_t iplen = v6 ? 40 : 20, l4;

	memset(f, 0, 14);
	put16(f + 12, v6 ? 0x86dd : 0x0800);
	if (udp) {
		memset(ip + iplen, 0, 8);
		put16(ip + iplen, s->sport);
		put16(ip + iplen + 2, s->dport);
		put16(ip + iplen + 4, 8);
		l4 = 8;
	} else {
		l4 = tcp_bytes(ip + iplen, s);
	}
	memset(ip, 0, iplen);
	if (v6) {
		ip[0] = 0x60;
		put16(ip + 4, (uint32_t)l4);
		ip[6] = udp ? 17 : 6;
		ip[7] = 64;
		inet_pton(AF_INET6, s->src, ip + 8);
		inet_pton(AF_INET6, s->dst, ip + 24);
	} else {
		ip[0] = 0x45;
		put16(ip + 2, (uint32_t)(iplen + l4));
		ip[8] = 64;
		ip[9] = udp ? 17 : 6;
		inet_pton(AF_INET, s->src, ip + 12);
		inet_pton(AF_INET, s->dst, ip + 16);
	}
	return 14 + iplen + l4;
}

/* Writes the segments to scratch/NAME as an Ethernet capture; returns
 * its path (static). */
static const char *capture(const char *name, const struct seg *segs,
			   int n, int udp)
{
	static char path[300];
	pcap_t *pd = pcap_open_dead(DLT_EN10MB, 65535);
	pcap_dumper_t *d;

	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	d = pcap_dump_open(pd, path);
	TK_EXPECT(d != NULL, "cannot write %s: %s", path, pcap_geterr(pd));
	for (int i = 0; i < n; i++) {
		uint8_t buf[2048];
		struct pcap_pkthdr h = { 0 };
		size_t len = frame(buf, &segs[i], udp);

		h.ts.tv_sec = (time_t)segs[i].time;
		h.ts.tv_usec = (suseconds_t)((segs[i].time -
					      (double)h.ts.tv_sec) * 1e6);
		h.len = (bpf_u_int32)len;
		h.caplen = segs[i].cut ? segs[i].cut : (bpf_u_int32)len;
		pcap_dump((u_char *)d, &h, buf);
	}
	pcap_dump_close(d);
	pcap_close(pd);
	return path;
}

/* A client 192.0.2.1:50000 and server 192.0.2.2:9877 shaking hands. */
#define C "192.0.2.1"
#define S "192.0.2.2"
static const struct seg handshake[] = {
	{ C, S, 50000, 9877, 1000, 0, SYN, 0, 1460, 100.000, 0 },
	{ S, C, 9877, 50000, 7000, 1001, SYN | ACK, 0, 1400, 100.001, 0 },
	{ C, S, 50000, 9877, 1001, 7001, ACK, 0, 0, 100.002, 0 },
};

/* Runs the ladder tool; *svg gets the drawing (NULL if none was made)
 * and *err what it printed. */
static int ladder(const char *extra[], const char *pcap, char **svg,
		  char **err)
{
	char *argv[16], out[300];
	int n = 0;

	snprintf(out, sizeof(out), "%s/out.svg", scratch);
	remove(out);
	argv[n++] = tk_path("book-tools/ladder");
	for (int i = 0; extra && extra[i]; i++)
		argv[n++] = (char *)extra[i];
	if (pcap != NULL) {
		argv[n++] = (char *)pcap;
		argv[n++] = out;
	}
	argv[n] = NULL;
	int status = bk_run(argv, NULL, err);

	free(argv[0]);
	*svg = bk_slurp(out);
	return status;
}

/* Do the needles occur in this order in text? */
static bool in_order(const char *text, const char *const needles[])
{
	const char *at = text;

	for (int i = 0; needles[i] != NULL; i++) {
		at = at ? strstr(at, needles[i]) : NULL;
		if (at == NULL)
			return false;
		at += strlen(needles[i]);
	}
	return true;
}

/* ---- tests ------------------------------------------------------------ */

static void handshake_is_three_arrows_numbered_from_zero(void **state)
{
	char *svg, *err;
	int st = ladder(NULL, capture("hs.pcap", handshake, 3, 0), &svg, &err);
	const char *const order[] = {
		">SYN</text>", "seq 0" SEP "mss 1460",
		">SYN, ACK</text>", "seq 0" SEP "ack 1" SEP "mss 1400",
		">ACK</text>", "seq 1" SEP "ack 1<", NULL,
	};

	(void)state;
	TK_EXPECT(st == 0 && svg, "ladder failed on a handshake: %s", err);
	TK_EXPECT(bk_count(svg, "marker-end") == 3, "expected 3 arrows for a "
		  "handshake, drew %d", bk_count(svg, "marker-end"));
	TK_EXPECT(in_order(svg, order), "the labels are not SYN (seq 0), "
		  "SYN, ACK (ack 1), ACK in that order:\n%s", svg);
	TK_EXPECT(strstr(svg, "192.0.2.1:50000") && strstr(svg,
		  "192.0.2.2:9877"), "the hosts' addresses are not shown");
	free(svg);
	free(err);
}

static void retransmissions_become_one_dashed_arrow(void **state)
{
	struct seg segs[7];
	const struct seg data = { C, S, 50000, 9877, 1001, 7001, PSH | ACK,
				  6, 0, 101.0, 0 };
	char *svg, *err;

	(void)state;
	memcpy(segs, handshake, sizeof(handshake));
	for (int i = 0; i < 3; i++) {
		segs[3 + i] = data;
		segs[3 + i].time += i * 0.2;
	}
	segs[6] = (struct seg){ S, C, 9877, 50000, 7001, 1007, ACK, 0, 0,
				102.0, 0 };
	int st = ladder(NULL, capture("rtx.pcap", segs, 7, 0), &svg, &err);

	TK_EXPECT(st == 0 && svg, "ladder failed: %s", err);
	TK_EXPECT(bk_count(svg, "marker-end") == 6, "3 sends of one segment "
		  "should be 2 arrows (the first, then the repeats): drew %d "
		  "arrows in all, expected 6", bk_count(svg, "marker-end"));
	TK_EXPECT(strstr(svg, "(again, \u00d72)") != NULL, "the repeats are "
		  "not marked \"(again, x2)\"");
	TK_EXPECT(bk_count(svg, "stroke-dasharray=\"5 3\"") == 1, "exactly "
		  "the retransmission should be dashed");
	TK_EXPECT(strstr(svg, "seq 1" SEP "ack 1" SEP "len 6") != NULL,
		  "the data segment's label is wrong");
	free(svg);
	free(err);
}

static void other_connections_are_left_out(void **state)
{
	struct seg segs[4];
	char *svg, *err;

	(void)state;
	memcpy(segs, handshake, sizeof(handshake));
	segs[3] = (struct seg){ C, S, 50001, 9877, 1, 0, SYN, 0, 0, 100.5, 0 };
	int st = ladder(NULL, capture("other.pcap", segs, 4, 0), &svg, &err);

	TK_EXPECT(st == 0 && svg, "ladder failed: %s", err);
	TK_EXPECT(bk_count(svg, "marker-end") == 3, "a second connection's "
		  "SYN was drawn");
	TK_EXPECT(err && strstr(err, "left out 1 segments"), "ladder did not "
		  "say it left a segment out: %s", err);
	free(svg);
	free(err);
}

static void ipv6_connection_is_drawn(void **state)
{
	struct seg segs[3];
	char *svg, *err;

	(void)state;
	memcpy(segs, handshake, sizeof(handshake));
	for (int i = 0; i < 3; i++) {
		bool out = i != 1;

		segs[i].src = out ? "2001:db8::1" : "2001:db8::2";
		segs[i].dst = out ? "2001:db8::2" : "2001:db8::1";
	}
	int st = ladder(NULL, capture("v6.pcap", segs, 3, 0), &svg, &err);

	TK_EXPECT(st == 0 && svg, "ladder failed on IPv6: %s", err);
	TK_EXPECT(bk_count(svg, "marker-end") == 3, "IPv6 handshake: %d "
		  "arrows", bk_count(svg, "marker-end"));
	TK_EXPECT(strstr(svg, "[2001:db8::1]:50000") != NULL, "the IPv6 "
		  "address is not shown as [2001:db8::1]:50000");
	free(svg);
	free(err);
}

static void notes_go_between_segments_by_time(void **state)
{
	char notes[300], *svg, *err;
	const char *opts[] = { "--notes", notes, NULL };
	const char *const order[] = {
		">SYN, ACK</text>", "server host crashes", ">ACK</text>", NULL,
	};

	(void)state;
	snprintf(notes, sizeof(notes), "%s/notes.txt", scratch);
	bk_write(notes, "# events\n100.0015 server host crashes\n");
	int st = ladder(opts, capture("n.pcap", handshake, 3, 0), &svg, &err);

	TK_EXPECT(st == 0 && svg, "ladder failed with notes: %s", err);
	TK_EXPECT(in_order(svg, order), "the note at 100.0015 s should sit "
		  "between the SYN-ACK (100.001) and the ACK (100.002)");
	free(svg);
	free(err);
}

static void truncated_packets_are_skipped(void **state)
{
	struct seg segs[4];
	char *svg, *err;

	(void)state;
	memcpy(segs, handshake, sizeof(handshake));
	segs[3] = handshake[2];
	segs[3].cut = 14 + 20 + 10;     /* half a TCP header */
	int st = ladder(NULL, capture("cut.pcap", segs, 4, 0), &svg, &err);

	TK_EXPECT(st == 0 && svg, "ladder failed on a cut packet: %s", err);
	TK_EXPECT(bk_count(svg, "marker-end") == 3, "a packet cut in its TCP "
		  "header was drawn");
	free(svg);
	free(err);
}

static void labels_are_escaped(void **state)
{
	const char *opts[] = { "--title", "a<b & \"c\"", NULL };
	char *svg, *err;
	int st = ladder(opts, capture("t.pcap", handshake, 3, 0), &svg, &err);

	(void)state;
	TK_EXPECT(st == 0 && svg, "ladder failed: %s", err);
	TK_EXPECT(strstr(svg, "a&lt;b &amp; &quot;c&quot;") != NULL,
		  "the title was not escaped for XML");
	free(svg);
	free(err);
}

static void states_and_waits_follow_the_segments(void **state)
{
	struct seg segs[7];
	char *svg, *err;
	const char *const order[] = {
		"SYN_SENT", "SYN_RECV", "ESTABLISHED", "ESTABLISHED",
		"FIN_WAIT_1", "CLOSE_WAIT", "+40 ms", "FIN_WAIT_2",
		"LAST_ACK", "TIME_WAIT", "CLOSED", NULL,
	};

	(void)state;
	memcpy(segs, handshake, sizeof(handshake));
	/* the client closes; the server's ACK waits 45 ms (a delayed ACK);
	 * then the server closes */
	segs[3] = (struct seg){ C, S, 50000, 9877, 1001, 7001, FIN | ACK, 0,
				0, 101.000, 0 };
	segs[4] = (struct seg){ S, C, 9877, 50000, 7001, 1002, ACK, 0, 0,
				101.045, 0 };
	segs[5] = (struct seg){ S, C, 9877, 50000, 7001, 1002, FIN | ACK, 0,
				0, 101.050, 0 };
	segs[6] = (struct seg){ C, S, 50000, 9877, 1002, 7002, ACK, 0, 0,
				101.051, 0 };
	int st = ladder(NULL, capture("states.pcap", segs, 7, 0), &svg, &err);

	TK_EXPECT(st == 0 && svg, "ladder failed: %s", err);
	TK_EXPECT(in_order(svg, order), "the states and the wait are not "
		  "SYN_SENT, SYN_RECV, ESTABLISHED x2, FIN_WAIT_1, CLOSE_WAIT, "
		  "+40 ms, FIN_WAIT_2, LAST_ACK, TIME_WAIT, CLOSED:\n%s", svg);
	TK_EXPECT(bk_count(svg, " ms<") == 1, "only the 45 ms wait should be "
		  "shown");
	free(svg);
	free(err);
}

static void all_draws_udp_without_ports(void **state)
{
	const char *extra[] = { "--all", NULL };
	char *svg, *err;
	int st = ladder(extra, capture("udp-all.pcap", handshake, 2, 1), &svg,
			&err);

	(void)state;
	TK_EXPECT(st == 0 && svg, "ladder --all failed on UDP: %s", err);
	TK_EXPECT(bk_count(svg, ">UDP<") == 2, "expected 2 UDP arrows:\n%s",
		  svg);
	TK_EXPECT(strstr(svg, ">192.0.2.1<") && !strstr(svg, "192.0.2.1:"),
		  "--all should name the hosts by address alone:\n%s", svg);
	free(svg);
	free(err);
}

static void not_a_capture_is_refused(void **state)
{
	char path[300], *svg, *err;

	(void)state;
	snprintf(path, sizeof(path), "%s/not.pcap", scratch);
	bk_write(path, "this is text, not a capture\n");
	int st = ladder(NULL, path, &svg, &err);

	TK_EXPECT(st == 1, "ladder accepted a text file (status %d)", st);
	TK_EXPECT(svg == NULL, "ladder left an SVG behind after failing");
	TK_EXPECT(err && strstr(err, path), "the error does not name the "
		  "file: %s", err);
	free(err);
}

static void capture_without_tcp_is_refused(void **state)
{
	char *svg, *err;
	const char *udp = capture("udp.pcap", handshake, 1, 1);
	int st = ladder(NULL, udp, &svg, &err);

	(void)state;
	TK_EXPECT(st == 1 && svg == NULL, "ladder drew a capture with no TCP");
	TK_EXPECT(err && strstr(err, "no TCP segment"), "unclear error: %s",
		  err);
	free(err);
}

static void bad_notes_line_is_refused(void **state)
{
	char notes[300], *svg, *err;
	const char *opts[] = { "--notes", notes, NULL };

	(void)state;
	snprintf(notes, sizeof(notes), "%s/bad-notes.txt", scratch);
	bk_write(notes, "soon the server crashes\n");
	int st = ladder(opts, capture("bn.pcap", handshake, 3, 0), &svg, &err);

	TK_EXPECT(st == 1 && svg == NULL, "ladder accepted a bad notes file");
	TK_EXPECT(err && strstr(err, "bad-notes.txt:1: expected"), "the error "
		  "does not name the file and line: %s", err);
	free(err);
}

static void bad_arguments_are_refused(void **state)
{
	const char *unknown[] = { "--frob", NULL };
	const char *novalue[] = { "--title", NULL };
	char *svg, *err;

	(void)state;
	TK_EXPECT(ladder(NULL, NULL, &svg, &err) == 1 && strstr(err, "usage"),
		  "no arguments: expected usage, got %s", err);
	free(err);
	TK_EXPECT(ladder(unknown, "x.pcap", &svg, &err) == 1 &&
		  strstr(err, "unknown option --frob"), "unknown option: %s",
		  err);
	free(err);
	TK_EXPECT(ladder(novalue, NULL, &svg, &err) == 1 &&
		  strstr(err, "--title needs a value"),
		  "--title at the end: %s", err);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(handshake_is_three_arrows_numbered_from_zero),
		TK_TEST(retransmissions_become_one_dashed_arrow),
		TK_TEST(other_connections_are_left_out),
		TK_TEST(ipv6_connection_is_drawn),
		TK_TEST(notes_go_between_segments_by_time),
		TK_TEST(truncated_packets_are_skipped),
		TK_TEST(labels_are_escaped),
		TK_TEST(states_and_waits_follow_the_segments),
		TK_TEST(all_draws_udp_without_ports),
		TK_TEST(not_a_capture_is_refused),
		TK_TEST(capture_without_tcp_is_refused),
		TK_TEST(bad_notes_line_is_refused),
		TK_TEST(bad_arguments_are_refused),
	};

	scratch = bk_setup();
	return TK_RUN("ladder", tests);
}
