/*
 * Lab 21 public tests: the student's SNTP functions, first alone (the
 * timestamps, the request, the arithmetic), then sntp_query() against
 * the test's own server on loopback, which can be ahead, slow, silent,
 * forged or refusing, and last against a real chronyd whose clock runs
 * 2.5 s ahead.
 */
#include "lab21test.h"

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void timestamps_count_seconds_from_1900(void **state)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = 0 };
	unsigned char p[8];
	uint32_t sec;

	(void)state;
	memset(p, 0xee, sizeof(p));
	ntp_put_time(p, &ts);
	sec = be32(p);
	TK_EXPECT(sec != 0, "the Unix epoch became NTP second 0: NTP "
		  "counts from 1900, 2208988800 s before 1970 (see 21.9)");
	TK_EXPECT(sec != 0x807eaa83, "the seconds came out in the host's "
		  "byte order (80 7e aa 83): a timestamp goes on the wire "
		  "in network byte order, htonl() (see 21.9)");
	TK_EXPECT(sec == 2208988800u, "the Unix epoch became NTP second %u,"
		  " not 2208988800 (see 21.9)", sec);
	ts.tv_sec = 1700000000;
	ntp_put_time(p, &ts);
	TK_EXPECT(be32(p) == 1700000000u + 2208988800u, "Unix second "
		  "1700000000 became NTP second %u, not %u (see 21.9)",
		  be32(p), 1700000000u + 2208988800u);
}

static void fraction_counts_units_of_2_to_the_minus_32(void **state)
{
	static const struct { long ns; uint32_t frac; } c[] = {
		{ 500000000, 0x80000000u }, { 250000000, 0x40000000u },
		{ 1000, 0x000010c6u }, { 999999999, 0xfffffffbu },
	};
	unsigned char p[8];

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct timespec ts = { .tv_sec = 1700000000,
				       .tv_nsec = c[i].ns };

		ntp_put_time(p, &ts);
		TK_EXPECT(be32(p + 4) == c[i].frac, "%ld ns became the "
			  "fraction 0x%08x, not 0x%08x: the fraction counts "
			  "2^-32 s, so it is ns * 2^32 / 10^9 (see 21.9)",
			  c[i].ns, be32(p + 4), c[i].frac);
	}
}

static void timestamps_read_back(void **state)
{
	/* 2023-11-14 22:13:20.75 UTC */
	static const unsigned char p[8] = { 0xe8, 0xfe, 0x6f, 0x80,
					    0xc0, 0x00, 0x00, 0x00 };
	struct timespec ts, back;
	unsigned char q[8];

	(void)state;
	ntp_get_time(p, &ts);
	TK_EXPECT(ts.tv_sec == 1700000000 && ts.tv_nsec == 750000000,
		  "NTP e8fe6f80.c0000000 read as %lld s %ld ns, not "
		  "1700000000 s 750000000 ns (see 21.9)",
		  (long long)ts.tv_sec, ts.tv_nsec);
	ts.tv_nsec = 123456789;
	ntp_put_time(q, &ts);
	ntp_get_time(q, &back);
	TK_EXPECT(back.tv_sec == ts.tv_sec && labs(back.tv_nsec -
		  ts.tv_nsec) <= 1, "123456789 ns written and read back "
		  "came out %lld s %ld ns (see 21.9)",
		  (long long)back.tv_sec - ts.tv_sec, back.tv_nsec);
}

static void timestamps_after_2036_are_era_1(void **state)
{
	/* NTP second 16 of era 1: 2036-02-07 06:28:32 UTC */
	static const unsigned char p[8] = { 0, 0, 0, 16, 0, 0, 0, 0 };
	struct timespec ts;

	(void)state;
	ntp_get_time(p, &ts);
	TK_EXPECT(ts.tv_sec == 2085978512, "NTP seconds 0x00000010 read "
		  "as Unix time %lld, not 2085978512 (2036): a timestamp "
		  "whose top bit is clear is in era 1, after 2036 (see "
		  "21.9)", (long long)ts.tv_sec);
}

static void request_is_version_4_mode_3(void **state)
{
	struct timespec t1 = { .tv_sec = 1700000000, .tv_nsec = 250000000 };
	unsigned char pkt[NTP_PACKET_LEN], want[8];

	(void)state;
	memset(pkt, 0xee, sizeof(pkt));
	sntp_request(pkt, &t1);
	TK_EXPECT(pkt[0] == 0x23, "the request's first byte is 0x%02x "
		  "(leap %d, version %d, mode %d), not 0x23 (leap 0, "
		  "version 4, mode 3: a client) (see 21.10)", pkt[0],
		  pkt[0] >> 6, pkt[0] >> 3 & 7, pkt[0] & 7);
	lab_put(want, t1);
	TK_EXPECT(memcmp(pkt + NTP_OFF_TRANSMIT, want, 8) == 0, "the "
		  "request's transmit timestamp is not T1 (see 21.10)");
	for (int i = 1; i < NTP_OFF_TRANSMIT; i++)
		TK_EXPECT(pkt[i] == 0, "byte %d of the request is 0x%02x, "
			  "not 0 (see 21.10)", i, pkt[i]);
}

static void offset_and_delay_from_four_timestamps(void **state)
{
	/* the server is 10.2 s ahead; 1 s round trip, 0.2 s of it in
	 * the server */
	struct timespec t[4] = { { 100, 0 }, { 110, 600000000 },
				 { 110, 800000000 }, { 101, 0 } };
	double off, del;

	(void)state;
	sntp_offset_delay(t, &off, &del);
	TK_EXPECT(fabs(off + 10.2) > 1e-6, "offset -10.2 s for a server "
		  "10.2 s ahead: the offset is the server's clock minus "
		  "ours, ((T2 - T1) + (T3 - T4)) / 2 (see 21.10)");
	TK_EXPECT(fabs(off - 10.2) < 1e-6, "T1 100, T2 110.6, T3 110.8, "
		  "T4 101 gave the offset %.6f s, not 10.2: ((T2 - T1) + "
		  "(T3 - T4)) / 2 (see 21.10)", off);
	TK_EXPECT(fabs(del - 0.8) < 1e-6, "T1 100, T2 110.6, T3 110.8, T4 "
		  "101 gave the delay %.6f s, not 0.8: the round trip less "
		  "the server's own time, (T4 - T1) - (T3 - T2) (see 21.10)",
		  del);
}

static void server_ahead_by_10_s(void **state)
{
	struct lab_script s = { .ahead = 10 };
	struct lab_outcome o;

	(void)state;
	lab_exchange(&s, 2000, 3000, &o);
	TK_EXPECT(o.requests > 0, "no request reached the server "
		  "(see 21.10)");
	TK_EXPECT(o.reqlen == NTP_PACKET_LEN && (o.req[0] & 0x3f) == 0x23,
		  "the request was %zd bytes, first byte 0x%02x: 48 bytes, "
		  "version 4, mode 3 (see 21.10)", o.reqlen, o.req[0]);
	TK_EXPECT(o.done, LAB_HUNG, o.took_ms);
	TK_EXPECT(o.rc == 0, "sntp_query() failed (%s) on a good reply "
		  "(see 21.10)", o.why);
	TK_EXPECT(o.r.delay >= 0 && o.r.delay < 0.5, "delay %.6f s on "
		  "loopback (see 21.10)", o.r.delay);
	TK_EXPECT(fabs(o.r.offset - 10) < 0.05 + o.r.delay / 2, "a server "
		  "10 s ahead: offset %+.6f s (see 21.10)", o.r.offset);
	TK_EXPECT(o.r.stratum == 2, "stratum %d, not the reply's 2 (see "
		  "21.10)", o.r.stratum);
}

static void slow_server_is_not_far_away(void **state)
{
	struct lab_script s = { .ahead = 10, .hold_ms = 150 };
	struct lab_outcome o;

	(void)state;
	lab_exchange(&s, 2000, 3000, &o);
	TK_EXPECT(o.done, LAB_HUNG, o.took_ms);
	TK_EXPECT(o.rc == 0, "sntp_query() failed (%s) (see 21.10)", o.why);
	TK_EXPECT(o.r.delay < 0.145, "the server held the request 150 ms "
		  "and said so in T2 and T3, but the delay came out %.6f s:"
		  " (T4 - T1) - (T3 - T2) (see 21.10)", o.r.delay);
	TK_EXPECT(fabs(o.r.offset - 10) < 0.05 + o.r.delay / 2, "offset "
		  "%+.6f s, not 10 (see 21.10)", o.r.offset);
}

static void forged_reply_is_ignored(void **state)
{
	struct lab_script s = { .ahead = 10, .forged_first = 1 };
	struct lab_outcome o;

	(void)state;
	lab_exchange(&s, 2000, 3000, &o);
	TK_EXPECT(o.done, LAB_HUNG, o.took_ms);
	TK_EXPECT(o.rc == 0, "a reply whose origin timestamp was wrong "
		  "came first, and sntp_query() gave up (%s) instead of "
		  "waiting for the real one (see 21.11)", o.why);
	TK_EXPECT(fabs(o.r.offset - 10) < 0.05 + o.r.delay / 2, "offset "
		  "%+.6f s: a reply "
		  "whose origin timestamp is not our T1 (claiming +1000 s) "
		  "was believed (see 21.11)", o.r.offset);
}

static void kiss_o_death_is_refused(void **state)
{
	struct lab_script s = { .stratum = -1, .refid = "RATE" };
	struct lab_outcome o;

	(void)state;
	lab_exchange(&s, 2000, 3000, &o);
	TK_EXPECT(o.done, LAB_HUNG, o.took_ms);
	TK_EXPECT(o.rc == -1, "a kiss-o'-death (stratum 0, \"RATE\") was "
		  "taken as the time, offset %+.6f s (see 21.11)",
		  o.r.offset);
	TK_EXPECT(o.took_ms < 1500, "the kiss-o'-death was refused only "
		  "after %lld ms: it answers the request, so stop at once "
		  "(see 21.11)", o.took_ms);
}

static void unsynchronised_server_is_refused(void **state)
{
	struct lab_script s = { .li = 3, .ahead = 10 };
	struct lab_outcome o;

	(void)state;
	lab_exchange(&s, 2000, 3000, &o);
	TK_EXPECT(o.done, LAB_HUNG, o.took_ms);
	TK_EXPECT(o.rc == -1, "a reply with leap indicator 3 (the server's "
		  "clock is not synchronised) was used (see 21.11)");
}

static void silent_server_times_out(void **state)
{
	struct lab_script s = { .silent = 1 };
	struct lab_outcome o;

	(void)state;
	lab_exchange(&s, 200, 1500, &o);
	TK_EXPECT(o.requests == 1, "%d requests reached the server, not "
		  "one (see 21.11)", o.requests);
	TK_EXPECT(o.done, "a silent server, a 200 ms timeout, and "
		  "sntp_query() had not returned after %lld ms (see 21.11)",
		  o.took_ms);
	TK_EXPECT(o.rc == -1 && o.err == ETIMEDOUT, "a silent server: "
		  "sntp_query() returned %d, errno %d, not -1 and ETIMEDOUT "
		  "(see 21.11)", o.rc, o.err);
	TK_EXPECT(o.took_ms >= 190, "a 200 ms timeout ended after %lld ms "
		  "(see 21.11)", o.took_ms);
}

static void agrees_with_chrony(void **state)
{
	hn_net *net = hn_two_hosts();
	struct sntp_result r;
	const char *why = "";
	int fd, rc;

	(void)state;
	chrony21_start(net, "b", "+2.5", NULL);
	hn_enter(net, "a");
	fd = Udp_connect(hn_addr(net, "b", AF_INET), "123");
	hn_leave(net);
	rc = sntp_query(fd, 2000, &r, &why);
	close(fd);
	TK_EXPECT(rc == 0, "chronyd in b did not give the time: %s (see "
		  "21.12)", why);
	TK_EXPECT(fabs(r.offset - 2.5) < 0.05 + r.delay / 2, "chronyd runs "
		  "2.5 s ahead,"
		  " and the offset came out %+.6f s (see 21.12)", r.offset);
	TK_EXPECT(r.stratum == 3, "chronyd serves stratum 3; the result "
		  "says %d (see 21.12)", r.stratum);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(timestamps_count_seconds_from_1900),
		TK_TEST(fraction_counts_units_of_2_to_the_minus_32),
		TK_TEST(timestamps_read_back),
		TK_TEST(timestamps_after_2036_are_era_1),
		TK_TEST(request_is_version_4_mode_3),
		TK_TEST(offset_and_delay_from_four_timestamps),
		TK_TEST(server_ahead_by_10_s),
		TK_TEST(slow_server_is_not_far_away),
		TK_TEST(forged_reply_is_ignored),
		TK_TEST(kiss_o_death_is_refused),
		TK_TEST(unsynchronised_server_is_refused),
		TK_TEST(silent_server_times_out),
		TK_TEST(agrees_with_chrony),
	};
	return TK_RUN("lab21", tests);
}
