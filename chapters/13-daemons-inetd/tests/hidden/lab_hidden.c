/*
 * Lab 13's hidden tests: daemon_init() called by a job whose 0, 1 and 2
 * are already closed, and by one holding a descriptor at the highest
 * number its limit allows.
 */
#include "../lab13test.h"

/* With 0, 1 and 2 closed on entry, they still end on /dev/null. */
static void stdio_closed_on_entry(void **state)
{
	struct lab_run r;
	int fd;

	(void)state;
	lab_start(&r, LAB_NO_STDIO);
	for (fd = 0; fd <= 2; fd++)
		TK_EXPECT(strcmp(ch13_fd_target(r.daemon, fd), "/dev/null")
			  == 0 && (ch13_fd_flags(r.daemon, fd) & O_ACCMODE)
			  == O_RDWR, "started with 0-2 closed, the daemon's "
			  "descriptor %d is \"%s\": see 13.3", fd,
			  ch13_fd_target(r.daemon, fd));
	lab_expect_own_session(&r);
	lab_finish(&r);
}

/* A descriptor at RLIMIT_NOFILE - 1 is closed too. */
static void descriptor_at_the_limit(void **state)
{
	struct lab_run r;
	const char *fds;

	(void)state;
	lab_start(&r, LAB_FD_AT_LIMIT);
	fds = ch13_other_fds(r.daemon);
	TK_EXPECT(fds[0] == '\0', "the daemon still holds %s: close every "
		  "descriptor above 2, up to the limit (13.3)", fds);
	lab_finish(&r);
}

int main(void)
{
	hn_init();
	ch13_private_dev();
	const struct CMUnitTest tests[] = {
		TK_TEST(stdio_closed_on_entry),
		TK_TEST(descriptor_at_the_limit),
	};
	int r = TK_RUN("lab13_hidden", tests);

	ch13_end_all();
	return r;
}
