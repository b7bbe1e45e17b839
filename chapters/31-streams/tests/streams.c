/*
 * Chapter 31's measurements: Linux has no STREAMS.  nostreams asks for
 * the two STREAMS system calls (ENOSYS), sends and receives messages
 * with a control part on a socket that keeps boundaries (what putmsg()
 * and getmsg() did), and reads a terminal's line discipline; the C
 * library no longer has <stropts.h> (a program that includes it does
 * not compile).
 */
#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#define CH "31-streams"

static void streams_calls_are_not_implemented(void **state)
{
	hn_proc *p = tk_run(CH, "nostreams", NULL);
	const char *out;

	(void)state;
	TK_EXPECT(tk_exited(p, 3000) && tk_exit_code(p) == 0, "nostreams "
		  "failed: %s", tk_shown(hn_stderr(p)));
	out = hn_stdout(p);
	TK_EXPECT(strstr(out, "getpmsg() = -1 ENOSYS\n") &&
		  strstr(out, "putpmsg() = -1 ENOSYS\n"), "the kernel should "
		  "answer getpmsg and putpmsg with ENOSYS (unimplemented(2)); "
		  "nostreams said: %s", tk_shown(out));
	TK_EXPECT(strstr(out, "data \"ab\" (2 bytes), control: credentials "
			 "of this process\nmessage: data \"cde\" (3 bytes)"),
		  "two messages sent on a SOCK_SEQPACKET pair should come "
		  "back as two, each with its control part: %s",
		  tk_shown(out));
	TK_EXPECT(strstr(out, "line discipline: 0 (N_TTY)"), "a new "
		  "pseudo-terminal should have the N_TTY line discipline: %s",
		  tk_shown(out));
	tk_transcript_of(CH, "nostreams", "nostreams", out);
}

/* The C library's STREAMS header is gone (glibc 2.30 removed it): a
 * program written for STREAMS stops at its first line. */
static void stropts_header_is_gone(void **state)
{
	char src[512], *text;
	FILE *f;
	hn_proc *cc;

	(void)state;
	snprintf(src, sizeof(src), "%s/oldprog.c", hn_tmpdir());
	f = fopen(src, "w");
	TK_EXPECT(f != NULL, "cannot write %s", src);
	fputs("#include <stropts.h>\nint main(void) { return 0; }\n", f);
	fclose(f);
	cc = hn_run(NULL, NULL, "env", "LC_ALL=C", "cc", "-fsyntax-only", src,
		    NULL);
	TK_EXPECT(tk_exited(cc, 10000), "the compiler did not finish");
	TK_EXPECT(tk_exit_code(cc) != 0 &&
		  strstr(hn_stderr(cc), "stropts.h: No such file"),
		  "a program including <stropts.h> should not compile on "
		  "Linux today; cc said: %s", tk_shown(hn_stderr(cc)));
	text = tk_scrub(strdup(hn_stderr(cc)), "[^ \n]*/oldprog\\.c",
			"oldprog.c");
	text = tk_scrub(text, "\n *[0-9]* \\|[^\n]*", "");
	tk_transcript_of(CH, "stropts", "cc -fsyntax-only oldprog.c", text);
	free(text);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(streams_calls_are_not_implemented),
		TK_TEST(stropts_header_is_gone),
	};
	return TK_RUN("ch31 streams", tests);
}
