/*
 * rtt.h - Lab 22: a reliable request/reply client over UDP, with a
 * retransmission timer computed as RFC 6298 says (sections 22.6 to
 * 22.8).  Times are in seconds, as doubles.
 */
#ifndef RTT_H
#define RTT_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#define RTT_ALPHA (1.0 / 8)     /* gain of SRTT (RFC 6298 2.3) */
#define RTT_BETA  (1.0 / 4)     /* gain of RTTVAR */
#define RTT_K     4             /* RTO = SRTT + max(G, K * RTTVAR) */
#define RTT_G     0.001         /* our clock's granularity: poll()'s ms */

/* The RFC's defaults: first RTO 1 s (2.1), never below 1 s (2.4),
 * a maximum of 60 s (2.5).  Tests pass smaller ones: the floor knob. */
#define RTT_INITIAL_RTO 1.0
#define RTT_MIN_RTO     1.0
#define RTT_MAX_RTO     60.0

struct rtt {
	double srtt;            /* smoothed round-trip time */
	double rttvar;          /* its mean deviation */
	double rto;             /* the retransmission timeout now */
	double min_rto, max_rto;
	int have_sample;        /* 0 until the first measurement */
};

/* Before any measurement: RTO = initial (clamped), no SRTT/RTTVAR. */
void rtt_init(struct rtt *r, double initial, double min_rto,
	      double max_rto);

/* One measurement R (seconds): SRTT, RTTVAR and RTO as RFC 6298 2.2
 * and 2.3 say, then RTO clamped to [min_rto, max_rto]. */
void rtt_sample(struct rtt *r, double R);

/* A retransmission timer expired: RTO doubles, up to max_rto (5.5). */
void rtt_backoff(struct rtt *r);

/* include rr_hdr */
/* What goes before every request and comes back before every reply,
 * in network byte order: the request's number, and when it was first
 * sent (CLOCK_MONOTONIC, microseconds, 64 bits as two halves). */
struct rr_hdr {
	uint32_t seq;
	uint32_t ts_hi, ts_lo;
};
/* end rr_hdr */

/* Sends REQ (LEN bytes) with header SEQ on the connected UDP socket FD
 * and waits for the reply with the same SEQ, retransmitting the same
 * bytes whenever r->rto passes, at most TRIES transmissions in all.
 * The reply's payload (without header) goes to REPLY (at most CAP
 * bytes; more is cut).  Returns its length, or -1: errno ETIMEDOUT when
 * TRIES transmissions went unanswered, or the socket's error. */
ssize_t rr_call(int fd, struct rtt *r, uint32_t seq, const void *req,
		size_t len, void *reply, size_t cap, int tries);

#endif
