/*
 * lab21test.h - what lab 21's public and hidden tests share: the
 * student's functions (sntp.h), and an NTP server the test plays on
 * loopback by a script while the student's sntp_query() runs in a
 * child process, so that a query that never ends is killed at a
 * deadline and reported, never waited for.
 */
#ifndef LAB21TEST_H
#define LAB21TEST_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include "../lab/sntp.h"
#include "chrony21.h"

#include <math.h>

/* How the test's server answers the request. */
struct lab_script {
	double ahead;           /* its clock, seconds ahead of ours */
	int hold_ms;            /* between T2 and T3: a slow server */
	int silent;             /* never answer */
	int forged_first;       /* first a reply with a wrong origin */
	int li, stratum, vn, mode;   /* the reply's fields (0: usual) */
	const char *refid;      /* 4 bytes, with stratum 0: a KoD code */
	int zero_transmit;      /* no transmit timestamp */
};

struct lab_outcome {
	int done;               /* sntp_query() returned in time */
	int rc, err;
	struct sntp_result r;
	char why[128];
	int requests;           /* datagrams the server got */
	unsigned char req[NTP_PACKET_LEN];   /* the first one */
	ssize_t reqlen;
	long long took_ms;      /* from the start to the child's answer */
};

/* TS plus SECONDS (which may be negative or fractional). */
static inline struct timespec lab_shift(struct timespec ts, double s)
{
	long long ns = (long long)ts.tv_nsec + llround(s * 1e9);

	ts.tv_sec += (time_t)(ns / 1000000000LL);
	ns %= 1000000000LL;
	if (ns < 0) {
		ns += 1000000000LL;
		ts.tv_sec--;
	}
	ts.tv_nsec = (long)ns;
	return ts;
}

/* The test's own timestamp writer: not the student's. */
static inline void lab_put(unsigned char *p, struct timespec ts)
{
	uint32_t s = htonl((uint32_t)((uint64_t)ts.tv_sec + 2208988800ULL));
	uint32_t f = htonl((uint32_t)(((uint64_t)ts.tv_nsec << 32) /
				      1000000000u));

	memcpy(p, &s, 4);
	memcpy(p + 4, &f, 4);
}

static inline void lab_reply(const struct lab_script *s,
			     const unsigned char *req, unsigned char *rep,
			     struct timespec t2, struct timespec t3)
{
	memset(rep, 0, NTP_PACKET_LEN);
	rep[0] = (unsigned char)((s->li & 3) << 6 |
				 (s->vn ? s->vn : 4) << 3 |
				 (s->mode ? s->mode : 4));
	rep[1] = (unsigned char)(s->stratum >= 0 ? (s->stratum ? s->stratum
						    : 2) : 0);
	rep[2] = 6;                     /* poll */
	rep[3] = (unsigned char)-20;    /* precision */
	memcpy(rep + 12, s->refid ? s->refid : "LOCL", 4);
	lab_put(rep + 16, lab_shift(t2, -1));   /* reference time */
	memcpy(rep + NTP_OFF_ORIGIN, req + NTP_OFF_TRANSMIT, 8);
	lab_put(rep + NTP_OFF_RECEIVE, t2);
	if (!s->zero_transmit)
		lab_put(rep + NTP_OFF_TRANSMIT, t3);
}

/* Runs sntp_query(fd, TIMEOUT_MS) in a child against the test's server
 * on loopback following S; gives up on the child after DEADLINE_MS. */
static inline void lab_exchange(const struct lab_script *s, int timeout_ms,
				int deadline_ms, struct lab_outcome *o)
{
	struct sockaddr_in a = { .sin_family = AF_INET }, c;
	socklen_t alen = sizeof(a), clen = sizeof(c);
	int srv, cli, pfd[2];
	struct lab_outcome kid;
	char *res = (char *)&kid;
	long long start = tk_now_ms(), end = start + deadline_ms;
	size_t got = 0;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	srv = Socket(AF_INET, SOCK_DGRAM, 0);
	Bind(srv, (struct sockaddr *)&a, alen);
	Getsockname(srv, (struct sockaddr *)&a, &alen);
	cli = Socket(AF_INET, SOCK_DGRAM, 0);
	Connect(cli, (struct sockaddr *)&a, alen);
	Getsockname(cli, (struct sockaddr *)&c, &clen);
	Pipe(pfd);
	if ((pid = Fork()) == 0) {
		struct lab_outcome k;
		const char *why = NULL;

		memset(&k, 0, sizeof(k));
		close(pfd[0]);
		errno = 0;
		k.rc = sntp_query(cli, timeout_ms, &k.r, &why);
		k.err = errno;
		snprintf(k.why, sizeof(k.why), "%s", why ? why : "");
		if (write(pfd[1], &k, sizeof(k)) != (ssize_t)sizeof(k))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	close(cli);
	while (got < sizeof(kid)) {
		struct pollfd p[2] = { { .fd = srv, .events = POLLIN },
				       { .fd = pfd[0], .events = POLLIN } };
		long long now = tk_now_ms();
		unsigned char buf[512], rep[NTP_PACKET_LEN];
		struct timespec t2, t3;
		ssize_t n;

		if (now >= end)
			break;
		if (poll(p, 2, (int)(end - now)) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLIN) {
			n = recv(srv, buf, sizeof(buf), 0);
			clock_gettime(CLOCK_REALTIME, &t2);
			if (n >= 0 && o->requests++ == 0) {
				memcpy(o->req, buf, n < NTP_PACKET_LEN ?
				       (size_t)n : NTP_PACKET_LEN);
				o->reqlen = n;
			}
			if (n < NTP_PACKET_LEN || s->silent)
				continue;
			t2 = lab_shift(t2, s->ahead);
			if (s->forged_first && o->requests == 1) {
				unsigned char fake[NTP_PACKET_LEN];
				struct lab_script honest = { 0 };

				lab_reply(&honest, buf, rep, lab_shift(t2,
					  1000), lab_shift(t2, 1000));
				memcpy(fake, rep, sizeof(fake));
				fake[NTP_OFF_ORIGIN + 7] ^= 0x5a;
				sendto(srv, fake, sizeof(fake), 0,
				       (struct sockaddr *)&c, clen);
			}
			if (s->hold_ms > 0)     /* the slow server's work */
				poll(NULL, 0, s->hold_ms);
			clock_gettime(CLOCK_REALTIME, &t3);
			lab_reply(s, buf, rep, t2, lab_shift(t3, s->ahead));
			sendto(srv, rep, sizeof(rep), 0,
			       (struct sockaddr *)&c, clen);
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			n = read(pfd[0], res + got, sizeof(kid) - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
	}
	o->took_ms = tk_now_ms() - start;
	if (got == sizeof(kid)) {
		o->done = 1;
		o->rc = kid.rc;
		o->err = kid.err;
		o->r = kid.r;
		memcpy(o->why, kid.why, sizeof(o->why));
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(pfd[0]);
	close(srv);
}

/* The test's words for a query that did not end. */
#define LAB_HUNG "sntp_query() had not returned after %lld ms (wait " \
	"with a deadline: see 21.11)"

#endif
