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

/* include ntp_put_time */
void ntp_put_time(unsigned char *p, const struct timespec *ts)
{
	/* BEGIN SOLUTION */
	uint32_t sec = (uint32_t)((uint64_t)ts->tv_sec + NTP_UNIX_EPOCH);
	uint32_t frac = (uint32_t)(((uint64_t)ts->tv_nsec << 32) /
				   1000000000u);

	sec = htonl(sec);
	frac = htonl(frac);
	memcpy(p, &sec, 4);
	memcpy(p + 4, &frac, 4);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 21.9): seconds since 1900 in the first 4 bytes,
	// the fraction of a second in units of 2^-32 s in the next 4,
	// both in network byte order
	(void)ts;
	memset(p, 0, 8);
	STARTER */
}
/* end ntp_put_time */

/* include ntp_get_time */
void ntp_get_time(const unsigned char *p, struct timespec *ts)
{
	/* BEGIN SOLUTION */
	uint32_t sec, frac;
	int64_t unix_sec;

	memcpy(&sec, p, 4);
	memcpy(&frac, p + 4, 4);
	sec = ntohl(sec);
	frac = ntohl(frac);
	unix_sec = (int64_t)sec - (int64_t)NTP_UNIX_EPOCH;
	if ((sec & 0x80000000u) == 0)           /* era 1: 2036 to 2104 */
		unix_sec += (int64_t)1 << 32;
	ts->tv_sec = (time_t)unix_sec;
	ts->tv_nsec = (long)(((uint64_t)frac * 1000000000u) >> 32);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 21.9): the reverse of ntp_put_time(); mind the
	// era: seconds with the top bit clear are after 2036
	(void)p;
	ts->tv_sec = 0;
	ts->tv_nsec = 0;
	STARTER */
}
/* end ntp_get_time */

/* include sntp_request */
void sntp_request(unsigned char *pkt, const struct timespec *t1)
{
	/* BEGIN SOLUTION */
	memset(pkt, 0, NTP_PACKET_LEN);
	pkt[0] = (0 << 6) | (4 << 3) | NTP_MODE_CLIENT;  /* LI, VN, mode */
	ntp_put_time(pkt + NTP_OFF_TRANSMIT, t1);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 21.10): 48 bytes of zeros but the first (leap
	// indicator 0, version 4, mode 3) and the transmit timestamp
	(void)t1;
	memset(pkt, 0, NTP_PACKET_LEN);
	STARTER */
}
/* end sntp_request */

/* include sntp_check_reply */
int sntp_check_reply(const unsigned char *reply, size_t len,
		     const unsigned char *request, const char **why)
{
	/* BEGIN SOLUTION */
	static const unsigned char zero[8];
	static char kod[64];
	int li = reply[0] >> 6, vn = (reply[0] >> 3) & 7, mode = reply[0] & 7;

	if (len < NTP_PACKET_LEN || mode != NTP_MODE_SERVER ||
	    vn < 1 || vn > 4) {
		*why = "not an NTP server's reply";
		return SNTP_NOT_OURS;
	}
	if (memcmp(reply + NTP_OFF_ORIGIN, request + NTP_OFF_TRANSMIT,
		   8) != 0) {
		*why = "its origin timestamp is not our transmit timestamp";
		return SNTP_NOT_OURS;
	}
	if (reply[NTP_OFF_STRATUM] == 0) {
		snprintf(kod, sizeof(kod), "kiss-o'-death \"%.4s\"",
			 (const char *)reply + NTP_OFF_REFID);
		*why = kod;
		return SNTP_REFUSED;
	}
	if (li == 3) {
		*why = "the server's clock is not synchronised (LI 3)";
		return SNTP_REFUSED;
	}
	if (reply[NTP_OFF_STRATUM] > 15) {
		*why = "stratum above 15";
		return SNTP_REFUSED;
	}
	if (memcmp(reply + NTP_OFF_TRANSMIT, zero, 8) == 0) {
		*why = "no transmit timestamp";
		return SNTP_REFUSED;
	}
	*why = NULL;
	return 0;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 21.11): ignore what does not answer this request
	// (SNTP_NOT_OURS); refuse a kiss-o'-death, an unsynchronised
	// server and a reply without a transmit time (SNTP_REFUSED)
	(void)reply;
	(void)len;
	(void)request;
	*why = NULL;
	return 0;
	STARTER */
}
/* end sntp_check_reply */

/* include sntp_offset_delay */
void sntp_offset_delay(const struct timespec t[4], double *offset,
		       double *delay)
{
	/* BEGIN SOLUTION */
	*offset = (ts_diff(&t[1], &t[0]) + ts_diff(&t[2], &t[3])) / 2;
	*delay = ts_diff(&t[3], &t[0]) - ts_diff(&t[2], &t[1]);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 21.10): RFC 4330 section 5, with ts_diff()
	(void)t;
	(void)ts_diff;
	*offset = 0;
	*delay = 0;
	STARTER */
}
/* end sntp_offset_delay */

/* include sntp_query */
int sntp_query(int fd, int timeout_ms, struct sntp_result *r,
	       const char **why)
{
	/* BEGIN SOLUTION */
	unsigned char req[NTP_PACKET_LEN], buf[NTP_PACKET_LEN + 64];
	struct timespec deadline, now;
	int rc;

	clock_gettime(CLOCK_REALTIME, &r->t[0]);
	sntp_request(req, &r->t[0]);
	if (send(fd, req, sizeof(req), 0) < 0) {
		*why = strerror(errno);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double left;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = ts_diff(&deadline, &now);
		if (left <= 0) {
			*why = "no reply in time";
			errno = ETIMEDOUT;
			return -1;
		}
		if (poll(&p, 1, (int)(left * 1000) + 1) < 0 &&
		    errno != EINTR) {
			*why = strerror(errno);
			return -1;
		}
		if (!(p.revents & (POLLIN | POLLERR)))
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		clock_gettime(CLOCK_REALTIME, &r->t[3]);
		if (n < 0) {
			*why = strerror(errno);
			return -1;
		}
		rc = sntp_check_reply(buf, (size_t)n, req, why);
		if (rc == SNTP_NOT_OURS)
			continue;               /* late, forged or stray */
		if (rc != 0)
			return -1;
		break;
	}
	r->stratum = buf[NTP_OFF_STRATUM];
	ntp_get_time(buf + NTP_OFF_RECEIVE, &r->t[1]);
	ntp_get_time(buf + NTP_OFF_TRANSMIT, &r->t[2]);
	sntp_offset_delay(r->t, &r->offset, &r->delay);
	return 0;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 21.11): send a request stamped now, then wait at
	// most timeout_ms for the reply that answers it, ignoring others
	(void)fd;
	(void)timeout_ms;
	(void)r;
	*why = "not written yet";
	return -1;
	STARTER */
}
/* end sntp_query */
