/*
 * sandbox.c - hn_init(): the test binary's own user, mount, PID and
 * network namespaces; errors and strict mode; hn_require().
 */
#include "hn_int.h"
#include "testkit.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/pfkeyv2.h>

#define TMPDIR_PATH "/dev/shm"

static char last_error[1024];
static int strict = 1;
static int sandbox_nsfd = -1;
static bool initialised;

/* ---- errors ------------------------------------------------------------- */

int hn_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	return -1;
}

const char *hn_error(void)
{
	return last_error;
}

int hn_set_strict(int on)
{
	int old = strict;

	strict = on;
	return old;
}

int hn_check(int rc)
{
	if (rc < 0 && strict)
		TK_FAIL("%s", last_error);
	return rc;
}

void *hn_check_ptr(void *p)
{
	if (p == NULL && strict)
		TK_FAIL("%s", last_error);
	return p;
}

int hn_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	if (strict) {
		tk_note("skipped: %s", last_error);
		fprintf(stderr, "skipped: %s\n", last_error);
		skip();
	}
	return -1;
}

bool hn_sandboxed(void)
{
	return initialised;
}

int hn_sandbox_nsfd(void)
{
	if (sandbox_nsfd < 0)
		sandbox_nsfd = open("/proc/thread-self/ns/net",
				    O_RDONLY | O_CLOEXEC);
	return sandbox_nsfd;
}

const char *hn_tmpdir(void)
{
	return TMPDIR_PATH;
}

/* ---- why user namespaces are blocked ------------------------------------ */

static long read_sysctl(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Exits 77 (skip) after saying why; under a TAP runner the reason also
 * goes to stdout as a skipped test. */
static void __attribute__((noreturn)) skip_all(const char *why)
{
	const char *out = getenv("CMOCKA_MESSAGE_OUTPUT");

	fprintf(stderr, "skipped: %s\n", why);
	if (out != NULL && strcasecmp(out, "TAP") == 0)
		printf("1..1\nok 1 - sandbox # SKIP %s\n", why);
	fflush(NULL);
	exit(77);
}

/* Says which setting blocks unprivileged user namespaces and the two
 * ways out, and skips.  ERR is what unshare or the mapping failed
 * with. */
static void __attribute__((noreturn)) userns_blocked(int err)
{
	const char *setting = NULL, *fix = NULL;
	char why[512];

	if (read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_"
			"userns") == 1) {
		setting = "kernel.apparmor_restrict_unprivileged_userns=1";
		fix = "kernel.apparmor_restrict_unprivileged_userns=0";
	} else if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone")
		   == 0) {
		setting = "kernel.unprivileged_userns_clone=0";
		fix = "kernel.unprivileged_userns_clone=1";
	} else if (read_sysctl("/proc/sys/user/max_user_namespaces") == 0 ||
		   err == ENOSPC || err == EUSERS) {
		setting = "user.max_user_namespaces=0 (or the limit is "
			  "reached)";
		fix = "user.max_user_namespaces=10000";
	}
	if (setting != NULL)
		snprintf(why, sizeof(why), "unprivileged user namespaces are "
			 "blocked by %s; either allow them (sudo sysctl -w %s) "
			 "or run the tests as root", setting, fix);
	else
		snprintf(why, sizeof(why), "cannot create a user namespace "
			 "(%s) and no known setting explains it (a container's "
			 "seccomp policy?); either allow user namespaces or "
			 "run the tests as root", strerror(err));
	skip_all(why);
}

/* ---- becoming the sandbox ----------------------------------------------- */

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Maps our own uid and gid to root inside the new user namespace. */
static int map_ids(uid_t uid, gid_t gid)
{
	char line[64];

	if (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
		return -1;
	snprintf(line, sizeof(line), "0 %u 1", (unsigned)uid);
	if (write_file("/proc/self/uid_map", line) < 0)
		return -1;
	snprintf(line, sizeof(line), "0 %u 1", (unsigned)gid);
	return write_file("/proc/self/gid_map", line);
}

/* Enters new namespaces: with a user namespace (the rootless way, also
 * used as root so both run the same path), or, as root where user
 * namespaces are blocked, without one. */
static void enter_namespaces(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	int other = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET;
	int err;

	if (unshare(CLONE_NEWUSER | other) == 0) {
		if (map_ids(uid, gid) == 0)
			return;
		userns_blocked(errno);     /* AppArmor denies the mapping */
	}
	err = errno;
	/* HN_ROOTLESS=1: behave as an ordinary user would (for tests) */
	if (geteuid() == 0 && getenv("HN_ROOTLESS") == NULL &&
	    unshare(other) == 0)
		return;
	userns_blocked(err);
}

static pid_t sandbox_child;
static volatile sig_atomic_t forwarded;

static void forward_signal(int sig)
{
	forwarded = sig;
	if (sandbox_child > 0)
		kill(sandbox_child, sig);
}

/* The parent's whole life: wait for PID 1 of the sandbox and exit the
 * way it did.  Signals that would end a test are passed on to it. */
static void __attribute__((noreturn)) wait_for_sandbox(pid_t child)
{
	struct sigaction sa = { .sa_handler = forward_signal };
	int status;

	sandbox_child = child;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	/* PID 1 cannot die of its own signal, so it exits 128 + the signal;
	 * end the way the signal we passed on would have ended us */
	if (WIFEXITED(status) && forwarded != 0 &&
	    WEXITSTATUS(status) == 128 + forwarded)
		status = forwarded;
	else if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	else
		status = WTERMSIG(status);
	signal(status, SIG_DFL);
	raise(status);
	_exit(128 + status);
}

/* PID 1 ignores signals it has no handler for, so give the ones that
 * should end the test a handler that ends it (the kernel then kills every
 * other process of the PID namespace). */
static void end_on_signal(int sig)
{
	_exit(128 + sig);
}

static void die_with_parent(int parent_alive_fd)
{
	struct pollfd pfd = { .fd = parent_alive_fd, .events = POLLIN };
	struct sigaction sa = { .sa_handler = end_on_signal };

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (poll(&pfd, 1, 0) > 0)          /* the parent already died */
		_exit(1);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
}

static void mount_private(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		userns_blocked(errno);
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0) {
		fprintf(stderr, "hn_init: cannot mount a fresh /proc: %s\n",
			strerror(errno));
		exit(77);
	}
	if (mount("tmpfs", TMPDIR_PATH, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777,size=256m") < 0) {
		fprintf(stderr, "hn_init: cannot mount a tmpfs on %s: %s\n",
			TMPDIR_PATH, strerror(errno));
		exit(77);
	}
	setenv("TMPDIR", TMPDIR_PATH, 1);
}

static void loopback_up(void)
{
	struct mnl_socket *nl = hn_nl_open();

	if (nl == NULL || hn_nl_link_set(nl, "lo", 1, -1, 0, -1) < 0) {
		fprintf(stderr, "hn_init: %s\n", hn_error());
		exit(1);
	}
	hn_nl_close(nl);
}

void hn_init(void)
{
	int alive[2];
	pid_t child;

	if (initialised)
		return;
	initialised = true;
	fflush(NULL);
	enter_namespaces();
	if (pipe2(alive, O_CLOEXEC) < 0) {
		perror("hn_init: pipe");
		exit(1);
	}
	child = fork();
	if (child < 0) {
		perror("hn_init: fork");
		exit(1);
	}
	if (child > 0) {
		close(alive[0]);
		wait_for_sandbox(child);
	}
	close(alive[1]);
	die_with_parent(alive[0]);
	mount_private();
	loopback_up();
	hn_sandbox_nsfd();
	/* a test that writes to a peer that has gone gets EPIPE and says so
	 * in a message, rather than dying of SIGPIPE without a word; the
	 * programs it starts get the default back (proc.c) */
	signal(SIGPIPE, SIG_IGN);
	tk_test_end_hook = hn_down_all;
}

/* ---- features ----------------------------------------------------------- */

static bool have_sctp(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool have_tun(void)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool have_pf_key(void)
{
	int fd = socket(PF_KEY, SOCK_RAW | SOCK_CLOEXEC, PF_KEY_V2);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

int hn_require(const char *feature)
{
	bool ok = false;
#ifdef HN_HAVE_VM
	const char *backend = getenv("HN_BACKEND");

	/* HN_BACKEND=vm runs the test in the VM even where this kernel has
	 * the feature (inside the VM, HN_IN_VM is set and we go on). */
	if (backend != NULL && strcmp(backend, "vm") == 0 &&
	    getenv("HN_IN_VM") == NULL && hn_vm_rerun(feature) < 0)
		exit(77);       /* it said why; never quietly run on the host */
#endif
	if (strcmp(feature, "sctp") == 0)
		ok = have_sctp();
	else if (strcmp(feature, "tun") == 0)
		ok = have_tun();
	else if (strcmp(feature, "pf_key") == 0)
		ok = have_pf_key();
	else if (strcmp(feature, "nfqueue") == 0 ||
		 strcmp(feature, "netdev-egress") == 0)
		ok = true;      /* checked when first used, with a message */
	/* anything else (netem, ...) is taken as missing here */
	if (ok)
		return 0;
#ifdef HN_HAVE_VM
	hn_vm_rerun(feature);
#endif
	fprintf(stderr, "skipped: this kernel has no %s and the VM backend "
		"could not run the test instead\n", feature);
	exit(77);
}
