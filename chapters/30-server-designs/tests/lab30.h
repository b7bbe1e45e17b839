/*
 * lab30.h - what lab 30's public and hidden tests share: the student's
 * server started in one design (or found not written), its processes'
 * wakeups, its open connections, and a client that leaves early.
 */
#ifndef LAB30_H
#define LAB30_H

#include <signal.h>
#include <sys/wait.h>

#include "ch30.h"

static const char *const lab_designs[] = { "fork", "prefork", "thread",
					   "epoll" };
#define NLAB (sizeof(lab_designs) / sizeof(lab_designs[0]))

static int lab_port;                    /* of the last one started */

/* labserv -d DESIGN -n N 0 (with LAB30_RACE=1 if race): the server once
 * it says it listens, or NULL if that design is not written. */
static hn_proc *lab_start(const char *design, int n, bool race)
{
	char ns[16], *argv[8];
	char *env[] = { "LAB30_RACE=1", NULL };
	struct hn_spawn_opts opts = { .env = race ? env : NULL };
	long long end;
	const char *s;
	hn_proc *p;

	snprintf(ns, sizeof(ns), "%d", n);
	argv[0] = (char *)tk_lab_prog("labserv");
	argv[1] = "-d";
	argv[2] = (char *)design;
	argv[3] = "-n";
	argv[4] = ns;
	argv[5] = "0";
	argv[6] = NULL;
	p = hn_spawn(NULL, NULL, argv, &opts);
	end = tk_now_ms() + 3000;
	while (tk_now_ms() < end) {
		s = strstr(hn_stdout(p), "listening on port ");
		if (s != NULL && strchr(s, '\n') != NULL) {
			lab_port = atoi(s + 18);
			ch30_watched = hn_pid(p);
			return p;
		}
		if (hn_exit_status(p) != -1) {
			if (strstr(hn_stderr(p), "not written") != NULL)
				return NULL;
			TK_FAIL("labserv -d %s ended before it said "
				"\"listening on port N\": %s", design,
				tk_shown(hn_stderr(p)));
		}
		tk_tick();
	}
	TK_FAIL("labserv -d %s did not say \"listening on port N\" within "
		"3 s (does the design call ready()?)", design);
	return NULL;
}

/* After a test of every design: fails if there was none to test. */
static void lab_some_design(int ran)
{
	TK_EXPECT(ran > 0, "every design says \"not written yet\": write "
		  "serve() and one design first (section 30.1)");
}

/* A connection to the server, or -1 (errno) if it refuses. */
static int lab_try_connect(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* How the server ended, in words, or "still running". */
static const char *lab_how_ended(hn_proc *p)
{
	static char text[128];
	int st = hn_exit_status(p);

	if (st == -1)
		return "still running";
	if (WIFSIGNALED(st))
		snprintf(text, sizeof(text), "killed by %s",
			 strsignal(WTERMSIG(st)));
	else
		snprintf(text, sizeof(text), "exited with status %d",
			 WEXITSTATUS(st));
	return text;
}

/* One request for n bytes on a new connection; true if the reply came
 * whole and right within ms; *r says what came. */
static bool lab_one(int port, long n, int ms, struct ch30_reply *r,
		    const char **why)
{
	int fd = lab_try_connect(port);
	bool ok;

	if (fd < 0) {
		*why = strerror(errno);
		return false;
	}
	ch30_send_request(fd, n);
	ok = ch30_get_reply(r, fd, n, ms);
	*why = ch30_reply_said(r);
	close(fd);
	return ok;
}

/* The voluntary context switches of a process: the sleeps it ended. */
static long lab_sleeps(pid_t pid)
{
	char path[64], line[256];
	long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* Waits until every one of the processes sleeps ('S'); false after ms,
 * or at once if one has ended (a zombie, or gone): it never will. */
static bool lab_all_asleep(const pid_t *pids, int n, int ms)
{
	long long end = tk_now_ms() + ms;
	char st;

	for (int i = 0; i < n; i++)
		while ((st = tk_proc_state(pids[i])) != 'S')
			if (tk_now_ms() > end || st == 'Z' || st == 0)
				return false;
			else
				tk_tick();
	return true;
}

/* A client that sends the request for n bytes and its FIN in one
 * segment (TCP_CORK, then close): the server finds the connection half
 * closed, its first write draws a RST, and its next write fails with
 * EPIPE, which raises SIGPIPE. */
static void lab_leave_early(int port, long n)
{
	int fd = tk_connect_here(TK_LOOPBACK, port), on = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
	ch30_send_request(fd, n);
	close(fd);
}

/* Waits until process pid has ended (a zombie, or gone); false after
 * ms, or once the server's session has sat still with pid alive. */
static bool lab_ends(pid_t pid, int ms)
{
	long long end = tk_now_ms() + ms;
	struct tk_still w;
	char st;

	tk_still_start(&w);
	while ((st = tk_proc_state(pid)) != 0 && st != 'Z')
		if (tk_now_ms() > end || ch30_server_still(&w))
			return false;
		else
			tk_tick();
	return true;
}

/* How many children a process has now. */
static int lab_nkids(pid_t pid)
{
	pid_t kids[256];

	return tk_children(pid, kids, 256);
}

/* A client's receive buffer of 4 KB (set before connect()). */
static void lab_small_rcvbuf(int fd, int family)
{
	int size = 4096;

	(void)family;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/* How many TCP connections the server (pid and its children) holds. */
static int lab_conns(pid_t pid)
{
	pid_t kids[64];
	int n = tk_children(pid, kids, 64), c = tk_server_connections(pid);

	for (int i = 0; i < n; i++)
		c += tk_server_connections(kids[i]);
	return c;
}

/* Waits until the server holds no connection (served, or died); false
 * if it still holds one after ms, or sits still holding one. */
static bool lab_no_conns(pid_t pid, int ms)
{
	long long end = tk_now_ms() + ms;
	struct tk_still w;

	tk_still_start(&w);
	while (lab_conns(pid) > 0)
		if (tk_now_ms() > end || ch30_server_still(&w))
			return false;
		else
			tk_tick();
	return true;
}

#endif
