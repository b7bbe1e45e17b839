/*
 * errors_test.c - unit tests of lib/error.c: what each of the four error
 * functions prints, whether it exits, and what it does to errno.  Each
 * case runs in a child process, since two of them end the process.
 */
#include "lnp.h"
#include "testkit.h"
#include "child.h"

#define ERRNO_KEPT 0            /* the child's status: errno unchanged */
#define ERRNO_LOST 2

static void sys_refused(void *arg)
{
	(void)arg;
	errno = ECONNREFUSED;
	err_sys("connect to %s port %d", "192.0.2.1", 7);
}

static void quit_ignores_errno(void *arg)
{
	(void)arg;
	errno = ECONNREFUSED;
	err_quit("bad reply \"%s\"", "x");
}

/* err_ret and err_msg return, and leave errno as they found it, so a
 * caller can still look at it afterwards. */
static void ret_keeps_errno(void *arg)
{
	(void)arg;
	errno = ETIMEDOUT;
	err_ret("read from %s", "peer");
	_exit(errno == ETIMEDOUT ? ERRNO_KEPT : ERRNO_LOST);
}

static void msg_keeps_errno(void *arg)
{
	(void)arg;
	errno = EINTR;
	err_msg("%d lines", 3);
	_exit(errno == EINTR ? ERRNO_KEPT : ERRNO_LOST);
}

/* Output the program buffered on stdout comes out before the message,
 * not after it (err_* flush stdout first). */
static void stdout_first(void *arg)
{
	(void)arg;
	printf("partial output, ");
	err_quit("then the error");
}

/* The errno text describes the failure even when formatting the message
 * itself would change errno. */
static void errno_read_first(void *arg)
{
	(void)arg;
	errno = EPIPE;
	err_sys("%s", strerror(ENOENT));
}

struct error_case {
	const char *what;
	void (*fn)(void *);
	int status;
	const char *want;
};

static const struct error_case cases[] = {
	{ "err_sys", sys_refused, 1,
	  "errors_test: connect to 192.0.2.1 port 7: Connection refused\n" },
	{ "err_quit", quit_ignores_errno, 1,
	  "errors_test: bad reply \"x\"\n" },
	{ "err_ret", ret_keeps_errno, ERRNO_KEPT,
	  "errors_test: read from peer: Connection timed out\n" },
	{ "err_msg", msg_keeps_errno, ERRNO_KEPT, "errors_test: 3 lines\n" },
	{ "err_quit after buffered stdout", stdout_first, 1,
	  "partial output, errors_test: then the error\n" },
	{ "err_sys whose arguments use strerror", errno_read_first, 1,
	  "errors_test: No such file or directory: Broken pipe\n" },
};

static void error_functions_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct error_case *c = &cases[i];
		struct child_run r;
		char how[64];

		child_run(c->fn, NULL, &r);
		TK_EXPECT(child_exited(&r, c->status), "%s: the child ended "
			  "with %s; expected exit status %d", c->what,
			  child_how(&r, how, sizeof(how)), c->status);
		TK_EXPECT(strcmp(r.out, c->want) == 0, "%s printed \"%s\"; "
			  "expected \"%s\"", c->what, r.out, c->want);
	}
}

/* A message longer than the line buffer is cut short, but still comes
 * out as one line ending in a newline. */
static void long_message(void *arg)
{
	char *text = malloc(3 * MAXLINE);

	memset(text, 'x', 3 * MAXLINE - 1);
	text[3 * MAXLINE - 1] = '\0';
	(void)arg;
	errno = EIO;
	err_sys("%s", text);
}

static void long_messages_are_cut_to_one_line(void **state)
{
	struct child_run r;
	size_t len;

	(void)state;
	child_run(long_message, NULL, &r);
	assert_true(child_exited(&r, 1));
	len = strlen(r.out);
	TK_EXPECT(len > 100 && len < MAXLINE, "a %d-byte message came out "
		  "as %zu bytes", 3 * MAXLINE, len);
	TK_EXPECT(r.out[len - 1] == '\n' && strchr(r.out, '\n') ==
		  r.out + len - 1, "a long message did not come out as "
		  "exactly one line");
	assert_memory_equal(r.out, "errors_test: xxx", 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(error_functions_table),
		TK_TEST(long_messages_are_cut_to_one_line),
	};
	return TK_RUN("lib errors", tests);
}
