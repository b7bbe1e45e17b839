/*
 * examples.c - chapter 3's example programs, run for real.  Each one's
 * output is checked, and kept as the transcript the chapter shows
 * (tk_transcript: the committed copy must match).
 */
#include "lnp.h"
#include "testkit.h"
#include "tests/child.h"        /* lib/tests/child.h */

#define CH "03-sockets-intro"
#define MAX_ARGS 16

struct program {
	const char *name;
	const char *args[MAX_ARGS];     /* NULL-terminated */
};

static void exec_program(void *arg)
{
	const struct program *p = arg;
	char *argv[MAX_ARGS + 2];
	int i;

	argv[0] = tk_path("ch/%s/%s", CH, p->name);
	for (i = 0; p->args[i] != NULL; i++)
		argv[i + 1] = (char *)p->args[i];
	argv[i + 1] = NULL;
	execv(argv[0], argv);
	printf("cannot run %s: %s\n", argv[0], strerror(errno));
}

/* Runs the program; returns "$ name args\n" and its output. */
static char *run(const struct program *p)
{
	struct child_run r;
	char how[64], *text;
	size_t len;
	FILE *out = open_memstream(&text, &len);
	int i;
	size_t col;

	child_run(exec_program, (void *)p, &r);
	TK_EXPECT(child_exited(&r, 0), "%s ended with %s; it printed:\n%s",
		  p->name, child_how(&r, how, sizeof(how)), r.out);
	col = fprintf(out, "$ %s", p->name);
	for (i = 0; p->args[i] != NULL; i++) {
		if (col + 1 + strlen(p->args[i]) > 72)  /* fit the page */
			col = fprintf(out, " \\\n   ");
		col += fprintf(out, " %s", p->args[i]);
	}
	fprintf(out, "\n%s", r.out);
	fclose(out);
	return text;
}

static bool little_endian(void)
{
	uint16_t probe = 1;

	return *(unsigned char *)&probe == 1;
}

/* Network byte order is the same on every machine; the host order line
 * (and so the whole transcript) is that of a little-endian one. */
static void byteorder_shows_network_order(void **state)
{
	static const struct program p = { "byteorder", { NULL } };
	char *out = run(&p);

	(void)state;
	TK_EXPECT(strstr(out, "network order (htons): 26 95\n") != NULL,
		  "byteorder did not show 9877 as 26 95:\n%s", out);
	TK_EXPECT(strstr(out, "network order (htonl): c0 00 02 01\n") !=
		  NULL, "byteorder did not show 192.0.2.1 as c0 00 02 01:\n%s",
		  out);
	if (little_endian())
		tk_transcript(CH, "byteorder", out);
	free(out);
}

static void addrconv_shows_what_each_call_accepts(void **state)
{
	static const struct program p = { "addrconv", {
		"192.0.2.1", "2001:DB8:0:0:0:0:0:1", "::ffff:192.0.2.1",
		"192.0.2.300", "192.0.2.010", "192.0.2", "3221225985",
		"fe80::1%eth0", NULL } };
	char *out = run(&p);

	(void)state;
	TK_EXPECT(strstr(out, "inet_ntop: 2001:db8::1\n") != NULL,
		  "addrconv did not shorten 2001:DB8:0:0:0:0:0:1:\n%s", out);
	TK_EXPECT(strstr(out, "inet_aton reads it as 192.0.2.8\n") != NULL,
		  "addrconv did not show inet_aton reading 010 as octal:\n%s",
		  out);
	tk_transcript(CH, "addrconv", out);
	free(out);
}

static void addrconv_needs_an_argument(void **state)
{
	static const struct program p = { "addrconv", { NULL } };
	struct child_run r;

	(void)state;
	child_run(exec_program, (void *)&p, &r);
	assert_true(child_exited(&r, 1));
	assert_string_equal(r.out, "addrconv: usage: addrconv TEXT...\n");
}

static void sockntop_formats_every_family(void **state)
{
	static const struct program p = { "sockntop", { NULL } };
	char *out = run(&p);

	(void)state;
	TK_EXPECT(strstr(out, "[fe80::1%1]:9877") != NULL &&
		  strstr(out, "@lnp-demo") != NULL &&
		  strstr(out, "(unnamed)") != NULL, "sockntop's output "
		  "lacks an expected address:\n%s", out);
	/* the port is the kernel's choice: keep the columns, hide it */
	out = tk_scrub(out, "0\\.0\\.0\\.0:[0-9]+ +host",
		       "0.0.0.0:PORT               host");
	tk_transcript(CH, "sockntop", out);
	free(out);
}

static void partial_shows_two_reads_one_line(void **state)
{
	static const struct program p = { "partial", { NULL } };
	char *out = run(&p);

	(void)state;
	TK_EXPECT(strstr(out, "read() returned 7 bytes: \"hello, \"\n") &&
		  strstr(out, "readline() returned 13 bytes: \"hello, "
			 "world\\n\"\n"), "partial printed:\n%s", out);
	tk_transcript(CH, "partial", out);
	free(out);
}

/* The benchmark runs (with few lines) and prints its two BENCH lines. */
static void linebench_prints_bench_lines(void **state)
{
	static const struct program p = { "linebench", { "2000", NULL } };
	char *out = run(&p);
	double a = 0, b = 0;

	(void)state;
	TK_EXPECT(sscanf(out, "$ linebench 2000\n"
			 "BENCH ch03.readline_lines %lf lines/s\n"
			 "BENCH ch03.read_per_byte_lines %lf lines/s\n",
			 &a, &b) == 2 && a > 0 && b > 0,
		  "linebench printed:\n%s", out);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(byteorder_shows_network_order),
		TK_TEST(addrconv_shows_what_each_call_accepts),
		TK_TEST(addrconv_needs_an_argument),
		TK_TEST(sockntop_formats_every_family),
		TK_TEST(partial_shows_two_reads_one_line),
		TK_TEST(linebench_prints_bench_lines),
	};
	return TK_RUN("ch03 examples", tests);
}
