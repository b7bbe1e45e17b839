/*
 * Lab 22 hidden tests: a reply that comes twice is not the next call's,
 * and a backoff never goes past max_rto inside rr_call().
 */
#include "../lab22test.h"

static void duplicate_reply_is_not_the_next(void **state)
{
	struct lab_script s = { .act = { LAB_TWICE, LAB_ANSWER },
				.nact = 2 };
	struct lab_outcome o;
	struct rtt r;

	(void)state;
	rtt_init(&r, 0.5, 0.01, 10);
	lab_exchange(&r, 2, 4, &s, 2000, 6, &o);
	TK_EXPECT(o.done && o.calls == 2 && o.ret[1] == 9 &&
		  strcmp(o.reply[1], "request 2") == 0,
		  "the second call returned \"%s\" after reply 1 came "
		  "twice (section 22.6)",
		  o.ret[1] < 0 ? strerror(o.err[1]) : o.reply[1]);
}

static void backoff_stops_at_max_rto(void **state)
{
	struct lab_script s = { .act = { LAB_DROP }, .nact = 1 };
	struct lab_outcome o;
	struct rtt r;

	(void)state;
	rtt_init(&r, 0.02, 0.01, 0.04);
	lab_exchange(&r, 1, 5, &s, 2000, 5, &o);
	TK_EXPECT(o.done && o.ret[0] == -1 && o.err[0] == ETIMEDOUT,
		  "5 tries under a 40 ms ceiling did not end in ETIMEDOUT "
		  "within 2 s (section 22.8)");
	TK_EXPECT(fabs(o.after[0].rto - 0.04) < LAB_EPS, "the RTO after "
		  "five timeouts is %.6f s, over max_rto 0.04 s (section "
		  "22.8)", o.after[0].rto);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(duplicate_reply_is_not_the_next),
		TK_TEST(backoff_stops_at_max_rto),
	};
	return TK_RUN("lab22 hidden", tests);
}
