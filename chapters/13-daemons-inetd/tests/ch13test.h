/*
 * ch13test.h - what chapter 13's suites share: a /dev of the test's own
 * (so that a real syslogd can own /dev/log), that syslogd, a terminal
 * (a pseudo-terminal with a "shell" whose controlling terminal it is)
 * to start daemons from, and a daemon's state as /proc shows it.
 */
#ifndef CH13TEST_H
#define CH13TEST_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>

#define CH13 "13-daemons-inetd"
#define CH13_HELPER static __attribute__((unused))

/* ---- a /dev of our own ------------------------------------------------- */

/*
 * The test binary has its own mount namespace (hn_init), so it can put a
 * tmpfs on /dev, where a syslogd may make /dev/log, the socket glibc's
 * syslog() always writes to.  What programs need from the real /dev is
 * bind-mounted back, from a descriptor of it kept open across the mount.
 */
CH13_HELPER void ch13_private_dev(void)
{
	static const char *const nodes[] = { "null", "zero", "full",
		"random", "urandom", "tty" };
	static const char *const dirs[] = { "shm", "net" };
	char from[64], to[64];
	size_t i;
	int old = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC), fd;

	if (old < 0 || mount("tmpfs", "/dev", "tmpfs", MS_NOSUID,
			     "mode=755") < 0) {
		fprintf(stderr, "cannot mount a tmpfs on /dev: %s\n",
			strerror(errno));
		exit(77);
	}
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(from, sizeof(from), "/proc/self/fd/%d/%s", old,
			 nodes[i]);
		snprintf(to, sizeof(to), "/dev/%s", nodes[i]);
		if ((fd = open(to, O_CREAT | O_WRONLY | O_CLOEXEC, 0666)) >= 0)
			close(fd);
		mount(from, to, NULL, MS_BIND, NULL);
	}
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(from, sizeof(from), "/proc/self/fd/%d/%s", old,
			 dirs[i]);
		snprintf(to, sizeof(to), "/dev/%s", dirs[i]);
		mkdir(to, 0755);
		mount(from, to, NULL, MS_BIND | MS_REC, NULL);
	}
	/* pseudo-terminals of our own: a new devpts instance */
	mkdir("/dev/pts", 0755);
	if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") < 0)
		fprintf(stderr, "cannot mount devpts: %s\n", strerror(errno));
	if (symlink("pts/ptmx", "/dev/ptmx") < 0 ||
	    symlink("/proc/self/fd", "/dev/fd") < 0 ||
	    symlink("/proc/self/fd/0", "/dev/stdin") < 0 ||
	    symlink("/proc/self/fd/1", "/dev/stdout") < 0 ||
	    symlink("/proc/self/fd/2", "/dev/stderr") < 0)
		fprintf(stderr, "symlinks in /dev: %s\n", strerror(errno));
	close(old);
}

/* ---- a real syslog daemon ---------------------------------------------- */

/* busybox's syslogd, in the foreground, writing every message it gets
 * on /dev/log to its stdout ("Dec  6 04:28:56 vm local3.notice
 * daytimed[7]: listening on port 40123"), where the test reads it. */
CH13_HELPER hn_proc *ch13_syslogd(void)
{
	hn_proc *p = hn_run(NULL, NULL, "/bin/busybox", "syslogd", "-n",
			    "-O", "-", NULL);
	struct stat st;
	long long end = tk_now_ms() + 3000;

	TK_EXPECT(hn_wait_line(p, "syslogd started", 3000) == 0,
		  "busybox syslogd did not start: %s", hn_stderr(p));
	while (stat("/dev/log", &st) < 0 || !S_ISSOCK(st.st_mode)) {
		TK_EXPECT(tk_now_ms() < end, "syslogd made no /dev/log");
		tk_tick();
	}
	return p;
}

/* The next message syslogd wrote that holds NEEDLE (malloc'd), or NULL
 * after ms. */
CH13_HELPER char *ch13_logged(hn_proc *syslogd, const char *needle, int ms)
{
	return hn_next_line(syslogd, needle, ms);
}

/* The PID in "name[PID]: " of a syslog line, or -1. */
CH13_HELPER pid_t ch13_logged_pid(const char *line, const char *name)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), " %s[", name);
	if (line == NULL || (p = strstr(line, key)) == NULL)
		return -1;
	return (pid_t)atoi(p + strlen(key));
}

/* A syslog line without its time and host: "local3.notice x[PID]: m". */
CH13_HELPER char *ch13_scrubbed(const char *line)
{
	char *s = strdup(line);

	s = tk_scrub(s, "^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [^ ]+ ", "");
	return tk_scrub(s, "\\[[0-9]+\\]", "[PID]");
}

/* The same, freeing LINE. */
CH13_HELPER char *ch13_scrubbed_free(char *line)
{
	char *s = ch13_scrubbed(line);

	free(line);
	return s;
}

/* ---- processes the test must end itself -------------------------------- */

/* Daemons leave the session hn_run gave their parent, so the harness
 * does not know them: the test kills them (they are its children once
 * orphaned, the test being init of its PID namespace). */
static pid_t ch13_pids[32];
static int ch13_npids;

CH13_HELPER void ch13_track(pid_t pid)
{
	if (pid > 0 && ch13_npids < 32)
		ch13_pids[ch13_npids++] = pid;
}

CH13_HELPER void ch13_end_all(void)
{
	int i;

	for (i = 0; i < ch13_npids; i++) {
		kill(ch13_pids[i], SIGKILL);
		waitpid(ch13_pids[i], NULL, 0);
	}
	ch13_npids = 0;
}

/* How pid ended (a wait status), waiting up to ms: -1 if it runs on.
 * A daemon becomes our child (we are the subreaper) only once the
 * parent that forked it has exited, which may still be under way (a
 * sanitizer's exit takes a while): ECHILD until then. */
CH13_HELPER int ch13_ended(pid_t pid, int ms)
{
	long long end = tk_now_ms() + ms;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if ((r < 0 && errno != ECHILD) || tk_now_ms() >= end)
			return -1;
		tk_tick();
	}
}

/* ---- a terminal and a shell -------------------------------------------- */

struct ch13_term {
	int master;             /* the terminal emulator's side */
	char slave[64];         /* /dev/pts/N */
	pid_t shell;            /* session leader, controlling process */
	int status_fd;          /* the job's wait status comes here */
};

/* Closes every descriptor above 2 but A and B. */
static inline void keep_only(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > 3)
		close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0U, 0);
}

/*
 * Opens a pseudo-terminal and starts a "shell" on it: a session leader
 * whose controlling terminal it is.  The shell runs JOB(ARG) in a child
 * of its own, in a process group of its own in the foreground, with the
 * terminal as 0, 1 and 2, in directory CWD with umask 027, and with a
 * descriptor open at 100 that no daemon should keep.  The job's wait
 * status comes back on t->status_fd; the shell lives on until killed.
 */
CH13_HELPER void ch13_term_start(struct ch13_term *t, const char *cwd,
				 void (*job)(void *), void *arg)
{
	int pfd[2], fd;
	pid_t job_pid;

	t->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	TK_EXPECT(t->master >= 0 && grantpt(t->master) == 0 &&
		  unlockpt(t->master) == 0 &&
		  ptsname_r(t->master, t->slave, sizeof(t->slave)) == 0,
		  "no pseudo-terminal: %s", strerror(errno));
	TK_EXPECT(pipe2(pfd, O_CLOEXEC) == 0, "pipe: %s", strerror(errno));
	if ((t->shell = fork()) == 0) {
		sigset_t none;
		int sig;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (sig = 1; sig < NSIG; sig++)  /* the test's handlers go */
			signal(sig, SIG_DFL);
		setsid();
		fd = open(t->slave, O_RDWR);    /* our controlling tty */
		ioctl(fd, TIOCSCTTY, 0);
		keep_only(fd, pfd[1]);  /* nothing else of the test's */
		if ((job_pid = fork()) == 0) {
			setpgid(0, 0);
			signal(SIGTTOU, SIG_IGN);
			tcsetpgrp(fd, getpid());
			signal(SIGTTOU, SIG_DFL);
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			dup2(fd, 100);
			close(pfd[1]);
			if (chdir(cwd) < 0)
				_exit(126);
			umask(027);
			job(arg);
			_exit(127);
		}
		setpgid(job_pid, job_pid);
		int status;

		while (waitpid(job_pid, &status, 0) < 0 && errno == EINTR)
			;
		if (write(pfd[1], &status, sizeof(status)) < 0)
			_exit(1);
		for (;;)
			pause();
	}
	TK_EXPECT(t->shell > 0, "fork: %s", strerror(errno));
	ch13_track(t->shell);
	close(pfd[1]);
	t->status_fd = pfd[0];
}

/* A pseudo-terminal that is nobody's controlling terminal yet (as a
 * console is to a daemon): its master, its slave's path in SLAVE. */
CH13_HELPER int ch13_bare_pty(char *slave, size_t len)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	TK_EXPECT(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0 &&
		  ptsname_r(m, slave, len) == 0, "no pseudo-terminal: %s",
		  strerror(errno));
	return m;
}

/* The job's wait status once it ended (the prompt is back), or -1 if it
 * still runs after ms. */
CH13_HELPER int ch13_job_status(struct ch13_term *t, int ms)
{
	int status;

	if (tk_read_n(t->status_fd, &status, sizeof(status), ms) !=
	    sizeof(status))
		return -1;
	return status;
}

CH13_HELPER void ch13_term_close(struct ch13_term *t)
{
	if (t->master >= 0)
		close(t->master);       /* the terminal hangs up */
	t->master = -1;
	close(t->status_fd);
}

/* A job: exec argv (a NULL-ended char *[]). */
CH13_HELPER void ch13_exec_job(void *argv)
{
	char **a = argv;

	execv(a[0], a);
}

/* ---- a process as /proc shows it --------------------------------------- */

struct ch13_facts {
	pid_t ppid, pgrp, sid;
	int tty_nr;
	char cwd[256];
	int umask;              /* -1: unknown */
};

CH13_HELPER bool ch13_facts_of(pid_t pid, struct ch13_facts *f)
{
	char path[64], buf[1024], *p;
	FILE *fp;
	ssize_t n;
	int fd;

	memset(f, 0, sizeof(*f));
	f->umask = -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY)) < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %d %d %d %d", &f->ppid, &f->pgrp, &f->sid,
		   &f->tty_nr) != 4)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)pid);
	n = readlink(path, f->cwd, sizeof(f->cwd) - 1);
	f->cwd[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fp = fopen(path, "r")) != NULL) {
		while (fgets(buf, sizeof(buf), fp) != NULL)
			if (sscanf(buf, "Umask: %o", (unsigned *)&f->umask)
			    == 1)
				break;
		fclose(fp);
	}
	return true;
}

/* PID's parent once it is init (this test, PID 1 of its namespace), or
 * whatever it still is after ms: the session leader that daemon_init()
 * leaves may not have finished exiting when the daemon first runs. */
CH13_HELPER pid_t ch13_parent_settled(pid_t pid, int ms)
{
	long long end = tk_now_ms() + ms;
	struct ch13_facts f;

	for (;;) {
		if (!ch13_facts_of(pid, &f))
			return -1;
		if (f.ppid == getpid() || tk_now_ms() >= end)
			return f.ppid;
		tk_tick();
	}
}

/* What descriptor FD of PID is ("/dev/null", "socket:[123]"), or "" if
 * it is not open. */
CH13_HELPER const char *ch13_fd_target(pid_t pid, int fd)
{
	static char bufs[4][256];
	static int next;
	char *b = bufs[next++ % 4], path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	n = readlink(path, b, sizeof(bufs[0]) - 1);
	b[n > 0 ? n : 0] = '\0';
	return b;
}

/* The open flags of descriptor FD of PID (from fdinfo), or -1. */
CH13_HELPER int ch13_fd_flags(pid_t pid, int fd)
{
	char path[64], line[256];
	FILE *fp;
	int flags = -1;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "flags: %o", (unsigned *)&flags) == 1)
			break;
	fclose(fp);
	return flags;
}

/* The descriptors of PID other than 0, 1 and 2 that are not sockets,
 * as "5 -> /tmp/x, 100 -> /dev/pts/0" (empty: none). */
CH13_HELPER const char *ch13_other_fds(pid_t pid)
{
	static char out[1024];
	char path[64];
	struct dirent *e;
	DIR *d;
	size_t len = 0;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return out;
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);
		const char *to;

		if (e->d_name[0] == '.' || fd <= 2)
			continue;
		to = ch13_fd_target(pid, fd);
		if (strncmp(to, "socket:", 7) == 0)
			continue;
		len += (size_t)snprintf(out + len, sizeof(out) - len,
					"%s%d -> %s", len ? ", " : "", fd,
					to);
		if (len >= sizeof(out) - 64)
			break;
	}
	closedir(d);
	return out;
}

#endif /* CH13TEST_H */
