/*
 * cleanup.c - nothing is left behind: after a test binary passes, fails,
 * is interrupted (SIGINT) or is killed (SIGKILL, as a runner does on a
 * timeout), none of its processes, network namespaces or mount
 * namespaces remain.  And when user namespaces are blocked, the harness
 * says which setting blocks them and skips (exit 77).
 *
 * A timeout is what tools/testrun.py does to a suite that overruns:
 * SIGKILL to its whole process group.
 *
 * The binary under test is the "victim" helper, a cmocka suite of its
 * own that builds a network and reports "ready".
 */
#include "harness.h"
#include "testkit.h"
#include "tutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PIDS 256
#define MAX_NS 512

extern char **environ;

struct victim {
	pid_t pid;
	int out;                  /* its stdout and stderr */
	int in;                   /* its stdin */
	char text[16384];
	size_t len;
	pid_t family[MAX_PIDS];   /* it and its descendants, when ready */
	int nfamily;
	ino_t ns[MAX_NS];         /* namespaces they held */
	int nns;
};

/* The environment minus the test runner's report and TAP settings, so
 * the victim's own failures are not taken for ours. */
static char **victim_env(char **extra)
{
	static char *env[512];
	int n = 0, i;

	for (i = 0; extra != NULL && extra[i] != NULL && n < 500; i++)
		env[n++] = extra[i];
	for (i = 0; environ[i] != NULL && n < 510; i++)
		if (strncmp(environ[i], "TK_REPORT=", 10) != 0 &&
		    strncmp(environ[i], "CMOCKA_", 7) != 0)
			env[n++] = environ[i];
	env[n] = NULL;
	return env;
}

/* The victim program, found once (and kept). */
static char *victim_path(void)
{
	static char *path;

	if (path == NULL)
		path = tk_sibling("victim");
	return path;
}

static void start_victim(struct victim *v, const char *mode, char **extra)
{
	char *path = victim_path();
	char *argv[] = { path, (char *)mode, NULL };
	int pp[2], in[2];

	TK_EXPECT(pipe2(pp, O_CLOEXEC) == 0 && pipe2(in, O_CLOEXEC) == 0,
		  "pipe: %s", strerror(errno));
	v->pid = fork();
	if (v->pid == 0) {
		setpgid(0, 0);     /* its own group, as a test runner does */
		dup2(in[0], 0);
		dup2(pp[1], 1);
		dup2(pp[1], 2);
		execve(path, argv, victim_env(extra));
		_exit(127);
	}
	close(pp[1]);
	close(in[0]);
	v->out = pp[0];
	v->in = in[1];
	v->len = 0;
}

/* Reads the victim's output until PATTERN shows up or it ends. */
static bool read_until(struct victim *v, const char *pattern, int ms)
{
	long deadline = t_now_ms() + ms;

	while (strstr(v->text, pattern) == NULL) {
		struct pollfd pfd = { .fd = v->out, .events = POLLIN };
		long left = deadline - t_now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) != 1)
			return false;
		n = read(v->out, v->text + v->len,
			 sizeof(v->text) - 1 - v->len);
		if (n <= 0)
			return false;
		v->len += (size_t)n;
		v->text[v->len] = '\0';
	}
	return true;
}

/* Reads the victim's output until it closes it (it ended). */
static void read_to_end(struct victim *v, int ms)
{
	read_until(v, "\x01 (a text that never comes)", ms);
}

static pid_t parent_of(pid_t pid)
{
	char path[64], buf[512], *p;
	int fd, ppid = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

static void add_ns(struct victim *v, const char *link)
{
	char target[64];
	unsigned long ino;
	ssize_t n = readlink(link, target, sizeof(target) - 1);

	if (n <= 0)
		return;
	target[n] = '\0';
	if ((sscanf(target, "net:[%lu]", &ino) == 1 ||
	     sscanf(target, "mnt:[%lu]", &ino) == 1) && v->nns < MAX_NS)
		v->ns[v->nns++] = (ino_t)ino;
}

/* The namespaces a process is in, and those it holds by descriptor. */
static void namespaces_of(struct victim *v, pid_t pid)
{
	char path[512];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	add_ns(v, path);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	add_ns(v, path);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	while (d != NULL && (e = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%s", (int)pid,
			 e->d_name);
		add_ns(v, path);
	}
	if (d != NULL)
		closedir(d);
}

static void record_family(struct victim *v)
{
	int i, grew = 1;

	v->nfamily = 0;
	v->nns = 0;
	v->family[v->nfamily++] = v->pid;
	while (grew) {            /* add children until no more appear */
		DIR *d = opendir("/proc");
		struct dirent *e;

		grew = 0;
		while ((e = readdir(d)) != NULL) {
			pid_t pid = (pid_t)atoi(e->d_name), pp;
			bool known = false;

			if (pid <= 0 || (pp = parent_of(pid)) <= 0)
				continue;
			for (i = 0; i < v->nfamily; i++)
				known |= v->family[i] == pid;
			for (i = 0; !known && i < v->nfamily; i++)
				if (v->family[i] == pp &&
				    v->nfamily < MAX_PIDS) {
					v->family[v->nfamily++] = pid;
					grew = 1;
					break;
				}
		}
		closedir(d);
	}
	for (i = 0; i < v->nfamily; i++)
		namespaces_of(v, v->family[i]);
}

static const char *family_text(struct victim *v)
{
	static char text[4096];
	size_t n = 0;
	int i;

	text[0] = '\0';
	for (i = 0; i < v->nfamily && n < sizeof(text) - 300; i++) {
		char path[64], cmd[256] = "";
		int fd;
		ssize_t r;

		snprintf(path, sizeof(path), "/proc/%d/cmdline",
			 (int)v->family[i]);
		fd = open(path, O_RDONLY);
		r = fd < 0 ? 0 : read(fd, cmd, sizeof(cmd) - 1);
		if (fd >= 0)
			close(fd);
		cmd[r > 0 ? r : 0] = '\0';
		n += (size_t)snprintf(text + n, sizeof(text) - n, "  %d %s\n",
				      (int)v->family[i], cmd);
	}
	return text;
}

/* Waits for the victim's family to be gone; reaps what becomes ours. */
static void wait_family_gone(struct victim *v)
{
	int i;

	for (i = 0; i < v->nfamily; i++) {
		int fd = (int)syscall(SYS_pidfd_open, v->family[i], 0);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (fd < 0)
			continue;          /* already gone */
		TK_EXPECT(poll(&pfd, 1, 5000) == 1, "process %d of the victim "
			  "was still running 5 s after it ended",
			  (int)v->family[i]);
		close(fd);
		waitpid(v->family[i], NULL, WNOHANG);  /* orphans come to us */
	}
}

static int count_surviving_ns(struct victim *v)
{
	struct victim now = { .nns = 0 };
	DIR *d = opendir("/proc");
	struct dirent *e;
	int i, j, left = 0;

	while ((e = readdir(d)) != NULL)
		if (atoi(e->d_name) > 0)
			namespaces_of(&now, (pid_t)atoi(e->d_name));
	closedir(d);
	for (i = 0; i < v->nns; i++)
		for (j = 0; j < now.nns; j++)
			if (v->ns[i] == now.ns[j]) {
				left++;
				break;
			}
	return left;
}

/* Starts the victim, sends it SIG (0: lets it finish; -SIGKILL: kills
 * its process group), and checks what it left. */
static int run_victim(const char *mode, int sig)
{
	static struct victim v;
	int status;

	memset(&v, 0, sizeof(v));
	start_victim(&v, mode, NULL);
	TK_EXPECT(read_until(&v, "ready", 5000), "the victim never got "
		  "ready:\n%s", v.text);
	record_family(&v);
	TK_EXPECT(v.nfamily >= 5 && v.nns >= 5, "the victim showed only %d "
		  "processes and %d namespaces:\n%s", v.nfamily, v.nns,
		  family_text(&v));
	if (sig == -SIGKILL)
		kill(-v.pid, SIGKILL);     /* the runner's timeout: the group */
	else if (sig != 0)
		kill(v.pid, sig);
	else
		TK_EXPECT(write(v.in, "go\n", 3) == 3, "cannot tell the victim "
			  "to go on");
	close(v.in);
	read_to_end(&v, 10000);
	TK_EXPECT(waitpid(v.pid, &status, 0) == v.pid, "waitpid: %s",
		  strerror(errno));
	close(v.out);
	wait_family_gone(&v);
	TK_EXPECT(count_surviving_ns(&v) == 0, "after the victim ended (%s), "
		  "%d of its namespaces are still held", mode,
		  count_surviving_ns(&v));
	if (sig == 0)
		TK_EXPECT(strstr(v.text, "[       OK ] nothing_left_in_the_"
				 "sandbox") != NULL, "the victim's teardown "
			  "left processes:\n%s", v.text);
	return status;
}

static void nothing_left_after_success(void **state)
{
	int status = run_victim("pass", 0);

	(void)state;
	TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the passing victim ended with 0x%x", status);
}

static void nothing_left_after_failure(void **state)
{
	int status = run_victim("fail", 0);

	(void)state;
	TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) != 0,
		  "the failing victim ended with 0x%x", status);
}

static void nothing_left_after_sigint(void **state)
{
	int status = run_victim("hang", SIGINT);

	(void)state;
	TK_EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT,
		  "the interrupted victim ended with 0x%x", status);
}

static void nothing_left_after_sigkill(void **state)
{
	int status = run_victim("hang", SIGKILL);

	(void)state;
	TK_EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		  "the killed victim ended with 0x%x", status);
}

/* A test runner stops a suite that overran its time by killing its
 * whole process group. */
static void nothing_left_after_a_timeout(void **state)
{
	int status = run_victim("hang", -SIGKILL);

	(void)state;
	TK_EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		  "the timed-out victim ended with 0x%x", status);
}

/* In a child: a user namespace of its own in which no further user
 * namespace may be made, then the victim as an ordinary user would run
 * it. */
static void __attribute__((noreturn)) exec_without_userns(int out)
{
	char *argv[] = { victim_path(), "pass", NULL };
	char *extra[] = { "HN_ROOTLESS=1", NULL };
	int fd;

	if (unshare(CLONE_NEWUSER) < 0)
		_exit(100);
	fd = open("/proc/self/setgroups", O_WRONLY);
	if (fd >= 0 && (write(fd, "deny", 4) < 0 || close(fd) < 0))
		_exit(101);
	fd = open("/proc/self/uid_map", O_WRONLY);
	if (fd < 0 || write(fd, "0 0 1", 5) != 5 || close(fd) < 0)
		_exit(102);
	fd = open("/proc/sys/user/max_user_namespaces", O_WRONLY);
	if (fd < 0 || write(fd, "0", 1) != 1 || close(fd) < 0)
		_exit(103);
	dup2(out, 1);
	dup2(out, 2);
	execve(argv[0], argv, victim_env(extra));
	_exit(127);
}

static void blocked_user_namespaces_are_explained(void **state)
{
	struct victim v = { .len = 0 };
	int pp[2], status;

	(void)state;
	TK_EXPECT(pipe2(pp, O_CLOEXEC) == 0, "pipe");
	v.pid = fork();
	if (v.pid == 0)
		exec_without_userns(pp[1]);
	close(pp[1]);
	v.out = pp[0];
	read_to_end(&v, 5000);
	close(v.out);
	waitpid(v.pid, &status, 0);
	TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 77,
		  "with user namespaces blocked the victim ended with 0x%x, "
		  "not exit 77:\n%s", status, v.text);
	TK_EXPECT(strstr(v.text, "blocked by user.max_user_namespaces=0") &&
		  strstr(v.text, "or run the tests as root"),
		  "the message does not name the setting and the ways out:\n%s",
		  v.text);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(nothing_left_after_success),
		TK_TEST(nothing_left_after_failure),
		TK_TEST(nothing_left_after_sigint),
		TK_TEST(nothing_left_after_sigkill),
		TK_TEST(nothing_left_after_a_timeout),
		TK_TEST(blocked_user_namespaces_are_explained),
	};
	return TK_RUN("harness_cleanup", tests);
}
