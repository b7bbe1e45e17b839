/*
 * ch04test.h - what the tests of chapter 4 and lab 4 share: sockets the
 * test makes inside a host of a harness network (a listener, a client),
 * the length of a listener's accept queue, and times rounded for
 * transcripts.
 */
#ifndef CH04TEST_H
#define CH04TEST_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"

/* A path made by tk_path() or tk_sibling(), kept for the test binary's
 * life so it is found again (and is not a leak). */
static inline char *ct_keep(const char *key, char *(*make)(const char *))
{
	static struct { char key[128]; char *path; } kept[16];
	int i;

	for (i = 0; i < 16 && kept[i].path != NULL; i++)
		if (strcmp(kept[i].key, key) == 0)
			return kept[i].path;
	if (i == 16)
		abort();
	snprintf(kept[i].key, sizeof(kept[i].key), "%s", key);
	kept[i].path = make(key);
	return kept[i].path;
}

static inline char *ct_make_path(const char *rel)
{
	return tk_path("%s", rel);
}

/* A program under the build root: ct_prog("ch/04-elementary-tcp/x"). */
static inline char *ct_prog(const char *rel)
{
	return ct_keep(rel, ct_make_path);
}

/* The lab's program, next to the test binary. */
static inline char *ct_sibling(const char *name)
{
	return ct_keep(name, tk_sibling);
}

static inline void ct_nap(void)
{
	struct timespec tick = { 0, 1000000 };          /* 1 ms */

	nanosleep(&tick, NULL);
}

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

/* A TCP socket in HOST listening on its addresses of FAMILY, port, with
 * this backlog; it never accepts unless the test does. */
static inline int ct_listen_in(hn_net *net, const char *host, int family,
			       int port, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	len = family == AF_INET6 ? sizeof(struct sockaddr_in6) :
				   sizeof(struct sockaddr_in);
	sock_set_port((struct sockaddr *)&ss, len, port);
	hn_enter(net, host);
	fd = socket(family, SOCK_STREAM, 0);
	hn_leave(net);
	TK_EXPECT(fd >= 0 && bind(fd, (struct sockaddr *)&ss, len) == 0 &&
		  listen(fd, backlog) == 0, "could not listen on port %d "
		  "in host %s: %s", port, host, strerror(errno));
	return fd;
}

/* A TCP connection from HOST to addr:port, made by the test. */
static inline int ct_connect_from(hn_net *net, const char *host,
				  const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char portstr[8];
	int fd;

	snprintf(portstr, sizeof(portstr), "%d", port);
	TK_EXPECT(sock_parse(addr, portstr, &ss, &len) == 0,
		  "bad test address %s", addr);
	hn_enter(net, host);
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	hn_leave(net);
	TK_EXPECT(fd >= 0 && connect(fd, (struct sockaddr *)&ss, len) == 0,
		  "host %s could not connect to %s port %d: %s", host, addr,
		  port, strerror(errno));
	return fd;
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
		ct_nap();
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
