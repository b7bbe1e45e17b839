/*
 * vm_backend.c - the VM backend itself: what it relays, how it stops a
 * VM that runs too long or is interrupted, and its one-line errors.
 *
 * It runs vm_helper (next to it), which asks hn_vm_rerun() to run it
 * again inside the VM.  This process is a "child subreaper", so a qemu
 * the backend failed to reap would become our child: no child left after
 * the helper exits proves qemu was killed and reaped.  Each run gets a
 * TMPDIR of its own, which must be empty afterwards.
 */
#include "testkit.h"
#include "lnp.h"

#include <ftw.h>
#include <dirent.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#define RUN_LIMIT_MS 120000    /* a helper run, start to exit */

extern char **environ;

/* What a run of the helper did. */
struct outcome {
	int status;                /* wait status */
	char out[8192];
	char err[8192];
	long ms;
	char tmpdir[64];           /* the TMPDIR it had */
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* The environment for a run: ours without the variables the backend
 * reads, then EXTRA (NAME=VALUE strings, NULL-ended) and TMPDIR. */
static char **run_env(char *const extra[], const char *tmpdir)
{
	static const char *const dropped[] = {
		"TK_REPORT=", "TMPDIR=", "HN_BACKEND=", "HN_VM_TIMEOUT=",
		"HN_QEMU=", "HN_IN_VM=",
	};
	static char tmpvar[96];
	static char *env[512];
	size_t n = 0, i;
	char **e;

	for (e = environ; *e != NULL && n < 500; e++) {
		for (i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
			if (strncmp(*e, dropped[i], strlen(dropped[i])) == 0)
				break;
		if (i == sizeof(dropped) / sizeof(dropped[0]))
			env[n++] = *e;
	}
	for (; extra != NULL && *extra != NULL && n < 510; extra++)
		env[n++] = *extra;
	snprintf(tmpvar, sizeof(tmpvar), "TMPDIR=%s", tmpdir);
	env[n++] = tmpvar;
	env[n] = NULL;
	return env;
}

/* Appends what FD has to BUF (a string of SIZE bytes; what does not
 * fit is dropped).  Returns false at end of file. */
static bool drain(int fd, char *buf, size_t size)
{
	char chunk[4096];
	size_t len = strlen(buf), room = size - 1 - len;
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN;
	if (n == 0)
		return false;
	if ((size_t)n < room)
		room = (size_t)n;
	memcpy(buf + len, chunk, room);
	buf[len + room] = '\0';
	return true;
}

/*
 * Runs PROG with ARGV and EXTRA env; with INTERRUPT_ON, sends it SIGINT
 * as soon as its stderr shows that text.  Fills O.
 */
static void run(struct outcome *o, const char *prog, char *const argv[],
		char *const extra[], const char *interrupt_on)
{
	posix_spawn_file_actions_t fa;
	int out[2], err[2], open_fds = 2;
	long start = now_ms();
	bool sent = false;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	strcpy(o->tmpdir, "/tmp/vm-backend-XXXXXX");
	TK_EXPECT(mkdtemp(o->tmpdir) != NULL, "mkdtemp: %s", strerror(errno));
	TK_EXPECT(pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0,
		  "pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
	errno = posix_spawn(&pid, prog, &fa, NULL, argv,
			    run_env(extra, o->tmpdir));
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	close(err[1]);
	TK_EXPECT(errno == 0, "cannot run %s: %s", prog, strerror(errno));
	while (open_fds > 0) {
		struct pollfd p[2] = { { .fd = out[0], .events = POLLIN },
				       { .fd = err[0], .events = POLLIN } };
		long left = start + RUN_LIMIT_MS - now_ms();

		if (left <= 0 || poll(p, 2, (int)left) == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			TK_FAIL("%s did not end within %d s; stderr: %s", prog,
				RUN_LIMIT_MS / 1000, o->err);
		}
		if (p[0].revents && out[0] >= 0 &&
		    !drain(out[0], o->out, sizeof(o->out))) {
			close(out[0]);
			out[0] = -1;
			open_fds--;
		}
		if (p[1].revents && err[0] >= 0 &&
		    !drain(err[0], o->err, sizeof(o->err))) {
			close(err[0]);
			err[0] = -1;
			open_fds--;
		}
		if (interrupt_on != NULL && !sent &&
		    strstr(o->err, interrupt_on) != NULL) {
			kill(pid, SIGINT);
			sent = true;
		}
	}
	while (waitpid(pid, &o->status, 0) < 0 && errno == EINTR)
		;
	o->ms = now_ms() - start;
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

/* Nothing of the run may be left: no process (qemu would be our child
 * now, we are a subreaper), no file in its TMPDIR. */
static void expect_no_trace(struct outcome *o)
{
	int st, left = 0;
	pid_t orphan = waitpid(-1, &st, WNOHANG);
	int why = errno;
	DIR *d = opendir(o->tmpdir);
	struct dirent *de;

	while (d != NULL && (de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			left++;
	if (d != NULL)
		closedir(d);
	nftw(o->tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	TK_EXPECT(orphan != 0, "a process of the run was still running "
		  "after it ended: qemu was not killed");
	TK_EXPECT(orphan < 0 && why == ECHILD, "a process of the run (pid "
		  "%d) was left for us to reap: qemu was not reaped",
		  (int)orphan);
	TK_EXPECT(left == 0, "the run left %d files in its TMPDIR", left);
}

static char *helper(void)
{
	static char *path;

	if (path == NULL)
		path = tk_sibling("vm_helper");
	return path;
}

/* ---- runs that boot the VM ------------------------------------------- */

/* stdout and stderr come back apart, an argument with spaces and quotes
 * intact, the report line lands in the host's $TK_REPORT, and the exit
 * status is the test's.  A bad HN_VM_TIMEOUT is named, not fatal. */
static void relays_output_report_and_status(void **state)
{
	char report[] = "/tmp/vm-backend-report-XXXXXX", text[512] = "";
	char reportvar[64];
	char *argv[] = { helper(), "sctp", "speak", "it's a \"test\"", NULL };
	char *extra[] = { reportvar, "HN_VM_TIMEOUT=soon", NULL };
	static struct outcome o;
	int fd = mkstemp(report);
	ssize_t n;

	(void)state;
	TK_EXPECT(fd >= 0, "mkstemp: %s", strerror(errno));
	snprintf(reportvar, sizeof(reportvar), "TK_REPORT=%s", report);
	run(&o, helper(), argv, extra, NULL);
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	unlink(report);
	expect_no_trace(&o);
	TK_EXPECT(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 7,
		  "the helper's exit status 7 came back as %#x; stderr: %s",
		  o.status, o.err);
	TK_EXPECT(strcmp(o.out, "stdout: arg=[it's a \"test\"] sctp=yes\n")
		  == 0, "stdout was \"%s\"", o.out);
	TK_EXPECT(strstr(o.err, "stderr: from the VM\n") != NULL &&
		  strstr(o.out, "stderr") == NULL,
		  "stderr was \"%s\" and stdout \"%s\"", o.err, o.out);
	TK_EXPECT(strstr(o.err, "HN_VM_TIMEOUT=soon is not a number") != NULL,
		  "no word about HN_VM_TIMEOUT=soon; stderr: %s", o.err);
	TK_EXPECT(n > 0 && strstr(text, "\"message\":\"from the VM\"") != NULL,
		  "the report file holds \"%s\"", n > 0 ? text : "");
}

/* HN_VM_ALSO runs a second program next to the test in the same VM,
 * after it, and the run's status is the first one's failure; a name
 * with a path in it is refused, and nothing boots. */
static void also_runs_a_second_test_in_the_same_boot(void **state)
{
	char *argv[] = { helper(), "sctp", "speak", "one", NULL };
	char *extra[] = { "HN_VM_ALSO=vm_helper", NULL };
	char *bad[] = { "HN_VM_ALSO=../vm_helper", NULL };
	static struct outcome o;

	(void)state;
	run(&o, helper(), argv, extra, NULL);
	expect_no_trace(&o);
	TK_EXPECT(strcmp(o.out, "stdout: arg=[one] sctp=yes\nalso ran\n")
		  == 0, "stdout was \"%s\"; stderr: %s", o.out, o.err);
	TK_EXPECT(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 7,
		  "the first program's status 7 came back as %#x", o.status);
	run(&o, helper(), argv, bad, NULL);
	expect_no_trace(&o);
	TK_EXPECT(!WIFEXITED(o.status) || WEXITSTATUS(o.status) != 0,
		  "HN_VM_ALSO=../vm_helper was not refused: %s", o.out);
	TK_EXPECT(strstr(o.err, "HN_VM_ALSO names \"../vm_helper\"") !=
		  NULL && o.out[0] == '\0', "no word about the bad name; "
		  "stdout: %s; stderr: %s", o.out, o.err);
}

/* In the VM a wait ends once nothing ran there for the idle time asked
 * (300 ms), long before its deadline (20 s), and says so; while a
 * program computes (1.5 s) it does not end. */
static void a_wait_ends_when_the_vm_is_idle(void **state)
{
	char *argv[] = { helper(), "sctp", "idle", NULL };
	char *busy[] = { helper(), "sctp", "busy", NULL };
	static struct outcome o;
	long ms = -1;

	(void)state;
	run(&o, helper(), argv, NULL, NULL);
	expect_no_trace(&o);
	TK_EXPECT(sscanf(o.out, "waited %ld ms", &ms) == 1 && ms >= 300 &&
		  ms < 5000 && strstr(o.out, "nothing had run in the VM for "
				      "300 ms") != NULL,
		  "the idle wait printed \"%s\"; stderr: %s", o.out, o.err);
	run(&o, helper(), busy, NULL, NULL);
	expect_no_trace(&o);
	TK_EXPECT(sscanf(o.out, "waited %ld ms", &ms) == 1 && ms >= 1400 &&
		  strstr(o.out, " readable") != NULL,
		  "a wait beside a busy program printed \"%s\"; stderr: %s",
		  o.out, o.err);
}

/* The bytes of the file PATH (malloc'd), or NULL. */
static char *read_whole(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r"), *mem;
	char *buf = NULL, chunk[4096];
	size_t n;

	*len = 0;
	if (f == NULL)
		return NULL;
	mem = open_memstream(&buf, len);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, mem);
	fclose(mem);
	fclose(f);
	return buf;
}

/* hn_vm_ship() carries ip and a data file into the VM, and ip comes
 * before busybox's; a capture written in the VM comes back to the host's
 * HN_CAPTURE_DIR byte for byte (every byte value, 70000 of them); what
 * a hostile test forges on the control port writes nothing outside it
 * and a file that came short is dropped. */
static void ships_programs_and_brings_captures_back(void **state)
{
	char capdir[] = "/tmp/vm-backend-cap-XXXXXX", capvar[80];
	char evil[64], path[160], *data;
	char *argv[] = { helper(), "sctp", "files", evil, NULL };
	char *extra[] = { capvar, NULL };
	static struct outcome o;
	struct stat sb;
	size_t len, i;
	bool same = true;

	(void)state;
	TK_EXPECT(mkdtemp(capdir) != NULL, "mkdtemp: %s", strerror(errno));
	snprintf(capvar, sizeof(capvar), "HN_CAPTURE_DIR=%s", capdir);
	snprintf(evil, sizeof(evil), "vm-backend-evil-%d", (int)getpid());
	run(&o, helper(), argv, extra, NULL);
	expect_no_trace(&o);
	snprintf(path, sizeof(path), "%s/all-bytes.pcap", capdir);
	data = read_whole(path, &len);
	snprintf(path, sizeof(path), "/tmp/%s", evil);
	TK_EXPECT(stat(path, &sb) < 0, "a forged control line wrote %s",
		  path);
	snprintf(path, sizeof(path), "%s/short.pcap", capdir);
	TK_EXPECT(stat(path, &sb) < 0, "a file that came short was kept");
	for (i = 0; data != NULL && i < len; i++)
		same = same && (unsigned char)data[i] == i % 251;
	free(data);
	nftw(capdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	TK_EXPECT(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0,
		  "the helper in the VM failed (status %#x); stdout: %s "
		  "stderr: %s", o.status, o.out, o.err);
	TK_EXPECT(strstr(o.out, "iproute2") != NULL,
		  "ip -V in the VM was not iproute2's: %s", o.out);
	TK_EXPECT(data != NULL && len == 70000 && same,
		  "the capture came back as %zu bytes%s", data ? len : 0,
		  same ? "" : ", not the ones written");
	TK_EXPECT(strstr(o.err, "not brought back") != NULL &&
		  strstr(o.err, "came short") != NULL,
		  "the refusals were not explained; stderr: %s", o.err);
}

/* A test that never ends is stopped at HN_VM_TIMEOUT, qemu and all. */
static void timeout_stops_the_vm(void **state)
{
	char *argv[] = { helper(), "sctp", "hang", NULL };
	char *extra[] = { "HN_VM_TIMEOUT=1", NULL };
	static struct outcome o;

	(void)state;
	run(&o, helper(), argv, extra, NULL);
	expect_no_trace(&o);
	TK_EXPECT(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 1,
		  "a VM past its time limit ended with status %#x, not exit "
		  "status 1", o.status);
	TK_EXPECT(strstr(o.err, "did not finish within 1 s") != NULL,
		  "no word about the time limit; stderr: %s", o.err);
	TK_EXPECT(o.ms < 15000, "stopping took %ld ms", o.ms);
}

/* Ctrl-C while the VM runs (HN_VM_DEBUG says when qemu has started):
 * the helper dies of SIGINT and qemu dies with it. */
static void ctrl_c_stops_the_vm(void **state)
{
	char *argv[] = { helper(), "sctp", "hang", NULL };
	char *extra[] = { "HN_VM_DEBUG=1", NULL };
	static struct outcome o;

	(void)state;
	run(&o, helper(), argv, extra, "qemu started");
	expect_no_trace(&o);
	TK_EXPECT(strstr(o.err, "qemu started") != NULL,
		  "qemu never started; stderr: %s", o.err);
	TK_EXPECT(WIFSIGNALED(o.status) && WTERMSIG(o.status) == SIGINT,
		  "after Ctrl-C the helper ended with status %#x", o.status);
}

/* ---- one-line errors (no VM) ----------------------------------------- */

/* Expects a clean refusal: exit 77, one line on stderr containing each
 * of the NULL-ended WORDS. */
static void expect_refusal(const struct outcome *o, const char *const *words)
{
	TK_EXPECT(WIFEXITED(o->status) && WEXITSTATUS(o->status) == 77,
		  "expected exit status 77, got %#x; stderr: %s", o->status,
		  o->err);
	TK_EXPECT(strchr(o->err, '\n') == o->err + strlen(o->err) - 1,
		  "expected one line on stderr, got: %s", o->err);
	for (; *words != NULL; words++)
		TK_EXPECT(strstr(o->err, *words) != NULL,
			  "the message does not say \"%s\": %s", *words,
			  o->err);
}

static void unknown_feature_is_named(void **state)
{
	char *argv[] = { helper(), "warp-drive", "speak", NULL };
	static const char *const words[] = { "'warp-drive'", "sctp", NULL };
	static struct outcome o;

	(void)state;
	run(&o, helper(), argv, NULL, NULL);
	expect_no_trace(&o);
	expect_refusal(&o, words);
}

static void host_backend_forbids_the_vm(void **state)
{
	char *argv[] = { helper(), "sctp", "speak", NULL };
	char *extra[] = { "HN_BACKEND=host", NULL };
	static const char *const words[] = { "HN_BACKEND=host", "no sctp",
					     NULL };
	static struct outcome o;

	(void)state;
	run(&o, helper(), argv, extra, NULL);
	expect_no_trace(&o);
	expect_refusal(&o, words);
}

static void missing_qemu_names_the_package(void **state)
{
	char *argv[] = { helper(), "sctp", "speak", NULL };
	char *extra[] = { "HN_QEMU=/nonexistent/qemu-system-x86_64", NULL };
	static const char *const words[] = { "qemu-system-x86",
					     "apt-get install", NULL };
	static struct outcome o;

	(void)state;
	run(&o, helper(), argv, extra, NULL);
	expect_no_trace(&o);
	expect_refusal(&o, words);
}

/* Copies the file FROM to TO (mode MODE); at most LIMIT bytes. */
static void copy_file(const char *from, const char *to, mode_t mode,
		      size_t limit)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out;
	size_t done = 0;
	ssize_t n;

	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
	TK_EXPECT(in >= 0 && out >= 0, "cannot copy %s to %s: %s", from, to,
		  strerror(errno));
	while (done < limit && (n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n)
			break;
		done += (size_t)n;
	}
	close(in);
	close(out);
}

/* A build tree in DIR (from mkdtemp) with a copy of the helper; *COPY
 * gets the copy's path. */
static void helper_tree(const char *dir, char *copy, size_t len)
{
	char marker[96];

	snprintf(copy, len, "%s/vm_helper", dir);
	snprintf(marker, sizeof(marker), "%s/.buildroot", dir);
	copy_file(helper(), copy, 0755, SIZE_MAX);
	close(open(marker, O_WRONLY | O_CREAT, 0644));
}

/* A copy of the helper in a build tree without the VM says how to get
 * it. */
static void missing_kernel_says_make_vm(void **state)
{
	char dir[] = "/tmp/vm-backend-tree-XXXXXX", copy[64];
	char *argv[] = { copy, "sctp", "speak", NULL };
	static const char *const words[] = { "make vm",
					     "linux-image-cloud-amd64", NULL };
	static struct outcome o;

	(void)state;
	TK_EXPECT(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	helper_tree(dir, copy, sizeof(copy));
	run(&o, copy, argv, NULL, NULL);
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	expect_no_trace(&o);
	expect_refusal(&o, words);
}

/* ---- the snapshot (make vm saves a booted VM; runs restore it) -------- */

static void skip_because(const char *why)
{
	fprintf(stderr, "skipped: %s\n", why);
	skip();
}

/* Skips the test when runs here boot rather than restore: KVM works,
 * or make vm could not save the VM. */
static void need_snapshot(void)
{
	char word[8] = "";
	FILE *f = fopen(tk_path("vm/accel"), "r");

	if (f != NULL) {
		if (fscanf(f, "%7s", word) != 1)
			word[0] = '\0';
		fclose(f);
	}
	if (strcmp(word, "kvm") == 0 ||
	    (getenv("HN_VM_ACCEL") != NULL &&
	     strcmp(getenv("HN_VM_ACCEL"), "kvm") == 0))
		skip_because("KVM works here: runs boot the VM, no "
			     "snapshot");
	if (access(tk_path("vm/snapshot.key"), R_OK) != 0)
		skip_because("no build/vm/snapshot.key: make vm could not "
			     "save the VM (it said why)");
}

/* Two runs restored from the same snapshot draw different random
 * numbers and read today's clock, not the day the snapshot was made:
 * hn-resume sets the clock and seeds the kernel's generator (without
 * it, getrandom() finds the generator not yet seeded). */
static void restored_runs_differ_and_know_the_time(void **state)
{
	char *argv[] = { helper(), "sctp", "fresh", NULL };
	char *extra[] = { "HN_VM_DEBUG=1", NULL };
	static struct outcome o;
	char first[40] = "", second[40] = "";
	long long clock = 0;
	time_t before, after;
	int i;

	(void)state;
	need_snapshot();
	for (i = 0; i < 2; i++) {
		before = time(NULL);
		run(&o, helper(), argv, extra, NULL);
		after = time(NULL);
		expect_no_trace(&o);
		TK_EXPECT(strstr(o.err, "it restores the snapshot") != NULL,
			  "the run did not restore the snapshot; stderr: %s",
			  o.err);
		TK_EXPECT(sscanf(o.out, "random %39s clock %lld",
				 i == 0 ? first : second, &clock) == 2,
			  "the helper printed \"%s\"; stderr: %s", o.out,
			  o.err);
		TK_EXPECT(clock >= before - 1 && clock <= after + 1,
			  "the VM's clock said %lld, the host's %lld..%lld",
			  clock, (long long)before, (long long)after);
	}
	TK_EXPECT(strcmp(first, second) != 0, "two restored VMs drew the "
		  "same random bytes: %s", first);
}

/* A snapshot qemu cannot load (here: cut short) is said so, and the run
 * boots the VM instead and passes. */
static void a_broken_snapshot_means_a_boot(void **state)
{
	static const char *const same[] = { "vmlinux", "base.cpio",
					     "snapshot.key", "accel" };
	char dir[] = "/tmp/vm-backend-tree-XXXXXX", copy[64], path[96];
	char *argv[] = { copy, "sctp", "speak", "after all", NULL };
	static struct outcome o;
	size_t i;

	(void)state;
	need_snapshot();
	TK_EXPECT(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
	helper_tree(dir, copy, sizeof(copy));
	snprintf(path, sizeof(path), "%s/vm", dir);
	mkdir(path, 0755);
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		snprintf(path, sizeof(path), "%s/vm/%s", dir, same[i]);
		TK_EXPECT(symlink(tk_path("vm/%s", same[i]), path)
			  == 0, "symlink %s: %s", path, strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/vm/snapshot", dir);
	copy_file(tk_path("vm/snapshot"), path, 0644, 1 << 20);
	run(&o, copy, argv, NULL, NULL);
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	expect_no_trace(&o);
	TK_EXPECT(strstr(o.err, "could not restore the VM") != NULL &&
		  strstr(o.err, "booting it instead") != NULL,
		  "no word about the broken snapshot; stderr: %s", o.err);
	TK_EXPECT(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 7 &&
		  strcmp(o.out, "stdout: arg=[after all] sctp=yes\n") == 0,
		  "the booted VM's run ended %#x with stdout \"%s\"; "
		  "stderr: %s", o.status, o.out, o.err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(unknown_feature_is_named),
		TK_TEST(host_backend_forbids_the_vm),
		TK_TEST(missing_qemu_names_the_package),
		TK_TEST(missing_kernel_says_make_vm),
		TK_TEST(relays_output_report_and_status),
		TK_TEST(also_runs_a_second_test_in_the_same_boot),
		TK_TEST(a_wait_ends_when_the_vm_is_idle),
		TK_TEST(ships_programs_and_brings_captures_back),
		TK_TEST(timeout_stops_the_vm),
		TK_TEST(ctrl_c_stops_the_vm),
		TK_TEST(restored_runs_differ_and_know_the_time),
		TK_TEST(a_broken_snapshot_means_a_boot),
	};

	/* orphans of the helper become our children, so we can see them */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	return TK_RUN("vm_backend", tests);
}
