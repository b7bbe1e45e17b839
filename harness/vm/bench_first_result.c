/*
 * bench_first_result.c - how long an SCTP test that needs the VM takes
 * to give its first result: from starting the test binary (which makes
 * its initramfs, starts qemu, boots the kernel, loads sctp.ko and sets
 * up two hosts) to the first TAP line it prints.
 *
 *   bench_first_result TEST [RUNS]
 *
 * Runs TEST RUNS times (default 3), each to the end, and prints the
 * median:  BENCH harness.vm_sctp_first_result <ms> ms
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 15
#define RUN_LIMIT_MS 120000    /* one run, start to exit */

extern char **environ;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Starts TEST with its stdout on a pipe; *out gets our end. */
static pid_t start_test(const char *test, int *out)
{
	char *argv[] = { (char *)test, NULL };
	posix_spawn_file_actions_t fa;
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	errno = posix_spawn(&pid, test, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (errno != 0) {
		close(p[0]);
		return -1;
	}
	*out = p[0];
	return pid;
}

/*
 * Reads the test's output until it ends; returns the ms from START to
 * the first "ok"/"not ok" line (-1 if none, or if the first result is a
 * failure: a benchmark of a failing test means nothing).
 */
static long first_result(int fd, long start)
{
	char buf[4096], line[4096];
	size_t len = 0;
	long first = -1;
	bool failed = false;
	ssize_t n, i;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long left = start + RUN_LIMIT_MS - now_ms();

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			if (buf[i] != '\n' && len < sizeof(line) - 1) {
				line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			len = 0;
			if (first < 0 && (strncmp(line, "ok ", 3) == 0 ||
					  strncmp(line, "not ok ", 7) == 0)) {
				first = now_ms() - start;
				failed = line[0] == 'n';
			}
		}
	}
	return failed ? -1 : first;
}

/* One run: the time to the first result, or -1. */
static long one_run(const char *test)
{
	long start = now_ms(), ms;
	int fd, status;
	pid_t pid = start_test(test, &fd);

	if (pid < 0) {
		fprintf(stderr, "bench: cannot run %s: %s\n", test,
			strerror(errno));
		return -1;
	}
	ms = first_result(fd, start);
	close(fd);
	if (ms < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (ms >= 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		fprintf(stderr, "bench: %s failed (status %#x)\n", test,
			status);
		return -1;
	}
	return ms;
}

static int by_value(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long ms[MAX_RUNS];
	int runs = argc > 2 ? atoi(argv[2]) : 3, i, fd;

	if (argc < 2 || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: %s TEST [RUNS 1..%d]\n", argv[0],
			MAX_RUNS);
		return 2;
	}
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (fd >= 0) {
		close(fd);
		fprintf(stderr, "bench: this kernel has SCTP, so the number "
			"below is for the VM only if HN_BACKEND=vm is "
			"honoured\n");
	}
	setenv("CMOCKA_MESSAGE_OUTPUT", "TAP", 1);
	setenv("HN_BACKEND", "vm", 1);
	unsetenv("TK_REPORT");
	for (i = 0; i < runs; i++) {
		ms[i] = one_run(argv[1]);
		if (ms[i] < 0) {
			fprintf(stderr, "bench: run %d of %s gave no passing "
				"result\n", i + 1, argv[1]);
			return 1;
		}
	}
	qsort(ms, (size_t)runs, sizeof(ms[0]), by_value);
	printf("BENCH harness.vm_sctp_first_result %ld ms\n", ms[runs / 2]);
	return 0;
}
