/*
 * child.c - run code in a child process, capture its output (child.h).
 */
#include "child.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHILD_DEADLINE_MS 10000

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void become_child(int wfd, void (*fn)(void *), void *arg)
{
	if (dup2(wfd, STDOUT_FILENO) < 0 || dup2(wfd, STDERR_FILENO) < 0)
		_exit(127);
	close(wfd);
	fn(arg);
	fflush(stdout);
	_exit(CHILD_RETURNED);
}

/* Reads the child's output until end of file or the deadline.  Returns
 * false at the deadline. */
static bool collect(int rfd, struct child_run *r, long deadline)
{
	for (;;) {
		struct pollfd pfd = { .fd = rfd, .events = POLLIN };
		long left = deadline - now_ms();
		ssize_t got;
		char discard[512];

		if (left <= 0 || poll(&pfd, 1, (int)left) == 0)
			return false;
		if (r->outlen < sizeof(r->out) - 1)
			got = read(rfd, r->out + r->outlen,
				   sizeof(r->out) - 1 - r->outlen);
		else
			got = read(rfd, discard, sizeof(discard));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return true;
		if (r->outlen < sizeof(r->out) - 1)
			r->outlen += (size_t)got;
	}
}

void child_run(void (*fn)(void *), void *arg, struct child_run *r)
{
	int fds[2];
	pid_t pid;
	long deadline = now_ms() + CHILD_DEADLINE_MS;

	memset(r, 0, sizeof(*r));
	/* Anything buffered now would be written twice, by both processes. */
	fflush(stdout);
	fflush(stderr);
	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		perror("child_run");
		abort();
	}
	if (pid == 0) {
		close(fds[0]);
		become_child(fds[1], fn, arg);
	}
	close(fds[1]);
	r->timed_out = !collect(fds[0], r, deadline);
	close(fds[0]);
	r->out[r->outlen] = '\0';
	if (r->timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &r->status, 0) < 0 && errno == EINTR)
		;
}

bool child_exited(const struct child_run *r, int code)
{
	return !r->timed_out && WIFEXITED(r->status) &&
	       WEXITSTATUS(r->status) == code;
}

const char *child_how(const struct child_run *r, char *buf, size_t len)
{
	if (r->timed_out)
		snprintf(buf, len, "still running after %d s (killed)",
			 CHILD_DEADLINE_MS / 1000);
	else if (WIFEXITED(r->status) &&
		 WEXITSTATUS(r->status) == CHILD_RETURNED)
		snprintf(buf, len, "returned instead of exiting");
	else if (WIFEXITED(r->status))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(r->status));
	else if (WIFSIGNALED(r->status))
		snprintf(buf, len, "killed by signal %d (%s)",
			 WTERMSIG(r->status), strsignal(WTERMSIG(r->status)));
	else
		snprintf(buf, len, "wait status %#x", r->status);
	return buf;
}
