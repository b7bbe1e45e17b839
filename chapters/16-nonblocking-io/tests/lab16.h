/*
 * lab16.h - how lab 16's tests (public and hidden) run the student's
 * webcli in the client host and say, in words, what went wrong.
 */
#ifndef LAB16_H
#define LAB16_H

#include "tkweb.h"

/* Starts webcli (the student's, next to the test binary) in the client
 * host with ARGS (up to 40, NULL-ended).  webcli_run() also waits for
 * it, at most timeout_ms, and gives its wait status in *status (-1: it
 * was still running and has been killed); when it is stuck it fails
 * the test at once (web_still, harness/tkweb.h). */
static hn_proc *webcli_start(const char **args)
{
	static char *prog;
	char *argv[48];
	int n = 0;

	if (prog == NULL)
		prog = tk_sibling("webcli");
	argv[n++] = prog;
	while (*args != NULL && n < 46)
		argv[n++] = (char *)*args++;
	argv[n] = NULL;
	return hn_spawn(web_net, "client", argv, NULL);
}

/* What webcli's output says went wrong, with the section to read; ""
 * if nothing we know of. */
static const char *webcli_diagnosis(hn_proc *p)
{
	const char *out = hn_stdout(p), *err = hn_stderr(p);

	if (strstr(out, "Operation now in progress") != NULL)
		return " EINPROGRESS is how a non-blocking connect() says "
		       "\"started\", not an error: see 16.4.";
	if (strstr(out, "connect: Function not implemented") != NULL)
		return " (start_connect() is still the starter's.)";
	if (strstr(out, ": 421,") != NULL)
		return " nginx answered 421 (Misdirected Request): the "
		       "request named no site it serves; the Host header "
		       "(16.5).";
	if (strstr(err, "select") != NULL)
		return " select() failed: a descriptor closed but left in a "
		       "set? (16.5)";
	if (strstr(out, "not an HTTP response (0 bytes)") != NULL)
		return " Nothing came back: the server never saw a whole "
		       "request (16.5), or the client never sent it (a "
		       "connecting socket turns writable, not readable: "
		       "16.4).";
	return "";
}

/* webcli, nginx and both hosts' connections still for this long:
 * webcli waits for something that will not come (a select() that does
 * not look at the socket, a request the server waits to see the end
 * of).  A working client here is never that long asleep with nothing
 * on its way. */
#define WEBCLI_STILL_MS 300

static hn_proc *webcli_run(int *status, int timeout_ms, const char **args)
{
	hn_proc *p = webcli_start(args);
	bool stalled;

	*status = web_exit_unless_still(p, timeout_ms, WEBCLI_STILL_MS,
					&stalled);
	if (*status == -1) {
		hn_kill(p);
		TK_EXPECT(!stalled, "webcli was still running, but it and "
			  "nginx sat idle for %.1f s with nothing on its way"
			  " (webcli wrote \"%s\"; stderr \"%s\"): it waits "
			  "for what will not come.  Is each socket in the "
			  "select() sets, maxfd raised for it, writability "
			  "watched while connecting (16.4), the request sent "
			  "whole with its blank line (16.5)?%s",
			  WEBCLI_STILL_MS / 1000.0, tk_chomp(hn_stdout(p)),
			  tk_chomp(hn_stderr(p)), webcli_diagnosis(p));
	}
	return p;
}

/* Compares DIR/NAME (webcli's) with CDIR/NAME (curl's): true when the
 * same bytes; otherwise fails the test, saying how they differ. */
static void expect_same_as_curl(hn_proc *p, const char *dir,
				const char *cdir, const char *path)
{
	const char *name = strrchr(path, '/') + 1;
	int nlen = (int)strcspn(name, "?");
	char *mine, *theirs, *a = NULL, *b = NULL;
	size_t alen, blen;

	if (asprintf(&a, "%s/%.*s", dir, nlen, name) < 0 ||
	    asprintf(&b, "%s/%.*s", cdir, nlen, name) < 0)
		abort();
	mine = web_slurp(a, &alen);
	theirs = web_slurp(b, &blen);
	TK_EXPECT(theirs != NULL, "curl saved nothing for %s", path);
	TK_EXPECT(mine != NULL, "webcli saved no file for %s (it said: "
		  "%s; %s)%s", path, tk_shown(hn_stdout(p)),
		  tk_shown(hn_stderr(p)), webcli_diagnosis(p));
	TK_EXPECT(!(alen < blen && memcmp(mine, theirs, alen) == 0),
		  "webcli's %s is cut short: %zu of the %zu bytes curl got, "
		  "the rest missing.  A read() that returns EWOULDBLOCK, or "
		  "fewer bytes than asked, is not the end of the response; "
		  "only 0 is: see 16.2.", path, alen, blen);
	TK_EXPECT(alen == blen && memcmp(mine, theirs, alen) == 0,
		  "webcli's %s (%zu bytes) differs from curl's (%zu bytes) "
		  "(webcli said: %s)%s", path, alen, blen,
		  tk_shown(hn_stdout(p)), webcli_diagnosis(p));
	free(mine);
	free(theirs);
	free(a);
	free(b);
}

#endif
