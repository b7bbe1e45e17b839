/*
 * lab22test.h - what lab 22's public and hidden tests share: the
 * student's functions (rtt.h), RFC 6298's arithmetic done again by the
 * test, and a server the test plays by a script while the student's
 * rr_call() runs in a child process (so that a call that never ends is
 * killed at a deadline and reported, never waited for).
 */
#ifndef LAB22TEST_H
#define LAB22TEST_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include "../lab/rtt.h"

#include <math.h>

#define LAB_EPS 1e-9

/* What the test's server does with the Nth datagram it receives. */
enum lab_act {
	LAB_ANSWER = 0,         /* echo it at once */
	LAB_DROP,               /* say nothing: the request was lost */
	LAB_STALE,              /* first echo the one before, then this */
	LAB_DELAY,              /* echo it after delay_ms */
	LAB_TWICE,              /* echo it twice */
};

#define LAB_MAX_ARRIVALS 16
#define LAB_MAX_CALLS 8

struct lab_script {
	enum lab_act act[LAB_MAX_ARRIVALS];  /* beyond: as the last */
	int nact;
	int delay_ms;
};

struct lab_outcome {
	int done;                       /* the child finished in time */
	int calls;                      /* how many rr_call()s ended */
	ssize_t ret[LAB_MAX_CALLS];
	int err[LAB_MAX_CALLS];
	char reply[LAB_MAX_CALLS][32];
	struct rtt after[LAB_MAX_CALLS];  /* the estimator after each */
	int arrivals;                   /* datagrams the server got */
	long long at[LAB_MAX_ARRIVALS];   /* when, ms since the start */
};

static inline enum lab_act lab_act_of(const struct lab_script *s, int i)
{
	if (s->nact == 0)
		return LAB_ANSWER;
	return s->act[i < s->nact ? i : s->nact - 1];
}

/* Runs CALLS rr_call()s (requests "request 1", "request 2", ...; seq
 * 1, 2, ...; TRIES sendings each) from a child, against the test's
 * server on loopback following script S, for at most DEADLINE_MS, and
 * stops early when more than MAX_ARRIVALS datagrams came. */
static inline void lab_exchange(struct rtt *r, int calls, int tries,
				const struct lab_script *s, int deadline_ms,
				int max_arrivals, struct lab_outcome *o)
{
	struct sockaddr_in a = { .sin_family = AF_INET }, c;
	socklen_t alen = sizeof(a), clen = sizeof(c);
	int srv, cli, pfd[2], nheld = 0;
	struct lab_outcome kid;
	char prev[2048], held[8][2048], *res = (char *)&kid;
	ssize_t prevlen = -1, heldlen[8];
	long long held_at[8], start = tk_now_ms(), end = start + deadline_ms;
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

		memset(&k, 0, sizeof(k));
		close(pfd[0]);
		for (int i = 0; i < calls && i < LAB_MAX_CALLS; i++) {
			char req[32];
			int n = snprintf(req, sizeof(req), "request %d", i + 1);

			errno = 0;
			k.ret[i] = rr_call(cli, r, (uint32_t)(i + 1), req,
					   (size_t)n, k.reply[i],
					   sizeof(k.reply[i]) - 1, tries);
			k.err[i] = errno;
			k.after[i] = *r;
			k.calls = i + 1;
		}
		if (write(pfd[1], &k, sizeof(k)) != (ssize_t)sizeof(k))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	close(cli);
	while (got < sizeof(kid)) {
		struct pollfd p[2] = { { .fd = srv, .events = POLLIN },
				       { .fd = pfd[0], .events = POLLIN } };
		long long now = tk_now_ms(), wake = end;
		char buf[2048];
		ssize_t n;

		for (int i = 0; i < nheld; i++)
			if (held_at[i] < wake)
				wake = held_at[i];
		if (now >= end || o->arrivals > max_arrivals)
			break;
		if (poll(p, 2, (int)(wake > now ? wake - now : 0)) < 0 &&
		    errno != EINTR)
			break;
		now = tk_now_ms();
		for (int i = 0; i < nheld; i++) {       /* delayed replies */
			if (held_at[i] > now)
				continue;
			sendto(srv, held[i], (size_t)heldlen[i], 0,
			       (struct sockaddr *)&c, clen);
			memmove(&held[i], &held[i + 1],
				(size_t)(nheld - i - 1) * sizeof(held[0]));
			memmove(&heldlen[i], &heldlen[i + 1],
				(size_t)(nheld - i - 1) * sizeof(heldlen[0]));
			memmove(&held_at[i], &held_at[i + 1],
				(size_t)(nheld - i - 1) * sizeof(held_at[0]));
			nheld--;
			i--;
		}
		if (p[0].revents & POLLIN) {
			int k = o->arrivals++;
			enum lab_act act = lab_act_of(s, k);

			n = recv(srv, buf, sizeof(buf), 0);
			if (k < LAB_MAX_ARRIVALS)
				o->at[k] = now - start;
			if (n < 0)
				continue;
			if (act == LAB_STALE && prevlen >= 0)
				sendto(srv, prev, (size_t)prevlen, 0,
				       (struct sockaddr *)&c, clen);
			if (act == LAB_ANSWER || act == LAB_STALE ||
			    act == LAB_TWICE)
				sendto(srv, buf, (size_t)n, 0,
				       (struct sockaddr *)&c, clen);
			if (act == LAB_TWICE)
				sendto(srv, buf, (size_t)n, 0,
				       (struct sockaddr *)&c, clen);
			if (act == LAB_DELAY && nheld < 8) {
				memcpy(held[nheld], buf, (size_t)n);
				heldlen[nheld] = n;
				held_at[nheld++] = now + s->delay_ms;
			}
			memcpy(prev, buf, (size_t)n);
			prevlen = n;
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			n = read(pfd[0], res + got, sizeof(kid) - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
	}
	if (got == sizeof(kid)) {               /* the child's part */
		o->done = 1;
		o->calls = kid.calls;
		memcpy(o->ret, kid.ret, sizeof(o->ret));
		memcpy(o->err, kid.err, sizeof(o->err));
		memcpy(o->reply, kid.reply, sizeof(o->reply));
		memcpy(o->after, kid.after, sizeof(o->after));
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(pfd[0]);
	close(srv);
}

/* RFC 6298 2.2 and 2.3, done again here: the test's own arithmetic. */
static inline void lab_rfc(double *srtt, double *rttvar, int *have,
			   double R)
{
	if (!*have) {
		*srtt = R;
		*rttvar = R / 2;
		*have = 1;
		return;
	}
	*rttvar = 0.75 * *rttvar + 0.25 * fabs(*srtt - R);
	*srtt = 0.875 * *srtt + 0.125 * R;
}

static inline double lab_rto(double srtt, double rttvar, double lo,
			     double hi)
{
	double rto = srtt + fmax(0.001, 4 * rttvar);

	return rto < lo ? lo : rto > hi ? hi : rto;
}

#endif
