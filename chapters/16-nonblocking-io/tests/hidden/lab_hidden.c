/*
 * Lab 16 hidden tests: an IPv6 server (the Host header in brackets) and
 * a file nginx does not have (its 404 page saved, as curl saves it).
 */
#include "../lab16.h"

static void fetches_over_ipv6(void **state)
{
	const char *args[] = { "2001:db8:1::2", "8080", NULL, "/page1.bin",
			       "/index.html", NULL };
	char *dir, *a = NULL;
	size_t len;
	hn_proc *p;
	int st;

	(void)state;
	web_up();
	args[2] = dir = web_outdir("mine");
	p = webcli_run(&st, 5000, args);
	TK_EXPECT(st == 0, "webcli failed against [2001:db8:1::2]:8080 "
		  "(it said: %s; %s)%s", tk_shown(hn_stdout(p)),
		  tk_shown(hn_stderr(p)), webcli_diagnosis(p));
	if (asprintf(&a, "%s/page1.bin", dir) < 0)
		abort();
	free(web_slurp(a, &len));
	TK_EXPECT(len == 3000, "page1.bin over IPv6 has %zu bytes, not 3000",
		  len);
	free(a);
}

static void missing_file_saved_like_curl(void **state)
{
	const char *args[] = { WEB_IP, "8080", NULL, "/nothing.html", NULL };
	char *cdir;
	hn_proc *p;
	int st;

	(void)state;
	web_up();
	args[2] = web_outdir("mine");
	cdir = web_outdir("curl");
	p = webcli_run(&st, 5000, args);
	TK_EXPECT(st == 0, "webcli failed on a 404 (it said: %s)",
		  tk_shown(hn_stdout(p)));
	TK_EXPECT(tk_saw(p, "/nothing.html: 404,", 0), "webcli did not "
		  "report the 404: %s", tk_shown(hn_stdout(p)));
	web_curl(cdir, "/nothing.html");
	expect_same_as_curl(p, args[2], cdir, "/nothing.html");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(fetches_over_ipv6),
		TK_TEST(missing_file_saved_like_curl),
	};

	hn_init();
	return TK_RUN("lab16_hidden", tests);
}
