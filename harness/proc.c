/*
 * proc.c - programs running in hosts: start, wait for an event with a
 * deadline, signal, reap; their output; zombies they leave.
 *
 * A program runs in a host of a network, or "here" (net NULL): in the
 * sandbox's own network namespace, on loopback.  Programs run here belong
 * to a network of one host, "local", that is never up or down: the test's
 * teardown (hn_down_all) reaps them like any network's.
 *
 * Each program runs in its own session (setsid), so everything it forks
 * shares its session id and can be found, counted and killed even after
 * the program itself is gone.  Output goes to files in the sandbox's
 * tmpfs, so a chatty program never blocks on a full pipe.
 */
#include "hn_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

long hn_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* ---- /proc -------------------------------------------------------------- */

struct pstat {
	char state;
	pid_t ppid, session;
};

static int read_pstat(pid_t pid, struct pstat *ps)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd, pgrp;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');           /* the name may hold spaces */
	if (p == NULL || sscanf(p + 1, " %c %d %d %d", &ps->state, &ps->ppid,
				&pgrp, &ps->session) != 4)
		return -1;
	return 0;
}

/* Calls FN for every process of the sandbox but ourselves. */
static void each_pid(void (*fn)(pid_t, void *), void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		pid_t pid = (pid_t)atoi(e->d_name);

		if (pid > 0 && pid != getpid())
			fn(pid, arg);
	}
	closedir(d);
}

struct ns_scan {
	dev_t dev;
	ino_t ino;
	pid_t *pids;
	int n, max;
};

static void match_ns(pid_t pid, void *arg)
{
	struct ns_scan *s = arg;
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &st) == 0 && st.st_ino == s->ino &&
	    st.st_dev == s->dev && s->n < s->max)
		s->pids[s->n++] = pid;
}

int hn_pids_in_ns(int nsfd, pid_t *pids, int max)
{
	struct ns_scan s = { .pids = pids, .max = max };
	struct stat st;

	if (fstat(nsfd, &st) < 0)
		return 0;
	s.dev = st.st_dev;
	s.ino = st.st_ino;
	each_pid(match_ns, &s);
	return s.n;
}

int hn_wait_pid_gone(pid_t pid, int timeout_ms)
{
	int fd = pidfd_open_(pid), rc;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (fd < 0)
		return 0;                /* already gone */
	rc = poll(&pfd, 1, timeout_ms);
	close(fd);
	return rc == 1 ? 0 : -1;
}

/* ---- reaping ------------------------------------------------------------ */

static hn_proc *find_tracked(hn_net *net, pid_t pid)
{
	hn_proc *p;

	for (p = net->procs; p != NULL; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

void hn_proc_reap(hn_proc *p, bool block)
{
	pid_t r;

	if (p->exited)
		return;
	do
		r = waitpid(p->pid, &p->status, block ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == p->pid || (r < 0 && errno == ECHILD))
		p->exited = true;
}

struct session_scan {
	pid_t session;
	pid_t *pids;
	int n, max;
	bool zombies_only;
};

static void match_session(pid_t pid, void *arg)
{
	struct session_scan *s = arg;
	struct pstat ps;

	if (read_pstat(pid, &ps) == 0 && ps.session == s->session &&
	    pid != s->session && s->n < s->max &&
	    (!s->zombies_only || ps.state == 'Z'))
		s->pids[s->n++] = pid;
}

/* Kills what is left of a program's session and reaps it all. */
static void kill_session(hn_proc *p)
{
	pid_t pids[256];
	struct session_scan s = { .session = p->pid, .pids = pids,
				  .max = 256 };
	int i, round;

	for (round = 0; round < 8; round++) {
		s.n = 0;
		each_pid(match_session, &s);
		if (s.n == 0)
			break;
		for (i = 0; i < s.n; i++)
			kill(pids[i], SIGKILL);
		for (i = 0; i < s.n; i++) {
			hn_wait_pid_gone(pids[i], 2000);
			waitpid(pids[i], NULL, WNOHANG);  /* ours if orphaned */
		}
	}
}

static void proc_free(hn_proc *p)
{
	if (!p->exited) {
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
		hn_proc_reap(p, true);
	}
	kill_session(p);
	if (p->pidfd >= 0)
		close(p->pidfd);
	if (p->stdin_fd >= 0)
		close(p->stdin_fd);
	unlink(p->outpath[0]);
	unlink(p->outpath[1]);
	if (p->peerconf != NULL)
		unlink(p->peerconf);
	if (p->peerdir != NULL)
		rmdir(p->peerdir);
	free(p->peerconf);
	free(p->peerdir);
	free(p->text[0]);
	free(p->text[1]);
	while (p->retired != NULL) {
		struct hn_text *t = p->retired;

		p->retired = t->next;
		free(t->text);
		free(t);
	}
	free(p->name);
	free(p);
}

/* Removes P from its network's list and frees it. */
static void forget(hn_net *net, hn_proc *p)
{
	hn_proc **pp;

	for (pp = &net->procs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	proc_free(p);
}

void hn_procs_free(hn_net *net)
{
	while (net->procs != NULL) {
		hn_proc *p = net->procs;

		net->procs = p->next;
		proc_free(p);
	}
}

/* The network of programs run here: one host, "local", whose namespace is
 * the sandbox's own. */
static hn_net local_net;

static hn_net *local(void)
{
	if (local_net.t.nhosts == 0) {
		strcpy(local_net.t.hosts[0].name, "local");
		local_net.t.hosts[0].nsfd = hn_sandbox_nsfd();
		local_net.t.nhosts = 1;
		local_net.fabric_nsfd = -1;
	}
	return &local_net;
}

void hn_local_procs_free(void)
{
	hn_procs_free(&local_net);
}

int hn_host_kill_all(hn_net *net, int h, int sig)
{
	pid_t pids[256];
	int n, i, round;

	for (round = 0; round < 8; round++) {
		n = hn_pids_in_ns(net->t.hosts[h].nsfd, pids, 256);
		if (n == 0)
			return 0;
		for (i = 0; i < n; i++)
			kill(pids[i], sig);
		if (sig != SIGKILL)
			return n;
		for (i = 0; i < n; i++) {
			hn_proc *p = find_tracked(net, pids[i]);

			hn_wait_pid_gone(pids[i], 2000);
			if (p != NULL)
				hn_proc_reap(p, true);
		}
	}
	return 0;
}

/* ---- starting ----------------------------------------------------------- */

/* Finds PROG as the kernel's execvp would; returns a malloc'd path. */
static char *resolve(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *found = NULL;

	if (strchr(prog, '/') != NULL)
		return access(prog, X_OK) == 0 ? strdup(prog) : NULL;
	copy = strdup(path != NULL ? path : "/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir != NULL && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *cand;

		if (asprintf(&cand, "%s/%s", dir, prog) < 0)
			break;
		if (access(cand, X_OK) == 0)
			found = cand;
		else
			free(cand);
	}
	free(copy);
	return found;
}

static int no_program(const char *prog, const char *host)
{
	if (strchr(prog, '/') == NULL)
		return hn_err("no program \"%s\" on $PATH for host %s: "
			      "install the Debian package that has it", prog,
			      host);
	return hn_err("no program %s for host %s: %s", prog, host,
		      access(prog, F_OK) == 0 ? "it is not executable" :
		      "build it first (make all, or make lab-NN)");
}

/* The program's stdin: a memfd holding the data, a file, or a pipe. */
static int open_stdin(hn_proc *p, const struct hn_spawn_opts *o, int *fd)
{
	int pp[2];

	if (o != NULL && o->stdin_data != NULL) {
		size_t len = o->stdin_len ? o->stdin_len
					  : strlen(o->stdin_data);

		*fd = memfd_create("hn-stdin", MFD_CLOEXEC);
		if (*fd < 0 || write(*fd, o->stdin_data, len) != (ssize_t)len)
			return hn_err("cannot hold stdin: %s", strerror(errno));
		lseek(*fd, 0, SEEK_SET);
		return 0;
	}
	if (o != NULL && o->stdin_file != NULL) {
		*fd = open(o->stdin_file, O_RDONLY | O_CLOEXEC);
		if (*fd < 0)
			return hn_err("cannot open stdin file %s: %s",
				      o->stdin_file, strerror(errno));
		return 0;
	}
	if (pipe2(pp, O_CLOEXEC) < 0)
		return hn_err("pipe: %s", strerror(errno));
	*fd = pp[0];
	p->stdin_fd = pp[1];
	return 0;
}

static char **build_env(const struct hn_spawn_opts *o)
{
	size_t n = 0, extra = 0, i;
	char **env;

	while (environ[n] != NULL)
		n++;
	while (o != NULL && o->env != NULL && o->env[extra] != NULL)
		extra++;
	env = calloc(n + extra + 1, sizeof(*env));
	for (i = 0; i < extra; i++)
		env[i] = o->env[i];
	for (i = 0; i < n; i++)
		env[extra + i] = environ[i];
	return env;
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void __attribute__((noreturn))
child(int nsfd, int in, int out, int err, int errpipe, const char *path,
      char *const argv[], char **env, const char *cwd)
{
	sigset_t none;
	int e;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);       /* the test ignores it; programs
					   get the kernel's default */
	setsid();
	if (setns(nsfd, CLONE_NEWNET) < 0 || dup2(in, 0) < 0 ||
	    dup2(out, 1) < 0 || dup2(err, 2) < 0 ||
	    (cwd != NULL && chdir(cwd) < 0))
		goto fail;
	/* The program gets stdin, stdout and stderr, nothing else of the
	 * test's: a capture file or a socket of the test kept open in it
	 * would hide the program's own mistakes (a connection it closed
	 * would stay open).  Close-on-exec, so errpipe still reports. */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		goto fail;
	execve(path, argv, env);
fail:
	e = errno;
	if (write(errpipe, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static int open_outputs(hn_proc *p, int fds[2])
{
	static int counter;
	int i;

	counter++;
	for (i = 0; i < 2; i++) {
		snprintf(p->outpath[i], sizeof(p->outpath[i]),
			 "%s/hn-%d-%s", hn_tmpdir(), counter,
			 i == 0 ? "out" : "err");
		fds[i] = open(p->outpath[i], O_WRONLY | O_CREAT | O_TRUNC |
			      O_APPEND | O_CLOEXEC, 0600);
		if (fds[i] < 0)
			return hn_err("cannot create %s: %s", p->outpath[i],
				      strerror(errno));
	}
	return 0;
}

static int start(hn_proc *p, const char *path, char *const argv[],
		 const struct hn_spawn_opts *o)
{
	int in = -1, out[2] = { -1, -1 }, ep[2], e = 0, rc = 0;
	char **env;
	ssize_t n;

	if (open_stdin(p, o, &in) < 0 || open_outputs(p, out) < 0 ||
	    pipe2(ep, O_CLOEXEC) < 0) {
		rc = -1;
		goto out;
	}
	env = build_env(o);
	p->pid = fork();
	if (p->pid == 0)
		child(p->net->t.hosts[p->host].nsfd, in, out[0], out[1],
		      ep[1], path, argv, env, o != NULL ? o->cwd : NULL);
	free(env);
	close(ep[1]);
	n = p->pid < 0 ? -1 : read(ep[0], &e, sizeof(e));
	close(ep[0]);
	if (p->pid < 0 || n > 0) {
		if (p->pid > 0)
			waitpid(p->pid, NULL, 0);
		p->exited = true;
		rc = hn_err("cannot run %s in host %s: %s", path,
			    p->net->t.hosts[p->host].name,
			    strerror(p->pid < 0 ? errno : e));
	} else
		p->pidfd = pidfd_open_(p->pid);
out:
	if (in >= 0)
		close(in);
	if (out[0] >= 0)
		close(out[0]);
	if (out[1] >= 0)
		close(out[1]);
	return rc;
}

static hn_proc *spawn(hn_net *net, const char *host, char *const argv[],
		      const struct hn_spawn_opts *opts)
{
	char *path;
	hn_proc *p;
	int h;

	if (net == NULL) {
		net = local();
		host = "local";
	}
	h = hn_host_find(&net->t, host);

	if (h < 0) {
		hn_no_host(net, host);
		return NULL;
	}
	path = resolve(argv[0]);
	if (path == NULL) {
		no_program(argv[0], host);
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	p->net = net;
	p->host = h;
	p->pidfd = p->stdin_fd = -1;
	p->name = strdup(argv[0]);
	p->next = net->procs;
	net->procs = p;
	if (start(p, path, argv, opts) < 0) {
		free(path);
		return NULL;
	}
	free(path);
	return p;
}

hn_proc *hn_spawn(hn_net *net, const char *host, char *const argv[],
		  const struct hn_spawn_opts *opts)
{
	return hn_check_ptr(spawn(net, host, argv, opts));
}

hn_proc *hn_vrun(hn_net *net, const char *host, const char *prog,
		 va_list args)
{
	const char *argv[64];
	int n = 0;

	argv[n++] = prog;
	while (n < 63 && (argv[n] = va_arg(args, const char *)) != NULL)
		n++;
	argv[n] = NULL;
	return hn_spawn(net, host, (char *const *)argv, NULL);
}

hn_proc *hn_run(hn_net *net, const char *host, const char *prog, ...)
{
	va_list ap;
	hn_proc *p;

	va_start(ap, prog);
	p = hn_vrun(net, host, prog, ap);
	va_end(ap);
	return p;
}

/* ---- output ------------------------------------------------------------- */

/* Keeps TEXT until the program is freed, so that every pointer
 * hn_stdout() and hn_stderr() gave stays valid until the test ends. */
static void retire(hn_proc *p, char *text)
{
	struct hn_text *t;

	if (text == NULL)
		return;
	t = malloc(sizeof(*t));
	if (t == NULL)
		abort();
	t->text = text;
	t->next = p->retired;
	p->retired = t;
}

static const char *slurp_output(hn_proc *p, int which)
{
	int fd = open(p->outpath[which], O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n = 0;
	char *text;

	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		st.st_size = 0;
		fd = -1;
	}
	/* the file only grows (O_APPEND): same size, same text */
	if (p->text[which] != NULL &&
	    strlen(p->text[which]) == (size_t)st.st_size) {
		if (fd >= 0)
			close(fd);
		return p->text[which];
	}
	text = malloc((size_t)st.st_size + 1);
	if (text == NULL)
		abort();
	if (fd >= 0) {
		n = read(fd, text, (size_t)st.st_size);
		close(fd);
	}
	text[n > 0 ? n : 0] = '\0';
	retire(p, p->text[which]);
	p->text[which] = text;
	return text;
}

const char *hn_stdout(hn_proc *p)
{
	return slurp_output(p, 0);
}

const char *hn_stderr(hn_proc *p)
{
	return slurp_output(p, 1);
}

/* The last N lines of TEXT. */
static const char *last_lines(const char *text, int n)
{
	const char *p = text + strlen(text);

	if (p > text && p[-1] == '\n')
		p--;
	while (p > text && n > 0) {
		p--;
		if (*p == '\n')
			n--;
	}
	return n == 0 ? p + 1 : p;
}

const char *hn_proc_tail(hn_proc *p)
{
	static char tail[2048];
	const char *out = last_lines(hn_stdout(p), 8);
	const char *err = last_lines(hn_stderr(p), 8);

	snprintf(tail, sizeof(tail), "%s%s%s%s",
		 *out ? "\n  stdout: " : "\n  (no stdout)", out,
		 *err ? "\n  stderr: " : "\n  (no stderr)", err);
	return tail;
}

pid_t hn_pid(const hn_proc *p)
{
	return p->pid;
}

/* ---- waiting ------------------------------------------------------------ */

static const char *how_it_ended(hn_proc *p)
{
	static char how[64];

	if (WIFEXITED(p->status))
		snprintf(how, sizeof(how), "it exited with status %d",
			 WEXITSTATUS(p->status));
	else
		snprintf(how, sizeof(how), "it was killed by signal %d (%s)",
			 WTERMSIG(p->status), strsignal(WTERMSIG(p->status)));
	return how;
}

static int waited_in_vain(hn_proc *p, const char *what, int timeout_ms)
{
	hn_proc_reap(p, false);
	return hn_err("waited %d ms for %s in host %s to %s%s; %s. Its last "
		      "output:%s", timeout_ms, p->name,
		      p->net->t.hosts[p->host].name, what, hn_idle_note(),
		      p->exited ? how_it_ended(p) : "it is still running",
		      hn_proc_tail(p));
}

/* Waits up to MS for the program to exit, in naps of at most NAP ms. */
static bool exit_in_naps(hn_proc *p, int ms, int nap)
{
	struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };

	if (p->exited)
		return true;
	if (p->pidfd >= 0 && poll(&pfd, 1, ms < nap ? ms : nap) == 1)
		hn_proc_reap(p, true);
	return p->exited;
}

/* Waits up to MS for the program to exit (or just checks, MS 0); in the
 * VM, not past the moment it fell idle (hn_give_up_when_idle). */
static bool exited_within(hn_proc *p, int ms)
{
	long deadline = hn_now_ms() + ms;
	hn_idle w;

	if (ms <= 0)
		return exit_in_naps(p, 0, 0);
	hn_idle_start(&w);
	for (;;) {
		long left = deadline - hn_now_ms();

		if (exit_in_naps(p, left < 0 ? 0 : (int)left,
				 hn_idle_nap(&w, (int)left)) ||
		    hn_now_ms() >= deadline || hn_idle_over(&w))
			return p->exited;
	}
}

int hn_wait_exit(hn_proc *p, int timeout_ms)
{
	if (!exited_within(p, timeout_ms))
		return hn_check(waited_in_vain(p, "exit", timeout_ms));
	return p->status;
}

int hn_exit_status(hn_proc *p)
{
	return exited_within(p, 0) ? p->status : -1;
}

static const char *proto_file(int proto, int v6)
{
	if (proto == IPPROTO_TCP)
		return v6 ? "tcp6" : "tcp";
	if (proto == IPPROTO_UDP)
		return v6 ? "udp6" : "udp";
	return v6 ? NULL : "sctp/eps";
}

/* Is anything in the current namespace listening on PORT? */
static bool port_in_table(int proto, int port, int v6)
{
	char path[64], line[512];
	const char *name = proto_file(proto, v6);
	FILE *f;
	bool found = false;

	if (name == NULL)
		return false;
	snprintf(path, sizeof(path), "/proc/thread-self/net/%s", name);
	f = fopen(path, "re");
	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		unsigned lport, st;
		int lp;

		if (proto == IPPROTO_SCTP) {
			/* ENDPT SOCK STY SST HBKT LPORT: the 6th (the
			 * pointers may read "(____ptrval____)") */
			found = sscanf(line, "%*s %*s %*d %*d %*d %d",
				       &lp) == 1 && lp == port;
			continue;
		}
		if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x",
			   &lport, &st) != 2)
			continue;
		found = (int)lport == port &&
			(proto == IPPROTO_UDP || st == 0x0A);
	}
	fclose(f);
	return found;
}

static bool port_listening(hn_proc *p, int proto, int port)
{
	bool yes;

	if (hn_ns_enter(p->net->t.hosts[p->host].nsfd) < 0)
		return false;
	yes = port_in_table(proto, port, 0) || port_in_table(proto, port, 1);
	hn_ns_leave();
	return yes;
}

int hn_wait_port(hn_proc *p, int proto, int port, int timeout_ms)
{
	long deadline = hn_now_ms() + timeout_ms;
	int pause = 1;
	char what[64];
	hn_idle w;

	hn_idle_start(&w);
	snprintf(what, sizeof(what), "listen on %s port %d",
		 proto == IPPROTO_TCP ? "TCP" : proto == IPPROTO_UDP ? "UDP"
		 : "SCTP", port);
	for (;;) {
		long left = deadline - hn_now_ms();

		if (port_listening(p, proto, port))
			return 0;
		if (p->exited || left <= 0 || hn_idle_over(&w))
			return hn_check(waited_in_vain(p, what, timeout_ms));
		/* no notification exists for "a socket started listening":
		 * look again soon, but wake at once if the program exits */
		exit_in_naps(p, (int)(left < pause ? left : pause), pause);
		pause = pause < 16 ? pause * 2 : 16;
	}
}

/* Does any complete line of TEXT (or the last, if FINAL) match RE? */
static bool line_matches(const char *text, regex_t *re, bool final)
{
	const char *line = text;

	while (*line != '\0') {
		const char *nl = strchr(line, '\n');
		char *copy;
		bool hit;

		if (nl == NULL && !final)
			return false;
		copy = strndup(line, nl != NULL ? (size_t)(nl - line)
			       : strlen(line));
		hit = regexec(re, copy, 0, NULL, 0) == 0;
		free(copy);
		if (hit)
			return true;
		if (nl == NULL)
			break;
		line = nl + 1;
	}
	return false;
}

/* Waits until DONE(p, arg, final) holds, where FINAL says the program
 * has exited (its output is complete), or until the deadline: inotify
 * wakes it when the output files grow, the pidfd when the program ends.
 * Returns whether it held. */
static bool wait_output(hn_proc *p, bool (*done)(hn_proc *, void *, bool),
			void *arg, int timeout_ms)
{
	long deadline = hn_now_ms() + timeout_ms;
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	char junk[4096];
	bool held;
	hn_idle w;

	hn_idle_start(&w);
	inotify_add_watch(in, p->outpath[0], IN_MODIFY);
	inotify_add_watch(in, p->outpath[1], IN_MODIFY);
	for (;;) {
		struct pollfd pfd[2] = { { .fd = in, .events = POLLIN },
					 { .fd = p->pidfd, .events = POLLIN } };
		long left = deadline - hn_now_ms();

		held = done(p, arg, p->exited);
		if (held || p->exited || left <= 0 || hn_idle_over(&w))
			break;
		if (poll(pfd, p->pidfd >= 0 ? 2 : 1,
			 hn_idle_nap(&w, (int)left)) > 0 &&
		    (pfd[1].revents & POLLIN))
			hn_proc_reap(p, true);
		while (read(in, junk, sizeof(junk)) > 0)
			;
	}
	close(in);
	return held;
}

static bool output_matches(hn_proc *p, void *re, bool final)
{
	return line_matches(hn_stdout(p), re, final) ||
	       line_matches(hn_stderr(p), re, final);
}

int hn_wait_line(hn_proc *p, const char *regex, int timeout_ms)
{
	char what[256];
	regex_t re;
	bool seen;

	if (regcomp(&re, regex, REG_EXTENDED | REG_NOSUB) != 0)
		return hn_check(hn_err("bad regular expression \"%s\"", regex));
	seen = wait_output(p, output_matches, &re, timeout_ms);
	regfree(&re);
	if (seen)
		return 0;
	snprintf(what, sizeof(what), "print a line matching /%s/", regex);
	return hn_check(waited_in_vain(p, what, timeout_ms));
}

struct next_line {
	const char *needle;
	char *line;                 /* the line found, malloc'd */
};

/* Is there a complete line of stdout, after those consumed, that holds
 * the needle?  Lines looked at are consumed. */
static bool next_line_found(hn_proc *p, void *arg, bool final)
{
	struct next_line *want = arg;
	const char *out = hn_stdout(p), *line, *nl;

	(void)final;
	if (p->seen > strlen(out))
		return false;
	for (line = out + p->seen; (nl = strchr(line, '\n')) != NULL;
	     line = nl + 1) {
		size_t len = (size_t)(nl - line);

		p->seen += len + 1;
		want->line = strndup(line, len);
		if (strstr(want->line, want->needle) != NULL)
			return true;
		free(want->line);
		want->line = NULL;
	}
	return false;
}

char *hn_next_line(hn_proc *p, const char *needle, int timeout_ms)
{
	struct next_line want = { .needle = needle };

	wait_output(p, next_line_found, &want, timeout_ms);
	return want.line;
}

static bool stderr_holds(hn_proc *p, void *needle, bool final)
{
	(void)final;
	return strstr(hn_stderr(p), needle) != NULL;
}

int hn_stderr_has(hn_proc *p, const char *needle, int timeout_ms)
{
	return wait_output(p, stderr_holds, (void *)needle, timeout_ms);
}

int hn_exited_within(hn_proc *p, int timeout_ms)
{
	return exited_within(p, timeout_ms) ? p->status : -1;
}

/* ---- signals and the rest ----------------------------------------------- */

int hn_signal(hn_proc *p, int sig)
{
	hn_proc_reap(p, false);
	if (p->exited)
		return hn_check(hn_err("cannot signal %s in host %s: %s",
				       p->name, p->net->t.hosts[p->host].name,
				       how_it_ended(p)));
	kill(p->pid, sig);
	return 0;
}

int hn_proc_kill(hn_proc *p, int sig)
{
	return hn_signal(p, sig);
}

int hn_kill(hn_proc *p)
{
	if (!p->exited) {
		kill(p->pid, SIGKILL);
		hn_proc_reap(p, true);
	}
	return p->status;
}

struct zombie_scan {
	pid_t parent, session;
	int n;
};

static void count_zombie(pid_t pid, void *arg)
{
	struct zombie_scan *z = arg;
	struct pstat ps;

	if (read_pstat(pid, &ps) < 0)
		return;
	if (ps.state == 'Z' && ps.ppid == z->parent)
		z->n++;
	else if (z->session > 0 && ps.session == z->session &&
		 pid != z->session)
		z->n++;
}

int hn_zombies(hn_proc *p)
{
	struct zombie_scan z = { .parent = p->pid };

	hn_proc_reap(p, false);
	if (p->exited)
		z.session = p->pid;      /* orphans it left behind */
	each_pid(count_zombie, &z);
	return z.n;
}

int hn_write_stdin(hn_proc *p, const void *buf, size_t len)
{
	size_t done = 0;

	if (p->stdin_fd < 0)
		return hn_check(hn_err("%s's stdin is not a pipe (it was "
				       "given data or a file)", p->name));
	if (len == 0) {
		close(p->stdin_fd);
		p->stdin_fd = -1;
		return 0;
	}
	while (done < len) {
		ssize_t n = write(p->stdin_fd, (const char *)buf + done,
				  len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return hn_check(hn_err("writing to %s's stdin: %s",
					       p->name, strerror(errno)));
		done += (size_t)n;
	}
	return 0;
}

/* Writes what it can of BUF to a stdin pipe without blocking; a reader
 * that has gone gives EPIPE, never a SIGPIPE (the test ignores it, see
 * hn_init).  Returns the bytes written, 0 if the pipe is full, -1 when
 * nobody reads any more. */
static ssize_t feed_some(hn_proc *p, const char *buf, size_t len)
{
	ssize_t n = write(p->stdin_fd, buf, len > 65536 ? 65536 : len);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	return n;
}

int hn_feed(hn_proc *p, const void *buf, size_t len, int timeout_ms)
{
	long deadline = hn_now_ms() + timeout_ms;
	const char *next = buf;
	int rc = 0;

	if (p->stdin_fd < 0)
		return -1;
	fcntl(p->stdin_fd, F_SETFL, O_NONBLOCK);
	while (len > 0) {
		struct pollfd pfd = { .fd = p->stdin_fd, .events = POLLOUT };
		long left = deadline - hn_now_ms();
		ssize_t n;

		if (left <= 0) {
			rc = -1;
			break;
		}
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = feed_some(p, next, len);
		if (n < 0)
			break;          /* it closed its stdin: fine */
		next += n;
		len -= (size_t)n;
	}
	close(p->stdin_fd);
	p->stdin_fd = -1;
	return rc;
}

/* ---- one-shot shell commands -------------------------------------------- */

int hn_sh(hn_net *net, const char *host, int timeout_ms, char **out,
	  const char *fmt, ...)
{
	char *cmd, *argv[4];
	hn_proc *p;
	va_list ap;
	int status;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = cmd;
	argv[3] = NULL;
	p = spawn(net, host, argv, NULL);
	free(cmd);
	if (p == NULL)
		return hn_check(-1);
	hn_write_stdin(p, NULL, 0);
	if (!exited_within(p, timeout_ms))
		return hn_check(waited_in_vain(p, "finish", timeout_ms));
	status = p->status;
	if (out != NULL)
		*out = strdup(hn_stdout(p));
	forget(p->net, p);      /* net may be NULL: here */
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
