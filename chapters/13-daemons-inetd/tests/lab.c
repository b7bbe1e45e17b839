/*
 * Lab 13's public tests: the student's daemon_init(), called by a job
 * that a shell started on a terminal (a pseudo-terminal of the test's),
 * in a directory that is not "/", with umask 027 and a descriptor of the
 * terminal open at 100.  Everything is checked where it shows: /proc
 * for the process, busybox syslogd's output for the messages.
 */
#include "lab13test.h"

/* The job returns to the shell at once, with status 0, while the daemon
 * lives on, a child of init now. */
static void returns_to_the_shell(void **state)
{
	struct lab_run r;
	struct ch13_facts f;

	(void)state;
	lab_start(&r, LAB_PLAIN);
	TK_EXPECT(lab_job_status(&r) != -1, "the shell is still waiting for "
		  "the command 2 s later: the parent must _exit(0) right after "
		  "the first fork (13.3)");
	TK_EXPECT(WIFEXITED(r.job_status) && WEXITSTATUS(r.job_status) == 0,
		  "the command ended with wait status %#x, not exit 0: see "
		  "13.3", r.job_status);
	f.ppid = ch13_parent_settled(r.daemon, 2000);
	TK_EXPECT(f.ppid == getpid(), "the daemon's parent is process %d, "
		  "still alive 2 s later; its parents must exit, leaving it "
		  "to init (13.3)", (int)f.ppid);
	lab_finish(&r);
}

/* A session of its own, away from the terminal's. */
static void leaves_the_terminal(void **state)
{
	struct lab_run r;
	struct ch13_facts f, sh;

	(void)state;
	lab_start(&r, LAB_PLAIN);
	f = lab_facts(&r);
	TK_EXPECT(ch13_facts_of(r.t.shell, &sh), "the shell is gone");
	TK_EXPECT(f.sid != sh.sid && f.pgrp != sh.pgrp, "the daemon is "
		  "still in the terminal's session (session %d, the "
		  "shell's): call setsid() after the first fork (13.3)",
		  (int)f.sid);
	lab_finish(&r);
}

/* Not a session leader, no controlling terminal: a terminal it opens
 * (without O_NOCTTY) does not become its controlling terminal, and the
 * terminal's hangup does not kill it. */
static void survives_terminal_hangup(void **state)
{
	struct lab_run r;
	int status;

	(void)state;
	lab_start(&r, LAB_PLAIN);
	lab_expect_own_session(&r);
	close(r.console_master);        /* both terminals hang up */
	r.console_master = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ch13_term_close(&r.t);
	r.t.status_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	kill(r.daemon, SIGTERM);
	status = ch13_ended(r.daemon, 2000);
	TK_EXPECT(status != -1 && WIFSIGNALED(status) &&
		  WTERMSIG(status) == SIGTERM, "when its terminals hung up "
		  "the daemon %s: see 13.4", status == -1 ? "did not end "
		  "even on SIGTERM" : WIFSIGNALED(status) ?
		  strsignal(WTERMSIG(status)) : "exited");
	lab_finish(&r);
}

static void working_directory_is_root(void **state)
{
	struct lab_run r;
	struct ch13_facts f;

	(void)state;
	lab_start(&r, LAB_PLAIN);
	f = lab_facts(&r);
	TK_EXPECT(strcmp(f.cwd, "/") == 0, "the daemon's working directory "
		  "is %s, which it keeps busy (no unmount): chdir(\"/\") "
		  "(13.3)", f.cwd);
	lab_finish(&r);
}

static void umask_is_zero(void **state)
{
	struct lab_run r;
	struct ch13_facts f;

	(void)state;
	lab_start(&r, LAB_PLAIN);
	f = lab_facts(&r);
	TK_EXPECT(f.umask == 0, "the daemon's umask is %03o, the one of the "
		  "shell that started it: umask(0) (13.3)",
		  (unsigned)f.umask);
	lab_finish(&r);
}

/* 0, 1 and 2 are /dev/null, open for reading and writing. */
static void standard_fds_on_dev_null(void **state)
{
	struct lab_run r;
	int fd;

	(void)state;
	lab_start(&r, LAB_PLAIN);
	for (fd = 0; fd <= 2; fd++) {
		const char *to = ch13_fd_target(r.daemon, fd);
		int flags = ch13_fd_flags(r.daemon, fd);

		TK_EXPECT(strcmp(to, "/dev/null") == 0, "the daemon's "
			  "descriptor %d is %s, not /dev/null: see 13.3", fd,
			  to[0] != '\0' ? to : "closed");
		TK_EXPECT((flags & O_ACCMODE) == O_RDWR, "the daemon's "
			  "descriptor %d is /dev/null opened %s, not for "
			  "reading and writing: see 13.3", fd,
			  (flags & O_ACCMODE) == O_RDONLY ? "read-only" :
			  "write-only");
	}
	lab_finish(&r);
}

/* Nothing inherited stays open: the terminal at 100 is closed. */
static void no_inherited_descriptors(void **state)
{
	struct lab_run r;
	const char *fds;

	(void)state;
	lab_start(&r, LAB_PLAIN);
	fds = ch13_other_fds(r.daemon);
	TK_EXPECT(fds[0] == '\0', "the daemon still holds descriptors it "
		  "inherited: %s; close every one above 2 (13.3)", fds);
	lab_finish(&r);
}

/* syslog() reaches syslogd as "lab13[PID]", facility local3. */
static void syslog_names_program_and_pid(void **state)
{
	struct lab_run r;
	char want[64], *line;

	(void)state;
	lab_start(&r, LAB_PLAIN);
	snprintf(want, sizeof(want), "syslog from %d", (int)r.daemon);
	line = ch13_logged(r.syslogd, want, 2000);
	TK_EXPECT(line != NULL, "syslogd never got \"%s\"; it wrote: %s",
		  want, tk_shown(hn_stdout(r.syslogd)));
	snprintf(want, sizeof(want), "local3.notice lab13[%d]: ",
		 (int)r.daemon);
	TK_EXPECT(strstr(line, want) != NULL, "syslogd wrote \"%s\", not "
		  "\"%s...\": openlog(pname, LOG_PID, facility) (13.2)",
		  tk_chomp(ch13_scrubbed(line)), want);
	free(line);
	lab_finish(&r);
}

/* err_msg() in a daemon goes to syslog, at LOG_ERR. */
static void errors_go_to_syslog(void **state)
{
	struct lab_run r;
	char want[64], *line;

	(void)state;
	lab_start(&r, LAB_PLAIN);
	snprintf(want, sizeof(want), "lab13[%d]: err_msg from %d",
		 (int)r.daemon, (int)r.daemon);
	line = ch13_logged(r.syslogd, want, 2000);
	TK_EXPECT(line != NULL && strstr(line, "local3.err ") != NULL,
		  "err_msg() in the daemon did not reach syslog as \"local3."
		  "err %s\" (it went to /dev/null): set daemon_proc (13.2)",
		  want);
	free(line);
	lab_finish(&r);
}

int main(void)
{
	hn_init();
	ch13_private_dev();
	const struct CMUnitTest tests[] = {
		TK_TEST(returns_to_the_shell),
		TK_TEST(leaves_the_terminal),
		TK_TEST(survives_terminal_hangup),
		TK_TEST(working_directory_is_root),
		TK_TEST(umask_is_zero),
		TK_TEST(standard_fds_on_dev_null),
		TK_TEST(no_inherited_descriptors),
		TK_TEST(syslog_names_program_and_pid),
		TK_TEST(errors_go_to_syslog),
	};
	int r = TK_RUN("lab13", tests);

	ch13_end_all();
	return r;
}
