/*
 * Lab 19's hidden tests: a dump of 40 SAs, IPv4 and IPv6 mixed, added
 * by the test, must list each of them once, as ip shows them.
 */
#include "../lab19.h"

static void dump_forty(void **state)
{
	hn_net *net = ch19_host();
	char dst[48];
	struct t_sa want[40];
	int seen[40] = { 0 };
	hn_proc *p;

	(void)state;
	for (int i = 0; i < 40; i++) {
		if (i % 2 == 0)
			snprintf(dst, sizeof(dst), "198.51.100.%d", i + 1);
		else
			snprintf(dst, sizeof(dst), "2001:db8::%x", i + 1);
		want[i] = lab_sa_like(i % 2 ? &SA_V6 : &SA_V4,
				      0x5000u + (unsigned)i, dst);
		lab_ip_add(net, &want[i]);
	}
	lab_ip_shows(net, want, 40, S_DUMP);
	p = PFKEY(net, S_DUMP, "dump");
	TK_EXPECT(hn_wait_exit(p, 0) == 0, "pfkey dump of 40 SAs failed: "
		  "\"%s\": see %s", tk_shown(hn_stderr(p)), S_DUMP);
	for (const char *l = hn_stdout(p); *l != '\0';
	     l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != '\0')) {
		struct t_sa got;
		char one[1024];
		int i;

		snprintf(one, sizeof(one), "%.*s", (int)strcspn(l, "\n"), l);
		TK_EXPECT(read_pfkey_sa(one, &got), "pfkey dump printed "
			  "\"%s\", not an SA line: see %s", one, S_DUMP);
		for (i = 0; i < 40; i++)
			if (sa_differs(&got, &want[i])[0] == '\0')
				break;
		TK_EXPECT(i < 40 && !seen[i], "pfkey dump printed \"%s\", "
			  "%s: see %s", one, i < 40 ? "twice" :
			  "which ip xfrm state does not show", S_DUMP);
		seen[i] = 1;
	}
	for (int i = 0; i < 40; i++)
		TK_EXPECT(seen[i], "of the 40 SAs ip xfrm state shows, pfkey "
			  "dump left out %s: see %s", sa_text(&want[i]),
			  S_DUMP);
}

int main(void)
{
	const struct CMUnitTest tests[] = { TK_TEST(dump_forty) };

	ch19_main();
	hn_give_up_when_idle(LAB_IDLE_MS);
	return TK_RUN("lab19_hidden", tests);
}
