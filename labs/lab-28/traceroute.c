/*
 * traceroute.c - lab 28: print the routers on the way to a host, IPv4
 * or IPv6 (section 28.6).  Sends UDP probes with a TTL (hop limit) of
 * 1, 2, 3...; each router where one runs out answers with an ICMP time
 * exceeded, the host itself with a port unreachable; a raw ICMP socket
 * reads the answers:
 *
 *     traceroute to 198.51.100.98, 30 hops max
 *      1  198.51.100.2  0.045 ms  0.013 ms  0.012 ms
 *      2  * * *
 *      3  198.51.100.98  0.020 ms  0.015 ms  0.015 ms
 *
 * Usage: traceroute [-m MAXHOPS] [-q PROBES] [-w WAIT_MS] [-p PORT] HOST
 *   -q  probes a hop (3), -w  how long to wait for each answer (1000),
 *   -p  the first destination port (33434; one more for each probe)
 * Exits 0 when the host answered, 1 when it did not.
 */
#include "lnp.h"
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <time.h>

enum answer { NONE, TIME_EXCEEDED, REACHED, UNREACHABLE };

struct trace {
	int udp, icmp, family;
	struct sockaddr_storage dst;
	socklen_t dstlen;
	uint16_t sport;			/* our UDP source port */
	int maxhops, nprobes, wait_ms, port;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Sets the TTL (IPv4) or hop limit (IPv6) of the probes to come. */
static void set_ttl(struct trace *t, int ttl)
{
	// TODO (section 28.6): IP_TTL at level IPPROTO_IP for IPv4,
	// IPV6_UNICAST_HOPS at level IPPROTO_IPV6 for IPv6
	(void)t;
	(void)ttl;
}

/* Looks at N bytes read from the raw ICMP socket.  If they are an ICMP
 * error about our probe to port DPORT, returns what it says (and the
 * unreachable code in *CODE); NONE for anything else. */
static enum answer classify(struct trace *t, const unsigned char *buf,
			    ssize_t n, int dport, int *code)
{
	// TODO (section 28.6): IPv4: skip the IP header (ihl words), the
	// 8-byte ICMP header, the quoted IP header (its own ihl), and check
	// the quoted UDP header's ports are ours; IPv6: no header in front,
	// the quoted one is 40 bytes.  Time exceeded (in transit) says a
	// router; port unreachable says the host; any other unreachable
	// ends the trace too
	(void)t;
	(void)buf;
	(void)n;
	(void)dport;
	(void)code;
	return NONE;
}

/* Sends one probe to port DPORT and waits for its answer, at most
 * wait_ms.  Returns what came (NONE: nothing) with who sent it and the
 * round-trip time. */
static enum answer probe(struct trace *t, int dport,
			 struct sockaddr_storage *from, double *rtt,
			 int *code)
{
	unsigned char buf[1500];
	double sent, deadline;
	char what[16];
	int ttl = -1;
	socklen_t len = sizeof(ttl);
	ssize_t n;

	/* the payload names the TTL, for whoever reads a capture */
	getsockopt(t->udp, t->family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
		   t->family == AF_INET ? IP_TTL : IPV6_UNICAST_HOPS, &ttl,
		   &len);
	snprintf(what, sizeof(what), "TTL %d", ttl);
	sock_set_port((struct sockaddr *)&t->dst, t->dstlen, dport);
	sent = now_ms();
	if (sendto(t->udp, what, strlen(what), 0, (struct sockaddr *)&t->dst,
		   t->dstlen) < 0)
		err_ret("sendto");
	deadline = sent + t->wait_ms;
	// TODO (section 28.6): read the ICMP socket until classify() finds
	// the answer to this probe, but never past the deadline (poll()
	// with the time left): a hop may say nothing at all
	(void)deadline;
	(void)buf;
	(void)n;
	(void)from;
	(void)rtt;
	(void)code;
	(void)classify;
	return NONE;
}

/* What traceroute(8) prints after an unreachable that is not the
 * host's port unreachable. */
static const char *mark(int family, int code)
{
	if (family == AF_INET)
		return code == ICMP_NET_UNREACH ? "!N" :
		       code == ICMP_HOST_UNREACH ? "!H" :
		       code == ICMP_PROT_UNREACH ? "!P" : "!X";
	return code == ICMP6_DST_UNREACH_NOROUTE ? "!N" :
	       code == ICMP6_DST_UNREACH_ADDR ? "!H" : "!X";
}

/* Probes hop after hop and prints a line for each; returns 1 when the
 * destination answered. */
static int trace_hops(struct trace *t)
{
	struct sockaddr_storage from;
	char addr[INET6_ADDRSTRLEN], last[INET6_ADDRSTRLEN];
	int ttl, i, code, dport = t->port, done = 0, reached = 0;
	enum answer a;
	double rtt;

	// TODO (section 28.6): for TTL 1, 2, ... up to maxhops: set it,
	// send nprobes probes (one more port each), print " N " then for
	// each " ADDR" (when it changes) and "  X.XXX ms", or " *"; stop
	// after the hop that answered with an unreachable (port
	// unreachable: the destination, reached; others: print " !H" etc.
	// from mark())
	(void)from;
	(void)addr;
	(void)last;
	(void)ttl;
	(void)i;
	(void)code;
	(void)dport;
	(void)done;
	(void)a;
	(void)rtt;
	(void)mark;
	(void)probe;
	(void)set_ttl;
	return reached;
}

static void usage(void)
{
	err_quit("usage: traceroute [-m MAXHOPS] [-q PROBES] [-w WAIT_MS] "
		 "[-p PORT] HOST");
}

static int number(const char *s, int lo, int hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		usage();
	return (int)v;
}

int main(int argc, char **argv)
{
	struct trace t = { .maxhops = 30, .nprobes = 3, .wait_ms = 1000,
			   .port = 33434 };
	struct sockaddr_storage me;
	socklen_t len = sizeof(me);
	char host[INET6_ADDRSTRLEN];
	struct addrinfo *ai;
	int c;

	while ((c = getopt(argc, argv, "m:q:w:p:")) != -1) {
		switch (c) {
		case 'm': t.maxhops = number(optarg, 1, 255); break;
		case 'q': t.nprobes = number(optarg, 1, 10); break;
		case 'w': t.wait_ms = number(optarg, 1, 60000); break;
		case 'p': t.port = number(optarg, 1, 65535 - 2550); break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	ai = host_serv(argv[optind], NULL, AF_UNSPEC, SOCK_DGRAM, &c);
	if (ai == NULL)
		err_quit("traceroute: %s: %s", argv[optind],
			 name_strerror(c));
	t.family = ai->ai_family;
	memcpy(&t.dst, ai->ai_addr, ai->ai_addrlen);
	t.dstlen = ai->ai_addrlen;
	freeaddrinfo(ai);

	t.icmp = Socket(t.family, SOCK_RAW, t.family == AF_INET ?
			IPPROTO_ICMP : IPPROTO_ICMPV6);
	t.udp = Socket(t.family, SOCK_DGRAM, 0);
	sock_bind_wild(t.udp, t.family);	/* a port of our own */
	Getsockname(t.udp, (struct sockaddr *)&me, &len);
	t.sport = sock_get_port((struct sockaddr *)&me, len);
	sock_ntop_host((struct sockaddr *)&t.dst, t.dstlen, host,
		       sizeof(host));
	printf("traceroute to %s, %d hops max\n", host, t.maxhops);
	return trace_hops(&t) ? 0 : 1;
}
