/*
 * sntp.c - Lab 21: an SNTP client.  You write the timestamp
 * conversions, the request, the checks of a reply, the offset and the
 * delay, and one exchange with a deadline (sections 21.9 to 21.11).
 */
#include "sntp.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

/* B - A in seconds, without losing the nanoseconds to a double's
 * 53 bits (a Unix time in nanoseconds needs 61). */
static double ts_diff(const struct timespec *b, const struct timespec *a)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void ntp_put_time(unsigned char *p, const struct timespec *ts)
{
	// TODO (section 21.9): seconds since 1900 in the first 4 bytes,
	// the fraction of a second in units of 2^-32 s in the next 4,
	// both in network byte order
	(void)ts;
	memset(p, 0, 8);
}

void ntp_get_time(const unsigned char *p, struct timespec *ts)
{
	// TODO (section 21.9): the reverse of ntp_put_time(); mind the
	// era: seconds with the top bit clear are after 2036
	(void)p;
	ts->tv_sec = 0;
	ts->tv_nsec = 0;
}

void sntp_request(unsigned char *pkt, const struct timespec *t1)
{
	// TODO (section 21.10): 48 bytes of zeros but the first (leap
	// indicator 0, version 4, mode 3) and the transmit timestamp
	(void)t1;
	memset(pkt, 0, NTP_PACKET_LEN);
}

int sntp_check_reply(const unsigned char *reply, size_t len,
		     const unsigned char *request, const char **why)
{
	// TODO (section 21.11): ignore what does not answer this request
	// (SNTP_NOT_OURS); refuse a kiss-o'-death, an unsynchronised
	// server and a reply without a transmit time (SNTP_REFUSED)
	(void)reply;
	(void)len;
	(void)request;
	*why = NULL;
	return 0;
}

void sntp_offset_delay(const struct timespec t[4], double *offset,
		       double *delay)
{
	// TODO (section 21.10): RFC 4330 section 5, with ts_diff()
	(void)t;
	(void)ts_diff;
	*offset = 0;
	*delay = 0;
}

int sntp_query(int fd, int timeout_ms, struct sntp_result *r,
	       const char **why)
{
	// TODO (section 21.11): send a request stamped now, then wait at
	// most timeout_ms for the reply that answers it, ignoring others
	(void)fd;
	(void)timeout_ms;
	(void)r;
	*why = "not written yet";
	return -1;
}
