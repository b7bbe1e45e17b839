/*
 * testkit.h - what every test in the workbook includes: cmocka, plus
 * failures that say in words what went wrong.
 *
 *   static void readline_splits(void **state) {
 *       ...
 *       TK_EXPECT(n == 12, "readline returned %zd bytes for a 12-byte "
 *                 "line split across three reads", n);
 *   }
 *   int main(void) {
 *       const struct CMUnitTest tests[] = { TK_TEST(readline_splits) };
 *       return TK_RUN("lab03", tests);
 *   }
 *
 * The messages go to the file named by $TK_REPORT (one JSON object a line,
 * read by tools/testrun.py, which adds the chapter section to reread), and
 * to stderr when the binary is run by hand.
 */
#ifndef TESTKIT_H
#define TESTKIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

/* The name of the test that is running (set by TK_TEST's setup). */
extern const char *tk_current_test;
int tk_begin(void **state);
/* Runs after every TK_TEST, passed or failed: calls tk_test_end_hook
 * (the harness sets it to tear down networks a test left up). */
int tk_end(void **state);
extern void (*tk_test_end_hook)(void);

#define TK_TEST(f) { #f, f, tk_begin, tk_end, (void *)#f }
#define TK_RUN(name, tests) \
	cmocka_run_group_tests_name(name, tests, NULL, NULL)

void tk_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
#define TK_FAIL(...) tk_fail_at(__FILE__, __LINE__, __VA_ARGS__)
#define TK_EXPECT(cond, ...) \
	do { if (!(cond)) TK_FAIL(__VA_ARGS__); } while (0)

/* Adds a line to the current test's report whether or not it fails, e.g.
 * the path of a capture to open in Wireshark. Shown only on failure. */
void tk_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Program output for a failure message.  tk_shown() writes control
 * characters as \r, \n, \t and cuts long text, saying how long it was;
 * tk_chomp() drops the final newlines and cuts very long text.  Each call
 * returns the next of a few static buffers, so several results can be
 * used in one message. */
const char *tk_shown(const char *text);
const char *tk_chomp(const char *text);

/* The build root ($(B), e.g. /path/to/repo/build), found from the test
 * binary's own location.  Never NULL. */
const char *tk_build_root(void);
/* A path under the build root: tk_path("ch/%s/%s", ch, prog).  The result
 * is allocated and lives until exit (never a leak, freed or not). */
char *tk_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A program built next to the running test binary (lab programs). */
char *tk_sibling(const char *name);
/* The same two, made once a program and remembered, so a test may ask
 * in a loop: tk_prog("01-introduction", "daytimetcpcli") is
 * build/ch/01-introduction/daytimetcpcli, tk_lab_prog("daytime") the
 * lab's program next to the test binary. */
const char *tk_prog(const char *ch, const char *name);
const char *tk_lab_prog(const char *name);

/* Waits 1 ms: the pause between two looks at a state that sends no
 * notification (a process's state in /proc, a socket's queue), in a
 * loop that stops at the event or at its deadline. */
void tk_tick(void);

#endif

/*
 * Transcripts: program output shown in the book.  A test captures real
 * output, scrubs what changes between runs (ports, PIDs, times) with
 * tk_scrub(), and calls tk_transcript(): the text must equal the committed
 * chapters/CH/transcripts/NAME.txt, or the test fails with both versions.
 * With TK_UPDATE_TRANSCRIPTS=1 in the environment the committed file is
 * rewritten instead (then review it with git diff).
 *
 * What was typed is marked, so that the book can set it in bold: a
 * command line starts with a prompt, "$ " or "NAME$ " (server$, client$);
 * a line typed into a running program (a client's input, ^D) starts with
 * TK_TYPED, which the book does not show.
 */
#define TK_TYPED "\u00bb "     /* "» " in UTF-8 */
/* Replaces every match of the POSIX extended regex with repl; returns a
 * new string (the old one is freed). */
char *tk_scrub(char *text, const char *regex, const char *repl);
void tk_transcript(const char *chapter, const char *name, const char *text);
/* A transcript written as the test goes: fprintf() to the stream that
 * tk_transcript_open() returns, then tk_transcript_close() checks it as
 * tk_transcript() does (NAME NULL: only throws it away).  One left open
 * when a test fails is thrown away at the test's end. */
FILE *tk_transcript_open(void);
void tk_transcript_close(FILE *tr, const char *chapter, const char *name);
/* The transcript of one command: "$ COMMAND", then its OUTPUT; output
 * without a final newline is followed by the next prompt, "$", as a
 * terminal shows it. */
void tk_transcript_of(const char *chapter, const char *name,
		      const char *command, const char *output);
