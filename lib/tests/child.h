/*
 * child.h - run a piece of code in a child process and collect what it
 * printed and how it ended.  The wrappers and error functions exit the
 * process, so that is the only way to test them.
 */
#ifndef CHILD_H
#define CHILD_H

#include <stdbool.h>
#include <stddef.h>

#define CHILD_RETURNED 99       /* exit status when fn returned */

struct child_run {
	int status;             /* as waitpid() reports it */
	bool timed_out;         /* killed after the deadline */
	char out[8192];         /* its stdout and stderr, interleaved */
	size_t outlen;
};

/* Runs fn(arg) in a child with stdout and stderr going to one pipe.
 * Waits at most a few seconds for it to exit (else kills it). */
void child_run(void (*fn)(void *), void *arg, struct child_run *r);

/* True if the child exited normally with this status. */
bool child_exited(const struct child_run *r, int code);

/* "exit status 1", "killed by signal 6": for failure messages. */
const char *child_how(const struct child_run *r, char *buf, size_t len);

#endif
