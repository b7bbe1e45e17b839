/*
 * bkrun.c - scratch directory, child programs and files for the book's
 * tests (see bkrun.h).
 */
#include "bkrun.h"
#include "testkit.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char scratch[200];
static int serial;              /* names the output files of each run */

/* Writes one line to a /proc file (uid_map and friends). */
static int write_proc(const char *path, const char *line)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, line, strlen(line));
	close(fd);
	return n == (ssize_t)strlen(line) ? 0 : -1;
}

/* A mount namespace of our own with a fresh tmpfs on base: whatever
 * happens to this process, the files go with it. */
static int private_tmpfs(const char *base)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];

	if (uid != 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
			return -1;
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
		if (write_proc("/proc/self/setgroups", "deny") < 0 ||
		    write_proc("/proc/self/uid_map", map) < 0)
			return -1;
		snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
		if (write_proc("/proc/self/gid_map", map) < 0)
			return -1;
	} else if (unshare(CLONE_NEWNS) < 0) {
		return -1;
	}
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	return mount("bookcheck", base, "tmpfs", 0, "size=64m");
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_scratch(void)
{
	nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The top of the source tree: make wrote it into <build root>/.buildroot. */
static void go_to_top(void)
{
	char *marker = tk_path(".buildroot");
	char *top = bk_slurp(marker);

	if (top == NULL) {
		fprintf(stderr, "cannot read %s: rebuild with make\n", marker);
		exit(1);
	}
	top[strcspn(top, "\n")] = '\0';
	if (chdir(top) < 0) {
		fprintf(stderr, "cannot enter %s: %s\n", top, strerror(errno));
		exit(1);
	}
	free(top);
	free(marker);
}

/* Where the private tmpfs goes: a directory that exists on Debian and
 * that nothing the tests run needs.  Not /tmp: the test runner's report
 * file ($TK_REPORT) lives there. */
#define PRIVATE_MOUNT "/mnt"

const char *bk_setup(void)
{
	const char *base = getenv("TMPDIR");

	if (base == NULL || *base == '\0')
		base = "/tmp";
	go_to_top();
	if (private_tmpfs(PRIVATE_MOUNT) == 0) {
		/* nobody else sees this tmpfs: nothing to remove, ever */
		snprintf(scratch, sizeof(scratch), "%s/bookcheck",
			 PRIVATE_MOUNT);
		if (mkdir(scratch, 0700) == 0)
			return scratch;
	}
	snprintf(scratch, sizeof(scratch), "%s/bookcheck.XXXXXX", base);
	if (mkdtemp(scratch) != NULL) {
		atexit(remove_scratch);
		return scratch;
	}
	fprintf(stderr, "cannot make a scratch directory in %s: %s\n", base,
		strerror(errno));
	exit(1);
}

int bk_start(struct bk_proc *p, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	int rc;

	serial++;
	snprintf(p->out_path, sizeof(p->out_path), "%s/run%d.out", scratch,
		 serial);
	snprintf(p->err_path, sizeof(p->err_path), "%s/run%d.err", scratch,
		 serial);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, p->out_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, p->err_path,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	rc = posix_spawnp(&p->pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return 0;
}

int bk_finish(struct bk_proc *p, char **out, char **err)
{
	int status;

	while (waitpid(p->pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	if (out != NULL)
		*out = bk_slurp(p->out_path);
	if (err != NULL)
		*err = bk_slurp(p->err_path);
	remove(p->out_path);
	remove(p->err_path);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int bk_run(char *const argv[], char **out, char **err)
{
	struct bk_proc p;

	if (bk_start(&p, argv) < 0)
		TK_FAIL("cannot run %s: %s", argv[0], strerror(errno));
	return bk_finish(&p, out, err);
}

char *bk_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	char chunk[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	mem = open_memstream(&buf, &len);
	if (mem == NULL) {
		fclose(f);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, mem);
	fclose(mem);
	fclose(f);
	return buf;
}

int bk_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (f == NULL)
		return -1;
	ok = fputs(text, f) >= 0;
	ok = (fclose(f) == 0) && ok;
	return ok ? 0 : -1;
}

int bk_count(const char *haystack, const char *needle)
{
	int n = 0;
	size_t len = strlen(needle);

	if (haystack == NULL || len == 0)
		return 0;
	for (const char *p = strstr(haystack, needle); p != NULL;
	     p = strstr(p + len, needle))
		n++;
	return n;
}
