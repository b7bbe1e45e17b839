/*
 * tkhelpers.c - the helpers the tests of several chapters share.  See
 * tkhelpers.h.
 */
#include "tkhelpers.h"
#include "hn_int.h"         /* a program's name (hn_proc) */

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/tcp.h>        /* TCP_LISTEN */
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

/* ---- programs ---------------------------------------------------------- */

hn_proc *tk_run(const char *ch, const char *name, ...)
{
	va_list ap;
	hn_proc *p;

	va_start(ap, name);
	p = hn_vrun(NULL, NULL, tk_prog(ch, name), ap);
	va_end(ap);
	return p;
}

/* The request for one socket (no dump): the addresses of fd, swapped. */
static bool peer_request(int fd, struct inet_diag_req_v2 *req)
{
	struct sockaddr_storage me, peer;
	socklen_t len = sizeof(me), plen = sizeof(peer);

	memset(req, 0, sizeof(*req));
	if (getsockname(fd, (struct sockaddr *)&me, &len) < 0 ||
	    getpeername(fd, (struct sockaddr *)&peer, &plen) < 0)
		return false;
	req->sdiag_family = (uint8_t)me.ss_family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = ~0u;
	req->id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (me.ss_family == AF_INET) {
		struct sockaddr_in *m = (void *)&me, *p = (void *)&peer;

		req->id.idiag_sport = p->sin_port;
		req->id.idiag_dport = m->sin_port;
		memcpy(req->id.idiag_src, &p->sin_addr, 4);
		memcpy(req->id.idiag_dst, &m->sin_addr, 4);
	} else {
		struct sockaddr_in6 *m = (void *)&me, *p = (void *)&peer;

		req->id.idiag_sport = p->sin6_port;
		req->id.idiag_dport = m->sin6_port;
		memcpy(req->id.idiag_src, &p->sin6_addr, 16);
		memcpy(req->id.idiag_dst, &m->sin6_addr, 16);
	}
	return true;
}

long tk_peer_unread(int fd)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} ask;
	union {
		struct nlmsghdr nlh;
		char bytes[1024];
	} answer;
	struct inet_diag_msg *m;
	long unread = -1;
	ssize_t n;
	int nl;

	memset(&ask, 0, sizeof(ask));
	if (!peer_request(fd, &ask.req))
		return -1;
	ask.nlh.nlmsg_len = sizeof(ask);
	ask.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	ask.nlh.nlmsg_flags = NLM_F_REQUEST;    /* one socket, no dump */
	nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (nl < 0)
		TK_FAIL("a sock_diag socket: %s", strerror(errno));
	if (send(nl, &ask, sizeof(ask), 0) == (ssize_t)sizeof(ask) &&
	    (n = recv(nl, &answer, sizeof(answer), 0)) >=
	    (ssize_t)NLMSG_LENGTH(sizeof(*m)) &&
	    answer.nlh.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
		m = NLMSG_DATA(&answer.nlh);
		/* the lookup falls back to a listener on that port */
		if (m->idiag_state != TCP_LISTEN)
			unread = (long)m->idiag_rqueue;
	}
	close(nl);
	return unread;
}

/* ---- programs that wait for what will not come ---------------------- */

static int stat_file(const char *path, long long fields[], int max,
		     char *state);
static int proc_stat(pid_t pid, long long fields[], int max, char *state);

/* Adds to *mark the times each thread of process pid (but thread skip)
 * was given the CPU (/proc/PID/task/TID/schedstat, its third number),
 * and one for each thread; false if one of them is running or waits to
 * run (R), or waits inside the kernel (D). */
static bool threads_still(pid_t pid, pid_t skip, unsigned long long *mark)
{
	char path[300];                 /* room for any d_name */
	struct dirent *e;
	long long f[1];
	bool still = true;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return true;            /* it has ended since */
	while (still && (e = readdir(d)) != NULL) {
		unsigned long long run, wait, slices = 0;
		char state = 'X';
		FILE *sf;

		if (e->d_name[0] == '.' || atoi(e->d_name) == skip)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat",
			 (int)pid, e->d_name);
		if (stat_file(path, f, 1, &state) == 0)
			continue;       /* the thread has ended */
		still = strchr("SZTtXxI", state) != NULL;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat",
			 (int)pid, e->d_name);
		if ((sf = fopen(path, "re")) != NULL) {
			if (fscanf(sf, "%llu %llu %llu", &run, &wait,
				   &slices) != 3)
				slices = 0;
			fclose(sf);
		}
		*mark += slices + 1;
	}
	closedir(d);
	return still;
}

/* Whether every process of the session led by leader is still (see
 * threads_still), adding what they ran to *mark. */
static bool session_still(pid_t leader, unsigned long long *mark)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long long f[4];
	char state;
	bool still = true;

	while (still && d != NULL && (e = readdir(d)) != NULL) {
		pid_t one = (pid_t)atoi(e->d_name);

		if (one > 0 && proc_stat(one, f, 4, &state) == 4 &&
		    f[3] == leader)
			still = threads_still(one, 0, mark);
	}
	if (d != NULL)
		closedir(d);
	return still;
}

/* Whether no TCP segment of this namespace is on its way, as far as the
 * sockets show (/proc/net/tcp and tcp6): none is opening (SYN_SENT,
 * SYN_RECV) or has sent a FIN not yet acknowledged (FIN_WAIT1, LAST_ACK,
 * CLOSING), and none has bytes not yet acknowledged (tx_queue). */
static bool tcp_settled(void)
{
	static const char *const tables[] = { "/proc/net/tcp",
					      "/proc/net/tcp6" };
	char line[512];
	bool settled = true;

	for (size_t i = 0; i < 2 && settled; i++) {
		FILE *f = fopen(tables[i], "re");
		unsigned st;
		unsigned long tx;

		if (f == NULL)
			continue;
		while (settled && fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, " %*d: %*s %*s %x %lx:", &st,
				   &tx) == 2)
				settled = (st == 0x01 || st == 0x05 ||
					   st == 0x06 || st == 0x07 ||
					   st == 0x08 || st == 0x0A) &&
					  (tx == 0 || st == 0x0A);
		fclose(f);
	}
	return settled;
}

void tk_still_start(struct tk_still *w)
{
	memset(w, 0, sizeof(*w));
	w->since = tk_now_ms();
}

void tk_still_in(struct tk_still *w, hn_net *net, const char *const *hosts)
{
	tk_still_start(w);
	w->net = net;
	for (int i = 0; i < 4 && hosts[i] != NULL; i++)
		w->hosts[i] = hosts[i];
}

/* tcp_settled in every host the watch names. */
static bool hosts_settled(const struct tk_still *w)
{
	bool settled = true;

	if (w->net == NULL)
		return tcp_settled();
	for (int i = 0; i < 4 && w->hosts[i] != NULL && settled; i++) {
		if (hn_enter(w->net, w->hosts[i]) < 0)
			TK_FAIL("cannot look at host %s: %s", w->hosts[i],
				hn_error());
		settled = tcp_settled();
		hn_leave(w->net);
	}
	return settled;
}

/* One look of watch w: still now with the same MARK as the last look,
 * or the window starts again.  True once it has lasted ms. */
static bool still_since(struct tk_still *w, bool still,
			unsigned long long mark, int ms)
{
	long long now = tk_now_ms();

	if (!still || mark != w->mark) {
		w->mark = still ? mark : 0;
		w->since = now;
		return false;
	}
	return now - w->since >= ms;
}

bool tk_still_for(struct tk_still *w, const pid_t *leaders, int n, int ms)
{
	unsigned long long mark = 0;
	bool still = true;

	for (int i = 0; i < n && still; i++)
		still = session_still(leaders[i], &mark);
	/* the TCP table last: reading it walks the kernel's whole table */
	if (still && mark == w->mark)
		still = hosts_settled(w);
	return still_since(w, still, mark, ms);
}

bool tk_threads_still(struct tk_still *w, int ms)
{
	unsigned long long mark = 0;
	pid_t me = (pid_t)syscall(SYS_gettid);
	bool still = threads_still(getpid(), me, &mark);

	return still_since(w, still, mark, ms);
}

int tk_exit_unless_still(hn_proc *p, struct tk_still *w,
			 const pid_t *others, int n, int timeout_ms,
			 int still_ms, bool *still)
{
	long long end = tk_now_ms() + timeout_ms;
	pid_t leaders[8];
	struct tk_still here;
	int st, k = 0;

	leaders[k++] = hn_pid(p);
	for (int i = 0; i < n && k < 8; i++)
		leaders[k++] = others[i];
	*still = false;
	if (w == NULL) {
		tk_still_start(&here);
		w = &here;
	}
	while ((st = hn_exited_within(p, 50)) == -1) {
		if (tk_now_ms() >= end)
			return -1;
		if (tk_still_for(w, leaders, k, still_ms)) {
			*still = true;
			return -1;
		}
	}
	return st;
}

bool tk_saw(hn_proc *p, const char *needle, int timeout_ms)
{
	char *line = hn_next_line(p, needle, timeout_ms);

	free(line);
	return line != NULL;
}

/* How many processes are in the session of pid (programs run by the
 * harness lead their own session, so this is it and all it forked). */
static int in_session(pid_t pid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long long f[4];
	char state;
	int count = 0;

	while (d != NULL && (e = readdir(d)) != NULL) {
		pid_t one = (pid_t)atoi(e->d_name);

		if (one > 0 && proc_stat(one, f, 4, &state) == 4 &&
		    f[3] == pid)
			count++;
	}
	if (d != NULL)
		closedir(d);
	return count;
}

/* CPU seconds pid has used (user + system: fields 14 and 15), or 0. */
static double cpu_seconds(pid_t pid)
{
	long long f[13];
	char state;

	if (proc_stat(pid, f, 13, &state) < 13)
		return 0;
	return (double)(f[11] + f[12]) / (double)sysconf(_SC_CLK_TCK);
}

/* Seconds pid has been runnable, on a CPU or waiting for one
 * (/proc/PID/schedstat: run time and run-queue wait, in ns), or -1.  A
 * loop is runnable the whole time however busy the machine is, when its
 * CPU time alone can be a small share of the time waited (the grader
 * runs many sandboxes at once); it still needs a tenth of the time in
 * CPU, which no server spends before it listens. */
static double runnable_seconds(pid_t pid)
{
	char path[64];
	unsigned long long run, wait;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	n = fscanf(f, "%llu %llu", &run, &wait);
	fclose(f);
	return n == 2 ? (double)(run + wait) / 1e9 : -1;
}

/* Why p has not printed what it should within waited_ms, in words;
 * *stuck says it will not do better next time (a limit, an endless
 * loop). */
static const char *why_not(hn_proc *p, int waited_ms, bool *stuck)
{
	static char why[256];
	int status = hn_exit_status(p), kids;
	struct rlimit rl;
	long limit = -1;
	double cpu, busy;

	*stuck = false;
	if (status != -1) {
		int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;

		if (sig == 0)
			snprintf(why, sizeof(why), "it exited with status %d",
				 WEXITSTATUS(status));
		else
			snprintf(why, sizeof(why), "it was killed by signal %d "
				 "(%s%s)", sig, strsignal(sig),
				 sig == SIGKILL || sig == SIGSEGV ?
				 ": out of memory, over the memory limit?" :
				 "");
		return why;
	}
	if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		limit = (long)rl.rlim_cur;
	kids = in_session(hn_pid(p));
	cpu = cpu_seconds(hn_pid(p));
	busy = runnable_seconds(hn_pid(p));
	*stuck = true;
	if (limit > 0 && kids >= limit / 2)
		snprintf(why, sizeof(why), "it is still running, with %d "
			 "processes of its own: the process limit (%ld) "
			 "stopped its forks (does it fork in a loop?)", kids,
			 limit);
	else if (waited_ms >= 500 && (cpu >= 0.25 * waited_ms / 1000.0 ||
				      (cpu >= 0.1 * waited_ms / 1000.0 &&
				       busy >= 0.75 * waited_ms / 1000.0)))
		snprintf(why, sizeof(why), "it is still running and computed "
			 "for %.1f s of those %.1f s%s (a loop that never "
			 "ends?)", cpu, waited_ms / 1000.0,
			 busy >= 0.75 * waited_ms / 1000.0 &&
			 busy > cpu + 0.2 ? ", waiting for a busy CPU the "
			 "rest of the time" : "");
	else {
		snprintf(why, sizeof(why), "it is still running");
		*stuck = false;
	}
	return why;
}

/* A program that a limit or an endless loop kept from listening: the
 * later tests of this run do not wait for it again (each would wait its
 * full time for the same reason). */
static char stuck_name[256], stuck_why[256];

int tk_listening_port(hn_proc *p, int timeout_ms)
{
	char *line;
	int port;

	if (stuck_name[0] != '\0' && strcmp(stuck_name, p->name) == 0)
		TK_FAIL("the server did not print \"listening on port N\"; "
			"not waited for again, as it never did in an earlier "
			"test: %s", stuck_why);
	line = hn_next_line(p, "listening on port", timeout_ms);
	if (line == NULL) {
		bool stuck;
		const char *why = why_not(p, timeout_ms, &stuck);

		if (stuck) {
			snprintf(stuck_name, sizeof(stuck_name), "%s",
				 p->name);
			snprintf(stuck_why, sizeof(stuck_why), "%s", why);
		}
		TK_FAIL("the server did not print \"listening on port N\" "
			"within %d ms: %s; its stderr: %s", timeout_ms, why,
			hn_stderr(p));
	}
	port = atoi(strstr(line, "port") + 4);
	free(line);
	return port;
}

bool tk_exited(hn_proc *p, int within_ms)
{
	return hn_exited_within(p, within_ms) != -1;
}

int tk_exit_code(hn_proc *p)
{
	int status = hn_exit_status(p);

	if (status == -1)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status)
				 : 128 + WTERMSIG(status);
}

/* "exited with status 2", "killed by signal 11" or "still running". */
static const char *how_it_ended(int status, char *buf, size_t len)
{
	if (status == -1)
		snprintf(buf, len, "still running");
	else if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d",
			 WEXITSTATUS(status));
	else
		snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
	return buf;
}

void tk_expect_bad_args(const char *ch, const struct tk_bad_args *c,
			size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *const *a = c[i].args;
		hn_proc *p = tk_run(ch, c[i].prog, a[0], a[1], a[2], a[3],
				    NULL);
		int status = hn_exited_within(p, 2000);
		char line[256], how[64];
		size_t used;

		used = (size_t)snprintf(line, sizeof(line), "%s", c[i].prog);
		for (int k = 0; k < 4 && a[k] != NULL && used < sizeof(line);
		     k++)
			used += (size_t)snprintf(line + used,
						 sizeof(line) - used, " %s",
						 a[k]);
		TK_EXPECT(status != -1 && WIFEXITED(status) &&
			  WEXITSTATUS(status) == 1 &&
			  strstr(hn_stderr(p), c[i].want) != NULL,
			  "%s: a bad command line; expected exit status 1 "
			  "and \"%s\" on stderr, but it %s, saying \"%s\"",
			  line, c[i].want, how_it_ended(status, how,
			  sizeof(how)), tk_chomp(hn_stderr(p)));
	}
}

/* ---- processes, as /proc shows them ---------------------------------- */

/* The fields of /proc/PID/stat after "pid (comm)": fields[0] is the
 * state, fields[1] the parent's pid ... (field N of proc(5) is
 * fields[N - 3]).  Returns how many were read, 0 if the process is gone. */
static int stat_file(const char *path, long long fields[], int max,
		     char *state)
{
	char line[1024], *p, *save = NULL;
	FILE *f;
	int n = 0;

	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	if (p == NULL || (p = strrchr(line, ')')) == NULL || p[1] == '\0')
		return 0;
	*state = p[2];
	for (char *t = strtok_r(p + 2, " \n", &save); t != NULL && n < max;
	     t = strtok_r(NULL, " \n", &save))
		fields[n++] = t[0] == '-' || (t[0] >= '0' && t[0] <= '9') ?
			      atoll(t) : 0;
	return n;
}

static int proc_stat(pid_t pid, long long fields[], int max, char *state)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	return stat_file(path, fields, max, state);
}

/* 'R', 'S', 'T' (stopped), 'Z' (zombie) ..., or 0 if there is none. */
char tk_proc_state(pid_t pid)
{
	long long f[2];
	char state = 0;

	return proc_stat(pid, f, 2, &state) > 0 ? state : 0;
}

/* The wait status (as from waitpid) of a zombie: field 52 of stat. */
int tk_zombie_status(pid_t pid)
{
	long long f[50];
	char state;

	if (proc_stat(pid, f, 50, &state) < 50 || state != 'Z')
		return -1;
	return (int)f[49];
}

/* The children of parent now, up to max of them; returns how many. */
int tk_children(pid_t parent, pid_t out[], int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long long f[2];
	char state;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < max) {
		pid_t pid = (pid_t)atoi(e->d_name);

		if (pid > 0 && proc_stat(pid, f, 2, &state) == 2 &&
		    f[1] == parent)
			out[n++] = pid;
	}
	closedir(d);
	return n;
}

/* Waits until parent has at least n children; fills out[].  Returns how
 * many it has at the end. */
int tk_wait_children(pid_t parent, int n, pid_t out[], int max,
		     int timeout_ms)
{
	int have = tk_children(parent, out, max);

	for (int ms = 0; have < n && ms < timeout_ms; ms++) {
		tk_tick();
		have = tk_children(parent, out, max);
	}
	return have;
}

/* Waits until the process is in state (0: gone).  Returns true if so. */
bool tk_wait_state(pid_t pid, char state, int timeout_ms)
{
	for (int ms = 0; tk_proc_state(pid) != state; ms++) {
		if (ms >= timeout_ms)
			return false;
		tk_tick();
	}
	return true;
}

/* Stops a process and waits until it is stopped. */
bool tk_stop(pid_t pid)
{
	return kill(pid, SIGSTOP) == 0 && tk_wait_state(pid, 'T', 2000);
}

int tk_sockets_of(pid_t pid)
{
	char dir[64], target[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	if ((d = opendir(dir)) == NULL)
		TK_FAIL("cannot list %s: %s", dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		ssize_t len = readlinkat(dirfd(d), e->d_name, target,
					 sizeof(target) - 1);

		if (len > 0) {
			target[len] = '\0';
			n += strncmp(target, "socket:", 7) == 0;
		}
	}
	closedir(d);
	return n;
}

/* ---- a server's sockets, borrowed (pidfd_getfd(2)) --------------------- */

/* The descriptor numbers of a server that are looked at. */
#define SERVER_FDS 64

/* A copy of the server's descriptor number n, or -1 if there is none or
 * the server has ended. */
static int borrow_fd(int pidfd, int n)
{
	int fd = (int)syscall(SYS_pidfd_getfd, pidfd, n, 0);

	if (fd < 0 && errno != EBADF && errno != ESRCH)
		TK_FAIL("the test could not look at the server's descriptor "
			"%d (pidfd_getfd: %s): this system does not let a "
			"program look into one it started (Linux 5.6 or later, "
			"kernel.yama.ptrace_scope 0 or 1), not a fault of the "
			"server", n, strerror(errno));
	return fd;
}

/* -1 once the server has ended (then it holds nothing). */
static int open_pidfd(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Whether fd is a TCP socket that is not listening: a connection, live
 * or already broken (a reset one has no peer any more). */
static bool is_connection(int fd)
{
	int type, listening;
	socklen_t len = sizeof(type), len2 = sizeof(listening);

	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
	       type == SOCK_STREAM &&
	       getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening,
			  &len2) == 0 && !listening;
}

/* Whether two socket addresses are the same address and port. */
static bool same_end(const struct sockaddr_storage *a,
		     const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a;
		const struct sockaddr_in *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a,
					  *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr,
			      sizeof(x->sin6_addr)) == 0;
	}
	return false;
}

/* Whether fd is a TCP connection whose peer is addr. */
static bool is_connection_to(int fd, const struct sockaddr_storage *addr)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);

	return is_connection(fd) &&
	       getpeername(fd, (struct sockaddr *)&peer, &len) == 0 &&
	       same_end(&peer, addr);
}

int tk_server_end_of(pid_t pid, int fd)
{
	struct sockaddr_storage mine;
	socklen_t len = sizeof(mine);
	int pidfd = open_pidfd(pid), found = -1;

	if (getsockname(fd, (struct sockaddr *)&mine, &len) < 0)
		TK_FAIL("getsockname on the test's connection: %s",
			strerror(errno));
	for (int n = 0; pidfd >= 0 && n < SERVER_FDS && found < 0; n++) {
		int s = borrow_fd(pidfd, n);

		if (s >= 0 && is_connection_to(s, &mine))
			found = s;
		else if (s >= 0)
			close(s);
	}
	if (pidfd >= 0)
		close(pidfd);
	return found;
}

int tk_socket_of(pid_t pid, int type)
{
	int pidfd = open_pidfd(pid), found = -1;

	for (int n = 0; pidfd >= 0 && n < SERVER_FDS && found < 0; n++) {
		int s = borrow_fd(pidfd, n), got;
		socklen_t len = sizeof(got);

		if (s >= 0 && getsockopt(s, SOL_SOCKET, SO_TYPE, &got,
					 &len) == 0 && got == type)
			found = s;
		else if (s >= 0)
			close(s);
	}
	if (pidfd >= 0)
		close(pidfd);
	return found;
}

int tk_server_connections(pid_t pid)
{
	int pidfd = open_pidfd(pid), count = 0;

	if (pidfd < 0)
		return 0;
	for (int n = 0; n < SERVER_FDS; n++) {
		int s = borrow_fd(pidfd, n);

		if (s >= 0) {
			count += is_connection(s);
			close(s);
		}
	}
	close(pidfd);
	return count;
}

int tk_sockopt_int(int s, int level, int name)
{
	int value = -1;
	socklen_t len = sizeof(value);

	if (getsockopt(s, level, name, &value, &len) < 0)
		TK_FAIL("getsockopt on the server's socket: %s",
			strerror(errno));
	return value;
}

/* ---- sockets the test makes -------------------------------------------- */

/* ADDR and PORT as a socket address; fails the test if ADDR is not one. */
static struct addrinfo *numeric(const char *addr, int port, int flags)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST |
					      AI_NUMERICSERV | flags };
	struct addrinfo *ai;
	char service[8];
	int rc;

	snprintf(service, sizeof(service), "%d", port);
	rc = getaddrinfo(addr, service, &hints, &ai);
	if (rc != 0)
		TK_FAIL("bad test address %s: %s", addr, gai_strerror(rc));
	return ai;
}

/* A socket of FAMILY in HOST (NET NULL: where the thread is). */
static int socket_in(hn_net *net, const char *host, int family)
{
	int fd;

	if (net != NULL)
		hn_enter(net, host);
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (net != NULL)
		hn_leave(net);
	if (fd < 0)
		TK_FAIL("socket: %s", strerror(errno));
	return fd;
}

void (*tk_before_connect)(int fd, int family);

int tk_connect(hn_net *net, const char *host, const char *addr, int port)
{
	struct addrinfo *ai = numeric(addr, port, 0);
	int fd = socket_in(net, host, ai->ai_family);
	int rc;

	if (tk_before_connect != NULL)
		tk_before_connect(fd, ai->ai_family);
	rc = connect(fd, ai->ai_addr, ai->ai_addrlen);

	freeaddrinfo(ai);
	if (rc < 0)
		TK_FAIL("the test could not connect%s%s to %s port %d: %s",
			net != NULL ? " from host " : "",
			net != NULL ? host : "", addr, port, strerror(errno));
	return fd;
}

int tk_listen(hn_net *net, const char *host, const char *addr, int port,
	      int backlog)
{
	struct addrinfo *ai = numeric(addr, port, AI_PASSIVE);
	int fd = socket_in(net, host, ai->ai_family), on = 1;
	int rc;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	rc = bind(fd, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (rc < 0 || listen(fd, backlog) < 0)
		TK_FAIL("the test cannot listen on %s port %d%s%s: %s", addr,
			port, net != NULL ? " in host " : "",
			net != NULL ? host : "", strerror(errno));
	return fd;
}

int tk_connect_here(const char *addr, int port)
{
	return tk_connect(NULL, NULL, addr, port);
}

void tk_close_rst(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* ---- reading with a deadline ------------------------------------------- */

long long tk_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int left_ms(long long deadline)
{
	long long left = deadline - tk_now_ms();

	return left < 0 ? 0 : (int)left;
}

int tk_poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	long long deadline = tk_now_ms() + timeout_ms;
	hn_idle w;
	int got;

	hn_idle_start(&w);
	do {
		/* in the VM, not past the moment it fell idle (harness.h) */
		got = poll(fds, n, hn_idle_nap(&w, left_ms(deadline)));
	} while ((got < 0 && errno == EINTR) ||
		 (got == 0 && left_ms(deadline) > 0 && !hn_idle_over(&w)));
	return got;
}

bool tk_readable(int fd, int timeout_ms)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };

	return tk_poll(&pf, 1, timeout_ms) > 0;
}

size_t tk_read_n(int fd, void *buf, size_t n, int timeout_ms)
{
	long long deadline = tk_now_ms() + timeout_ms;
	size_t got = 0;

	while (got < n && tk_readable(fd, left_ms(deadline))) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

size_t tk_read_line(int fd, char *buf, size_t size, int timeout_ms)
{
	long long deadline = tk_now_ms() + timeout_ms;
	size_t got = 0;

	while (got + 1 < size && tk_readable(fd, left_ms(deadline))) {
		ssize_t r = read(fd, buf + got, 1);

		if (r <= 0)
			break;
		if (buf[got++] == '\n')
			break;
	}
	buf[got] = '\0';
	return got;
}

/* ---- echo servers ----------------------------------------------------- */

static char last_echo[1024];

bool tk_echoes(int fd, const char *line, int timeout_ms)
{
	size_t len = strlen(line), done = 0;

	last_echo[0] = '\0';
	while (done < len) {
		/* MSG_NOSIGNAL: a server that has gone gives an error */
		ssize_t n = send(fd, line + done, len - done, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		done += (size_t)n;
	}
	tk_read_line(fd, last_echo, sizeof(last_echo), timeout_ms);
	return strcmp(last_echo, line) == 0;
}

const char *tk_last_echo(void)
{
	return last_echo;
}

/* ---- real peers -------------------------------------------------------- */

hn_proc *tk_nginx(hn_net *net, const char *host, const char *http,
		  int port)
{
	static const char *const args[] = { "-e", "%DIR%/error.log", "-p",
					    "%DIR%", "-c", "%CONF%", NULL };
	struct hn_peer peer = {
		.package = "nginx", .program = "/usr/sbin/nginx",
		.config_name = "nginx.conf", .args = args,
		.ready_proto = IPPROTO_TCP, .ready_port = port,
	};
	char *conf = NULL;
	hn_proc *p;

	if (asprintf(&conf, "daemon off;\n"
		     "master_process off;\n"
		     "user root root;\n"
		     "pid %%DIR%%/nginx.pid;\n"
		     "error_log %%DIR%%/error.log;\n"
		     "events { worker_connections 256; }\n"
		     "http {\n"
		     "  access_log off;\n"
		     "  client_body_temp_path %%DIR%%/body;\n"
		     "  proxy_temp_path %%DIR%%/proxy;\n"
		     "  fastcgi_temp_path %%DIR%%/fastcgi;\n"
		     "  uwsgi_temp_path %%DIR%%/uwsgi;\n"
		     "  scgi_temp_path %%DIR%%/scgi;\n"
		     "%s"
		     "}\n", http) < 0)
		abort();
	peer.config = conf;
	p = hn_peer_start(net, host, &peer);
	free(conf);
	return p;
}

/* ---- names ------------------------------------------------------------ */

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (f == NULL)
		return -1;
	ok = fputs(text != NULL ? text : "", f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static void resolver_file(const char *etc, const char *text, bool *mounted)
{
	char path[512];
	const char *name = strrchr(etc, '/') + 1;

	snprintf(path, sizeof(path), "%s/tk-%s", hn_tmpdir(), name);
	TK_EXPECT(write_file(path, text) == 0, "cannot write %s: %s", path,
		  strerror(errno));
	if (*mounted)
		return;
	TK_EXPECT(mount(path, etc, NULL, MS_BIND, NULL) == 0,
		  "cannot bind-mount the test's own %s over %s: %s", path,
		  etc, strerror(errno));
	*mounted = true;
}

void tk_resolver(const char *resolv_conf, const char *hosts,
		 const char *gai_conf)
{
	static bool mounted[4];

	resolver_file("/etc/nsswitch.conf", "hosts: files dns\n", &mounted[0]);
	resolver_file("/etc/resolv.conf", resolv_conf, &mounted[1]);
	resolver_file("/etc/hosts", hosts, &mounted[2]);
	resolver_file("/etc/gai.conf", gai_conf, &mounted[3]);
}

hn_proc *tk_dnsmasq(hn_net *net, const char *host, const char *zone)
{
	static const char *const args[] = {
		"--no-daemon", "--conf-file=%CONF%", NULL
	};
	char *conf;
	hn_proc *p;
	struct hn_peer dnsmasq = {
		.package = "dnsmasq-base", .program = "/usr/sbin/dnsmasq",
		.config_name = "dnsmasq.conf", .args = args,
		.ready_proto = IPPROTO_UDP, .ready_port = 53,
	};

	if (asprintf(&conf, "no-resolv\nno-hosts\nno-poll\n"
		     "log-queries\nlog-facility=-\n%s", zone) < 0)
		abort();
	dnsmasq.config = conf;
	p = hn_peer_start(net, host, &dnsmasq);
	free(conf);
	return p;
}

/* ---- SCTP --------------------------------------------------------------- */

#ifndef SCTP_RECVRCVINFO
#define SCTP_RECVRCVINFO 32    /* <linux/sctp.h>, without libsctp-dev */
#endif

void tk_sctp_ship_peer(void)
{
	hn_vm_ship("sctp_darn");
	hn_vm_ship("stdbuf");
	hn_vm_ship("/usr/libexec/coreutils/libstdbuf.so");
}

hn_proc *tk_sctp_darn_listen(hn_net *net, const char *host, int port)
{
	char p[16];
	hn_proc *darn;

	snprintf(p, sizeof(p), "%d", port);
	darn = hn_run(net, host, "stdbuf", "-oL", "sctp_darn", "-H",
		      hn_addr(net, host, AF_INET), "-P", p, "-l", NULL);
	TK_EXPECT(hn_wait_port(darn, IPPROTO_SCTP, port, 10000) == 0,
		  "sctp_darn did not listen on SCTP port %d in host %s: %s",
		  port, host, hn_stderr(darn));
	return darn;
}

int tk_sctp_connect(hn_net *net, const char *host, const char *addr,
		    int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons((uint16_t)port) };
	int fd, on = 1, e;

	hn_enter(net, host);
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	hn_leave(net);
	TK_EXPECT(fd >= 0, "no SCTP socket in host %s: %s", host,
		  strerror(errno));
	TK_EXPECT(inet_pton(AF_INET, addr, &sin.sin_addr) == 1,
		  "tk_sctp_connect: \"%s\" is not an IPv4 address", addr);
	setsockopt(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
		return fd;
	e = errno;
	close(fd);
	errno = e;
	return -1;
}
