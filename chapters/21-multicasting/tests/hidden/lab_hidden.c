/*
 * Lab 21 hidden tests: a reply without a transmit timestamp, a stratum
 * above 15, and a reply that is not from a server (mode 3, an echo).
 */
#include "../lab21test.h"

static void zero_transmit_is_refused(void **state)
{
	struct lab_script s = { .zero_transmit = 1 };
	struct lab_outcome o;

	(void)state;
	lab_exchange(&s, 2000, 3000, &o);
	TK_EXPECT(o.done, LAB_HUNG, o.took_ms);
	TK_EXPECT(o.rc == -1, "a reply with no transmit timestamp was "
		  "used, offset %+.6f s (see 21.11)", o.r.offset);
}

static void stratum_16_is_refused(void **state)
{
	struct lab_script s = { .stratum = 16 };
	struct lab_outcome o;

	(void)state;
	lab_exchange(&s, 2000, 3000, &o);
	TK_EXPECT(o.done, LAB_HUNG, o.took_ms);
	TK_EXPECT(o.rc == -1, "a stratum 16 reply was used (see 21.11)");
}

static void client_mode_reply_is_not_an_answer(void **state)
{
	struct lab_script s = { .mode = 3, .ahead = 5 };
	struct lab_outcome o;

	(void)state;
	lab_exchange(&s, 300, 1500, &o);
	TK_EXPECT(o.done, LAB_HUNG, o.took_ms);
	TK_EXPECT(o.rc == -1, "a mode 3 packet (a client's, not a "
		  "server's) was taken as the answer (see 21.11)");
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(zero_transmit_is_refused),
		TK_TEST(stratum_16_is_refused),
		TK_TEST(client_mode_reply_is_not_an_answer),
	};
	return TK_RUN("lab21-hidden", tests);
}
