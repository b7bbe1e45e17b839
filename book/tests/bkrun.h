/*
 * bkrun.h - what the book's tests share: a private scratch directory,
 * running a program with its output captured, and small file helpers.
 */
#ifndef BKRUN_H
#define BKRUN_H

#include <stdbool.h>
#include <sys/types.h>

/*
 * Call first in main().  Moves to the top of the source tree (so the
 * book's relative paths work) and gives the test a scratch directory
 * that disappears with it, even when it is killed: a tmpfs in a mount
 * namespace of its own (inside a user namespace when not root).  Where
 * namespaces are not allowed, a plain temporary directory removed at
 * exit.  Returns the scratch directory's path.
 */
const char *bk_setup(void);

/* A program started by bk_start(): its pid and the files that receive
 * its stdout and stderr. */
struct bk_proc {
	pid_t pid;
	char out_path[300];
	char err_path[300];
};

/* Starts argv (argv[0] looked up in $PATH) with stdin from /dev/null and
 * stdout and stderr to files in the scratch directory.  Returns 0, or -1
 * (the program could not be started; errno tells why). */
int bk_start(struct bk_proc *p, char *const argv[]);

/* Waits for it.  Returns its exit status (128 + signal if killed), and,
 * if out or err are not NULL, what it printed (malloc'd). */
int bk_finish(struct bk_proc *p, char **out, char **err);

/* bk_start() + bk_finish(). */
int bk_run(char *const argv[], char **out, char **err);

/* The whole file, NUL-terminated (malloc'd), or NULL. */
char *bk_slurp(const char *path);

/* Writes text to path.  Returns 0, or -1. */
int bk_write(const char *path, const char *text);

/* How many times needle occurs in haystack. */
int bk_count(const char *haystack, const char *needle);

#endif
