/*
 * Lab 26 hidden tests: webthr over IPv6, and with one thread at a time.
 */
#include "../lab26.h"

static void fetches_over_ipv6(void **state)
{
	static char *argv[8];
	char *dir = web_outdir("mine");
	bool stalled;
	hn_proc *p;
	int st;

	(void)state;
	web_up();
	argv[0] = tk_sibling("webthr");
	argv[1] = "2001:db8:1::2";
	argv[2] = "8080";
	argv[3] = dir;
	argv[4] = "/page2.bin";
	argv[5] = "/index.html";
	argv[6] = NULL;
	p = hn_spawn(web_net, "client", argv, NULL);
	st = web_exit_unless_still(p, 8000, 300, &stalled);
	TK_EXPECT(st == 0, "webthr over IPv6 %s: \"%s\"", stalled ?
		  "was stuck (it sat idle, with nothing on its way)" :
		  st == -1 ? "had not finished in 8 s" : "failed",
		  tk_chomp(hn_stdout(p)));
	TK_EXPECT(strstr(hn_stdout(p), "/page2.bin: 200, 20000 bytes\n") &&
		  strstr(hn_stdout(p), "/index.html: 200, "), "webthr over "
		  "IPv6 said \"%s\"", tk_chomp(hn_stdout(p)));
}

static void one_thread_at_a_time(void **state)
{
	const char *paths[] = { "/img2.bin", "/img3.bin", "/img4.bin",
				"/page1.bin", NULL };

	(void)state;
	web_up();
	webthr_like_curl("1", paths, 8000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(fetches_over_ipv6),
		TK_TEST(one_thread_at_a_time),
	};

	hn_init();
	return TK_RUN("lab26-hidden", tests);
}
