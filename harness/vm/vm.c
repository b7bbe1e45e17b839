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
 * <build root>/vm/accel.
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
	if (access(p->kernel, R_OK) < 0 || access(p->base, R_OK) < 0) {
		fprintf(stderr, "harness/vm: the test VM is not built (no %s):"
			" run 'make vm' (it downloads the Debian package "
			"linux-image-cloud-amd64 with apt-get)\n",
			access(p->kernel, R_OK) < 0 ? p->kernel : p->base);
		return -1;
	}
	return 0;
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

/* Remembers which accelerator works here (written whole, then renamed,
 * so two tests starting at once never read half a file). */
static void remember_accel(const struct vm_paths *p, const char *line)
{
	char path[sizeof(p->dir) + 8], tmp[sizeof(p->dir) + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/accel", p->dir);
	snprintf(tmp, sizeof(tmp), "%s/.accel.%d", p->dir, (int)getpid());
	f = fopen(tmp, "w");
	if (f == NULL)
		return;
	fprintf(f, "%s\n", line);
	if (fclose(f) == 0 && rename(tmp, path) == 0)
		return;
	unlink(tmp);
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

/* ---- a run ------------------------------------------------------------ */

/* Boots the VM (trying KVM first if it is untested here) and returns
 * the test's exit status. */
static int run_in_vm(const struct vm_paths *p, const struct vm_job *job)
{
	char why[512] = "", line[600];
	bool probe;
	enum vm_accel accel = choose_accel(p, &probe);
	int initrd = vm_initrd(p->base, job), status = 1;
	enum vm_end end;

	if (initrd < 0)
		return 1;
	vm_debug("initramfs ready: %ld KB", (long)lseek(initrd, 0, SEEK_END)
		 / 1024);
	end = vm_boot(p->kernel, initrd, accel, job,
		      probe ? KVM_PROBE_MS : 0, &status, why, sizeof(why));
	if (probe && end == VM_NO_BOOT) {
		snprintf(line, sizeof(line), "tcg (KVM failed: %s)", why);
		remember_accel(p, line);
		fprintf(stderr, "harness/vm: KVM does not work here (%s): "
			"using software emulation from now on (%s/accel "
			"remembers it)\n", why, p->dir);
		end = vm_boot(p->kernel, initrd, VM_TCG, job, 0, &status,
			      why, sizeof(why));
	} else if (probe && end == VM_FINISHED) {
		remember_accel(p, "kvm");
	}
	close(initrd);
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
	if (find_paths(&paths) < 0)
		return -1;
	if (vm_qemu_path() == NULL) {
		fprintf(stderr, "harness/vm: qemu-system-x86_64 is not "
			"installed: run 'sudo apt-get install "
			"qemu-system-x86' (or make deps as root)\n");
		return -1;
	}
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
