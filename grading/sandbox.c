/*
 * sandbox.c - run one program from a student's submission, shut in.
 *
 *   sandbox [options] -- PROGRAM [ARG...]
 *
 * The program runs in new user, PID, mount, network, IPC and UTS
 * namespaces, as an unprivileged user with no capabilities, in a root file
 * system built from read-only binds of /usr and /etc plus what the options
 * name, with a fresh /proc, a small /dev, an empty size-limited /tmp and a
 * network that has only its own loopback.  Limits: CPU seconds, memory,
 * processes, file size, open files (rlimits; memory and processes through
 * a cgroup v2 when one is delegated to us), a wall-clock limit and a cap
 * on the output it may print.  When the program ends, everything it left
 * running is killed (the PID namespace dies with its first process) and
 * everything it wrote outside the binds vanishes with the mount namespace.
 *
 * Who runs what.  The supervisor (this process, outside) writes the
 * namespace's uid and gid maps, copies output to files up to the cap and
 * enforces the wall clock.  The sandbox's first process ("init", PID 1
 * inside) builds the file system, starts the program as the worker, reaps
 * whatever the program forks, and reports how the worker ended and how
 * many processes it left behind.  The worker is uid 1000 of the
 * namespace, with no capability once it runs the program.  Run as root,
 * that uid is mapped to an unprivileged host uid (-u, default nobody) and
 * init is the namespace's root; run as an ordinary user, who may map
 * only their own uid, that uid is 1000 inside for init and worker alike
 * (never 0: the tests' harness makes user namespaces of its own, and
 * mapping the parent's uid 0 into one takes a capability the worker has
 * not got).
 *
 * Options:
 *   -b SRC:DST   bind SRC read-only at DST      -B SRC:DST  ... read-write
 *   -C DIR       working directory inside (default /tmp)
 *   -e NAME=VAL  add to the program's (otherwise minimal) environment
 *   -t SEC       wall-clock limit (default 10; fractions allowed)
 *   -i SEC       idle limit: stopped as a timeout when SEC pass without
 *                a byte on fd 3 (where a test program writes as each
 *                test ends), so a run of many tests that each wait a
 *                while may take -t in all, while one test that hangs is
 *                stopped after SEC (default: none)
 *   -c SEC       CPU seconds per process        -m MIB  memory (0: none)
 *   -R MIB       resident memory of everything it runs together, watched
 *                from outside (for ASan builds, whose address space can
 *                not be limited; no thread inside the program needed)
 *   -p N         processes and threads          -f MIB  largest file
 *   -n N         open files                     -T MIB  size of /tmp
 *   -O BYTES     cap on output (stdout + stderr + fd 3 together)
 *   -o FILE, -E FILE, -r FILE   where stdout, stderr and fd 3 go
 *   -s FILE      write how it ended, as one JSON object
 *   -u UID:GID   host ids for the worker when run as root (65534:65534)
 *   -g DIR       a cgroup v2 directory we may create children in: memory
 *                and processes are then limited for the sandbox as a
 *                whole (if anything there fails, the rlimits alone apply)
 *   -N           no namespaces: rlimits, uid drop and the wall clock
 *                only (for a container that already isolates, such as
 *                Gradescope's, where user namespaces are often blocked)
 * Exit status: the program's, 128+N if a signal killed it, 124 on the
 * wall-clock limit, 123 on the output cap, 122 on -R, 125 if the sandbox
 * failed.
 * SIGINT, SIGTERM or SIGHUP, or the death of the process that started
 * us, stop the program and everything it started (exit status 125, and
 * the outcome "interrupted": the run says nothing about the program).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_BINDS 32
#define MAX_ENV 32
#define EXIT_TIMEOUT 124
#define EXIT_OUTPUT 123
#define EXIT_MEMORY 122
#define RSS_EVERY 0.05          /* seconds between looks at -R's total */
#define EXIT_SANDBOX 125
#define NEWROOT "/tmp"          /* overmounted inside: the new root */
#define WORKER_ID 1000          /* the worker's uid and gid inside */

struct bind {
	const char *src, *dst;
	bool rw;
	int fd;                 /* O_PATH, opened before /tmp is covered */
};

struct config {
	struct bind binds[MAX_BINDS];
	int nbinds;
	const char *env[MAX_ENV + 8];
	int nenv;
	const char *workdir;
	double wall, idle;
	long cpu, mem_mib, nproc, fsize_mib, nofile, tmp_mib, output_cap;
	long rss_mib;                   /* -R: 0 for none */
	const char *out_path, *err_path, *report_path, *status_path;
	const char *cgroup_parent;      /* -g: a delegated cgroup v2 */
	bool cgroup_memory;             /* memory limited by the cgroup */
	uid_t worker_uid;
	gid_t worker_gid;
	bool no_namespaces;
	char **argv;
};

/* How the run ended, as the supervisor saw it. */
struct outcome {
	/* exited, signaled, timeout, output-limit, memory-limit,
	 * interrupted or error */
	const char *what;
	int code, sig, leftover, oom_kills;
	int procs;              /* processes in it when it was stopped */
	const char *limits;     /* "cgroup" or "rlimit" */
	double wall, cpu;
	char message[512];
};

static volatile sig_atomic_t stop_signal;

/* ---- small helpers ------------------------------------------------- */

static void die(const char *fmt, ...) __attribute__((noreturn,
						      format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	int n;

	/* One write, so that init's report arrives as one line. */
	n = snprintf(msg, sizeof(msg), "sandbox: ");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(msg, "\n");
	if (write(2, msg, strlen(msg)) < 0)
		exit(EXIT_SANDBOX);
	exit(EXIT_SANDBOX);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes all of buf; a short write to a file or pipe is retried. */
static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = write_all(fd, text, strlen(text));
	close(fd);
	return rc;
}

/* ---- options ------------------------------------------------------- */

static void add_bind(struct config *c, char *spec, bool rw)
{
	char *colon = strchr(spec, ':');

	if (colon == NULL || colon == spec || colon[1] != '/')
		die("bind %s: want SRC:/ABSOLUTE/DST", spec);
	if (c->nbinds == MAX_BINDS)
		die("more than %d binds", MAX_BINDS);
	*colon = '\0';
	c->binds[c->nbinds++] = (struct bind){ spec, colon + 1, rw, -1 };
}

static long number(const char *opt, const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0)
		die("-%s wants a number, not \"%s\"", opt, s);
	return v;
}

static void parse_ids(struct config *c, const char *s)
{
	unsigned long u, g;

	if (sscanf(s, "%lu:%lu", &u, &g) != 2)
		die("-u wants UID:GID, not \"%s\"", s);
	c->worker_uid = (uid_t)u;
	c->worker_gid = (gid_t)g;
}

static void parse_args(struct config *c, int argc, char **argv)
{
	static const char options[] =
		"b:B:C:e:t:i:c:m:p:f:n:T:O:o:E:r:s:u:g:NR:";
	int opt;

	*c = (struct config){ .workdir = "/tmp", .wall = 10, .cpu = 10,
			      .mem_mib = 512, .nproc = 64, .fsize_mib = 64,
			      .nofile = 256, .tmp_mib = 64,
			      .output_cap = 1 << 20, .worker_uid = 65534,
			      .worker_gid = 65534 };
	while ((opt = getopt(argc, argv, options)) != -1) {
		switch (opt) {
		case 'b': add_bind(c, optarg, false); break;
		case 'B': add_bind(c, optarg, true); break;
		case 'C': c->workdir = optarg; break;
		case 'e':
			if (c->nenv == MAX_ENV || !strchr(optarg, '='))
				die("-e wants NAME=VALUE (at most %d)",
				    MAX_ENV);
			c->env[c->nenv++] = optarg;
			break;
		case 't': c->wall = atof(optarg); break;
		case 'i': c->idle = atof(optarg); break;
		case 'c': c->cpu = number("c", optarg); break;
		case 'm': c->mem_mib = number("m", optarg); break;
		case 'p': c->nproc = number("p", optarg); break;
		case 'f': c->fsize_mib = number("f", optarg); break;
		case 'n': c->nofile = number("n", optarg); break;
		case 'T': c->tmp_mib = number("T", optarg); break;
		case 'O': c->output_cap = number("O", optarg); break;
		case 'o': c->out_path = optarg; break;
		case 'E': c->err_path = optarg; break;
		case 'r': c->report_path = optarg; break;
		case 's': c->status_path = optarg; break;
		case 'u': parse_ids(c, optarg); break;
		case 'g': c->cgroup_parent = optarg; break;
		case 'N': c->no_namespaces = true; break;
		case 'R': c->rss_mib = number("R", optarg); break;
		default: die("see the comment at the top of sandbox.c");
		}
	}
	if (optind >= argc || c->wall <= 0)
		die("usage: sandbox [options] -- PROGRAM [ARG...]");
	c->argv = argv + optind;
}

/* ---- the worker: limits, identity, exec ----------------------------- */

static void set_limit(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit rl = { soft, hard };

	if (setrlimit(resource, &rl) < 0)
		die("setrlimit(%d): %s", resource, strerror(errno));
}

static void apply_rlimits(const struct config *c)
{
	const rlim_t mib = 1024 * 1024;

	set_limit(RLIMIT_CPU, (rlim_t)c->cpu, (rlim_t)c->cpu + 1);
	if (c->mem_mib > 0 && !c->cgroup_memory)
		set_limit(RLIMIT_AS, (rlim_t)c->mem_mib * mib,
			  (rlim_t)c->mem_mib * mib);
	set_limit(RLIMIT_NPROC, (rlim_t)c->nproc, (rlim_t)c->nproc);
	set_limit(RLIMIT_FSIZE, (rlim_t)c->fsize_mib * mib,
		  (rlim_t)c->fsize_mib * mib);
	set_limit(RLIMIT_NOFILE, (rlim_t)c->nofile, (rlim_t)c->nofile);
	set_limit(RLIMIT_CORE, 0, 0);
}

/* Drops every capability for good: used when the worker must keep uid 0
 * of the namespace (we were started by an ordinary user, who may map only
 * their own uid), so that uid 0 there means nothing. */
static void drop_capabilities(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3,
						0 };
	struct __user_cap_data_struct data[2];
	int cap;

	if (syscall(SYS_capget, &hdr, data) < 0)
		die("capget: %s", strerror(errno));
	if ((data[0].permitted | data[1].permitted) == 0) {
		/* an ordinary user without namespaces (-N): nothing to drop,
		 * and no right to lock the securebits */
		prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
		return;
	}
	if (prctl(PR_SET_SECUREBITS, 0x2f) < 0)   /* NOROOT, NO_SETUID_FIXUP,
						     both locked; KEEP_CAPS
						     locked off */
		die("securebits: %s", strerror(errno));
	for (cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap) < 0 && errno != EINVAL)
			die("dropping capability %d: %s", cap,
			    strerror(errno));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0)
		die("capset: %s", strerror(errno));
}

static void become_worker(const struct config *c)
{
	bool ns = !c->no_namespaces;
	uid_t uid = ns ? WORKER_ID : c->worker_uid;
	gid_t gid = ns ? WORKER_ID : c->worker_gid;
	/* In the namespace, and as root without one, the worker takes its
	 * ids (for an ordinary user's namespace they are already its own);
	 * execve() then leaves a uid other than 0 no capability.  An
	 * ordinary user without namespaces has none to lose. */
	bool change = ns || getuid() == 0;

	if (change) {
		if (setgroups(0, NULL) < 0 && errno != EPERM)
			die("setgroups: %s", strerror(errno));
		if (setresgid(gid, gid, gid) < 0 ||
		    setresuid(uid, uid, uid) < 0)
			die("dropping to uid %u: %s", (unsigned)uid,
			    strerror(errno));
	} else {
		drop_capabilities();
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("no_new_privs: %s", strerror(errno));
}

/* Runs in the forked worker: never returns. */
static void exec_worker(const struct config *c, int out, int err, int rep)
{
	const char *base[] = { "PATH=/usr/bin:/bin", "HOME=/tmp",
			       "TMPDIR=/tmp", "LANG=C.UTF-8" };
	const char *env[MAX_ENV + 8];
	int n = 0, null;

	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		env[n++] = base[i];
	for (int i = 0; i < c->nenv; i++)
		env[n++] = c->env[i];
	env[n] = NULL;
	if (!c->no_namespaces)
		setsid();       /* no terminal signals from the grader's tty */
	null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(err, 2) < 0 || dup2(rep, 3) < 0)
		die("setting up fds 0-3: %s", strerror(errno));
	for (int fd = 4; fd < 1024; fd++)
		close(fd);
	if (chdir(c->workdir) < 0)
		die("chdir %s: %s", c->workdir, strerror(errno));
	apply_rlimits(c);
	become_worker(c);
	execve(c->argv[0], c->argv, (char **)env);
	fprintf(stderr, "sandbox: cannot run %s: %s\n", c->argv[0],
		strerror(errno));
	_exit(127);
}

/* ---- building the root file system (in init) ----------------------- */

static void xmount(const char *src, const char *dst, const char *type,
		   unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		die("mount %s on %s: %s", src ? src : type, dst,
		    strerror(errno));
}

static void make_dirs(const char *path)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			die("mkdir %s: %s", tmp, strerror(errno));
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		die("mkdir %s: %s", tmp, strerror(errno));
}

/* Creates the mount point for src under the new root: a directory, or an
 * empty file if src is not a directory. */
static void make_mount_point(const char *path, bool dir)
{
	char parent[PATH_MAX];
	char *slash;
	int fd;

	if (dir) {
		make_dirs(path);
		return;
	}
	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (slash != NULL && slash != parent) {
		*slash = '\0';
		make_dirs(parent);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		die("creating %s: %s", path, strerror(errno));
	close(fd);
}

/* The flags a read-only remount must keep: in a user namespace the
 * kernel refuses to clear nosuid, nodev, noexec or the atime flags of a
 * mount we were given. */
static unsigned long kept_flags(const char *path)
{
	struct statvfs sv;
	unsigned long f = 0;

	if (statvfs(path, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NODEV)
		f |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		f |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		f |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		f |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		f |= MS_RELATIME;
	return f;
}

static void bind_at(int srcfd, const char *dst, bool rw, bool allow_dev)
{
	char src[64];
	struct stat st;
	unsigned long flags;

	if (fstat(srcfd, &st) < 0)
		die("stat for %s: %s", dst, strerror(errno));
	snprintf(src, sizeof(src), "/proc/self/fd/%d", srcfd);
	make_mount_point(dst, S_ISDIR(st.st_mode));
	xmount(src, dst, NULL, MS_BIND | MS_REC, NULL);
	flags = MS_REMOUNT | MS_BIND | MS_NOSUID | kept_flags(dst);
	if (!allow_dev)
		flags |= MS_NODEV;
	if (!rw)
		flags |= MS_RDONLY;
	xmount(NULL, dst, NULL, flags, NULL);
}

static int open_path(const char *path)
{
	int fd = open(path, O_PATH | O_CLOEXEC);

	if (fd < 0)
		die("cannot open %s: %s", path, strerror(errno));
	return fd;
}

/* /bin, /lib ... are symlinks into /usr on a merged-/usr system, and
 * directories elsewhere: copy whichever they are. */
static void system_dir(const char *name)
{
	char target[PATH_MAX], dst[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(dst, sizeof(dst), NEWROOT "%s", name);
	n = readlink(name, target, sizeof(target) - 1);
	if (n >= 0) {
		target[n] = '\0';
		if (symlink(target, dst) < 0)
			die("symlink %s: %s", dst, strerror(errno));
		return;
	}
	fd = open(name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;         /* this system has no such directory */
	bind_at(fd, dst, false, false);
	close(fd);
}

static void populate_dev(void)
{
	static const char *const nodes[] = { "null", "zero", "full",
					     "random", "urandom" };
	char src[64], dst[64];

	make_dirs(NEWROOT "/dev");
	xmount("tmpfs", NEWROOT "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC,
	       "size=64k,mode=755");
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		int fd;

		snprintf(src, sizeof(src), "/dev/%s", nodes[i]);
		snprintf(dst, sizeof(dst), NEWROOT "/dev/%s", nodes[i]);
		fd = open_path(src);
		bind_at(fd, dst, true, true);
		close(fd);
	}
	if (symlink("/proc/self/fd", NEWROOT "/dev/fd") < 0 ||
	    symlink("/proc/self/fd/0", NEWROOT "/dev/stdin") < 0 ||
	    symlink("/proc/self/fd/1", NEWROOT "/dev/stdout") < 0 ||
	    symlink("/proc/self/fd/2", NEWROOT "/dev/stderr") < 0)
		die("/dev symlinks: %s", strerror(errno));
	make_dirs(NEWROOT "/dev/shm");
	xmount("tmpfs", NEWROOT "/dev/shm", "tmpfs",
	       MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=16m,mode=1777");
}

static void build_root(struct config *c)
{
	char opts[64];

	for (int i = 0; i < c->nbinds; i++)
		c->binds[i].fd = open_path(c->binds[i].src);
	xmount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	xmount("tmpfs", NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV,
	       "size=1m,mode=755");
	for (const char *const *d = (const char *const[]){ "/usr", "/etc",
		"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
		NULL }; *d != NULL; d++)
		system_dir(*d);
	populate_dev();
	make_dirs(NEWROOT "/proc");
	xmount("proc", NEWROOT "/proc", "proc",
	       MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	make_dirs(NEWROOT "/tmp");
	snprintf(opts, sizeof(opts), "size=%ldm,mode=1777", c->tmp_mib);
	xmount("tmpfs", NEWROOT "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, opts);
	for (int i = 0; i < c->nbinds; i++) {
		char dst[PATH_MAX];

		snprintf(dst, sizeof(dst), NEWROOT "%s", c->binds[i].dst);
		bind_at(c->binds[i].fd, dst, c->binds[i].rw, false);
		close(c->binds[i].fd);
	}
	if (chdir(NEWROOT) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root: %s", strerror(errno));
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die("detaching the old root: %s", strerror(errno));
	xmount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
	       NULL);
}

static void loopback_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		die("socket: %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		die("SIOCGIFFLAGS lo: %s", strerror(errno));
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		die("bringing lo up: %s", strerror(errno));
	close(s);
}

/* ---- init: PID 1 of the sandbox ------------------------------------ */

/* Processes in our PID namespace other than init itself. */
static int count_others(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (atoi(e->d_name) > 1)
			n++;
	closedir(d);
	return n;
}

/* Reaps children until the worker ends; returns its wait status. */
static int reap_until(pid_t worker)
{
	for (;;) {
		int st;
		pid_t p = waitpid(-1, &st, 0);

		if (p == worker)
			return st;
		if (p < 0 && errno != EINTR)
			die("waitpid: %s", strerror(errno));
	}
}

static void report_to_supervisor(int fd, int st, int leftover)
{
	char line[128];

	if (WIFEXITED(st))
		snprintf(line, sizeof(line), "exited %d %d\n",
			 WEXITSTATUS(st), leftover);
	else
		snprintf(line, sizeof(line), "signaled %d %d\n",
			 WTERMSIG(st), leftover);
	write_all(fd, line, strlen(line));
}

struct pipes {
	int out[2], err[2], rep[2], status[2], go[2];
};

/* The sandbox's first process.  Errors go to the status pipe so the
 * supervisor can say what failed. */
static void init_main(struct config *c, struct pipes *p, bool namespaces,
		      bool mapped_worker)
{
	char go;
	pid_t worker;
	int st, leftover;

	prctl(PR_SET_PDEATHSIG, SIGKILL);       /* supervisor gone: all go */
	setpgid(0, 0);          /* without namespaces: kill(-pid) stops all */
	close(p->go[1]);
	if (read(p->go[0], &go, 1) != 1)
		_exit(EXIT_SANDBOX);            /* the supervisor gave up */
	c->cgroup_memory = go == 'c';
	dup2(p->status[1], 2);                  /* die() reports through it */
	if (namespaces) {
		/* root of the namespace when uid 0 is mapped (run as root);
		 * otherwise uid 1000 with the namespace's capabilities */
		if (mapped_worker &&
		    (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
			die("becoming root of the namespace: %s",
			    strerror(errno));
		build_root(c);
		loopback_up();
		sethostname("sandbox", 7);
	}
	worker = fork();
	if (worker < 0)
		die("fork: %s", strerror(errno));
	if (worker == 0)
		exec_worker(c, p->out[1], p->err[1], p->rep[1]);
	close(p->out[1]);
	close(p->err[1]);
	close(p->rep[1]);
	st = reap_until(worker);
	leftover = namespaces ? count_others() : 0;
	report_to_supervisor(p->status[1], st, leftover);
	if (!namespaces)
		kill(0, SIGKILL);       /* our process group, us included */
	kill(-1, SIGKILL);              /* everything else in the namespace */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	_exit(0);
}

/* ---- cgroup v2 (when delegated) ----------------------------------- */

struct cgroup {
	char path[PATH_MAX - 64];
	bool on;
};

static bool cg_write(const struct cgroup *cg, const char *file,
		     const char *value)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", cg->path, file);
	return write_file(path, value) == 0;
}

/* Makes our own child cgroup with the memory and process limits. */
static void cgroup_create(const struct config *c, struct cgroup *cg)
{
	char value[64];
	bool ok;

	snprintf(cg->path, sizeof(cg->path), "%s/sandbox-%d",
		 c->cgroup_parent, (int)getpid());
	if (mkdir(cg->path, 0755) < 0)
		return;
	snprintf(value, sizeof(value), "%ld", c->nproc);
	ok = cg_write(cg, "pids.max", value);
	if (ok && c->mem_mib > 0) {
		snprintf(value, sizeof(value), "%ld", c->mem_mib << 20);
		ok = cg_write(cg, "memory.max", value);
		cg_write(cg, "memory.swap.max", "0");   /* if swap exists */
	}
	if (!ok)
		rmdir(cg->path);
	cg->on = ok;
}

static void cgroup_attach(struct cgroup *cg, pid_t pid)
{
	char value[32];

	snprintf(value, sizeof(value), "%d", (int)pid);
	if (cg->on && !cg_write(cg, "cgroup.procs", value)) {
		rmdir(cg->path);
		cg->on = false;
	}
}

/* The number after key in a flat-keyed cgroup file, or 0. */
static long cg_read_key(const struct cgroup *cg, const char *file,
			const char *key)
{
	char path[PATH_MAX], word[64];
	long value, found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", cg->path, file);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (fscanf(f, "%63s %ld", word, &value) == 2)
		if (strcmp(word, key) == 0)
			found = value;
	fclose(f);
	return found;
}

/* Kills what is left in the cgroup, waits (with a deadline) until it is
 * empty and removes it. */
static void cgroup_remove(struct cgroup *cg, struct outcome *o)
{
	char path[PATH_MAX];
	double deadline = now() + 2;
	struct pollfd pf;

	if (!cg->on)
		return;
	o->oom_kills = (int)cg_read_key(cg, "memory.events", "oom_kill");
	cg_write(cg, "cgroup.kill", "1");
	snprintf(path, sizeof(path), "%s/cgroup.events", cg->path);
	pf.fd = open(path, O_RDONLY | O_CLOEXEC);
	pf.events = POLLPRI;
	while (cg_read_key(cg, "cgroup.events", "populated") != 0 &&
	       now() < deadline && pf.fd >= 0)
		poll(&pf, 1, 100);      /* woken when "populated" changes */
	if (pf.fd >= 0)
		close(pf.fd);
	rmdir(cg->path);
}

/* ---- the supervisor ------------------------------------------------ */

static void write_id_maps(pid_t child, const struct config *c,
			  bool mapped_worker)
{
	char path[64], map[128];

	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)child);
	if (!mapped_worker && write_file(path, "deny") < 0)
		die("%s: %s", path, strerror(errno));
	if (mapped_worker)
		snprintf(map, sizeof(map), "0 0 1\n%d %u 1\n", WORKER_ID,
			 (unsigned)c->worker_uid);
	else
		snprintf(map, sizeof(map), "%d %u 1\n", WORKER_ID,
			 (unsigned)getuid());
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)child);
	if (write_file(path, map) < 0)
		die("%s: %s", path, strerror(errno));
	if (mapped_worker)
		snprintf(map, sizeof(map), "0 0 1\n%d %u 1\n", WORKER_ID,
			 (unsigned)c->worker_gid);
	else
		snprintf(map, sizeof(map), "%d %u 1\n", WORKER_ID,
			 (unsigned)getgid());
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)child);
	if (write_file(path, map) < 0)
		die("%s: %s", path, strerror(errno));
}

static int open_capture(const char *path, int fallback)
{
	int fd;

	if (path == NULL)
		return fallback;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("cannot write %s: %s", path, strerror(errno));
	return fd;
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

struct stream {
	int from, to;           /* pipe read end; capture file */
};

/* Copies what is ready on one stream; returns bytes copied, 0 at end of
 * file.  Output beyond the cap is read and dropped. */
static ssize_t pump(struct stream *s, long *room)
{
	char buf[65536];
	ssize_t n = read(s->from, buf, sizeof(buf));

	if (n <= 0)
		return n;
	if (*room > 0 && s->to >= 0)
		write_all(s->to, buf, (size_t)(n < *room ? n : *room));
	*room -= n;
	return n;
}

/* Parses init's one-line report into the outcome. */
static void read_status_line(int fd, struct outcome *o)
{
	char line[1024] = "";
	ssize_t n = read(fd, line, sizeof(line) - 1);
	int a, b;

	if (n <= 0)
		return;
	line[n] = '\0';
	o->message[0] = '\0';
	if (sscanf(line, "exited %d %d", &a, &b) == 2) {
		o->what = "exited";
		o->code = a;
		o->leftover = b;
	} else if (sscanf(line, "signaled %d %d", &a, &b) == 2) {
		o->what = "signaled";
		o->sig = a;
		o->leftover = b;
	} else {
		o->what = "error";
		line[strcspn(line, "\n")] = '\0';
		snprintf(o->message, sizeof(o->message), "%.500s", line);
	}
}

/* Kills the whole sandbox and says why. */
static void stop_all(const struct config *c, pid_t init, struct outcome *o,
		     const char *why)
{
	o->what = why;
	if (strcmp(why, "timeout") == 0)
		snprintf(o->message, sizeof(o->message), "still running after "
			 "the wall-clock limit of %.1f s", c->wall);
	else if (strcmp(why, "output-limit") == 0)
		snprintf(o->message, sizeof(o->message), "printed more than "
			 "%ld bytes", c->output_cap);
	else if (strcmp(why, "memory-limit") == 0)
		snprintf(o->message, sizeof(o->message), "its processes held "
			 "more than %ld MiB of memory", c->rss_mib);
	else
		snprintf(o->message, sizeof(o->message),
			 "stopped by signal %d: the grader is stopping",
			 (int)stop_signal);
	kill(-init, SIGKILL);   /* the process group, without namespaces */
	kill(init, SIGKILL);    /* and with them, the PID namespace */
}

/* ---- -R: the resident memory of everything the sandbox runs ---------- */

struct proc_link {
	pid_t pid, ppid;
	bool ours;              /* init or one of its descendants */
};

/* A process's pid and its parent's, from /proc/PID/stat. */
static bool read_parent(const char *pid, struct proc_link *m)
{
	char path[300], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');          /* the name may hold anything */
	if (p == NULL || strlen(p) < 5)
		return false;
	m->pid = (pid_t)atol(pid);
	m->ppid = (pid_t)atol(p + 4);   /* ") S 1234 ...": state, parent */
	return true;
}

/* A process's proportional share of resident memory (Pss), in KiB: pages
 * that forked processes share count once in all, not once each. */
static long pss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;               /* gone already */
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Pss: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* Init and all its descendants, into ours[] (at most max); returns how
 * many: the harness's hosts live in PID namespaces of their own, so
 * descent is by parent. */
static size_t sandbox_pids(pid_t init, pid_t *ours, size_t max)
{
	static struct proc_link *all;
	static size_t cap;
	size_t n = 0;
	bool more = true;
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			all = realloc(all, cap * sizeof(*all));
			if (all == NULL)
				die("out of memory");
		}
		if (read_parent(e->d_name, &all[n])) {
			all[n].ours = all[n].pid == init;
			n++;
		}
	}
	closedir(d);
	/* ours[] lists the marked pids (few: the sandbox's process limit);
	 * each pass marks the children of those marked so far */
	size_t nours = 1;

	ours[0] = init;
	while (more) {
		more = false;
		for (size_t i = 0; i < n; i++) {
			for (size_t j = 0; !all[i].ours && j < nours; j++)
				if (all[i].ppid == ours[j] && nours < max) {
					all[i].ours = more = true;
					ours[nours++] = all[i].pid;
				}
		}
	}
	return nours;
}

/* Memory (Pss), in KiB, of init and all its descendants. */
static long sandbox_pss_kib(pid_t init)
{
	pid_t ours[4096];
	size_t nours = sandbox_pids(init, ours, 4096);
	long kib = 0;

	for (size_t i = 0; i < nours; i++)
		kib += pss_kib(ours[i]);
	return kib;
}

/* Copies output and waits for init's report, the deadline or the cap. */
static void supervise(const struct config *c, struct pipes *p, pid_t init,
		      struct outcome *o)
{
	struct stream s[3] = {
		{ p->out[0], open_capture(c->out_path, 1) },
		{ p->err[0], open_capture(c->err_path, 2) },
		{ p->rep[0], open_capture(c->report_path, -1) },
	};
	double deadline = now() + c->wall;
	double last_report = now();     /* -i: the last byte on fd 3 */
	long room = c->output_cap;
	bool status_open = true;
	int open_streams = 3;
	double next_rss = now();

	while (open_streams > 0 || status_open) {
		struct pollfd pf[4];
		double left = deadline - now();
		bool too_big = false, idle = false;

		if (c->idle > 0 && last_report + c->idle - now() < left) {
			left = last_report + c->idle - now();
			idle = true;
		}

		if (c->rss_mib > 0 && now() >= next_rss) {
			too_big = sandbox_pss_kib(init) > c->rss_mib * 1024;
			next_rss = now() + RSS_EVERY;
		}
		if (stop_signal || left <= 0 || room < 0 || too_big) {
			pid_t pids[4096];

			/* how many processes it had: a fork bomb stopped by
			 * the clock is told apart from a loop by this */
			if (!stop_signal && left <= 0 && !c->no_namespaces)
				o->procs = (int)sandbox_pids(init, pids,
							     4096) - 1;
			stop_all(c, init, o, stop_signal ? "interrupted" :
				 left <= 0 ? "timeout" : too_big ?
				 "memory-limit" : "output-limit");
			if (left <= 0 && idle && !stop_signal)
				snprintf(o->message, sizeof(o->message),
					 "no test ended for %.1f s (the idle "
					 "limit)", c->idle);
			break;
		}
		if (c->rss_mib > 0 && left > RSS_EVERY)
			left = RSS_EVERY;       /* wake up to look again */
		for (int i = 0; i < 3; i++)
			pf[i] = (struct pollfd){ s[i].from, POLLIN, 0 };
		pf[3] = (struct pollfd){ status_open ? p->status[0] : -1,
					 POLLIN, 0 };
		if (poll(pf, 4, (int)(left * 1000) + 1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		for (int i = 0; i < 3; i++) {
			ssize_t got;

			if (s[i].from < 0 || !pf[i].revents)
				continue;
			got = pump(&s[i], &room);
			if (got > 0 && i == 2)
				last_report = now();
			if (got <= 0) {
				close(s[i].from);
				s[i].from = -1;
				open_streams--;
			}
		}
		if (status_open && pf[3].revents) {
			read_status_line(p->status[0], o);
			status_open = false;
		}
	}
	for (int i = 0; i < 3; i++)
		if (s[i].to > 2)
			close(s[i].to);
}

static void write_status(const struct config *c, const struct outcome *o)
{
	FILE *f;

	if (c->status_path == NULL)
		return;
	f = fopen(c->status_path, "w");
	if (f == NULL)
		die("cannot write %s: %s", c->status_path, strerror(errno));
	fprintf(f, "{\"outcome\": \"%s\", \"exit_code\": %d, \"signal\": %d,"
		" \"leftover\": %d, \"wall\": %.3f, \"cpu\": %.3f,"
		" \"namespaces\": %s, \"limits\": \"%s\", \"oom_kills\": %d,"
		" \"procs\": %d, \"message\": \"", o->what, o->code, o->sig,
		o->leftover, o->wall, o->cpu,
		c->no_namespaces ? "false" : "true", o->limits, o->oom_kills,
		o->procs);
	for (const char *m = o->message; *m != '\0'; m++)
		if (*m == '"' || *m == '\\')
			fprintf(f, "\\%c", *m);
		else if ((unsigned char)*m >= 0x20)
			fputc(*m, f);
	fprintf(f, "\"}\n");
	fclose(f);
}

static int exit_code_for(const struct outcome *o)
{
	if (strcmp(o->what, "exited") == 0)
		return o->code;
	if (strcmp(o->what, "signaled") == 0)
		return 128 + o->sig;
	if (strcmp(o->what, "timeout") == 0)
		return EXIT_TIMEOUT;
	if (strcmp(o->what, "memory-limit") == 0)
		return EXIT_MEMORY;
	if (strcmp(o->what, "output-limit") == 0)
		return EXIT_OUTPUT;
	return EXIT_SANDBOX;
}

static pid_t start_init(struct config *c, struct pipes *p, bool mapped)
{
	int flags = SIGCHLD;
	pid_t pid;

	if (!c->no_namespaces)
		flags |= CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS |
			 CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;
	pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
	if (pid < 0)
		die("cannot create the namespaces (%s); if unprivileged user "
		    "namespaces are disabled, see grading/README.md",
		    strerror(errno));
	if (pid == 0) {
		close(p->out[0]);
		close(p->err[0]);
		close(p->rep[0]);
		close(p->status[0]);
		init_main(c, p, !c->no_namespaces, mapped);
	}
	return pid;
}

static void make_pipes(struct pipes *p)
{
	if (pipe2(p->out, O_CLOEXEC) < 0 || pipe2(p->err, O_CLOEXEC) < 0 ||
	    pipe2(p->rep, O_CLOEXEC) < 0 || pipe2(p->status, O_CLOEXEC) < 0 ||
	    pipe2(p->go, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	/* The program may reopen fd 3 by name (TK_REPORT=/proc/self/fd/3);
	 * the pipe is ours, so let its (other) uid open it for writing. */
	if (fchmod(p->rep[1], 0622) < 0)
		die("fchmod: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	struct config c;
	struct pipes p;
	struct outcome o = { .what = "error", .limits = "rlimit" };
	struct cgroup cg = { .on = false };
	struct rusage ru;
	bool mapped;
	double start;
	pid_t init;
	int st;

	parse_args(&c, argc, argv);
	mapped = getuid() == 0 && !c.no_namespaces;
	snprintf(o.message, sizeof(o.message), "the sandbox ended early");
	catch_signals();
	/* A grader that dies, even by SIGKILL, takes its sandboxes along:
	 * SIGTERM stops this one as an interruption does. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	make_pipes(&p);
	if (c.cgroup_parent != NULL)
		cgroup_create(&c, &cg);
	start = now();
	init = start_init(&c, &p, mapped);
	close(p.out[1]);
	close(p.err[1]);
	close(p.rep[1]);
	close(p.status[1]);
	close(p.go[0]);
	if (!c.no_namespaces)
		write_id_maps(init, &c, mapped);
	cgroup_attach(&cg, init);
	if (cg.on)
		o.limits = "cgroup";
	if (write_all(p.go[1], cg.on && c.mem_mib > 0 ? "c" : "g", 1) < 0)
		die("starting the sandbox: %s", strerror(errno));
	supervise(&c, &p, init, &o);
	while (wait4(init, &st, 0, &ru) < 0 && errno == EINTR)
		;
	o.wall = now() - start;
	o.cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
		(double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	cgroup_remove(&cg, &o);
	write_status(&c, &o);
	if (strcmp(o.what, "error") == 0)
		fprintf(stderr, "%s\n", o.message);
	return exit_code_for(&o);
}
