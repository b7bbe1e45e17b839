/*
 * Chapter 13's examples, run here: daytimed started from a terminal and
 * proved a daemon from /proc; the naive one-fork daemon that takes the
 * terminal it opens and dies when it hangs up, beside daemon_init's that
 * does neither; openbsd-inetd starting our TCP nowait and UDP wait
 * servers; socket activation through sdlaunch.  Every message is checked
 * where busybox syslogd writes it.
 */
#include "ch13test.h"

#define CTIME_RE "[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [0-9]{4}"

static void start_fresh(void)
{
	ch13_end_all();
}

/* Runs chapter 1's daytimetcpcli against PORT here: its output, the
 * time made fixed for the transcript. */
static char *daytime_from(int port)
{
	char portstr[16];
	hn_proc *c;

	snprintf(portstr, sizeof(portstr), "%d", port);
	c = tk_run("01-introduction", "daytimetcpcli", "127.0.0.1", portstr,
		   NULL);
	TK_EXPECT(tk_exited(c, 2000) && tk_exit_code(c) == 0,
		  "daytimetcpcli 127.0.0.1 %d: %s %s", port,
		  tk_shown(hn_stdout(c)), tk_shown(hn_stderr(c)));
	return tk_scrub(tk_scrub(strdup(hn_stdout(c)), CTIME_RE,
				 "Sun Dec  6 04:30:00 2026"), "\r", "");
}

/* daytimed, started in a shell on a terminal, hands the prompt back at
 * once and keeps serving, with everything /proc can say about a daemon
 * true of it. */
static void daytimed_becomes_a_daemon(void **state)
{
	hn_proc *log = (start_fresh(), ch13_syslogd());
	char *argv[] = { (char *)tk_prog(CH13, "daytimed"), "0", NULL };
	struct ch13_term t;
	struct ch13_facts f, sh;
	char *line, *conn, *out;
	pid_t d;
	int port;
	FILE *tr;

	(void)state;
	ch13_term_start(&t, hn_tmpdir(), ch13_exec_job, argv);
	TK_EXPECT(ch13_job_status(&t, 2000) == 0, "daytimed did not return "
		  "to the shell with status 0 within 2 s");
	line = ch13_logged(log, "listening on port", 3000);
	TK_EXPECT(line != NULL, "daytimed logged no \"listening on port\"; "
		  "syslogd wrote: %s", tk_shown(hn_stdout(log)));
	d = ch13_logged_pid(line, "daytimed");
	ch13_track(d);
	port = atoi(strstr(line, "port ") + 5);
	ch13_parent_settled(d, 2000);
	TK_EXPECT(ch13_facts_of(d, &f) && ch13_facts_of(t.shell, &sh),
		  "no /proc/%d", (int)d);
	TK_EXPECT(f.ppid == getpid(), "its parent is %d, not init (%d)",
		  (int)f.ppid, (int)getpid());
	TK_EXPECT(f.sid != sh.sid && f.sid != d && f.pgrp != sh.pgrp,
		  "session %d, group %d (the shell's: %d)", (int)f.sid,
		  (int)f.pgrp, (int)sh.sid);
	TK_EXPECT(f.tty_nr == 0 && sh.tty_nr != 0, "tty_nr %d (shell %d)",
		  f.tty_nr, sh.tty_nr);
	TK_EXPECT(strcmp(f.cwd, "/") == 0 && f.umask == 0, "cwd %s umask "
		  "%o", f.cwd, (unsigned)f.umask);
	TK_EXPECT(strcmp(ch13_fd_target(d, 0), "/dev/null") == 0 &&
		  strcmp(ch13_fd_target(d, 2), "/dev/null") == 0 &&
		  ch13_other_fds(d)[0] == '\0', "descriptors: 0 %s, 2 %s, %s",
		  ch13_fd_target(d, 0), ch13_fd_target(d, 2),
		  ch13_other_fds(d));

	out = daytime_from(port);
	conn = ch13_logged(log, "connection from", 2000);
	TK_EXPECT(conn != NULL && strstr(conn, "127.0.0.1") != NULL,
		  "no \"connection from 127.0.0.1\" in the log");

	tr = tk_transcript_open();
	line = tk_scrub(ch13_scrubbed_free(line), "port [0-9]+",
			"port 40000");
	conn = tk_scrub(ch13_scrubbed_free(conn), ":[0-9]+$", ":PORT");
	fprintf(tr, "$ daytimed 0\n$ daytimetcpcli 127.0.0.1 40000\n%s"
		"syslogd$ busybox syslogd -n -O -\n%s\n%s\n", out, line,
		conn);
	free(line);
	free(conn);
	free(out);
	ch13_term_close(&t);
	tk_transcript_close(tr, CH13, "daytimed");
}

/* The watch-it-break story of 13.4: one fork, then the daemon opens a
 * terminal.  It is a session leader without a terminal, so the terminal
 * becomes its own; when the terminal hangs up, SIGHUP kills it.  With
 * daemon_init the same open takes nothing and the hangup passes it by. */
static void one_fork_daemon_takes_the_terminal(void **state)
{
	hn_proc *log = (start_fresh(), ch13_syslogd());
	struct ch13_term run;
	static char *argv[4];
	char *msg[2], *line;
	pid_t d[2];
	int i, status[2];
	FILE *tr;

	(void)state;
	for (i = 0; i < 2; i++) {
		/* a terminal to open, no session's yet (a console) */
		char console[64];
		int master = ch13_bare_pty(console, sizeof(console));

		argv[0] = (char *)tk_prog(CH13, "ttyopen");
		argv[1] = i == 0 ? "-1" : console;
		argv[2] = i == 0 ? console : NULL;
		argv[3] = NULL;
		ch13_term_start(&run, "/", ch13_exec_job, argv);
		line = ch13_logged(log, "opened", 3000);
		TK_EXPECT(line != NULL, "ttyopen %s logged nothing: %s",
			  argv[1], tk_shown(hn_stdout(log)));
		d[i] = ch13_logged_pid(line, "ttyopen");
		ch13_track(d[i]);
		msg[i] = ch13_scrubbed(line);
		free(line);
		ch13_term_close(&run);
		close(master);                  /* the console hangs up */
		kill(d[i], SIGTERM);
		status[i] = ch13_ended(d[i], 2000);
	}
	TK_EXPECT(strstr(msg[0], "ctty yes") != NULL &&
		  strstr(msg[0], "session leader yes") != NULL,
		  "the one-fork daemon said: %s", msg[0]);
	TK_EXPECT(status[0] != -1 && WIFSIGNALED(status[0]) &&
		  WTERMSIG(status[0]) == SIGHUP, "the one-fork daemon was "
		  "not killed by SIGHUP (status %#x)", status[0]);
	TK_EXPECT(strstr(msg[1], "ctty no") != NULL &&
		  strstr(msg[1], "session leader no") != NULL,
		  "daemon_init's daemon said: %s", msg[1]);
	TK_EXPECT(status[1] != -1 && WIFSIGNALED(status[1]) &&
		  WTERMSIG(status[1]) == SIGTERM, "daemon_init's daemon did "
		  "not live until our SIGTERM (status %#x)", status[1]);

	tr = tk_transcript_open();
	fprintf(tr, "$ ttyopen -1 /dev/pts/1\n$ ttyopen /dev/pts/2\n"
		"syslogd$ busybox syslogd -n -O -\n");
	for (i = 0; i < 2; i++) {
		msg[i] = tk_scrub(msg[i], "/dev/pts/[0-9]+", i == 0 ?
				  "/dev/pts/1" : "/dev/pts/2");
		fprintf(tr, "%s\n", msg[i]);
		free(msg[i]);
	}
	tk_transcript_close(tr, CH13, "ttyopen");
}

/* Writes a config for openbsd-inetd and starts it; ready when PORT
 * listens for PROTO. */
static hn_proc *start_inetd(const char *conf, int proto, int port)
{
	static const char *const args[] = { "-d", "-i", "%CONF%", NULL };
	struct hn_peer pr = {
		.package = "openbsd-inetd", .program = "/usr/sbin/inetd",
		.config_name = "inetd.conf", .config = conf, .args = args,
		.ready_proto = proto, .ready_port = port,
	};

	return hn_peer_start(NULL, NULL, &pr);
}

/* TCP nowait: inetd accepts, and a new inetdaytime serves each client
 * with the connection as 0, 1 and 2. */
static void inetd_starts_a_server_per_connection(void **state)
{
	hn_proc *log = (start_fresh(), ch13_syslogd()), *inetd;
	char conf[512], *line[2], *out[2];
	pid_t pid[2];
	int i;
	FILE *tr;

	(void)state;
	snprintf(conf, sizeof(conf), "9013 stream tcp nowait root %s "
		 "inetdaytime\n", tk_prog(CH13, "inetdaytime"));
	inetd = start_inetd(conf, IPPROTO_TCP, 9013);
	for (i = 0; i < 2; i++) {
		out[i] = daytime_from(9013);
		line[i] = ch13_logged(log, "connection from", 2000);
		TK_EXPECT(line[i] != NULL, "inetdaytime logged nothing: %s; "
			  "inetd said %s", tk_shown(hn_stdout(log)),
			  tk_shown(hn_stderr(inetd)));
		pid[i] = ch13_logged_pid(line[i], "inetdaytime");
	}
	TK_EXPECT(pid[0] > 0 && pid[1] > 0 && pid[0] != pid[1],
		  "two connections, pids %d and %d", (int)pid[0],
		  (int)pid[1]);
	tr = tk_transcript_open();
	fprintf(tr, "$ cat inetd.conf\n9013 stream tcp nowait root "
		"/usr/local/sbin/inetdaytime inetdaytime\n"
		"$ inetd -d -i inetd.conf\n");
	for (i = 0; i < 2; i++)
		fprintf(tr, "client$ daytimetcpcli 127.0.0.1 9013\n%s",
			out[i]);
	fprintf(tr, "syslogd$ busybox syslogd -n -O -\n");
	for (i = 0; i < 2; i++) {
		char *l = tk_scrub(ch13_scrubbed_free(line[i]),
				   "\\[PID\\]:", i == 0 ? "[41]:" : "[42]:");

		l = tk_scrub(l, ":[0-9]+$", ":PORT");
		fprintf(tr, "%s\n", l);
		free(l);
		free(out[i]);
	}
	tk_transcript_close(tr, CH13, "inetdaytime");
}

/* TEXT with "pid N" made "pid AS" (N a decimal process ID). */
static char *pid_as(char *text, int n, const char *as)
{
	char re[32], repl[32];

	snprintf(repl, sizeof(repl), "pid %s", as);
	snprintf(re, sizeof(re), "pid %d", n);
	return tk_scrub(text, re, repl);
}

/* UDP wait: inetd starts udpwait at the first datagram and leaves the
 * socket to it; the same process answers the next ones until it exits
 * (after 2 answers here), and the next datagram starts another. */
static void inetd_wait_service_keeps_the_socket(void **state)
{
	hn_proc *log = (start_fresh(), ch13_syslogd()), *cli;
	char conf[512], *out, *at;
	int i, p[3];
	FILE *tr;

	(void)state;
	snprintf(conf, sizeof(conf), "9014 dgram udp wait root %s "
		 "udpwait 10000 2\n", tk_prog(CH13, "udpwait"));
	start_inetd(conf, IPPROTO_UDP, 9014);
	cli = tk_run("08-elementary-udp", "udpcli", "127.0.0.1", "9014",
		     NULL);
	TK_EXPECT(hn_feed(cli, "one\ntwo\nthree\n", 14, 2000) == 0 &&
		  tk_exited(cli, 2000), "udpcli did not end: %s",
		  tk_shown(hn_stdout(cli)));
	out = strdup(hn_stdout(cli));
	for (i = 0, at = out; i < 3; i++) {
		TK_EXPECT(at != NULL && sscanf(at, "pid %d", &p[i]) == 1,
			  "udpcli printed %s", tk_shown(hn_stdout(cli)));
		at = strchr(at, '\n');
		at = at != NULL ? at + 1 : NULL;
	}
	TK_EXPECT(p[0] == p[1] && p[2] != p[0], "pids %d %d %d: the first "
		  "two should be one process, the third another", p[0], p[1],
		  p[2]);
	TK_EXPECT(tk_saw(log, "leaving after 2 answers", 2000),
		  "udpwait did not log its leaving");
	out = pid_as(pid_as(out, p[0], "41"), p[2], "42");
	tr = tk_transcript_open();
	fprintf(tr, "$ cat inetd.conf\n9014 dgram udp wait root "
		"/usr/local/sbin/udpwait udpwait 10000 2\n"
		"$ udpcli 127.0.0.1 9014\n");
	for (i = 0, at = out; i < 3; i++) {
		char *nl = strchr(at, '\n');

		fprintf(tr, TK_TYPED "%s\n%.*s", i == 0 ? "one" : i == 1 ?
			"two" : "three", (int)(nl - at + 1), at);
		at = nl + 1;
	}
	fprintf(tr, TK_TYPED "^D\n");
	free(out);
	tk_transcript_close(tr, CH13, "udpwait");
}

/* Socket activation: sdlaunch holds the socket; actserv starts only
 * when a client waits, serves, leaves when idle, and is started again by
 * the next client, which meanwhile waits in the listen queue. */
static void socket_activation_on_demand(void **state)
{
	hn_proc *l = (start_fresh(), tk_run(CH13, "sdlaunch", "0",
					    tk_prog(CH13, "actserv"), "100",
					    NULL));
	char *out[2], *s;
	int port = tk_listening_port(l, 2000), i, pid[2];
	FILE *tr;

	(void)state;
	TK_EXPECT(tk_children(hn_pid(l), NULL, 0) == 0, "sdlaunch started the "
		  "server before any client came");
	for (i = 0; i < 2; i++) {
		out[i] = daytime_from(port);
		s = strstr(out[i], "(pid ");
		TK_EXPECT(s != NULL, "answer %s", tk_shown(out[i]));
		pid[i] = atoi(s + 5);
		TK_EXPECT(tk_saw(l, "actserv ended (exit 0)", 3000),
			  "actserv did not end after 100 ms idle: %s",
			  tk_shown(hn_stdout(l)));
	}
	TK_EXPECT(pid[0] != pid[1], "one actserv served both");
	tr = tk_transcript_open();
	fprintf(tr, "$ sdlaunch 0 actserv 100\n");
	s = pid_as(pid_as(strdup(hn_stdout(l)), pid[0], "101"), pid[1],
		   "102");
	s = tk_scrub(s, "port [0-9]+", "port 40000");
	s = tk_scrub(s, "/[^ ]*/actserv", "actserv");
	fputs(s, tr);
	free(s);
	for (i = 0; i < 2; i++) {
		s = pid_as(out[i], pid[i], i == 0 ? "101" : "102");
		fprintf(tr, "client$ daytimetcpcli 127.0.0.1 40000\n%s", s);
		free(s);
	}
	tk_transcript_close(tr, CH13, "sdlaunch");
}

/* actserv started by hand, or with variables meant for another
 * process, refuses: it has no socket to serve. */
static void actserv_needs_its_socket(void **state)
{
	char *env[] = { "LISTEN_PID=1", "LISTEN_FDS=1", NULL };
	struct hn_spawn_opts o = { .env = env };
	char *argv[] = { (char *)tk_prog(CH13, "actserv"), NULL };
	hn_proc *p = hn_spawn(NULL, NULL, argv, &o);

	(void)state;
	TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 1 &&
		  strstr(hn_stderr(p), "got 0") != NULL,
		  "actserv with LISTEN_PID of another process: %s",
		  tk_shown(hn_stderr(p)));
}

int main(void)
{
	hn_init();
	ch13_private_dev();
	const struct CMUnitTest tests[] = {
		TK_TEST(daytimed_becomes_a_daemon),
		TK_TEST(one_fork_daemon_takes_the_terminal),
		TK_TEST(inetd_starts_a_server_per_connection),
		TK_TEST(inetd_wait_service_keeps_the_socket),
		TK_TEST(socket_activation_on_demand),
		TK_TEST(actserv_needs_its_socket),
	};
	int r = TK_RUN("daemons", tests);

	ch13_end_all();
	return r;
}
