/*
 * rtt.c - Lab 22: RFC 6298's retransmission timer and a request/reply
 * call over UDP that uses it.  The functions are described in rtt.h.
 */
#include "lnp.h"
#include "rtt.h"

#include <math.h>

static double clamp(const struct rtt *r, double rto)
{
	if (rto < r->min_rto)
		return r->min_rto;
	if (rto > r->max_rto)
		return r->max_rto;
	return rto;
}

void rtt_init(struct rtt *r, double initial, double min_rto, double max_rto)
{
	r->srtt = r->rttvar = 0;
	r->have_sample = 0;
	r->min_rto = min_rto;
	r->max_rto = max_rto;
	r->rto = clamp(r, initial);
}

/* include rtt_sample */
void rtt_sample(struct rtt *r, double R)
{
	/* BEGIN SOLUTION */
	if (!r->have_sample) {                  /* RFC 6298 2.2 */
		r->srtt = R;
		r->rttvar = R / 2;
		r->have_sample = 1;
	} else {                                /* 2.3: RTTVAR first */
		r->rttvar = (1 - RTT_BETA) * r->rttvar +
			    RTT_BETA * fabs(r->srtt - R);
		r->srtt = (1 - RTT_ALPHA) * r->srtt + RTT_ALPHA * R;
	}
	r->rto = clamp(r, r->srtt + fmax(RTT_G, RTT_K * r->rttvar));
	/* END SOLUTION */
	/* STARTER
	// TODO (section 22.7): the first measurement sets SRTT and RTTVAR
	// (RFC 6298 2.2); later ones update RTTVAR, then SRTT, with
	// RTT_BETA and RTT_ALPHA (2.3); RTO = SRTT + max(RTT_G, RTT_K *
	// RTTVAR), clamped to [min_rto, max_rto] (2.4, 2.5).
	(void)r; (void)R; (void)clamp;
	STARTER */
}
/* end rtt_sample */

/* include rtt_backoff */
void rtt_backoff(struct rtt *r)
{
	/* BEGIN SOLUTION */
	r->rto = clamp(r, r->rto * 2);          /* RFC 6298 5.5 */
	/* END SOLUTION */
	/* STARTER
	// TODO (section 22.8): double the RTO, never above max_rto.
	(void)r;
	STARTER */
}
/* end rtt_backoff */

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* include rr_call */
ssize_t rr_call(int fd, struct rtt *r, uint32_t seq, const void *req,
		size_t len, void *reply, size_t cap, int tries)
{
	/* BEGIN SOLUTION */
	char out[2048], in[2048];
	struct rr_hdr h;
	uint64_t sent = now_us();
	int sends = 0;

	if (len > sizeof(out) - sizeof(h)) {
		errno = EMSGSIZE;
		return -1;
	}
	h.seq = htonl(seq);                     /* built once, sent again */
	h.ts_hi = htonl((uint32_t)(sent >> 32));
	h.ts_lo = htonl((uint32_t)sent);
	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), req, len);

	while (sends < tries) {
		uint64_t deadline;

		if (send(fd, out, sizeof(h) + len, 0) < 0)
			return -1;
		sends++;
		deadline = now_us() + (uint64_t)(r->rto * 1e6);
		for (;;) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			uint64_t t = now_us();
			ssize_t n;
			struct rr_hdr got;

			if (t >= deadline)
				break;
			n = poll(&p, 1, (int)((deadline - t + 999) / 1000));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -1;
			if (n == 0)
				continue;       /* look at the clock again */
			if ((n = recv(fd, in, sizeof(in), 0)) < 0)
				return -1;
			if ((size_t)n < sizeof(got))
				continue;       /* not one of ours */
			memcpy(&got, in, sizeof(got));
			if (ntohl(got.seq) != seq)
				continue;       /* a late reply: not this one */
			if (sends == 1) {       /* Karn: only if never resent */
				uint64_t ts = (uint64_t)ntohl(got.ts_hi) << 32 |
					      ntohl(got.ts_lo);
				rtt_sample(r, (double)(now_us() - ts) / 1e6);
			}
			n -= (ssize_t)sizeof(got);
			if ((size_t)n > cap)
				n = (ssize_t)cap;
			memcpy(reply, in + sizeof(got), (size_t)n);
			return n;
		}
		rtt_backoff(r);                 /* kept until a new sample */
	}
	errno = ETIMEDOUT;
	return -1;
	/* END SOLUTION */
	/* STARTER
	// TODO (sections 22.6 and 22.8): put a struct rr_hdr (SEQ, the
	// time of the first sending) before REQ; send it, wait up to
	// r->rto for the reply with the same SEQ (others are late: drop
	// them); on a timeout call rtt_backoff() and send the same bytes
	// again, TRIES sendings at most (then ETIMEDOUT).  Take an RTT
	// sample (rtt_sample) only when the request was sent once (Karn).
	(void)fd; (void)r; (void)seq; (void)req; (void)len; (void)reply;
	(void)cap; (void)tries; (void)now_us;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end rr_call */
