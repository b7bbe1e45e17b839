/*
 * sctputil.h - SCTP helpers for chapters 9, 10 and 23 (lib/sctputil.c).
 *
 * They use only the kernel's socket interface (setsockopt, sendmsg,
 * recvmsg) and the declarations of <netinet/sctp.h> (Debian's
 * libsctp-dev), so a program that calls them needs no -lsctp unless it
 * also calls libsctp's own functions (sctp_sendmsg, sctp_bindx, ...).
 * Library functions: they return -1 with errno set and never exit.
 */
#ifndef SCTPUTIL_H
#define SCTPUTIL_H

#include "lnp.h"
#include <netinet/sctp.h>

/* The name of a notification type ("SCTP_ASSOC_CHANGE"), of an
 * association change's state ("SCTP_COMM_UP") and of a peer address
 * change's state ("SCTP_ADDR_CONFIRMED"); "?" for a value unknown. */
const char *sctp_event_name(unsigned type);
const char *sctp_assoc_state_name(unsigned state);
const char *sctp_paddr_state_name(int state);
/* The notification type that NAME names (with or without the "SCTP_"
 * prefix, any case), or -1. */
int sctp_event_type(const char *name);

/* Turns on each of the N notification types in TYPES, one SCTP_EVENT
 * setsockopt each (RFC 6458 6.2.2), for association ASSOC (on a
 * one-to-many socket SCTP_FUTURE_ASSOC is the usual choice: associations
 * made from now on).  Returns 0, or -1 at the first type refused. */
int sctp_subscribe(int fd, sctp_assoc_t assoc, const uint16_t *types,
		   size_t n);

/* Writes one line (no newline) describing the notification of LEN bytes
 * at BUF into OUT: its name, then its fields, for instance
 * "SCTP_ASSOC_CHANGE SCTP_COMM_UP assoc 1 out 10 in 10 error 0".
 * Returns the length written (as snprintf), or -1 if BUF is too short to
 * be the notification its header says. */
int sctp_notification_line(const void *buf, size_t len, char *out,
			   size_t outlen);

/* What came with one message, from the SCTP_RCVINFO cmsg (after
 * setsockopt SCTP_RECVRCVINFO) or, on a socket with the old
 * sctp_data_io_event on, the SCTP_SNDRCV cmsg. */
struct sctp_msginfo {
	bool have;              /* a cmsg came with it */
	uint16_t stream;
	uint16_t ssn;
	uint16_t flags;
	uint32_t ppid;          /* in host order (ntohl of the wire's) */
	uint32_t tsn;
	sctp_assoc_t assoc_id;
};

/* Reads one whole message (or notification) into BUF, calling recvmsg
 * until a part carries MSG_EOR: SCTP may hand a large message over in
 * pieces.  FROM/FROMLEN, INFO and FLAGS may be NULL.  *FLAGS gets the
 * last part's flags (MSG_NOTIFICATION, MSG_EOR).  Returns the length,
 * 0 at end of file, -1 on error; if BUF fills before the end of the
 * message, returns CAP with MSG_EOR clear in *FLAGS (read the rest with
 * another call). */
ssize_t sctp_recv_whole(int fd, void *buf, size_t cap, struct sockaddr *from,
			socklen_t *fromlen, struct sctp_msginfo *info,
			int *flags);

/* Sends LEN bytes on STREAM of association ASSOC (0 on a one-to-one
 * socket or with TO given) with payload protocol identifier PPID (given
 * in host order; it is put in network order here), SNDFLAGS
 * (SCTP_UNORDERED, SCTP_EOF, SCTP_ABORT...), with an SCTP_SNDINFO cmsg
 * (RFC 6458 5.3.4).  TO may be NULL.  Returns sendmsg's result. */
ssize_t sctp_send_sndinfo(int fd, const void *buf, size_t len,
			  const struct sockaddr *to, socklen_t tolen,
			  sctp_assoc_t assoc, uint16_t stream, uint32_t ppid,
			  uint16_t sndflags);

#endif
