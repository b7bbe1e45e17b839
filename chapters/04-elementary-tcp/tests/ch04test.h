/*
 * ch04test.h - what the tests of chapter 4 and lab 4 share: short ARP
 * timers, the length of a listener's accept queue, and times rounded for
 * transcripts.  Sockets the test makes in a host (tk_listen,
 * tk_connect) come from the test kit, harness/tkhelpers.h.
 */
#ifndef CH04TEST_H
#define CH04TEST_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

/* Makes HOST give up on an unanswered ARP request after one probe and
 * 200 ms (the kernel's default is 3 probes, 1 s apart).  The harness
 * applies a topology's sysctls before the interfaces exist, and a
 * network namespace has no neigh.default, so this is done afterwards. */
static inline void ct_fast_arp(hn_net *net, const char *host,
			       const char *peer)
{
	const char *ifname = hn_ifname(net, host, peer);

	/* written to /proc/sys, not with sysctl(8): an ordinary user's PATH
	 * (and the grader's sandbox) may not have /usr/sbin */
	TK_EXPECT(hn_sh(net, host, 2000, NULL, "cd /proc/sys/net/ipv4/neigh/%s"
			" && echo 1 >mcast_solicit && echo 200 "
			">retrans_time_ms", ifname) == 0,
		  "could not shorten the ARP timers of %s", host);
}

/* Waits until the listener's accept queue holds n connections (for a
 * listening socket, TCP_INFO's tcpi_unacked is the queue's length). */
static inline bool ct_wait_queued(int listenfd, unsigned n, int timeout_ms)
{
	struct tcp_info ti;
	socklen_t len;

	for (int ms = 0; ms <= timeout_ms; ms++) {
		len = sizeof(ti);
		if (getsockopt(listenfd, IPPROTO_TCP, TCP_INFO, &ti, &len) ==
		    0 && ti.tcpi_unacked >= n)
			return true;
		tk_tick();
	}
	return false;
}

/* The seconds in "after 3.02 s", or -1 if the text has none. */
static inline double ct_seconds(const char *text)
{
	const char *p = strstr(text, "after ");
	double t;

	return p != NULL && sscanf(p, "after %lf s", &t) == 1 ? t : -1;
}

/* Rewrites every "after 3.02 s" in text as "after 3 s" (whole seconds:
 * the book shows how long, not the milliseconds that vary run to run).
 * Returns a new string; text is freed. */
static inline char *ct_round_times(char *text)
{
	char *out = NULL, *p = text, *hit;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	double t;
	int used;

	while ((hit = strstr(p, "after ")) != NULL) {
		fwrite(p, 1, (size_t)(hit - p), f);
		if (sscanf(hit, "after %lf s%n", &t, &used) == 1) {
			fprintf(f, "after %.0f s", t);
			p = hit + used;
		} else {
			fputs("after ", f);
			p = hit + 6;
		}
	}
	fputs(p, f);
	fclose(f);
	free(text);
	return out;
}

#endif
