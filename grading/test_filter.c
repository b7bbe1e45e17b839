/*
 * test_filter.c - linked into a lab's test binaries by the grader only,
 * so that one binary can run any set of its tests:
 *
 *   GRADE_TESTS=readn_stops_at_end_of_file,readline_two_threads_at_once
 *
 * runs those two (unset or empty: every test).  The grader runs a whole
 * suite in one sandbox first; the tests that failed run again together
 * (is the failure repeatable?), and the tests a crash or a hang left in
 * doubt run one by one, each in its own sandbox.
 *
 * The grader links with -Wl,--wrap=_cmocka_run_group_tests, so the call
 * in the test's main() (cmocka_run_group_tests is a macro for it) comes
 * here first; we hand cmocka the chosen tests, in their order, one at a
 * time (so the output has a plan line "1..1" before each result).
 *
 * The seal.  The student's code runs in this process, so it could print
 * "ok" lines of its own (and exit before cmocka prints the truth).  The
 * grader gives each run a secret in GRADE_SEAL; we take it before any
 * test runs and wipe it from the environment, so the student's code and
 * the programs the tests start never see it.  After each test we write
 *
 *   {"seal":"<secret>","test":"<name>","failed":<cmocka's count, 0 or 1>}
 *
 * to the report descriptor (3).  The grader believes a printed result
 * only when its sealed line agrees.
 *
 * Code that runs before main() could read GRADE_SEAL first: the grader
 * refuses lab objects with constructors (grader/forgery.py).  What is
 * left is the student's code reading this process's memory (through
 * /proc/self/mem, or with a pointer).  The process cannot be made
 * undumpable to close /proc/self/mem: the lab tests read
 * /proc/PID/syscall to see where a thread waits.  So the secret is kept
 * only XORed with a random pad, and the line is built in one buffer,
 * written with write() and wiped: no copy of it lies in memory (stdio's
 * buffers, the stack, the environment) for a scan to find.  A forger
 * who knows this file can still undo the pad; the grader flags code
 * that looks into the process (forgery.py), and the README says so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <cmocka.h>

#define REPORT_FD 3

int __real__cmocka_run_group_tests(const char *group_name,
				   const struct CMUnitTest *const tests,
				   const size_t num_tests,
				   CMFixtureFunction group_setup,
				   CMFixtureFunction group_teardown);
int __wrap__cmocka_run_group_tests(const char *group_name,
				   const struct CMUnitTest *const tests,
				   const size_t num_tests,
				   CMFixtureFunction group_setup,
				   CMFixtureFunction group_teardown);

#define SEAL_MAX 64

static unsigned char seal[SEAL_MAX];    /* the secret, XORed with pad */
static unsigned char pad[SEAL_MAX];
static size_t seal_len;

/* Keeps GRADE_SEAL's value (masked) and wipes it where the process keeps
 * its environment (also what /proc/self/environ shows). */
static void take_seal(void)
{
	char *value = getenv("GRADE_SEAL");
	size_t len;

	if (value == NULL)
		return;
	len = strlen(value);
	if (len > SEAL_MAX ||
	    getrandom(pad, sizeof(pad), 0) != (ssize_t)sizeof(pad))
		len = 0;        /* no seal: the grader believes no pass */
	for (size_t i = 0; i < len; i++)
		seal[i] = (unsigned char)value[i] ^ pad[i];
	seal_len = len;
	explicit_bzero(value, strlen(value));
	unsetenv("GRADE_SEAL");
}

/* Appends text to line at *at, within size. */
static void put(char *line, size_t size, size_t *at, const char *text)
{
	size_t n = strlen(text);

	if (*at + n < size) {
		memcpy(line + *at, text, n);
		*at += n;
	}
}

/* Writes the sealed verdict line; the secret exists in clear only in
 * line, and only until it is written. */
static void write_sealed(const char *name, int failed)
{
	char line[SEAL_MAX + 512];
	char tail[48];
	size_t at = 0;

	put(line, sizeof(line), &at, "{\"seal\":\"");
	for (size_t i = 0; i < seal_len; i++)
		line[at++] = (char)(seal[i] ^ pad[i]);
	put(line, sizeof(line), &at, "\",\"test\":\"");
	put(line, sizeof(line), &at, name);
	snprintf(tail, sizeof(tail), "\",\"failed\":%d}\n", failed);
	put(line, sizeof(line), &at, tail);
	if (write(REPORT_FD, line, at) < 0) {
		/* the grader sees no verdict: the test earns nothing */
	}
	explicit_bzero(line, sizeof(line));
}

/* Runs one test (cmocka prints its result) and seals what cmocka says. */
static int run_sealed(const char *group_name, const struct CMUnitTest *test,
		      CMFixtureFunction group_setup,
		      CMFixtureFunction group_teardown)
{
	int failed = __real__cmocka_run_group_tests(group_name, test, 1,
						    group_setup,
						    group_teardown);

	fflush(stdout);
	if (seal_len != 0)
		write_sealed(test->name, failed);
	return failed;
}

/* Is name one of the comma-separated names in list? */
static int listed(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; *p != '\0';) {
		size_t n = strcspn(p, ",");

		if (n == len && strncmp(p, name, len) == 0)
			return 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

int __wrap__cmocka_run_group_tests(const char *group_name,
				   const struct CMUnitTest *const tests,
				   const size_t num_tests,
				   CMFixtureFunction group_setup,
				   CMFixtureFunction group_teardown)
{
	const char *want = getenv("GRADE_TESTS");
	struct CMUnitTest *chosen;
	size_t n = 0;
	int rc = 0;

	/* Each "ok N - name" line reaches the grader as its test ends: if a
	 * later test hangs and the sandbox is stopped, the tests that
	 * finished before it still count. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	take_seal();
	chosen = calloc(num_tests + 1, sizeof(*chosen));
	if (chosen == NULL) {
		fprintf(stderr, "test_filter: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < num_tests; i++)
		if (tests[i].name != NULL &&
		    (want == NULL || want[0] == '\0' ||
		     listed(want, tests[i].name)))
			chosen[n++] = tests[i];
	/* none chosen: cmocka still prints "1..0", which the grader reads
	 * as "this binary has no such test" */
	if (n == 0)
		rc = __real__cmocka_run_group_tests(group_name, chosen, 0,
						    group_setup,
						    group_teardown);
	for (size_t i = 0; i < n; i++)
		rc += run_sealed(group_name, &chosen[i], group_setup,
				 group_teardown);
	free(chosen);
	return rc;
}
