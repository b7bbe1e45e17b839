/*
 * qemu.c - starts the test VM and relays what the test says.
 *
 * qemu gets its descriptors from us: the initramfs (an anonymous memory
 * file), the write ends of three pipes for the VM's first serial ports
 * (the console, the test's stdout, its stderr) and one end of a socket
 * pair for the fourth, the control port, on which the VM's init talks
 * to us and we to it (see harness/vm/init).  qemu opens the files by
 * the names /proc/self/fd/N, which on Linux reopen the descriptor it
 * inherited, so no file or FIFO is ever made on disk.  We poll our
 * ends: the test's stdout and stderr are copied to ours as they come,
 * so the test runner reads an ordinary cmocka suite, and the control
 * port tells us the test's exit status.  When qemu exits, every pipe
 * and the socket read end of file.
 *
 * A VM starts in one of three ways (enum vm_start in vm.h):
 *   cold      the kernel boots with the initramfs;
 *   save      (make vm, once) it boots with no test, loads its modules
 *             and waits; we save its state to the snapshot file through
 *             qemu's monitor (QMP, qmp.c) and stop it;
 *   restore   qemu loads that state (-incoming) instead of booting and
 *             the run's files come on a virtio disk: about 0.2 s of CPU
 *             rather than 1.5 s for a boot under software emulation.
 * "save" and "restore" must give qemu the same machine: the same
 * memory, devices and serial ports (qemu_argv()).
 *
 * qemu dies with us (PR_SET_PDEATHSIG), is killed at the deadline, and
 * is killed and reaped before vm_boot() returns, whatever happened.
 */
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The pipes, in the order of the VM's serial ports, then qemu's own
 * stderr (its error messages). */
enum { CH_CONSOLE, CH_STDOUT, CH_STDERR, CH_CONTROL, CH_QEMU, NCH };

/* Where qemu finds the descriptors after the dup2s in exec_qemu(). */
#define QEMU_INITRD_FD 3
#define QEMU_SERIAL_FD 4       /* 4..7: the four serial ports */
#define QEMU_DISK_FD 8         /* save, restore: the run's disk */
#define QEMU_EXTRA_FD 9        /* save: the monitor; restore: the state */
#define QEMU_FIRST_FREE_FD 10

/* How often the "go" line is sent to a restored VM until it answers. */
#define GO_EVERY_MS 20

/* How long the VM may take to power off after it sent the status. */
#define POWEROFF_GRACE_MS 5000

/*
 * The kernel's command line.  Most of it is for speed under software
 * emulation: no ACPI (so init ends the VM with a reboot, which
 * -no-reboot turns into qemu's exit), no crypto self-tests, no probing
 * for a keyboard, no Spectre mitigations (nothing untrusted runs).
 */
#define VM_CMDLINE "console=ttyS0 quiet panic=-1 acpi=off mitigations=off " \
	"cryptomgr.notests i8042.noaux i8042.nokbd i8042.nopnp " \
	"no_timer_check audit=0"

#define KEEP_BYTES 16384       /* console and qemu output kept for errors */

struct relay {
	int fd[NCH];               /* our read ends; -1 at end of file */
	char keep[2][KEEP_BYTES];  /* the last bytes of console and qemu */
	size_t keeplen[2];
	char ctl[4096];            /* an unfinished control line */
	size_t ctllen;
	bool booted;
	bool ready;                /* save: the VM waits to be saved */
	bool until_ready;          /* save: relay_loop returns when ready */
	char go[160];              /* restore: the line for the VM, or "" */
	bool spoke;                /* the test wrote to stdout */
	int status;                /* the test's, -1 until "status N" */
	const char *report;        /* the host's $TK_REPORT, or NULL */
	struct vm_out out;         /* a file coming back (outfiles.c) */
	bool sealed;               /* graded: relay "sealed" lines to fd 3 */
};

static volatile sig_atomic_t caught_signal;

static void on_signal(int sig)
{
	caught_signal = sig;
}

const char *vm_qemu_path(void)
{
	static const char *const candidates[] = {
		"/usr/bin/qemu-system-x86_64",
		"/usr/local/bin/qemu-system-x86_64",
	};
	const char *env = getenv("HN_QEMU");
	size_t i;

	if (env != NULL && env[0] != '\0')
		return access(env, X_OK) == 0 ? env : NULL;
	for (i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (access(candidates[i], X_OK) == 0)
			return candidates[i];
	return NULL;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

bool vm_debugging(void)
{
	return getenv("HN_VM_DEBUG") != NULL;
}

void vm_debug(const char *fmt, ...)
{
	static long t0;
	va_list ap;

	if (!vm_debugging())
		return;
	if (t0 == 0)
		t0 = now_ms();
	fprintf(stderr, "harness/vm: [+%ld ms] ", now_ms() - t0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The text of the options that name descriptors. */
struct qemu_opts {
	char serial[4][2][64];
	char disk[96];
	char extra[64];
};

/* qemu's command line for START. */
static void qemu_argv(char **argv, const struct vm_start *start,
		      struct qemu_opts *o)
{
	int n = 0, i;

	argv[n++] = (char *)vm_qemu_path();
	argv[n++] = "-nodefaults";
	argv[n++] = "-no-user-config";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-no-reboot";          /* a panic ends qemu */
	argv[n++] = "-m";
	argv[n++] = "512";
	argv[n++] = "-accel";
	argv[n++] = start->accel == VM_KVM ? "kvm" : "tcg";
	if (start->accel == VM_KVM) {
		argv[n++] = "-cpu";
		argv[n++] = "host";
	}
	argv[n++] = "-kernel";
	argv[n++] = (char *)start->kernel;
	if (start->how != VM_RESTORE) {
		/* a restored VM's memory holds what the initramfs left */
		argv[n++] = "-initrd";
		argv[n++] = "/proc/self/fd/3";     /* QEMU_INITRD_FD */
	}
	argv[n++] = "-append";
	argv[n++] = VM_CMDLINE;
	for (i = 0; i < 4; i++) {
		/* the control port is a socket: we write to the VM too */
		snprintf(o->serial[i][0], 64,
			 i == CH_CONTROL ? "socket,id=s%d,fd=%d"
					 : "file,id=s%d,path=/proc/self/fd/%d",
			 i, QEMU_SERIAL_FD + i);
		snprintf(o->serial[i][1], 64, "chardev:s%d", i);
		argv[n++] = "-chardev";
		argv[n++] = o->serial[i][0];
		argv[n++] = "-serial";
		argv[n++] = o->serial[i][1];
	}
	if (start->how != VM_COLD) {
		/* the disk that brings a restored VM the run's files */
		snprintf(o->disk, sizeof(o->disk), "file=/proc/self/fd/%d,"
			 "format=raw,if=none,id=run,readonly=on",
			 QEMU_DISK_FD);
		argv[n++] = "-drive";
		argv[n++] = o->disk;
		argv[n++] = "-device";
		argv[n++] = "virtio-blk-pci,drive=run";
	}
	if (start->how == VM_SAVE) {
		snprintf(o->extra, sizeof(o->extra), "socket,id=mon,fd=%d",
			 QEMU_EXTRA_FD);
		argv[n++] = "-chardev";
		argv[n++] = o->extra;
		argv[n++] = "-mon";
		argv[n++] = "chardev=mon,mode=control";
	} else if (start->how == VM_RESTORE) {
		snprintf(o->extra, sizeof(o->extra), "fd:%d", QEMU_EXTRA_FD);
		argv[n++] = "-incoming";
		argv[n++] = o->extra;
	}
	argv[n] = NULL;
}

/* In the child: puts each descriptor where qemu expects it, closes the
 * rest, and runs qemu.  Never returns. */
static void exec_qemu(char **argv, const struct vm_start *start,
		      const int wfd[NCH], const sigset_t *mask, pid_t parent)
{
	const int fds[3] = { start->initrd, start->disk, start->extra };
	const int where[3] = { QEMU_INITRD_FD, QEMU_DISK_FD, QEMU_EXTRA_FD };
	int high[4], more[3], i, null = open("/dev/null", O_RDWR);
	struct rlimit nocore = { 0, 0 };

	/* qemu dies with the test (even if the test died just now, before
	 * this line); it must not leave a core file */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	setrlimit(RLIMIT_CORE, &nocore);
	/* first out of the way of 0..9, then into place */
	for (i = 0; i < 3; i++)
		more[i] = fds[i] < 0 ? -1 : fcntl(fds[i], F_DUPFD, 100);
	for (i = 0; i < 4; i++)
		high[i] = fcntl(wfd[i], F_DUPFD, 100);
	dup2(null, STDIN_FILENO);
	dup2(wfd[CH_QEMU], STDOUT_FILENO);
	dup2(wfd[CH_QEMU], STDERR_FILENO);
	for (i = 0; i < 3; i++)
		if (more[i] >= 0)
			dup2(more[i], where[i]);
	for (i = 0; i < 4; i++)
		dup2(high[i], QEMU_SERIAL_FD + i);
	close_range(QEMU_FIRST_FREE_FD, ~0U, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	execv(argv[0], argv);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0],
		strerror(errno));
	_exit(127);
}

/* Starts qemu; fills r->fd with our ends (pipes to read, and the
 * control socket).  Returns its pid or -1. */
static pid_t start_qemu(struct relay *r, const struct vm_start *start,
			const sigset_t *mask)
{
	char *argv[64];
	struct qemu_opts opts;
	int wfd[NCH], p[2], i, made;
	pid_t pid, parent = getpid();

	qemu_argv(argv, start, &opts);
	for (i = 0; i < NCH; i++) {
		made = i == CH_CONTROL
			? socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p)
			: pipe2(p, O_CLOEXEC);
		if (made < 0) {
			perror("harness/vm: pipe");
			while (i-- > 0) {
				close(r->fd[i]);
				close(wfd[i]);
			}
			return -1;
		}
		r->fd[i] = p[0];
		wfd[i] = p[1];
		fcntl(p[0], F_SETFL, O_NONBLOCK);
	}
	pid = fork();
	if (pid == 0)
		exec_qemu(argv, start, wfd, mask, parent);
	for (i = 0; i < NCH; i++)
		close(wfd[i]);
	if (pid < 0) {
		perror("harness/vm: fork");
		for (i = 0; i < NCH; i++)
			close(r->fd[i]);
	}
	return pid;
}

static void write_all(int fd, const char *buf, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;         /* nobody reads: drop it */
		buf += w;
		n -= (size_t)w;
	}
}

/* Keeps the last KEEP_BYTES of console or qemu output. */
static void keep(struct relay *r, int which, const char *buf, size_t n)
{
	char *k = r->keep[which];
	size_t *len = &r->keeplen[which];

	if (n >= KEEP_BYTES) {
		buf += n - KEEP_BYTES;
		n = KEEP_BYTES;
	}
	if (*len + n > KEEP_BYTES) {
		size_t drop = *len + n - KEEP_BYTES;

		memmove(k, k + drop, *len - drop);
		*len -= drop;
	}
	memcpy(k + *len, buf, n);
	*len += n;
}

/* One control line from the VM's init. */
static void control_line(struct relay *r, const char *line)
{
	FILE *f;

	if (strcmp(line, "booted") == 0) {
		r->booted = true;
		vm_debug("the VM booted (its init runs)");
	} else if (strcmp(line, "ready") == 0) {
		r->ready = true;
		vm_debug("the VM is ready to be saved");
	} else if (strncmp(line, "status ", 7) == 0) {
		r->status = atoi(line + 7);
		vm_debug("the test ended with status %d", r->status);
	} else if (strncmp(line, "data ", 5) == 0) {
		vm_out_data(&r->out, line + 5);
	} else if (strncmp(line, "file ", 5) == 0) {
		vm_out_begin(&r->out, line + 5);
	} else if (strcmp(line, "endfile") == 0) {
		vm_out_end(&r->out);
	} else if (strncmp(line, "sealed ", 7) == 0 && r->sealed) {
		/* the grader reads these on our descriptor 3; it believes a
		 * line only if the secret in it is right */
		dprintf(3, "%s\n", line + 7);
	} else if (strncmp(line, "report ", 7) == 0 && r->report != NULL) {
		f = fopen(r->report, "a");
		if (f != NULL) {
			fprintf(f, "%s\n", line + 7);
			fclose(f);
		}
	}
}

static void control_bytes(struct relay *r, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || r->ctllen == sizeof(r->ctl) - 1) {
			r->ctl[r->ctllen] = '\0';
			control_line(r, r->ctl);
			r->ctllen = 0;
		}
		if (buf[i] != '\n')
			r->ctl[r->ctllen++] = buf[i];
	}
}

/* Reads what channel CH has and passes it on.  Returns false at EOF. */
static bool pump(struct relay *r, int ch)
{
	char buf[8192];
	ssize_t n = read(r->fd[ch], buf, sizeof(buf));

	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (n == 0)
		return false;
	switch (ch) {
	case CH_STDOUT:
		if (!r->spoke)
			vm_debug("the test's first output");
		r->spoke = true;
		write_all(STDOUT_FILENO, buf, (size_t)n);
		break;
	case CH_STDERR:
		write_all(STDERR_FILENO, buf, (size_t)n);
		break;
	case CH_CONTROL:
		control_bytes(r, buf, (size_t)n);
		break;
	case CH_CONSOLE:
		keep(r, 0, buf, (size_t)n);
		break;
	default:
		keep(r, 1, buf, (size_t)n);
	}
	return true;
}

/* Prints the last LINES lines of kept output, without the serial
 * port's carriage returns. */
static void show_tail(const char *title, const char *buf, size_t len,
		      int lines)
{
	size_t start = len;
	int seen = 0;

	while (start > 0 && seen <= lines)
		if (buf[--start] == '\n')
			seen++;
	if (len == 0)
		return;
	fprintf(stderr, "harness/vm: %s (last lines):\n", title);
	for (; start < len; start++)
		if (buf[start] != '\r')
			fputc(buf[start], stderr);
	if (buf[len - 1] != '\n')
		fputc('\n', stderr);
}

/* The last line of qemu's own messages, for WHY. */
static void last_line(const struct relay *r, char *why, size_t whylen)
{
	const char *k = r->keep[1];
	size_t end = r->keeplen[1], start;

	while (end > 0 && (k[end - 1] == '\n' || k[end - 1] == '\r'))
		end--;
	start = end;
	while (start > 0 && k[start - 1] != '\n')
		start--;
	snprintf(why, whylen, "qemu said: %.*s", (int)(end - start),
		 k + start);
}

/* Restore: sends the "go" line to the VM's init every GO_EVERY_MS
 * until it says "booted"; *next is when to send it again. */
static void send_go(struct relay *r, long now, long *next)
{
	if (r->go[0] == '\0' || r->booted || r->fd[CH_CONTROL] < 0 ||
	    now < *next)
		return;
	/* a whole line or nothing: init skips what is not one */
	if (send(r->fd[CH_CONTROL], r->go, strlen(r->go),
		 MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno != EAGAIN)
		vm_debug("cannot send the go line: %s", strerror(errno));
	*next = now + GO_EVERY_MS;
}

/* Polls until every pipe is at end of file, the deadline passes, or a
 * signal comes (or, with r->until_ready, the VM is ready to be saved).
 * Returns the reason it stopped. */
enum stop { STOP_EOF, STOP_DEADLINE, STOP_NO_BOOT, STOP_SIGNAL,
	    STOP_READY };

static enum stop relay_loop(struct relay *r, long deadline, long boot_by,
			    const sigset_t *mask)
{
	struct pollfd pfd[NCH];
	int open_count = NCH, i;
	long next_go = 0;

	while (open_count > 0) {
		long now = now_ms(), until = deadline;
		struct timespec ts;

		if (r->until_ready && r->ready)
			return STOP_READY;
		if (r->status >= 0 && now + POWEROFF_GRACE_MS < deadline)
			deadline = now + POWEROFF_GRACE_MS;
		if (boot_by > 0 && !r->booted) {
			if (now >= boot_by)
				return STOP_NO_BOOT;
			until = boot_by < deadline ? boot_by : deadline;
		}
		if (now >= deadline)
			return STOP_DEADLINE;
		send_go(r, now, &next_go);
		if (r->go[0] != '\0' && !r->booted && next_go < until)
			until = next_go;
		ts.tv_sec = (until - now) / 1000;
		ts.tv_nsec = (until - now) % 1000 * 1000000L;
		for (i = 0; i < NCH; i++) {
			pfd[i].fd = r->fd[i];
			pfd[i].events = POLLIN;
		}
		if (ppoll(pfd, NCH, &ts, mask) < 0 && errno != EINTR)
			return STOP_DEADLINE;
		if (caught_signal != 0)
			return STOP_SIGNAL;
		for (i = 0; i < NCH; i++) {
			if (r->fd[i] < 0 || pfd[i].revents == 0)
				continue;
			if (!pump(r, i)) {
				close(r->fd[i]);
				r->fd[i] = -1;
				open_count--;
			}
		}
	}
	return STOP_EOF;
}

/* Blocks the signals that must stop a run (they are let in only while
 * ppoll waits) and catches them; *orig gets the mask to restore. */
static void catch_signals(struct sigaction old[3], sigset_t *orig)
{
	static const int sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	sigset_t block;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;        /* no SA_RESTART: ppoll returns */
	sigemptyset(&block);
	for (i = 0; i < 3; i++)
		sigaddset(&block, sigs[i]);
	sigprocmask(SIG_BLOCK, &block, orig);
	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	caught_signal = 0;
}

static void release_signals(const struct sigaction old[3],
			    const sigset_t *orig)
{
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	sigaction(SIGHUP, &old[2], NULL);
	sigprocmask(SIG_SETMASK, orig, NULL);
}

/* Says why a VM that did not finish stopped, with what it printed. */
static void explain_failure(const struct relay *r, enum stop why,
			    int wstatus, int timeout_ms)
{
	if (why == STOP_DEADLINE)
		fprintf(stderr, "harness/vm: the VM did not finish within "
			"%d s (HN_VM_TIMEOUT=seconds sets the limit): "
			"stopped it\n", timeout_ms / 1000);
	else if (!r->booted)
		fprintf(stderr, "harness/vm: the VM stopped before it "
			"booted (qemu exit status %d)\n",
			WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
	else
		fprintf(stderr, "harness/vm: the VM stopped before the test "
			"finished\n");
	show_tail("qemu", r->keep[1], r->keeplen[1], 5);
	show_tail("VM console", r->keep[0], r->keeplen[0], 20);
}

/* The line that lets a restored VM go on: the wall clock and a fresh
 * random seed for harness/vm/resume.c.  Blank line first: init skips
 * whatever the restore left of a line before it. */
static int go_line(char *line, size_t len)
{
	unsigned char seed[32];
	struct timespec ts;
	size_t i, n;

	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)) {
		perror("harness/vm: getrandom");
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	n = (size_t)snprintf(line, len, "\ngo %lld.%09ld ",
			     (long long)ts.tv_sec, ts.tv_nsec);
	for (i = 0; i < sizeof(seed) && n + 3 < len; i++)
		n += (size_t)snprintf(line + n, len - n, "%02x", seed[i]);
	snprintf(line + n, len - n, "\n");
	return 0;
}

/* Kills and reaps qemu, closes our ends; returns its wait status. */
static int end_qemu(struct relay *r, pid_t pid)
{
	int wstatus = 0, i;

	kill(pid, SIGKILL);
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	vm_debug("qemu ended");
	vm_out_abandon(&r->out);
	if (vm_debugging())
		show_tail("VM console", r->keep[0], r->keeplen[0], 200);
	for (i = 0; i < NCH; i++)
		if (r->fd[i] >= 0)
			close(r->fd[i]);
	return wstatus;
}

static const char *start_name(const struct vm_start *start)
{
	static const char *const names[] = { "boots", "boots to be saved",
					     "restores the snapshot" };

	return names[start->how];
}

enum vm_end vm_boot(const struct vm_start *start, const struct vm_job *job,
		    int boot_ms, int *status, char *why, size_t whylen)
{
	static struct relay r;     /* 32 KB: not on the stack */
	struct sigaction old[3];
	sigset_t orig;
	long t0 = now_ms();
	enum stop stop;
	int wstatus;
	pid_t pid;

	memset(&r, 0, sizeof(r));
	r.status = -1;
	r.report = job->report;
	r.out.fd = -1;
	r.sealed = getenv("GRADE_SEAL") != NULL && fcntl(3, F_GETFD) >= 0;
	if (start->how == VM_RESTORE && go_line(r.go, sizeof(r.go)) < 0)
		return VM_FAILED;
	catch_signals(old, &orig);
	pid = start_qemu(&r, start, &orig);
	if (pid < 0) {
		release_signals(old, &orig);
		return VM_FAILED;
	}
	vm_debug("qemu started (%s): it %s",
		 start->accel == VM_KVM ? "KVM" : "TCG", start_name(start));
	stop = relay_loop(&r, t0 + job->timeout_ms,
			  boot_ms > 0 ? t0 + boot_ms : 0, &orig);
	wstatus = end_qemu(&r, pid);
	release_signals(old, &orig);

	if (stop == STOP_SIGNAL) {
		*status = caught_signal;
		return VM_INTERRUPTED;
	}
	if (r.status >= 0) {
		*status = r.status;
		return VM_FINISHED;
	}
	/* a snapshot qemu cannot load: it stops at once */
	if (!r.booted && (boot_ms > 0 || (start->how == VM_RESTORE &&
					  stop != STOP_DEADLINE))) {
		if (stop == STOP_NO_BOOT)
			snprintf(why, whylen, "no sign of life within %d ms",
				 boot_ms);
		else
			last_line(&r, why, whylen);
		return VM_NO_BOOT;
	}
	explain_failure(&r, stop, wstatus, job->timeout_ms);
	return VM_FAILED;
}

/* Saves the state of the VM qemu PID runs, through its monitor MON, to
 * STATE.  Returns 0, or -1 with the reason in WHY. */
static int save_state(int mon, int state, long deadline, char *why,
		      size_t whylen)
{
	static struct qmp q;
	int rc = qmp_start(&q, mon, deadline);

	/* not stopped first: a VM saved while stopped stays stopped when
	 * it is restored.  It sleeps, so one pass copies nearly all of
	 * it.  With "events" qemu says when it is done. */
	if (rc == 0)
		rc = qmp_command(&q, "{\"execute\": \"migrate-set-capabilities"
				 "\", \"arguments\": {\"capabilities\": [{"
				 "\"capability\": \"events\", \"state\": "
				 "true}]}}\n", -1);
	if (rc == 0)
		rc = qmp_command(&q, "{\"execute\": \"getfd\", \"arguments\":"
				 " {\"fdname\": \"state\"}}\n", state);
	if (rc == 0)
		rc = qmp_command(&q, "{\"execute\": \"migrate\", \"arguments"
				 "\": {\"uri\": \"fd:state\"}}\n", -1);
	if (rc == 0)
		rc = qmp_wait_migration(&q);
	if (rc < 0)
		snprintf(why, whylen, "%s", q.line);
	return rc;
}

int vm_save(const struct vm_start *start, int state, int timeout_ms,
	    char *why, size_t whylen)
{
	static struct relay r;
	struct vm_start s = *start;
	struct sigaction old[3];
	sigset_t orig;
	long deadline = now_ms() + timeout_ms;
	int mon[2], rc = -1, wstatus;
	enum stop stop;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, mon) < 0) {
		snprintf(why, whylen, "socketpair: %s", strerror(errno));
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.status = -1;
	r.out.fd = -1;
	r.until_ready = true;
	s.how = VM_SAVE;
	s.extra = mon[1];
	catch_signals(old, &orig);
	pid = start_qemu(&r, &s, &orig);
	close(mon[1]);
	if (pid < 0) {
		snprintf(why, whylen, "cannot start qemu");
	} else {
		vm_debug("qemu started (TCG): it %s", start_name(&s));
		stop = relay_loop(&r, deadline, 0, &orig);
		if (stop == STOP_READY)
			rc = save_state(mon[0], state, deadline, why, whylen);
		else if (stop == STOP_SIGNAL)
			snprintf(why, whylen, "interrupted");
		else
			snprintf(why, whylen, "the VM did not get ready");
		wstatus = end_qemu(&r, pid);
		if (stop != STOP_READY && stop != STOP_SIGNAL)
			explain_failure(&r, stop, wstatus, timeout_ms);
	}
	close(mon[0]);
	release_signals(old, &orig);
	return rc;
}
