/*
 * ch10sctp.h - what chapter 10's suite and lab 10's tests share: the
 * two hosts of every scenario, and a drop of the Nth SCTP packet whose
 * first chunk is DATA on a given stream.
 */
#ifndef CH10SCTP_H
#define CH10SCTP_H

#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#define CH "10-sctp-client-server"

/* Host a (192.0.2.1) and host b (192.0.2.2), one link; SCTP's timers
 * are the kernel's own (rto_min 1 s, rto_initial 3 s). */
#define CH10_HOSTS "host a b\nlink a b 192.0.2.0/24\ntiming kernel\n"

/* A VM under software emulation is slow: waits for what must happen. */
#define SLOW_MS 8000

/* Drops the NTH SCTP packet from HOST to PEER that matches PORTS
 * ("sctp sport 9877") and whose first DATA chunk (after a SACK or not)
 * is on STREAM with stream sequence number SSN: nftables finds the
 * chunk (sctp chunk data, Linux 5.14 and later). */
static inline void drop_data_on_stream(hn_net *net, const char *host,
				       const char *peer, const char *ports,
				       int stream, int ssn, unsigned nth)
{
	char match[200];

	snprintf(match, sizeof(match), "%s sctp chunk data stream %d "
		 "sctp chunk data ssn %d", ports, stream, ssn);
	hn_drop_nth(net, host, peer, HN_OUT, nth, match);
}

#endif
