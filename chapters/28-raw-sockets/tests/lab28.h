/*
 * lab28.h - how lab 28's tests (public and hidden) run the student's
 * ping and traceroute in the client host of a chain of routers, and
 * say in words what went wrong.
 */
#ifndef LAB28_H
#define LAB28_H

#include "ch28.h"
#include <stdarg.h>

/* Runs the student's PROG (ping or traceroute) in the client host with
 * the arguments after it (NULL-terminated) and waits at most 3 s. */
static inline __attribute__((sentinel)) hn_proc *
lab_run(hn_net *net, const char *prog, ...)
{
	va_list ap;
	hn_proc *p;

	va_start(ap, prog);
	p = hn_vrun(net, "client", tk_sibling(prog), ap);
	va_end(ap);
	TK_EXPECT(tk_exited(p, 3000), "%s was still running after 3 s: "
		  "every wait must have a deadline (see %s); it printed:\n%s",
		  prog, strcmp(prog, "ping") == 0 ? "28.4" : "28.6",
		  tk_chomp(hn_stdout(p)));
	return p;
}

/* Checks the echo requests ping sent (captured at the client's end):
 * there are WANT of them, each with a checksum that adds up. */
static inline void check_requests(hn_cap *cap, hn_proc *p, int want)
{
	unsigned char m[2048];
	int i, len;

	TK_EXPECT(hn_cap_count(cap, "icmp[icmptype] == icmp-echo") == want,
		  "ping should have sent %d echo requests, %d left the "
		  "client (it said: %s)", want,
		  hn_cap_count(cap, "icmp[icmptype] == icmp-echo"),
		  tk_chomp(hn_stderr(p)));
	for (i = 0; i < want; i++) {
		len = cap_icmp(cap, "icmp[icmptype] == icmp-echo", i, m,
			       sizeof(m));
		TK_EXPECT(len >= 8 && ch28_sum(m, len, 0) == 0xffff,
			  "echo request %d (%d bytes of ICMP) has a wrong "
			  "checksum: it holds 0x%02x%02x, the message adds "
			  "up to 0x%04x instead of 0xffff, so the server "
			  "drops it.  Sum 16-bit words with the first byte "
			  "high, pad an odd byte, fold the carries: see 28.3",
			  i + 1, len, m[2], m[3], ch28_sum(m, len, 0));
	}
}

/* What a ping that printed no replies may have got wrong, given the
 * replies that reached the client. */
static inline const char *no_reply_diagnosis(hn_cap *cap)
{
	if (hn_cap_count(cap, "icmp[icmptype] == icmp-echoreply or "
			 "icmp6[icmp6type] == icmp6-echoreply") > 0)
		return "\nThe replies did reach the client: a raw IPv4 socket "
		       "gives the IP header (ihl words) before the ICMP "
		       "message, a raw IPv6 or a datagram socket does not "
		       "(28.2), and the identifier and sequence are in "
		       "network byte order (28.4).";
	return "";
}

/* Expects ping's output to report TX sent and RX received, lines for
 * the sequence numbers in SEQS (space-separated), the TTL TTL. */
static inline struct pingout expect_ping(hn_proc *p, hn_cap *cap, int tx,
					 int rx, const char *seqs, int ttl,
					 const char *what)
{
	struct pingout po = ping_read(hn_stdout(p));
	char got[256] = "";
	int i;

	for (i = 0; i < po.n; i++)
		if (!po.dup[i])
			snprintf(got + strlen(got), sizeof(got) - strlen(got),
				 "%s%d", got[0] ? " " : "", po.seq[i]);
	TK_EXPECT(strcmp(got, seqs) == 0, "%s, ping should print replies "
		  "to icmp_seq %s, it printed %s:\n%s%s", what, seqs,
		  got[0] ? got : "none", tk_chomp(hn_stdout(p)),
		  got[0] == '\0' ? no_reply_diagnosis(cap) :
		  "\nCount a reply only if its identifier is yours and its "
		  "sequence one you sent (28.4).");
	for (i = 0; i < po.n; i++)
		TK_EXPECT(po.ttl[i] == ttl, "%s, the reply to icmp_seq %d "
			  "came with TTL %d (after three routers), ping "
			  "printed ttl=%d", what, po.seq[i], ttl, po.ttl[i]);
	TK_EXPECT(po.tx == tx && po.rx == rx, "%s, ping's summary should "
		  "say %d packets transmitted, %d received; it printed:\n%s\n"
		  "(see 28.4)", what, tx, rx, tk_chomp(hn_stdout(p)));
	TK_EXPECT(po.loss == (tx - rx) * 100.0 / tx, "%s, the loss is "
		  "%g%% (%d of %d lost); ping said %g%% (see 28.4)", what,
		  (tx - rx) * 100.0 / tx, tx - rx, tx, po.loss);
	TK_EXPECT(tk_exit_code(p) == (rx > 0 ? 0 : 1), "%s, ping should "
		  "exit %d, it exited %d", what, rx > 0 ? 0 : 1,
		  tk_exit_code(p));
	return po;
}

/* Expects traceroute's output to be the route WANT ("A B * C"), each
 * hop answering NPROBES times (a "*" hop never). */
static inline struct route expect_route(hn_proc *p, const char *want,
					int nprobes, const char *what)
{
	struct route r = route_read(hn_stdout(p));
	int i;

	TK_EXPECT(strstr(hn_stderr(p), "Invalid argument") == NULL,
		  "%s, traceroute failed: %s (the TTL goes from 1 to 255: "
		  "see 28.6)", what, tk_chomp(hn_stderr(p)));
	TK_EXPECT(strcmp(route_text(&r), want) == 0, "%s, traceroute "
		  "should find the hops %s, it found %s:\n%s\n(see 28.6)",
		  what, want, r.n ? route_text(&r) : "none",
		  tk_chomp(hn_stdout(p)));
	for (i = 0; i < r.n; i++)
		TK_EXPECT(r.h[i].addr[0] == '\0' ? r.h[i].stars == nprobes :
			  r.h[i].answers == nprobes && r.h[i].stars == 0 &&
			  r.h[i].others == 0, "%s, hop %d should be %d "
			  "answers from %s (or %d stars), traceroute printed:"
			  "\n%s\n(see 28.6)", what, i + 1, nprobes,
			  r.h[i].addr, nprobes, tk_chomp(hn_stdout(p)));
	return r;
}

#endif
