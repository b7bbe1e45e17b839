/*
 * lab13test.h - lab 13's public and hidden tests share this: the
 * student's daemon_init() called from a job started in a shell on a
 * terminal, as a person would start a server; the daemon it makes
 * reports back over a Unix socket, and the test then reads /proc and the
 * real syslogd's output.
 */
#ifndef LAB13TEST_H
#define LAB13TEST_H

#include "ch13test.h"

#include <syslog.h>

/* What the job does before daemon_init (a hidden test's variations). */
enum lab_setup { LAB_PLAIN, LAB_NO_STDIO, LAB_FD_AT_LIMIT };

struct lab_job {
	char report[64];        /* abstract name of the test's socket */
	char console[64];       /* a terminal nobody has taken yet */
	enum lab_setup setup;
};

/* The job, in the shell's child: daemon_init(), then, in the daemon,
 * the things a daemon does (a syslog message, an error message, a
 * terminal opened without O_NOCTTY), then "RESULT ERRNO PID" to the
 * test, then wait until the test has seen enough. */
static void lab_job(void *arg)
{
	struct lab_job *j = arg;
	struct sockaddr_un sun;
	socklen_t len;
	struct rlimit rl;
	char msg[64];
	int r, e, s, fd, n;

	if (j->setup == LAB_NO_STDIO)
		close_range(0, 2, 0);
	if (j->setup == LAB_FD_AT_LIMIT && getrlimit(RLIMIT_NOFILE, &rl) == 0)
		dup2(100, (int)rl.rlim_cur - 1);
	errno = 0;
	r = daemon_init("lab13", LOG_LOCAL3);
	e = errno;
	if (r == 0) {
		syslog(LOG_NOTICE, "syslog from %d", (int)getpid());
		err_msg("err_msg from %d", (int)getpid());
		if ((fd = open(j->console, O_RDWR)) >= 0)  /* no O_NOCTTY */
			close(fd);
	}
	unix_addr(j->report, &sun, &len);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (connect(s, (struct sockaddr *)&sun, len) < 0)
		_exit(3);
	n = snprintf(msg, sizeof(msg), "%d %d %d\n", r, e, (int)getpid());
	if (write(s, msg, (size_t)n) < 0 || read(s, msg, 1) < 0)
		_exit(4);
	_exit(0);               /* the test closed: done */
}

struct lab_run {
	struct ch13_term t;
	struct lab_job job;
	hn_proc *syslogd;
	int console_master;
	int conn;               /* the daemon's report connection */
	pid_t daemon;
	int job_status;         /* how the job returned to the shell */
};

/*
 * Starts syslogd, then the job in a shell on a terminal, in a directory
 * that is not "/" and with umask 027, and waits for the daemon's report.
 * Fails (naming section 13.3) if daemon_init never returned in a
 * daemon, or returned -1.
 */
static void lab_start(struct lab_run *r, enum lab_setup setup)
{
	static int serial;
	struct sockaddr_un sun;
	socklen_t len;
	char line[128];
	int ls, res = -2, err = 0, pid = 0;

	ch13_end_all();
	memset(r, 0, sizeof(*r));
	r->syslogd = ch13_syslogd();
	r->console_master = ch13_bare_pty(r->job.console,
					  sizeof(r->job.console));
	r->job.setup = setup;
	snprintf(r->job.report, sizeof(r->job.report), "@lab13-%d-%d",
		 (int)getpid(), serial++);
	Unix_addr(r->job.report, &sun, &len);
	ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	TK_EXPECT(ls >= 0 && bind(ls, (struct sockaddr *)&sun, len) == 0 &&
		  listen(ls, 4) == 0, "report socket: %s", strerror(errno));
	ch13_term_start(&r->t, hn_tmpdir(), lab_job, &r->job);
	TK_EXPECT(tk_readable(ls, 3000), "daemon_init() did not return in "
		  "a daemon within 3 s (nothing after it ran): see 13.3");
	r->conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	close(ls);
	TK_EXPECT(tk_read_line(r->conn, line, sizeof(line), 2000) > 0 &&
		  sscanf(line, "%d %d %d", &res, &err, &pid) == 3,
		  "the code after daemon_init() sent no report");
	TK_EXPECT(res == 0, "daemon_init() returned %d (errno %s), not 0: "
		  "see 13.3", res, err != 0 ? strerror(err) : "not set");
	r->daemon = pid;
	ch13_track(pid);
	/* how the job returned to the shell: read by the one test that
	 * checks it (lab_job_status), so that a job that never returns
	 * costs that test 2 s, not every test */
	r->job_status = -1;
}

/* The job's wait status, or -1 if the shell still waits 2 s later (a
 * correct job ended before its daemon could report). */
static inline int lab_job_status(struct lab_run *r)
{
	r->job_status = ch13_job_status(&r->t, 2000);
	return r->job_status;
}

/* The daemon's facts; fails if /proc has none. */
static struct ch13_facts lab_facts(struct lab_run *r)
{
	struct ch13_facts f;

	TK_EXPECT(ch13_facts_of(r->daemon, &f), "the daemon (pid %d) is "
		  "gone", (int)r->daemon);
	return f;
}

/* Checks the daemon left the terminal's session, and is no session
 * leader; every failure names its section. */
static void lab_expect_own_session(struct lab_run *r)
{
	struct ch13_facts f = lab_facts(r), sh;

	TK_EXPECT(ch13_facts_of(r->t.shell, &sh), "the shell is gone");
	TK_EXPECT(f.sid != sh.sid, "the daemon is still in the terminal's "
		  "session (session %d, the shell's): call setsid() after "
		  "the first fork (13.3)", (int)f.sid);
	TK_EXPECT(f.sid != r->daemon, "the daemon (pid %d) leads its own "
		  "session, so the terminal it opened became its controlling "
		  "terminal (tty_nr %d): fork a second time after setsid() "
		  "and let the session leader exit: see 13.4",
		  (int)r->daemon, f.tty_nr);
	TK_EXPECT(f.tty_nr == 0, "the daemon has a controlling terminal "
		  "(tty_nr %d): see 13.3", f.tty_nr);
}

/* The end of a test: the daemon may go. */
static void lab_finish(struct lab_run *r)
{
	close(r->conn);
	close(r->console_master);
	ch13_term_close(&r->t);
	ch13_end_all();
}

#endif /* LAB13TEST_H */
