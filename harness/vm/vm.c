/*
 * vm.c - the harness's VM backend: hn_vm_rerun().
 *
 * When the running kernel lacks a feature a test needs (SCTP, PF_KEY,
 * netem), hn_require() calls hn_vm_rerun(), which runs the same test
 * binary again inside a small virtual machine booted with qemu from
 * Debian's cloud kernel, relays its output, and exits with its status:
 * the test runner sees an ordinary cmocka suite.  Inside the VM the test
 * runs with HN_BACKEND=host, so its own hn_require() finds the feature
 * and returns.
 *
 * The kernel and the shared part of the initramfs are built once by
 * make (harness/vm/vm.mk) into <build root>/vm/; each run appends only
 * its own files (initrd.c).  KVM is used when it works, software
 * emulation (TCG) otherwise; which one worked is remembered in
 * <build root>/vm/accel.  Under TCG a run does not boot at all when it
 * can help it: make also saves a booted VM (hn_vm_snapshot(), the
 * program mksnap) and each run restores that state.
 */
#include "harness.h"
#include "testkit.h"
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* What each feature needs loaded in the VM, beyond the harness's links
 * (veth).  The modules must be in harness/vm/modules.txt. */
static const struct vm_feature {
	const char *name;
	const char *modules;
} vm_features[] = {
	{ "sctp", "sctp sctp_diag" },
	{ "pf_key", "af_key xfrm_user esp4 esp6 authenc echainiv "
		    "sha512_generic drbg" },
	{ "netem", "sch_netem" },
	{ "tun", "tun" },
	{ "nfqueue", "nfnetlink_queue nft_queue xt_NFQUEUE" },
};
#define VM_ALWAYS_MODULES "veth"
/* The snapshot's VM loads every feature's modules before it is saved,
 * and the PCI transport of the disk a restored VM reads its files from
 * (its driver, virtio_blk, is loaded after the restore, so that it sees
 * the run's disk, not the one that was there when the VM was saved). */
#define VM_SNAPSHOT_MODULES "virtio_pci"
/* Bump when the machine qemu_argv() describes changes: a snapshot of
 * another machine must not be restored. */
#define VM_SNAPSHOT_FORMAT 1

/* At most this many programs and files for the VM (hn_vm_ship). */
#define HN_VM_SHIP_MAX 32
static const char *vm_ship_list[HN_VM_SHIP_MAX + 1];

void hn_vm_ship(const char *program_or_file)
{
	size_t i;

	for (i = 0; i < HN_VM_SHIP_MAX && vm_ship_list[i] != NULL; i++)
		if (strcmp(vm_ship_list[i], program_or_file) == 0)
			return;
	if (i == HN_VM_SHIP_MAX) {
		fprintf(stderr, "hn_vm_ship: more than %d programs for the "
			"VM: %s left out\n", HN_VM_SHIP_MAX, program_or_file);
		return;
	}
	vm_ship_list[i] = program_or_file;
}

const char *const *hn_vm_shipped(void)
{
	return vm_ship_list;
}

/* A KVM boot that says nothing for this long is taken as broken. */
#define KVM_PROBE_MS 5000
/* The default hard limit on one VM, in seconds (HN_VM_TIMEOUT). */
#define VM_TIMEOUT_S 120

static const struct vm_feature *find_feature(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(vm_features) / sizeof(vm_features[0]); i++)
		if (strcmp(vm_features[i].name, name) == 0)
			return &vm_features[i];
	return NULL;
}

static void list_features(FILE *f)
{
	size_t i;

	for (i = 0; i < sizeof(vm_features) / sizeof(vm_features[0]); i++)
		fprintf(f, " %s", vm_features[i].name);
}

/* Finds the cached kernel and base initramfs. */
static int find_paths(struct vm_paths *p)
{
	snprintf(p->dir, sizeof(p->dir), "%s/vm", tk_build_root());
	/* vmlinux: the kernel unpacked for a direct boot (vm.mk) */
	snprintf(p->kernel, sizeof(p->kernel), "%s/vmlinux", p->dir);
	snprintf(p->base, sizeof(p->base), "%s/base.cpio", p->dir);
	snprintf(p->snapshot, sizeof(p->snapshot), "%s/snapshot", p->dir);
	snprintf(p->key, sizeof(p->key), "%s/snapshot.key", p->dir);
	if (access(p->kernel, R_OK) < 0 || access(p->base, R_OK) < 0) {
		fprintf(stderr, "harness/vm: the test VM is not built (no %s):"
			" run 'make vm' (it downloads the Debian package "
			"linux-image-cloud-amd64 with apt-get)\n",
			access(p->kernel, R_OK) < 0 ? p->kernel : p->base);
		return -1;
	}
	return 0;
}

/* Whether qemu is there; if not, says how to get it. */
static bool have_qemu(void)
{
	if (vm_qemu_path() != NULL)
		return true;
	fprintf(stderr, "harness/vm: qemu-system-x86_64 is not installed: "
		"run 'sudo apt-get install qemu-system-x86' (or make deps as "
		"root)\n");
	return false;
}

/* The running program's arguments, from /proc/self/cmdline. */
static char **own_argv(void)
{
	static char buf[65536];
	static char *argv[256];
	ssize_t n;
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC), argc = 0;
	char *p;

	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	for (p = buf; p < buf + n && argc < 255; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	return argv;
}

/* HN_VM_TIMEOUT in ms, or the default. */
static int timeout_ms(void)
{
	const char *env = getenv("HN_VM_TIMEOUT");
	char *end;
	long s = env != NULL ? strtol(env, &end, 10) : 0;

	if (env == NULL)
		return VM_TIMEOUT_S * 1000;
	if (*end != '\0' || s <= 0 || s > 3600) {
		fprintf(stderr, "harness/vm: HN_VM_TIMEOUT=%s is not a number "
			"of seconds (1..3600): using %d\n", env, VM_TIMEOUT_S);
		return VM_TIMEOUT_S * 1000;
	}
	return (int)s * 1000;
}

/* ---- the accelerator --------------------------------------------------- */

/* What the cache file says: 1 kvm, 0 tcg, -1 nothing known. */
static int cached_accel(const struct vm_paths *p)
{
	char path[sizeof(p->dir) + 8], word[8] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/accel", p->dir);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fscanf(f, "%7s", word) != 1)
		word[0] = '\0';
	fclose(f);
	return strcmp(word, "kvm") == 0 ? 1 : strcmp(word, "tcg") == 0 ? 0
									: -1;
}

/* Writes TEXT to PATH (in DIR) whole: under a temporary name, then
 * renamed, so that a test starting at the same time never reads half a
 * file.  0 or -1. */
static int write_whole(const char *dir, const char *path, const char *text)
{
	char tmp[4096 + 32];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s/.tmp.%d", dir, (int)getpid());
	f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	fputs(text, f);
	if (fclose(f) == 0 && rename(tmp, path) == 0)
		return 0;
	unlink(tmp);
	return -1;
}

/* Remembers which accelerator works here. */
static void remember_accel(const struct vm_paths *p, const char *line)
{
	char path[sizeof(p->dir) + 8], text[640];

	snprintf(path, sizeof(path), "%s/accel", p->dir);
	snprintf(text, sizeof(text), "%s\n", line);
	write_whole(p->dir, path, text);
}

/*
 * Which accelerator to use, and whether this run is the KVM probe.
 * HN_VM_ACCEL=kvm|tcg decides; otherwise the cache; otherwise KVM if
 * /dev/kvm opens (then the first boot is the probe), TCG if not.
 */
static enum vm_accel choose_accel(const struct vm_paths *p, bool *probe)
{
	const char *env = getenv("HN_VM_ACCEL");
	int cached, fd;

	*probe = false;
	if (env != NULL && strcmp(env, "kvm") == 0)
		return VM_KVM;
	if (env != NULL && strcmp(env, "tcg") == 0)
		return VM_TCG;
	if (env != NULL && env[0] != '\0')
		fprintf(stderr, "harness/vm: HN_VM_ACCEL=%s is neither kvm "
			"nor tcg: choosing by myself\n", env);
	cached = cached_accel(p);
	if (cached >= 0)
		return cached ? VM_KVM : VM_TCG;
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return VM_TCG;
	close(fd);
	*probe = true;
	return VM_KVM;
}

/* ---- the snapshot ----------------------------------------------------- */

/* Every module the snapshot's VM loads before it is saved. */
static void snapshot_modules(char *out, size_t len)
{
	size_t i, n;

	n = (size_t)snprintf(out, len, "%s %s", VM_ALWAYS_MODULES,
			     VM_SNAPSHOT_MODULES);
	for (i = 0; i < sizeof(vm_features) / sizeof(vm_features[0]); i++)
		if (n < len)
			n += (size_t)snprintf(out + n, len - n, " %s",
					      vm_features[i].modules);
}

/* " SIZE MTIME" of PATH, or " missing". */
static void describe_file(FILE *f, const char *path)
{
	struct stat sb;

	if (stat(path, &sb) < 0)
		fputs(" missing", f);
	else
		fprintf(f, " %lld %lld.%09ld", (long long)sb.st_size,
			(long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec);
}

/* What a snapshot is a snapshot of: the qemu, kernel and initramfs it
 * was made with (by size and time, not path: the grader's sandbox sees
 * the build tree elsewhere), the machine's format and the modules. */
static void snapshot_key(const struct vm_paths *p, char *key, size_t len)
{
	char modules[512];
	FILE *f = fmemopen(key, len, "w");

	if (f == NULL) {
		key[0] = '\0';
		return;
	}
	snapshot_modules(modules, sizeof(modules));
	fprintf(f, "hn-vm snapshot %d\nqemu", VM_SNAPSHOT_FORMAT);
	describe_file(f, vm_qemu_path());
	fputs("\nkernel", f);
	describe_file(f, p->kernel);
	fputs("\nbase", f);
	describe_file(f, p->base);
	fprintf(f, "\nmodules %s\n", modules);
	fclose(f);
}

/* Whether the key beside the snapshot is KEY. */
static bool key_matches(const struct vm_paths *p, const char *key)
{
	char have[1024] = "";
	FILE *f = fopen(p->key, "re");

	if (f == NULL)
		return false;
	have[fread(have, 1, sizeof(have) - 1, f)] = '\0';
	fclose(f);
	return strcmp(key, have) == 0;
}

/* The snapshot, open for reading, if it was made from what is here
 * now; else -1. */
static int open_snapshot(const struct vm_paths *p)
{
	char want[1024];

	snapshot_key(p, want, sizeof(want));
	if (!key_matches(p, want)) {
		vm_debug("the snapshot is out of date: make vm");
		return -1;
	}
	return open(p->snapshot, O_RDONLY | O_CLOEXEC);
}

/* Saves a booted VM into FD (an unnamed file in the VM directory). */
static int save_snapshot(const struct vm_paths *p, int fd, char *why,
			 size_t whylen)
{
	char modules[512];
	struct vm_start start = { .how = VM_SAVE, .kernel = p->kernel,
				  .accel = VM_TCG, .extra = -1 };
	int rc;

	snapshot_modules(modules, sizeof(modules));
	start.initrd = vm_snapshot_initrd(p->base, modules);
	start.disk = memfd_create("hn-vm-disk", MFD_CLOEXEC);
	if (start.initrd < 0 || start.disk < 0 ||
	    ftruncate(start.disk, 512) < 0) {
		snprintf(why, whylen, "cannot make its initramfs");
		rc = -1;
	} else {
		rc = vm_save(&start, fd, timeout_ms(), why, whylen);
	}
	if (start.initrd >= 0)
		close(start.initrd);
	if (start.disk >= 0)
		close(start.disk);
	return rc;
}

/* Whether FD was opened with O_TMPFILE (it has no link yet). */
static bool fd_is_unnamed(int fd)
{
	struct stat sb;

	return fstat(fd, &sb) == 0 && sb.st_nlink == 0;
}

/* Gives the unnamed file FD the name PATH. */
static int name_file(const struct vm_paths *p, int fd, const char *path)
{
	char proc[64], tmp[4096 + 32];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	snprintf(tmp, sizeof(tmp), "%s/.snapshot.%d", p->dir, (int)getpid());
	unlink(tmp);
	if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) < 0)
		return -1;
	if (rename(tmp, path) == 0)
		return 0;
	unlink(tmp);
	return -1;
}

int hn_vm_snapshot(void)
{
	char key[1024], why[512] = "";
	struct vm_paths p;
	int fd, rc;

	if (find_paths(&p) < 0 || !have_qemu())
		return -1;
	snapshot_key(&p, key, sizeof(key));
	if (key_matches(&p, key) && access(p.snapshot, R_OK) == 0)
		return 0;                 /* up to date */
	/* the old key must not vouch for a half-made snapshot */
	unlink(p.key);
	/* unnamed until it is whole: an interrupted make leaves nothing */
	fd = open(p.dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0 && errno != EOPNOTSUPP && errno != EISDIR) {
		fprintf(stderr, "harness/vm: cannot write in %s: %s\n", p.dir,
			strerror(errno));
		return -1;
	}
	if (fd < 0)      /* a file system without O_TMPFILE: written in place */
		fd = open(p.snapshot, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC,
			  0644);
	if (fd < 0) {
		fprintf(stderr, "harness/vm: cannot write %s: %s\n",
			p.snapshot, strerror(errno));
		return -1;
	}
	rc = save_snapshot(&p, fd, why, sizeof(why));
	if (rc == 0 && fd_is_unnamed(fd) && name_file(&p, fd, p.snapshot) < 0)
		rc = -1;
	if (rc == 0 && write_whole(p.dir, p.key, key) < 0)
		rc = -1;
	if (rc < 0 && why[0] == '\0')
		snprintf(why, sizeof(why), "cannot write %.400s: %s",
			 p.snapshot, strerror(errno));
	close(fd);
	if (rc < 0)
		fprintf(stderr, "harness/vm: could not save the test VM (%s):"
			" each test will boot it, which is slower\n", why);
	return rc;
}

/* ---- a run ------------------------------------------------------------ */

/* Restores the snapshot SNAP and runs JOB there.  VM_NO_BOOT if qemu
 * could not restore it. */
static enum vm_end run_restored(const struct vm_paths *p,
				const struct vm_job *job, int snap,
				int *status, char *why, size_t whylen)
{
	struct vm_start start = { .how = VM_RESTORE, .kernel = p->kernel,
				  .accel = VM_TCG, .initrd = -1,
				  .extra = snap };
	enum vm_end end;

	start.disk = vm_initrd(NULL, job);
	if (start.disk < 0)
		return VM_FAILED;
	vm_debug("the run's disk is ready: %ld KB",
		 (long)lseek(start.disk, 0, SEEK_END) / 1024);
	end = vm_boot(&start, job, 0, status, why, whylen);
	close(start.disk);
	return end;
}

/* Boots the VM (trying KVM first if it is untested here) and returns
 * the test's exit status. */
static enum vm_end run_booted(const struct vm_paths *p,
			      const struct vm_job *job, enum vm_accel accel,
			      bool probe, int *status)
{
	char why[512] = "", line[600];
	struct vm_start start = { .how = VM_COLD, .kernel = p->kernel,
				  .accel = accel, .disk = -1, .extra = -1 };
	enum vm_end end;

	start.initrd = vm_initrd(p->base, job);
	if (start.initrd < 0)
		return VM_FAILED;
	vm_debug("initramfs ready: %ld KB",
		 (long)lseek(start.initrd, 0, SEEK_END) / 1024);
	end = vm_boot(&start, job, probe ? KVM_PROBE_MS : 0, status, why,
		      sizeof(why));
	if (probe && end == VM_NO_BOOT) {
		snprintf(line, sizeof(line), "tcg (KVM failed: %s)", why);
		remember_accel(p, line);
		fprintf(stderr, "harness/vm: KVM does not work here (%s): "
			"using software emulation from now on (%s/accel "
			"remembers it)\n", why, p->dir);
		start.accel = VM_TCG;
		end = vm_boot(&start, job, 0, status, why, sizeof(why));
	} else if (probe && end == VM_FINISHED) {
		remember_accel(p, "kvm");
	}
	close(start.initrd);
	return end;
}

/* Runs JOB in a VM: restored from the snapshot under TCG when there is
 * one, booted otherwise.  Returns the test's exit status. */
static int run_in_vm(const struct vm_paths *p, const struct vm_job *job)
{
	char why[512] = "";
	bool probe;
	enum vm_accel accel = choose_accel(p, &probe);
	int status = 1, snap = accel == VM_TCG ? open_snapshot(p) : -1;
	enum vm_end end = VM_NO_BOOT;

	if (snap >= 0) {
		end = run_restored(p, job, snap, &status, why, sizeof(why));
		close(snap);
		if (end == VM_NO_BOOT)
			fprintf(stderr, "harness/vm: could not restore the "
				"VM from %s (%s): booting it instead ('make "
				"vm' saves a new one)\n", p->snapshot, why);
	}
	if (end == VM_NO_BOOT)
		end = run_booted(p, job, accel, probe, &status);
	if (end == VM_INTERRUPTED) {
		/* die of the same signal (a PID namespace's init ignores it:
		 * then exit as a shell would report it) */
		signal(status, SIG_DFL);
		raise(status);
		_exit(128 + status);
	}
	return end == VM_FINISHED ? status : 1;
}

int hn_vm_rerun(const char *feature)
{
	const struct vm_feature *f = find_feature(feature);
	const char *backend = getenv("HN_BACKEND");
	static char exe[PATH_MAX], modules[256];
	struct vm_paths paths;
	struct vm_job job;
	ssize_t n;

	vm_debug("the kernel here lacks %s", feature);
	if (getenv("HN_IN_VM") != NULL) {
		fprintf(stderr, "harness/vm: the VM's kernel lacks %s too: "
			"add its module to harness/vm/modules.txt and to "
			"vm_features[] in harness/vm/vm.c\n", feature);
		return -1;
	}
	if (backend != NULL && strcmp(backend, "host") == 0) {
		fprintf(stderr, "harness/vm: this kernel has no %s and "
			"HN_BACKEND=host forbids the VM (unset it or set "
			"HN_BACKEND=vm)\n", feature);
		return -1;
	}
	if (f == NULL) {
		fprintf(stderr, "harness/vm: no VM recipe for the feature "
			"'%s' (known:", feature);
		list_features(stderr);
		fprintf(stderr, ")\n");
		return -1;
	}
	if (find_paths(&paths) < 0 || !have_qemu())
		return -1;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		perror("harness/vm: readlink /proc/self/exe");
		return -1;
	}
	exe[n] = '\0';
	snprintf(modules, sizeof(modules), "%s %s", VM_ALWAYS_MODULES,
		 f->modules);
	job.exe = exe;
	job.argv = own_argv();
	job.modules = modules;
	job.report = getenv("TK_REPORT");
	job.timeout_ms = timeout_ms();
	job.ship = hn_vm_shipped();
	job.also = getenv("HN_VM_ALSO");
	if (job.argv == NULL) {
		perror("harness/vm: reading /proc/self/cmdline");
		return -1;
	}
	fflush(NULL);
	exit(run_in_vm(&paths, &job));
}
