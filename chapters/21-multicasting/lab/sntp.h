/*
 * sntp.h - Lab 21: an SNTP client (RFC 4330, the client side of RFC
 * 5905): the 48-byte packet, NTP's 64-bit timestamps, the checks a
 * reply must pass, and offset and delay from the four timestamps
 * (sections 21.9 to 21.11).
 */
#ifndef SNTP_H
#define SNTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define NTP_PACKET_LEN 48
#define NTP_PORT 123
/* Seconds from NTP's epoch (1900-01-01) to Unix's (1970-01-01). */
#define NTP_UNIX_EPOCH 2208988800ULL

/* Byte offsets of the fields the client reads or writes. */
#define NTP_OFF_STRATUM  1
#define NTP_OFF_REFID   12
#define NTP_OFF_ORIGIN  24      /* T1, copied back by the server */
#define NTP_OFF_RECEIVE 32      /* T2, when the request arrived */
#define NTP_OFF_TRANSMIT 40     /* T3, when the reply left */

#define NTP_MODE_CLIENT 3
#define NTP_MODE_SERVER 4
#define NTP_MODE_BROADCAST 5

/* sntp_check_reply()'s answers besides 0 (a good reply). */
#define SNTP_NOT_OURS 1         /* not an answer to this request: ignore */
#define SNTP_REFUSED (-1)       /* an answer that must not be used */

struct sntp_result {
	double offset;          /* seconds: the server's clock minus ours */
	double delay;           /* seconds: the round trip, less the
				   time the server held the request */
	int stratum;
	struct timespec t[4];   /* T1..T4 as Unix times */
};

/* TS (a Unix time) as an NTP timestamp: 8 bytes at P, network order. */
void ntp_put_time(unsigned char *p, const struct timespec *ts);
/* The NTP timestamp at P as a Unix time, in the era RFC 4330 section 3
 * says: bit 0 of the seconds set means 1968-2036, clear 2036-2104. */
void ntp_get_time(const unsigned char *p, struct timespec *ts);
/* A client request (version 4, mode 3) whose transmit timestamp is T1. */
void sntp_request(unsigned char *pkt, const struct timespec *t1);
/* Whether REPLY (LEN bytes) answers REQUEST: 0, SNTP_NOT_OURS or
 * SNTP_REFUSED, with *WHY in words when it is not 0. */
int sntp_check_reply(const unsigned char *reply, size_t len,
		     const unsigned char *request, const char **why);
/* Offset and delay, in seconds, from T1..T4 (RFC 4330 section 5). */
void sntp_offset_delay(const struct timespec t[4], double *offset,
		       double *delay);
/* One exchange over FD, a connected UDP socket: the request, then the
 * reply that answers it within TIMEOUT_MS.  0 with *R filled, or -1
 * with *WHY in words (and errno ETIMEDOUT when nothing answered). */
int sntp_query(int fd, int timeout_ms, struct sntp_result *r,
	       const char **why);

#endif
