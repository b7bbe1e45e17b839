/*
 * Lab 22 public tests: the student's estimator against RFC 6298's
 * arithmetic done again by the test (no clock: the samples are given),
 * then rr_call() against a server the test plays on loopback, which
 * answers, loses, delays or answers late as each test's script says.
 * The RTO floor is a knob (rtt_init's min_rto): the network tests use
 * 10 to 250 ms, not the RFC's 1 s, to stay fast; first RTOs of 20 ms
 * to 1 s, each far above what the test's server takes to answer, so
 * that a loaded machine does not add a sending the test did not ask
 * for.
 */
#include "lab22test.h"

/* ---- 22.7: the estimator, sample by sample ----------------------------- */

static void first_sample_sets_srtt_and_rttvar(void **state)
{
	struct rtt r;

	(void)state;
	rtt_init(&r, 1.0, 0, 60);
	rtt_sample(&r, 0.1);
	TK_EXPECT(r.have_sample && fabs(r.srtt - 0.1) < LAB_EPS &&
		  fabs(r.rttvar - 0.05) < LAB_EPS,
		  "after a first sample of 100 ms: SRTT %.6f s, RTTVAR %.6f "
		  "s (have_sample %d); RFC 6298 2.2 says SRTT = R = 0.1, "
		  "RTTVAR = R/2 = 0.05, have_sample 1 (section 22.7)",
		  r.srtt, r.rttvar, r.have_sample);
	TK_EXPECT(fabs(r.rto - 0.3) < LAB_EPS, "after a first sample of "
		  "100 ms the RTO is %.6f s, not SRTT + 4 * RTTVAR = 0.3 s "
		  "(section 22.7)", r.rto);
}

static void later_samples_follow_rfc6298(void **state)
{
	const double samples[] = { 0.1, 0.2, 0.05, 0.3, 0.12, 0.12 };
	double srtt = 0, rttvar = 0;
	int have = 0;
	struct rtt r;

	(void)state;
	rtt_init(&r, 1.0, 0, 60);
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		double rto;

		lab_rfc(&srtt, &rttvar, &have, samples[i]);
		rto = lab_rto(srtt, rttvar, 0, 60);
		rtt_sample(&r, samples[i]);
		TK_EXPECT(fabs(r.srtt - srtt) < LAB_EPS &&
			  fabs(r.rttvar - rttvar) < LAB_EPS &&
			  fabs(r.rto - rto) < LAB_EPS,
			  "after sample %zu (%.0f ms): SRTT %.6f RTTVAR %.6f "
			  "RTO %.6f; RFC 6298 2.3 gives SRTT %.6f RTTVAR %.6f "
			  "RTO %.6f (RTTVAR first, with the old SRTT and "
			  "|SRTT - R|; beta 1/4 for RTTVAR, alpha 1/8 for "
			  "SRTT: section 22.7)", i + 1, samples[i] * 1e3,
			  r.srtt, r.rttvar, r.rto, srtt, rttvar, rto);
	}
}

static void steady_samples_keep_the_granularity(void **state)
{
	struct rtt r;

	(void)state;
	rtt_init(&r, 1.0, 0, 60);
	for (int i = 0; i < 30; i++)
		rtt_sample(&r, 0.1);
	TK_EXPECT(fabs(r.rto - (r.srtt + RTT_G)) < LAB_EPS,
		  "after 30 samples of 100 ms RTTVAR is %.6f s and the RTO "
		  "%.6f s; RTO = SRTT + max(G, K * RTTVAR) = %.6f s, G = "
		  "RTT_G (section 22.7)", r.rttvar, r.rto, r.srtt + RTT_G);
}

static void rto_is_clamped(void **state)
{
	struct rtt r;

	(void)state;
	rtt_init(&r, 1.0, 0.2, 2.0);
	rtt_sample(&r, 0.01);
	TK_EXPECT(fabs(r.rto - 0.2) < LAB_EPS, "with min_rto 200 ms, a "
		  "10 ms sample gives an RTO of %.6f s, not the floor 0.2 s "
		  "(RFC 6298 2.4: section 22.7)", r.rto);
	rtt_init(&r, 1.0, 0.2, 2.0);
	rtt_sample(&r, 5.0);
	TK_EXPECT(fabs(r.rto - 2.0) < LAB_EPS, "with max_rto 2 s, a 5 s "
		  "sample gives an RTO of %.6f s, not the ceiling 2 s "
		  "(RFC 6298 2.5: section 22.7)", r.rto);
}

/* ---- 22.8: backoff ------------------------------------------------------ */

static void backoff_doubles_up_to_max(void **state)
{
	const double want[] = { 1.0, 2.0, 3.0, 3.0 };
	struct rtt r;

	(void)state;
	rtt_init(&r, 0.5, 0.1, 3.0);
	for (int i = 0; i < 4; i++) {
		rtt_backoff(&r);
		TK_EXPECT(fabs(r.rto - want[i]) < LAB_EPS, "after %d "
			  "backoff(s) from 0.5 s (max 3 s) the RTO is %.6f s,"
			  " not %.1f s (RFC 6298 5.5, doubled and kept under "
			  "max_rto: section 22.8)", i + 1, r.rto, want[i]);
	}
}

/* ---- 22.6: requests and replies ----------------------------------------- */

static void answered_at_once(void **state)
{
	struct lab_script s = { .nact = 0 };
	struct lab_outcome o;
	struct rtt r;

	(void)state;
	rtt_init(&r, 0.5, 0.01, 10);
	lab_exchange(&r, 1, 4, &s, 2000, 4, &o);
	TK_EXPECT(o.done, "rr_call() did not return within 2 s against a "
		  "server that answered at once (%d datagram(s) reached it: "
		  "section 22.6)", o.arrivals);
	TK_EXPECT(o.ret[0] == 9 && strcmp(o.reply[0], "request 1") == 0,
		  "rr_call() returned %zd and the reply \"%s\": the server "
		  "echoed \"request 1\" after the header; return only what "
		  "follows the header (section 22.6)", o.ret[0],
		  o.ret[0] < 0 ? strerror(o.err[0]) : o.reply[0]);
	TK_EXPECT(o.arrivals == 1, "the server received %d datagrams for "
		  "one call answered at once (section 22.6)", o.arrivals);
	TK_EXPECT(o.after[0].have_sample && o.after[0].srtt < 0.2,
		  "a request answered at once gave no RTT sample (have_sample"
		  " %d, SRTT %.6f s): measure now minus the header's "
		  "timestamp (section 22.6)", o.after[0].have_sample,
		  o.after[0].srtt);
}

static void late_reply_is_not_this_one(void **state)
{
	struct lab_script s = { .act = { LAB_ANSWER, LAB_STALE,
					 LAB_ANSWER }, .nact = 3 };
	struct lab_outcome o;
	struct rtt r;

	(void)state;
	rtt_init(&r, 0.5, 0.01, 10);
	lab_exchange(&r, 2, 4, &s, 2000, 6, &o);
	TK_EXPECT(o.done && o.calls == 2, "two calls did not end within "
		  "2 s (section 22.6)");
	TK_EXPECT(o.ret[1] == 9 && strcmp(o.reply[1], "request 2") == 0,
		  "the second call returned \"%s\": a late copy of reply 1 "
		  "came first and was taken for reply 2; check the reply's "
		  "sequence number (section 22.6)",
		  o.ret[1] < 0 ? strerror(o.err[1]) : o.reply[1]);
}

/* ---- 22.8: loss, backoff and Karn's rule --------------------------------- */

static void lost_requests_back_off(void **state)
{
	struct lab_script s = { .act = { LAB_DROP, LAB_DROP, LAB_ANSWER },
				.nact = 3 };
	struct lab_outcome o;
	struct rtt r;

	(void)state;
	rtt_init(&r, 0.1, 0.01, 10);
	lab_exchange(&r, 2, 4, &s, 3000, 8, &o);
	TK_EXPECT(o.done && o.calls == 2, "two calls (the first request "
		  "lost twice) did not end within 3 s; %d datagrams reached "
		  "the server (section 22.8)", o.arrivals);
	TK_EXPECT(o.ret[0] == 9 && o.arrivals == 4, "the first call "
		  "returned %zd (%s) after %d datagrams reached the server; "
		  "lost twice, the request must go 3 times, then 1 for the "
		  "second call (section 22.8)", o.ret[0],
		  o.ret[0] < 0 ? strerror(o.err[0]) : o.reply[0],
		  o.arrivals);
	TK_EXPECT(!o.after[0].have_sample, "an RTT sample was taken from "
		  "a request sent three times (SRTT %.6f s): its reply may "
		  "answer any of them, so Karn's rule takes none (section "
		  "22.8)", o.after[0].srtt);
	TK_EXPECT(fabs(o.after[0].rto - 0.4) < LAB_EPS,
		  "after two timeouts from an RTO of 100 ms, the RTO is "
		  "%.6f s, not 0.4 s: each timeout doubles it, and it stays "
		  "backed off until a new sample (section 22.8)",
		  o.after[0].rto);
	TK_EXPECT(o.after[1].have_sample &&
		  fabs(o.after[1].rto - lab_rto(o.after[1].srtt,
		  o.after[1].rttvar, 0.01, 10)) < LAB_EPS,
		  "the second request, answered at once, gave no new RTO "
		  "(have_sample %d, RTO %.6f s): a sample from a request "
		  "sent once sets it again (section 22.8)",
		  o.after[1].have_sample, o.after[1].rto);
}

static void gives_up_after_its_tries(void **state)
{
	struct lab_script s = { .act = { LAB_DROP }, .nact = 1 };
	struct lab_outcome o;
	struct rtt r;

	(void)state;
	rtt_init(&r, 0.02, 0.01, 10);
	lab_exchange(&r, 1, 4, &s, 2000, 4, &o);
	TK_EXPECT(o.arrivals <= 4, "rr_call() with 4 tries sent the "
		  "request %d times to a server that never answers (section "
		  "22.8)", o.arrivals);
	TK_EXPECT(o.done, "rr_call() with 4 tries from an RTO of 20 ms "
		  "did not give up within 2 s (20 + 40 + 80 + 160 ms are "
		  "enough: section 22.8)");
	TK_EXPECT(o.ret[0] == -1 && o.err[0] == ETIMEDOUT && o.arrivals == 4,
		  "against a silent server rr_call() returned %zd (errno "
		  "%s) after %d sendings, not -1 with ETIMEDOUT after 4 "
		  "(section 22.8)", o.ret[0], strerror(o.err[0]), o.arrivals);
}

/* ---- 22.7: on a delayed path --------------------------------------------- */

static void delayed_path_sets_srtt(void **state)
{
	struct lab_script s = { .act = { LAB_DELAY }, .nact = 1,
				.delay_ms = 30 };
	struct lab_outcome o;
	struct rtt r;
	const struct rtt *a;

	(void)state;
	rtt_init(&r, 1.0, 0.25, 10);    /* a floor far above 30 ms */
	lab_exchange(&r, 6, 4, &s, 3000, 8, &o);
	TK_EXPECT(o.done && o.calls == 6 && o.arrivals == 6, "six calls to "
		  "a server that answers after 30 ms did not end in 3 s with "
		  "six datagrams (%d came: section 22.7)", o.arrivals);
	a = &o.after[5];
	TK_EXPECT(a->have_sample && a->srtt >= 0.029 && a->srtt < 0.5,
		  "after six replies that each took 30 ms or more SRTT is "
		  "%.6f s (section 22.7)", a->srtt);
	TK_EXPECT(fabs(a->rto - lab_rto(a->srtt, a->rttvar, 0.25, 10)) <
		  LAB_EPS, "SRTT %.6f and RTTVAR %.6f give an RTO of %.6f "
		  "s, not the %.6f s rr_call left (section 22.7)", a->srtt,
		  a->rttvar, lab_rto(a->srtt, a->rttvar, 0.25, 10), a->rto);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(first_sample_sets_srtt_and_rttvar),
		TK_TEST(later_samples_follow_rfc6298),
		TK_TEST(steady_samples_keep_the_granularity),
		TK_TEST(rto_is_clamped),
		TK_TEST(backoff_doubles_up_to_max),
		TK_TEST(answered_at_once),
		TK_TEST(late_reply_is_not_this_one),
		TK_TEST(lost_requests_back_off),
		TK_TEST(gives_up_after_its_tries),
		TK_TEST(delayed_path_sets_srtt),
	};
	return TK_RUN("lab22", tests);
}
