/*
 * initrd.c - the initramfs for one run of a test in the VM.
 *
 * The kernel unpacks every cpio archive it finds in the initramfs, one
 * after the other, so a run's initramfs is the cached base archive
 * (busybox, modules and /init, built once by make) followed by a small
 * archive of this run's own files: the test binary, the programs next to
 * it, the shared libraries they load and a script that starts the test.
 *
 * That second archive is written by cpio(1) from a staging tree of
 * symbolic links to the host's files (cpio -L stores what a link points
 * to, at the link's path), so nothing is copied twice; the tree is
 * removed as soon as cpio is done and the whole initramfs lives in an
 * anonymous memory file, so a killed test leaves nothing on disk.
 */
#include "vm.h"
#include "testkit.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

extern char **environ;

/* At most this many programs are shipped from one directory. */
#define MAX_NEIGHBOURS 64

/* The staging tree, and the list of its entries in the order cpio must
 * store them (every directory before what it holds). */
struct stage {
	char tree[PATH_MAX];
	char *list;
	size_t listlen;
	FILE *listf;
};

static int sys_fail(const char *what, const char *path)
{
	fprintf(stderr, "harness/vm: %s %s: %s\n", what, path,
		strerror(errno));
	return -1;
}

/* Records PATH (absolute, as the VM will see it) in the list. */
static void list_add(struct stage *st, const char *path)
{
	fprintf(st->listf, ".%s\n", path);
}

/* Creates, inside the tree, every directory on the way to PATH
 * (absolute), PATH's own last component excluded. */
static int stage_parents(struct stage *st, const char *path)
{
	char dir[PATH_MAX], full[PATH_MAX * 2];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + 1, '/'); slash != NULL;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		snprintf(full, sizeof(full), "%s%s", st->tree, dir);
		if (mkdir(full, 0755) == 0)
			list_add(st, dir);
		else if (errno != EEXIST)
			return sys_fail("cannot create", full);
		*slash = '/';
	}
	return 0;
}

/* Creates the directory PATH (absolute) and its parents in the tree. */
static int stage_dir(struct stage *st, const char *path)
{
	char slashed[PATH_MAX + 1];

	snprintf(slashed, sizeof(slashed), "%s/", path);
	return stage_parents(st, slashed);
}

/* Ships the host's file PATH (absolute) at the same path in the VM.
 * Returns 0, 1 if it was shipped already, or -1. */
static int stage_file(struct stage *st, const char *path)
{
	char link[PATH_MAX * 2];

	if (path[0] != '/') {
		fprintf(stderr, "harness/vm: not an absolute path: %s\n",
			path);
		return -1;
	}
	if (stage_parents(st, path) < 0)
		return -1;
	snprintf(link, sizeof(link), "%s%s", st->tree, path);
	if (symlink(path, link) == 0)
		list_add(st, path);
	else if (errno == EEXIST)
		return 1;
	else
		return sys_fail("cannot create", link);
	return 0;
}

/* Writes TEXT into the VM's file PATH. */
static int stage_text(struct stage *st, const char *path, const char *text)
{
	char full[PATH_MAX * 2];
	FILE *f;

	if (stage_parents(st, path) < 0)
		return -1;
	snprintf(full, sizeof(full), "%s%s", st->tree, path);
	f = fopen(full, "w");
	if (f == NULL)
		return sys_fail("cannot create", full);
	fputs(text, f);
	if (fclose(f) != 0)
		return sys_fail("cannot write", full);
	list_add(st, path);
	return 0;
}

/* Runs ARGV with stdout to a string (*out, malloc'd); returns its exit
 * status, or -1 if it could not run. */
static int capture(char *const argv[], char **out)
{
	posix_spawn_file_actions_t fa;
	int pfd[2], status;
	size_t len = 0;
	char buf[4096];
	ssize_t n;
	pid_t pid;
	FILE *mem;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	errno = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (errno != 0) {
		close(pfd[0]);
		return -1;
	}
	mem = open_memstream(out, &len);
	while ((n = read(pfd[0], buf, sizeof(buf))) > 0 ||
	       (n < 0 && errno == EINTR))
		if (n > 0)
			fwrite(buf, 1, (size_t)n, mem);
	fclose(mem);
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Ships every shared library EXE loads, at the path the host's loader
 * found it (ldd's answer), so the VM's loader finds it there too.
 */
static int stage_libraries(struct stage *st, const char *exe)
{
	char *argv[] = { "ldd", (char *)exe, NULL };
	char *out = NULL, *line, *save = NULL, *path, *end;
	int rc = 0;

	if (capture(argv, &out) < 0 && out == NULL) {
		fprintf(stderr, "harness/vm: cannot run ldd on %s "
			"(package libc-bin)\n", exe);
		return -1;
	}
	for (line = strtok_r(out, "\n", &save); line != NULL && rc == 0;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "=> not found") != NULL) {
			fprintf(stderr, "harness/vm: %s needs a library this "
				"machine lacks:%s\n", exe, line);
			rc = -1;
			break;
		}
		path = strstr(line, "=> ");
		path = path != NULL ? path + 3 : line + strspn(line, " \t");
		if (path[0] != '/')
			continue;       /* linux-vdso: in the kernel */
		end = strstr(path, " (");
		if (end != NULL)
			*end = '\0';
		rc = stage_file(st, path) < 0 ? -1 : 0;
	}
	free(out);
	return rc;
}

/* Ships a program and its libraries (once). */
static int stage_program(struct stage *st, const char *exe)
{
	int rc = stage_file(st, exe);

	return rc == 0 ? stage_libraries(st, exe) : rc < 0 ? -1 : 0;
}

/*
 * Ships the programs in DIR (not its subdirectories), if DIR is inside
 * the build tree: a lab's test finds the student's programs next to it
 * (tk_sibling), a chapter's test finds the examples one level up.
 */
static int stage_neighbours(struct stage *st, const char *dir)
{
	const char *root = tk_build_root();
	size_t rootlen = strlen(root);
	char path[PATH_MAX * 2];
	struct dirent *de;
	struct stat sb;
	int shipped = 0, rc = 0;
	DIR *d;

	if (strncmp(dir, root, rootlen) != 0 ||
	    (dir[rootlen] != '/' && dir[rootlen] != '\0'))
		return 0;
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while (rc == 0 && shipped < MAX_NEIGHBOURS &&
	       (de = readdir(d)) != NULL) {
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (de->d_name[0] == '.' || stat(path, &sb) < 0 ||
		    !S_ISREG(sb.st_mode) || (sb.st_mode & S_IXUSR) == 0)
			continue;
		rc = stage_program(st, path);
		shipped++;
	}
	closedir(d);
	return rc;
}

/* Where a shipped program is looked for, after $PATH. */
#define SHIP_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The host's file for hn_vm_ship(NAME): NAME itself if absolute, else
 * the first executable NAME in $PATH or SHIP_PATH, links resolved. */
static bool find_shipped(const char *name, char *out)
{
	const char *env = getenv("PATH");
	char dirs[8192], cand[PATH_MAX * 2], *dir, *save = NULL;

	if (name[0] == '/')
		return realpath(name, out) != NULL;
	if (strchr(name, '/') != NULL || name[0] == '\0')
		return false;
	snprintf(dirs, sizeof(dirs), "%s:%s", env != NULL ? env : "",
		 SHIP_PATH);
	for (dir = strtok_r(dirs, ":", &save); dir != NULL;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(cand, sizeof(cand), "%s/%s", dir, name);
		if (dir[0] == '/' && access(cand, X_OK) == 0 &&
		    realpath(cand, out) != NULL)
			return true;
	}
	return false;
}

/* Ships what the test asked for with hn_vm_ship(): programs with their
 * libraries, other files as they are. */
static int stage_shipped(struct stage *st, const char *const *ship)
{
	char path[PATH_MAX];
	struct stat sb;
	int rc = 0;

	for (; ship != NULL && *ship != NULL && rc == 0; ship++) {
		if (!find_shipped(*ship, path) || stat(path, &sb) < 0 ||
		    !S_ISREG(sb.st_mode)) {
			fprintf(stderr, "harness/vm: the test needs '%s' in "
				"the VM and this machine has no such %s: "
				"install the Debian package that has it "
				"(tools/packages.txt lists them)\n", *ship,
				(*ship)[0] == '/' ? "file" : "program");
			return -1;
		}
		if (sb.st_mode & S_IXUSR)
			rc = stage_program(st, path);
		else
			rc = stage_file(st, path) < 0 ? -1 : 0;
	}
	return rc;
}

/*
 * Ships the transcripts of the chapter whose test this is (a binary
 * under <build root>/ch/NN-name/ or chapters/NN-name/), at their path
 * in the source tree, so that tk_transcript() in the VM compares as it
 * does here.
 */
static int stage_transcripts(struct stage *st, const char *exe)
{
	const char *root = tk_build_root(), *rel, *end;
	char top[PATH_MAX - 256], dir[PATH_MAX], path[PATH_MAX * 2];
	char marker[PATH_MAX];
	struct dirent *de;
	int rc = 0;
	FILE *f;
	DIR *d;

	rel = exe + strlen(root);
	if (strncmp(exe, root, strlen(root)) != 0)
		return 0;
	/* a chapter's suites are built under <build root>/ch/NN-name/ */
	if (strncmp(rel, "/ch/", 4) == 0)
		rel += 3;
	else if (strncmp(rel, "/chapters/", 10) == 0)
		rel += 9;
	else
		return 0;
	end = strchr(rel + 1, '/');
	snprintf(marker, sizeof(marker), "%s/.buildroot", root);
	f = fopen(marker, "r");
	if (end == NULL || f == NULL || fgets(top, sizeof(top), f) == NULL) {
		if (f != NULL)
			fclose(f);
		return 0;
	}
	fclose(f);
	top[strcspn(top, "\n")] = '\0';
	snprintf(dir, sizeof(dir), "%s/chapters%.*s/transcripts", top,
		 (int)(end - rel), rel);
	d = opendir(dir);
	if (d == NULL)
		return 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		rc = stage_file(st, path) < 0 ? -1 : 0;
	}
	closedir(d);
	return rc;
}

/* Appends S to F in single quotes, as the shell reads it back. */
static void shell_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* Whether the host's environment variable NAME=... goes into the VM:
 * the ones that steer cmocka, the testkit, the harness and the
 * sanitizers, except those the VM sets itself. */
static bool passed_to_vm(const char *var)
{
	static const char *const prefixes[] = {
		"CMOCKA_", "TK_", "HN_", "ASAN_OPTIONS=", "UBSAN_OPTIONS=",
		"LSAN_OPTIONS=", "NO_COLOR=", "GRADE_TESTS=",
	};
	static const char *const set_in_vm[] = {
		"TK_REPORT=", "HN_BACKEND=", "HN_IN_VM=", "HN_CAPTURE_DIR=",
	};
	size_t i;

	for (i = 0; i < sizeof(set_in_vm) / sizeof(set_in_vm[0]); i++)
		if (strncmp(var, set_in_vm[i], strlen(set_in_vm[i])) == 0)
			return false;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(var, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/* Is NAME a plain file name (no path) of an executable in DIR? */
static bool sibling_test(const char *dir, const char *name, size_t len)
{
	char path[PATH_MAX];
	struct stat sb;
	size_t i;

	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' &&
		    name[i] != '-' && name[i] != '.')
			return false;
	if (len == 0 || name[0] == '.' || (size_t)snprintf(path, sizeof(path),
	    "%s/%.*s", dir, (int)len, name) >= sizeof(path))
		return false;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	       (sb.st_mode & S_IXUSR) != 0;
}

/* The command lines of the run: the test, then each test named in
 * $HN_VM_ALSO (comma-separated binaries next to it, in the same VM and
 * environment: one boot for a lab's public and hidden suites), the
 * first failing status kept.  -1 if a name there is not such a test. */
static int run_commands(FILE *f, const struct vm_job *job)
{
	char dir[PATH_MAX], path[PATH_MAX * 2], *slash;
	const char *name, *end;
	char **a;

	if (job->also == NULL || job->also[0] == '\0') {
		fputs("exec ", f);
		shell_quote(f, job->exe);
		for (a = job->argv + 1; *a != NULL; a++) {
			fputc(' ', f);
			shell_quote(f, *a);
		}
		fputc('\n', f);
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s", job->exe);
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	fputs("rc=0\nrun() { \"$@\"; r=$?; [ $rc -ne 0 ] || rc=$r; }\nrun ",
	      f);
	shell_quote(f, job->exe);
	for (a = job->argv + 1; *a != NULL; a++) {
		fputc(' ', f);
		shell_quote(f, *a);
	}
	fputc('\n', f);
	for (name = job->also; *name != '\0'; name = *end ? end + 1 : end) {
		end = name + strcspn(name, ",");
		if (!sibling_test(dir, name, (size_t)(end - name))) {
			fprintf(stderr, "harness/vm: HN_VM_ALSO names "
				"\"%.*s\", which is not a test program "
				"next to %s\n",
				(int)(end - name), name, job->exe);
			return -1;
		}
		snprintf(path, sizeof(path), "%s/%.*s", dir,
			 (int)(end - name), name);
		fputs("run ", f);
		shell_quote(f, path);
		fputc('\n', f);
	}
	fputs("exit $rc\n", f);
	return 0;
}

/* The script the VM's init runs: the test's environment and command
 * line.  Inside, HN_BACKEND=host and HN_IN_VM=1 tell hn_require() not to
 * start another VM. */
static char *run_script(const struct vm_job *job)
{
	char *text = NULL, **e;
	size_t len = 0;
	bool ok;
	FILE *f = open_memstream(&text, &len);

	/* programs shipped with hn_vm_ship() come before busybox's; files
	 * under /hn/out go back to the host (outfiles.c) */
	fputs("# written by harness/vm/initrd.c\n"
	      "export PATH=" SHIP_PATH " HOME=/tmp TMPDIR=/tmp\n"
	      "export HN_BACKEND=host HN_IN_VM=1\n"
	      "export HN_CAPTURE_DIR=/hn/out/captures\n"
	      "mkdir -p /hn/out/captures /hn/out/transcripts\n", f);
	if (job->report != NULL)
		fputs("export TK_REPORT=/hn/report\n", f);
	/* the grader's seal (grading/test_filter.c): never in this script,
	 * which the VM keeps; read from its own file, deleted before the
	 * test starts, and the sealed lines (descriptor 3) kept for init */
	if (getenv("GRADE_SEAL") != NULL)
		fputs("GRADE_SEAL=$(cat /hn/seal); rm -f /hn/seal\n"
		      "export GRADE_SEAL\n"
		      "exec 3>/hn/sealed\n", f);
	for (e = environ; *e != NULL; e++) {
		char *eq = strchr(*e, '=');

		if (eq == NULL || !passed_to_vm(*e))
			continue;
		fprintf(f, "export %.*s=", (int)(eq - *e), *e);
		shell_quote(f, eq + 1);
		fputc('\n', f);
	}
	ok = run_commands(f, job) == 0;
	fclose(f);
	if (!ok) {
		free(text);
		return NULL;
	}
	return text;
}

/* Stages everything the run needs. */
static int stage_job(struct stage *st, const struct vm_job *job)
{
	char dir[PATH_MAX], parent[PATH_MAX], cwd[PATH_MAX], scratch[PATH_MAX];
	char *marker = tk_path(".buildroot"), *script;
	int rc;

	/* dirname() may write into its argument: give it a copy */
	snprintf(scratch, sizeof(scratch), "%s", job->exe);
	snprintf(dir, sizeof(dir), "%s", dirname(scratch));
	snprintf(scratch, sizeof(scratch), "%s", dir);
	snprintf(parent, sizeof(parent), "%s", dirname(scratch));
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		strcpy(cwd, "/tmp");

	script = run_script(job);
	rc = script != NULL ? stage_program(st, job->exe) : -1;
	if (rc == 0)
		rc = stage_neighbours(st, dir);
	if (rc == 0 && strcmp(parent, dir) != 0)
		rc = stage_neighbours(st, parent);
	if (rc == 0 && access(marker, F_OK) == 0)
		rc = stage_file(st, marker) < 0 ? -1 : 0;
	if (rc == 0)
		rc = stage_shipped(st, job->ship);
	if (rc == 0)
		rc = stage_transcripts(st, job->exe);
	if (rc == 0)
		rc = stage_text(st, "/hn/run", script);
	if (rc == 0 && getenv("GRADE_SEAL") != NULL)
		rc = stage_text(st, "/hn/seal", getenv("GRADE_SEAL"));
	if (rc == 0)
		rc = stage_text(st, "/hn/modules", job->modules);
	/* the test starts in the same directory (empty there) */
	if (rc == 0 && strcmp(cwd, "/") != 0)
		rc = stage_dir(st, cwd);
	if (rc == 0)
		rc = stage_text(st, "/hn/cwd", cwd);
	free(script);
	free(marker);
	return rc;
}

/* Appends the cpio archive of the staged tree to FD. */
static int run_cpio(struct stage *st, int fd)
{
	char *argv[] = { "cpio", "-o", "-H", "newc", "-L", "-R", "0:0",
			 "--quiet", NULL };
	posix_spawn_file_actions_t fa;
	int pfd[2], status;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return sys_fail("cannot make a pipe for", "cpio");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, fd, STDOUT_FILENO);
	posix_spawn_file_actions_addchdir_np(&fa, st->tree);
	errno = posix_spawnp(&pid, "cpio", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[0]);
	if (errno != 0) {
		close(pfd[1]);
		fprintf(stderr, "harness/vm: cpio is not installed: run "
			"'sudo apt-get install cpio'\n");
		return -1;
	}
	if (write(pfd[1], st->list, st->listlen) != (ssize_t)st->listlen)
		sys_fail("cannot give cpio its list of", "files");
	close(pfd[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return sys_fail("cannot wait for", "cpio");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "harness/vm: cpio failed to archive the "
			"test's files (status %d)\n", status);
		return -1;
	}
	return 0;
}

/* Copies the file BASE into FD. */
static int copy_base(const char *base, int fd)
{
	char buf[1 << 16];
	ssize_t n;
	int in = open(base, O_RDONLY | O_CLOEXEC);

	if (in < 0)
		return sys_fail("cannot open", base);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			break;
	close(in);
	if (n != 0)
		return sys_fail("cannot copy", base);
	return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

/* Pads FD with zeros to whole 512-byte blocks: a disk has no part
 * blocks (cpio stops at its trailer and ignores them). */
static int pad_to_blocks(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);

	if (end < 0 || ftruncate(fd, (end + 511) / 512 * 512) < 0)
		return sys_fail("cannot pad", "the run's disk");
	return 0;
}

/* Stages what JOB or (with JOB NULL) a snapshot boot needs. */
static int stage_what(struct stage *st, const struct vm_job *job,
		      const char *preload)
{
	if (job != NULL)
		return stage_job(st, job);
	return stage_text(st, "/hn/preload", preload);
}

/* BASE (or nothing), then the archive of what stage_what() stages, in
 * a memory file. */
static int make_archive(const char *base, const struct vm_job *job,
			const char *preload)
{
	const char *tmp = getenv("TMPDIR");
	struct stage st = { .list = NULL };
	int fd, rc;

	snprintf(st.tree, sizeof(st.tree), "%s/hn-vm-XXXXXX",
		 tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(st.tree) == NULL)
		return sys_fail("cannot create a directory like", st.tree);
	st.listf = open_memstream(&st.list, &st.listlen);

	rc = stage_what(&st, job, preload);
	fclose(st.listf);
	fd = memfd_create("hn-vm-initrd", MFD_CLOEXEC);
	if (fd < 0)
		rc = sys_fail("cannot create", "a memory file (memfd)");
	if (rc == 0 && base != NULL)
		rc = copy_base(base, fd);
	if (rc == 0)
		rc = run_cpio(&st, fd);
	if (rc == 0 && base == NULL)
		rc = pad_to_blocks(fd);
	nftw(st.tree, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(st.list);
	if (rc < 0 && fd >= 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int vm_initrd(const char *base, const struct vm_job *job)
{
	return make_archive(base, job, NULL);
}

int vm_snapshot_initrd(const char *base, const char *preload)
{
	return make_archive(base, NULL, preload);
}
