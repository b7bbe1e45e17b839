/*
 * qemu.c - boots the test VM and relays what the test says.
 *
 * qemu gets five descriptors from us: the initramfs (an anonymous memory
 * file) and the write ends of four pipes, one per serial port of the VM
 * (the console, the test's stdout, its stderr, control lines: see
 * harness/vm/init).  It opens them by the names /proc/self/fd/N, which
 * on Linux reopen the descriptor it inherited, so no file or FIFO is
 * ever made on disk.  We poll the read ends: the test's stdout and
 * stderr are copied to ours as they come, so the test runner reads an
 * ordinary cmocka suite, and the control port tells us the test's exit
 * status.  When qemu exits, every pipe reads end of file.
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
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The pipes, in the order of the VM's serial ports, then qemu's own
 * stderr (its error messages). */
enum { CH_CONSOLE, CH_STDOUT, CH_STDERR, CH_CONTROL, CH_QEMU, NCH };

/* Where qemu finds the descriptors after the dup2s in start_qemu(). */
#define QEMU_INITRD_FD 3
#define QEMU_SERIAL_FD 4       /* 4..7: the four serial ports */
#define QEMU_FIRST_FREE_FD 8

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

/* qemu's command line; SERIAL holds the text of the four ports'
 * -chardev and -serial options. */
static void qemu_argv(char **argv, const char *qemu, const char *kernel,
		      enum vm_accel accel, char serial[4][2][64])
{
	int n = 0, i;

	argv[n++] = (char *)qemu;
	argv[n++] = "-nodefaults";
	argv[n++] = "-no-user-config";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-no-reboot";          /* a panic ends qemu */
	argv[n++] = "-m";
	argv[n++] = "512";
	argv[n++] = "-accel";
	argv[n++] = accel == VM_KVM ? "kvm" : "tcg";
	if (accel == VM_KVM) {
		argv[n++] = "-cpu";
		argv[n++] = "host";
	}
	argv[n++] = "-kernel";
	argv[n++] = (char *)kernel;
	argv[n++] = "-initrd";
	argv[n++] = "/proc/self/fd/3";     /* QEMU_INITRD_FD */
	argv[n++] = "-append";
	argv[n++] = VM_CMDLINE;
	for (i = 0; i < 4; i++) {
		snprintf(serial[i][0], 64, "file,id=s%d,path=/proc/self/fd/%d",
			 i, QEMU_SERIAL_FD + i);
		snprintf(serial[i][1], 64, "chardev:s%d", i);
		argv[n++] = "-chardev";
		argv[n++] = serial[i][0];
		argv[n++] = "-serial";
		argv[n++] = serial[i][1];
	}
	argv[n] = NULL;
}

/* In the child: puts each descriptor where qemu expects it, closes the
 * rest, and runs qemu.  Never returns. */
static void exec_qemu(char **argv, int initrd, const int wfd[NCH],
		      const sigset_t *mask, pid_t parent)
{
	int high[5], i, null = open("/dev/null", O_RDWR);
	struct rlimit nocore = { 0, 0 };

	/* qemu dies with the test (even if the test died just now, before
	 * this line); it must not leave a core file */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	setrlimit(RLIMIT_CORE, &nocore);
	/* first out of the way of 0..7, then into place */
	high[0] = fcntl(initrd, F_DUPFD, 100);
	for (i = 0; i < 4; i++)
		high[i + 1] = fcntl(wfd[i], F_DUPFD, 100);
	dup2(null, STDIN_FILENO);
	dup2(wfd[CH_QEMU], STDOUT_FILENO);
	dup2(wfd[CH_QEMU], STDERR_FILENO);
	dup2(high[0], QEMU_INITRD_FD);
	for (i = 0; i < 4; i++)
		dup2(high[i + 1], QEMU_SERIAL_FD + i);
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

/* Starts qemu; fills r->fd with our read ends.  Returns its pid or -1. */
static pid_t start_qemu(struct relay *r, const char *kernel, int initrd,
			enum vm_accel accel, const sigset_t *mask)
{
	char *argv[64], serial[4][2][64];
	int wfd[NCH], p[2], i;
	pid_t pid, parent = getpid();

	qemu_argv(argv, vm_qemu_path(), kernel, accel, serial);
	for (i = 0; i < NCH; i++) {
		if (pipe2(p, O_CLOEXEC) < 0) {
			perror("harness/vm: pipe");
			return -1;
		}
		r->fd[i] = p[0];
		wfd[i] = p[1];
		fcntl(p[0], F_SETFL, O_NONBLOCK);
	}
	pid = fork();
	if (pid == 0)
		exec_qemu(argv, initrd, wfd, mask, parent);
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

/* Polls until every pipe is at end of file, the deadline passes, or a
 * signal comes.  Returns the reason it stopped. */
enum stop { STOP_EOF, STOP_DEADLINE, STOP_NO_BOOT, STOP_SIGNAL };

static enum stop relay_loop(struct relay *r, long deadline, long boot_by,
			    const sigset_t *mask)
{
	struct pollfd pfd[NCH];
	int open_count = NCH, i;

	while (open_count > 0) {
		long now = now_ms(), until = deadline;
		struct timespec ts;

		if (r->status >= 0 && now + POWEROFF_GRACE_MS < deadline)
			deadline = now + POWEROFF_GRACE_MS;
		if (boot_by > 0 && !r->booted) {
			if (now >= boot_by)
				return STOP_NO_BOOT;
			until = boot_by < deadline ? boot_by : deadline;
		}
		if (now >= deadline)
			return STOP_DEADLINE;
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

enum vm_end vm_boot(const char *kernel, int initrd, enum vm_accel accel,
		    const struct vm_job *job, int boot_ms, int *status,
		    char *why, size_t whylen)
{
	static struct relay r;     /* 32 KB: not on the stack */
	struct sigaction old[3];
	sigset_t orig;
	long start = now_ms();
	enum stop stop;
	int wstatus = 0, i;
	pid_t pid;

	memset(&r, 0, sizeof(r));
	r.status = -1;
	r.report = job->report;
	r.out.fd = -1;
	r.sealed = getenv("GRADE_SEAL") != NULL && fcntl(3, F_GETFD) >= 0;
	catch_signals(old, &orig);
	pid = start_qemu(&r, kernel, initrd, accel, &orig);
	if (pid < 0) {
		release_signals(old, &orig);
		return VM_FAILED;
	}
	vm_debug("qemu started (%s)", accel == VM_KVM ? "KVM" : "TCG");
	stop = relay_loop(&r, start + job->timeout_ms,
			  boot_ms > 0 ? start + boot_ms : 0, &orig);
	kill(pid, SIGKILL);
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	vm_debug("qemu ended");
	vm_out_abandon(&r.out);
	if (vm_debugging())
		show_tail("VM console", r.keep[0], r.keeplen[0], 200);
	for (i = 0; i < NCH; i++)
		if (r.fd[i] >= 0)
			close(r.fd[i]);
	release_signals(old, &orig);

	if (stop == STOP_SIGNAL) {
		*status = caught_signal;
		return VM_INTERRUPTED;
	}
	if (r.status >= 0) {
		*status = r.status;
		return VM_FINISHED;
	}
	if (boot_ms > 0 && !r.booted) {
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
