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

void rtt_sample(struct rtt *r, double R)
{
	// TODO (section 22.7): the first measurement sets SRTT and RTTVAR
	// (RFC 6298 2.2); later ones update RTTVAR, then SRTT, with
	// RTT_BETA and RTT_ALPHA (2.3); RTO = SRTT + max(RTT_G, RTT_K *
	// RTTVAR), clamped to [min_rto, max_rto] (2.4, 2.5).
	(void)r; (void)R; (void)clamp;
}

void rtt_backoff(struct rtt *r)
{
	// TODO (section 22.8): double the RTO, never above max_rto.
	(void)r;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

ssize_t rr_call(int fd, struct rtt *r, uint32_t seq, const void *req,
		size_t len, void *reply, size_t cap, int tries)
{
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
}
