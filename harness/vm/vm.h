/*
 * vm.h - the inside of the harness's VM backend (harness/vm/).  Tests do
 * not include this: they call hn_require() from harness.h, which calls
 * hn_vm_rerun() when the running kernel lacks a feature.
 *
 *   vm.c      hn_vm_rerun(): the feature table, which accelerator, exit
 *   initrd.c  the per-run initramfs: the cached base + the test's files
 *   qemu.c    starting qemu and relaying the test's output to the host
 *
 * Every function here returns -1 with a one-line message on stderr when
 * it fails; none exits.
 */
#ifndef HN_VM_H
#define HN_VM_H

#include <stdbool.h>
#include <stddef.h>

/* Where the cached kernel and base initramfs live: <build root>/vm. */
struct vm_paths {
	char dir[4096];
	char kernel[4096 + 16];
	char base[4096 + 16];
	char snapshot[4096 + 16];  /* a booted VM's saved state (TCG) */
	char key[4096 + 16];       /* what it was made from */
};

/* One run of a test binary in a VM. */
struct vm_job {
	const char *exe;           /* the test binary (absolute) */
	char **argv;               /* its arguments, argv[0] first */
	const char *modules;       /* loaded at boot, space-separated */
	const char *report;        /* the host's $TK_REPORT, or NULL */
	int timeout_ms;            /* hard limit for the whole VM */
	const char *const *ship;   /* hn_vm_ship()'s list, NULL-terminated */
	const char *also;          /* $HN_VM_ALSO: tests run after it */
};

/*
 * Saves a booted VM in <build root>/vm/snapshot (make vm runs it, in the
 * program mksnap), unless the one there was made from the same qemu,
 * kernel and base initramfs.  Returns 0, or -1 with a message: tests
 * then boot the VM each time.
 */
int hn_vm_snapshot(void);

/* ---- initrd.c --------------------------------------------------------- */

/*
 * Makes the initramfs for JOB in an anonymous memory file (memfd): a copy
 * of BASE, then a second cpio archive with the test binary, the
 * executables next to it and in its parent directory, every shared
 * library they load (per ldd), the build root's marker, and /hn/run,
 * /hn/modules, /hn/cwd.  Nothing is left on disk.  Returns the descriptor
 * (close-on-exec; qemu gets a copy, which it opens as /proc/self/fd/3),
 * or -1.
 */
int vm_initrd(const char *base, const struct vm_job *job);

/*
 * With BASE NULL, vm_initrd() makes the run's archive alone, padded to
 * 512-byte blocks: the disk a VM restored from the snapshot unpacks.
 * vm_snapshot_initrd() makes the initramfs of the boot that is saved:
 * BASE and /hn/preload, the modules to load (space-separated).
 */
int vm_snapshot_initrd(const char *base, const char *preload);

/* ---- outfiles.c -------------------------------------------------------- */

/* A file the VM sends back on the control port (captures, transcripts
 * being updated), being written on the host. */
struct vm_out {
	int fd;                    /* -1 when no file is open */
	char path[4096];           /* where it goes */
	char tmp[4096 + 32];       /* written here, renamed when whole */
	long want, got;            /* bytes announced and received */
	long total;                /* bytes of the whole run */
};

/* "file REL SIZE" (LINE is what follows "file "): opens the host's file,
 * or refuses it with a message (its data lines are then ignored). */
void vm_out_begin(struct vm_out *o, const char *line);
/* One "data" line: hex bytes as od -An -tx1 prints them. */
void vm_out_data(struct vm_out *o, const char *hex);
/* "endfile": keeps the file if it came whole, else drops it. */
void vm_out_end(struct vm_out *o);
/* Drops a file that was not finished (the VM stopped). */
void vm_out_abandon(struct vm_out *o);

/* ---- qemu.c ------------------------------------------------------------ */

enum vm_accel { VM_TCG, VM_KVM };

/* How qemu starts the VM (qemu.c says more). */
struct vm_start {
	enum { VM_COLD, VM_SAVE, VM_RESTORE } how;
	const char *kernel;        /* the kernel image (for every kind) */
	enum vm_accel accel;       /* save and restore: TCG */
	int initrd;                /* cold, save: the initramfs; else -1 */
	int disk;                  /* save, restore: the run's files (a cpio
				    * archive, 512-byte blocks); else -1 */
	int extra;                 /* restore: the saved state; else -1 */
};

/* How a boot ended. */
enum vm_end {
	VM_FINISHED,               /* the test ran; *status is its status */
	VM_NO_BOOT,                /* no sign of life in time (KVM probe) */
	VM_FAILED,                 /* qemu or the VM failed; message shown */
	VM_INTERRUPTED             /* a signal came; *status is its number */
};

/*
 * Starts the VM as START says (cold or restore), relays the test's
 * stdout and stderr as they come and its testkit report lines to
 * JOB->report, and waits for its exit status.  With BOOT_MS > 0 the VM
 * must say "booted" within BOOT_MS or it is stopped (VM_NO_BOOT, with
 * the reason in WHY); a restore that qemu gives up before the VM runs
 * is VM_NO_BOOT too.  qemu is killed and reaped in every case.
 */
enum vm_end vm_boot(const struct vm_start *start, const struct vm_job *job,
		    int boot_ms, int *status, char *why, size_t whylen);

/*
 * Boots the VM as START says, but to be saved: once its init says
 * "ready" its whole state is written to the file STATE, and qemu is
 * stopped.  Returns 0, or -1 with the reason in WHY.
 */
int vm_save(const struct vm_start *start, int state, int timeout_ms,
	    char *why, size_t whylen);

/* The qemu program, or NULL if it is not installed. */
const char *vm_qemu_path(void);

/* ---- qmp.c ------------------------------------------------------------- */

/* A conversation with qemu's monitor. */
struct qmp {
	int fd;
	long deadline;             /* CLOCK_MONOTONIC ms */
	char buf[8192];
	size_t len;
	char line[1024];           /* the last line read, or why it failed */
};

/* Reads the greeting and leaves negotiation mode. 0 or -1. */
int qmp_start(struct qmp *q, int fd, long deadline);
/* Sends the JSON command (a line) with FD attached unless it is -1;
 * 0 when qemu answers "return", -1 (q->line says why) if not. */
int qmp_command(struct qmp *q, const char *json, int fd);
/* Waits for the MIGRATION event that says it completed (0) or failed. */
int qmp_wait_migration(struct qmp *q);

/* With HN_VM_DEBUG set: a line on stderr with the ms since the first
 * call, to see where a run's time goes; the console is shown too. */
void vm_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool vm_debugging(void);

#endif
