/*
 * victim.c - a test binary that the cleanup suite starts and then lets
 * pass, fail, or kills; afterwards nothing it made may be left.
 *
 *   victim pass|fail|hang
 *
 * It builds a network with a LAN and a router, starts programs (cat,
 * inetd), a capture and an impairer, prints "ready", waits for a line
 * on stdin, then passes, fails with the network up, or (hang) waits
 * until it is killed.  Its second test
 * checks, inside its own sandbox, that the first one's teardown left no
 * process behind.
 */
#include "harness.h"
#include "testkit.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *mode = "pass";

static void build_then_behave(void **state)
{
	hn_net *net = hn_up("host a b\nrouter r\n"
			    "link a r 192.0.2.0/24 2001:db8:1::/64\n"
			    "lan l0 r b 198.51.100.0/24\n");
	struct hn_impair im = { .delay_ms = 5, .seed = 1 };

	(void)state;
	hn_run(net, "a", "/bin/cat", NULL);
	hn_inetd(net, "b", "echo");
	hn_capture(net, "a", "r");
	hn_impair(net, "a", "r", HN_OUT, &im);
	printf("ready\n");
	fflush(stdout);
	if (strcmp(mode, "hang") != 0)
		getchar();     /* the cleanup test has looked: go on */
	if (strcmp(mode, "fail") == 0)
		TK_FAIL("failing on purpose, with the network up");
	if (strcmp(mode, "hang") == 0)
		for (;;)
			pause();       /* until the cleanup test kills us */
}

static void nothing_left_in_the_sandbox(void **state)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int others = 0;

	(void)state;
	while ((e = readdir(d)) != NULL)
		others += atoi(e->d_name) > 1;
	closedir(d);
	TK_EXPECT(others == 0, "%d processes outlived the test that started "
		  "them", others);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		mode = argv[1];
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(build_then_behave),
		TK_TEST(nothing_left_in_the_sandbox),
	};
	return TK_RUN("victim", tests);
}
