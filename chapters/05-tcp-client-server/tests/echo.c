/*
 * echo.c - chapter 5's programs on a network of two hosts, client
 * (192.0.2.1) and server (192.0.2.2): the echo server's versions with
 * their known failures asserted, then every boundary condition of
 * sections 5.11 to 5.16 made to happen, and the naive sum server of 5.18.
 * Each test writes the transcript the chapter shows.
 */
#include "ch05test.h"

#define CH "05-tcp-client-server"
#define PORT 9877
/* TCP segments that carry data (IPv4). */
#define DATA "tcp and (ip[2:2] - ((ip[0] & 0xf) << 2) - " \
	     "((tcp[12] & 0xf0) >> 2)) > 0"

/* A program of chapter 5 (built under build/ch/05-tcp-client-server/). */
static const char *prog(const char *name)
{
	return tk_prog("05-tcp-client-server", name);
}

/* ---- a scene: the two hosts, a capture, a server ---------------------- */

struct scene {
	hn_net *net;
	hn_cap *cap;            /* at the client's end of the link */
	hn_proc *srv;
	const char *srvaddr;    /* 192.0.2.2 */
	const char *cliaddr;    /* 192.0.2.1 */
	FILE *tr;               /* the transcript being written */
};

static void scene_up(struct scene *s, const char *server)
{
	memset(s, 0, sizeof(*s));
	s->net = hn_up("host client server\n"
		       "link client server 192.0.2.0/24\n");
	s->cap = hn_capture(s->net, "client", "server");
	s->srvaddr = hn_addr(s->net, "server", AF_INET);
	s->cliaddr = hn_addr(s->net, "client", AF_INET);
	s->tr = tk_transcript_open();
	if (server != NULL) {
		s->srv = hn_run(s->net, "server", prog(server), "9877", NULL);
		hn_wait_line(s->srv, "^listening on port", 2000);
		fprintf(s->tr, "server$ %s &\n%s", server, hn_stdout(s->srv));
	}
}

/* Checks the transcript against the book's copy, and tears down. */
static void scene_down(struct scene *s, const char *transcript)
{
	tk_transcript_close(s->tr, CH, transcript);
	hn_down(s->net);
}

/* Starts an echo client in the client host, its stdin a pipe. */
static hn_proc *client_start(struct scene *s, const char *name)
{
	hn_proc *cli = hn_run(s->net, "client", prog(name), s->srvaddr, NULL);

	fprintf(s->tr, "client$ %s %s\n", name, s->srvaddr);
	return cli;
}

/* Types a line into the client and waits for its echo. */
static void client_echo(struct scene *s, hn_proc *cli, const char *word)
{
	char line[64], regex[80];

	snprintf(line, sizeof(line), "%s\n", word);
	snprintf(regex, sizeof(regex), "^%s$", word);
	hn_write_stdin(cli, line, strlen(line));
	hn_wait_line(cli, regex, 2000);
	fprintf(s->tr, TK_TYPED "%s\n%s\n", word, word);
}

/* Types a line the server will never answer. */
static void client_type(struct scene *s, hn_proc *cli, const char *word)
{
	char line[64];

	snprintf(line, sizeof(line), "%s\n", word);
	hn_write_stdin(cli, line, strlen(line));
	fprintf(s->tr, TK_TYPED "%s\n", word);
}

/* Ends the client's input (^D) and expects it to exit with status 0. */
static void client_eof(struct scene *s, hn_proc *cli)
{
	int status;

	hn_write_stdin(cli, NULL, 0);
	status = hn_wait_exit(cli, 2000);
	TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "the client did not end cleanly at end of input: %s",
		  hn_stderr(cli));
	fprintf(s->tr, TK_TYPED "^D\n");
}

/* Appends the output of a shell command run in the server host. */
static void server_sh(struct scene *s, const char *cmd)
{
	char *out = NULL;

	hn_sh(s->net, "server", 2000, &out, "%s", cmd);
	fprintf(s->tr, "server$ %s\n%s", cmd, out ? out : "");
	free(out);
}

/* The one child of the server (it serves the one client). */
static pid_t the_child(struct scene *s)
{
	pid_t kids[8];
	int n = tk_wait_children(hn_pid(s->srv), 1, kids, 8, 2000);

	TK_EXPECT(n == 1, "expected the server to have 1 child serving the "
		  "client, found %d", n);
	return kids[0];
}

/* Kills the server's child the way a person would, and waits until it
 * is gone (the server reaps it). */
static void kill_the_child(struct scene *s)
{
	pid_t child = the_child(s);

	server_sh(s, "kill -9 $(pgrep -n -x echosrv_v3)");
	TK_EXPECT(tk_wait_state(child, 0, 2000), "the server's child "
		  "survived kill -9");
}

/* ---- 5.8: version 1 leaves a zombie per client ------------------------- */

static void v1_leaves_zombies(void **state)
{
	struct scene s;
	hn_proc *cli;

	(void)state;
	scene_up(&s, "echosrv_v1");
	cli = client_start(&s, "echocli");
	client_echo(&s, cli, "hello");
	client_eof(&s, cli);
	/* the child exits when it reads the client's FIN; nobody waits */
	TK_EXPECT(pt_wait_zombies(s.srv, 1, 2000),
		  "after its client left, version 1's child should stay a "
		  "zombie; the server has %d zombies", hn_zombies(s.srv));
	server_sh(&s, "ps -o stat,args --ppid $(pgrep -o -x echosrv_v1)");
	scene_down(&s, "v1-zombie");
}

/* ---- 5.9 and 5.10: one wait() per SIGCHLD loses children --------------- */

/*
 * Five clients end at the same moment.  To make "at the same moment"
 * happen every time, the test freezes the server (SIGSTOP) while the
 * five children exit: their five SIGCHLDs collapse into one pending
 * signal, which the handler receives once the server runs again.
 * Returns how many zombies are left once the server is back in accept().
 */
static int zombies_after_five_at_once(struct scene *s, const char *server)
{
	pid_t kids[8], srv;
	hn_proc *cli;
	int n;

	cli = client_start(s, "echocli5");
	hn_wait_line(cli, "^5 connections open$", 2000);
	fprintf(s->tr, "5 connections open\n");
	client_echo(s, cli, "hello");
	srv = hn_pid(s->srv);
	n = tk_wait_children(srv, 5, kids, 8, 2000);
	TK_EXPECT(n == 5, "%s should have 5 children for 5 connections, "
		  "has %d", server, n);
	TK_EXPECT(tk_stop(srv), "could not stop the server");
	fprintf(s->tr, "server$ kill -STOP %%1\n");
	client_eof(s, cli);
	for (int i = 0; i < 5; i++)
		TK_EXPECT(tk_wait_state(kids[i], 'Z', 2000), "child %d of 5 "
			  "did not exit when its client closed", i + 1);
	kill(srv, SIGCONT);
	fprintf(s->tr, "server$ kill -CONT %%1\n");
	/* Thawed, it runs the handler for the one pending SIGCHLD, then
	 * blocks in accept() again: once it sleeps, the handler is done. */
	TK_EXPECT(tk_wait_state(srv, 'S', 2000), "%s did not go back to "
		  "accept() after SIGCONT", server);
	return hn_zombies(s->srv);
}

static void wait1_leaves_zombies(void **state)
{
	struct scene s;
	int left;

	(void)state;
	scene_up(&s, "echosrv_wait1");
	left = zombies_after_five_at_once(&s, "echosrv_wait1");
	TK_EXPECT(left == 4, "one wait() per SIGCHLD should leave 4 of the 5 "
		  "children zombies; %d are", left);
	server_sh(&s, "ps -o stat,args --ppid $(pgrep -o -x echosrv_wait1)");
	scene_down(&s, "wait1-zombies");
}

static void v3_reaps_five_at_once(void **state)
{
	struct scene s;
	int left;

	(void)state;
	scene_up(&s, "echosrv_v3");
	left = zombies_after_five_at_once(&s, "echosrv_v3");
	TK_EXPECT(left == 0, "a waitpid() loop should leave no zombie; %d "
		  "are left", left);
	server_sh(&s, "ps -o stat,args --ppid $(pgrep -o -x echosrv_v3)");
	scene_down(&s, "v3-no-zombies");
}

/* ---- 5.9: a handler that interrupts accept() --------------------------- */

static void v2_dies_in_accept(void **state)
{
	struct scene s;
	hn_proc *cli;
	int status;

	(void)state;
	scene_up(&s, "echosrv_v2");
	cli = client_start(&s, "echocli");
	client_echo(&s, cli, "hello");
	client_eof(&s, cli);
	status = hn_wait_exit(s.srv, 2000);
	TK_EXPECT(status != -1 && WIFEXITED(status) &&
		  WEXITSTATUS(status) == 1 &&
		  strstr(hn_stderr(s.srv), "accept: Interrupted system call"),
		  "version 2 should die when SIGCHLD interrupts accept(); "
		  "status %d, stderr: %s", status, hn_stderr(s.srv));
	fprintf(s.tr, "%s[1]+  Exit %d                  echosrv_v2\n",
		hn_stderr(s.srv), WEXITSTATUS(status));
	scene_down(&s, "v2-eintr");
}

static void v3_restarts_accept(void **state)
{
	struct scene s;
	hn_proc *cli;

	(void)state;
	scene_up(&s, "echosrv_v3");
	for (int round = 0; round < 2; round++) {
		cli = client_start(&s, "echocli");
		client_echo(&s, cli, round == 0 ? "hello" : "again");
		client_eof(&s, cli);
		TK_EXPECT(pt_wait_zombies(s.srv, 0, 2000),
			  "version 3 left a zombie");
	}
	TK_EXPECT(hn_exit_status(s.srv) == -1, "version 3 exited: %s",
		  hn_stderr(s.srv));
	scene_down(&s, "v3-restart");
}

/* ---- 5.11: connection aborted before accept ---------------------------- */

static void accept_after_abort_measured(void **state)
{
	struct scene s;
	hn_proc *p;
	char *out;
	int status;

	(void)state;
	scene_up(&s, NULL);
	p = hn_run(s.net, "server", prog("abortconn"), NULL);
	status = hn_wait_exit(p, 3000);
	TK_EXPECT(status == 0, "abortconn failed: %s", hn_stderr(p));
	out = strdup(hn_stdout(p));
	TK_EXPECT(strstr(out, "accept: returned a descriptor") &&
		  strstr(out, "getpeername: Transport endpoint is not "
			 "connected") &&
		  strstr(out, "read: Connection reset by peer") &&
		  strstr(out, "read: 0 (end of file)"),
		  "Linux's accept() no longer behaves as chapter 5 says:\n%s",
		  out);
	out = tk_scrub(out, "port [0-9]+", "port N");
	out = tk_scrub(out, "127\\.0\\.0\\.1:[0-9]+", "127.0.0.1:N");
	fprintf(s.tr, "server$ abortconn\n%s", out);
	free(out);
	scene_down(&s, "abortconn");
}

/* Across the wire: the server is frozen while a client connects and
 * aborts; thawed, it accepts the dead connection and must carry on. */
static void v3_survives_abort_before_accept(void **state)
{
	struct scene s;
	pid_t srv;
	int fd;

	(void)state;
	scene_up(&s, "echosrv_v3");
	srv = hn_pid(s.srv);
	TK_EXPECT(tk_stop(srv), "could not stop the server");
	fd = tk_connect(s.net, "client", s.srvaddr, PORT);
	tk_close_rst(fd);
	hn_cap_wait(s.cap, HN_RST, 1, 2000);
	TK_EXPECT(pt_wait_conns(s.net, "server", PORT, 0, 2000),
		  "the server's kernel kept the aborted connection");
	kill(srv, SIGCONT);
	hn_wait_line(s.srv, "str_echo: Connection reset by peer", 2000);
	fd = tk_connect(s.net, "client", s.srvaddr, PORT);
	TK_EXPECT(tk_echoes(fd, "still here\n", 2000), "after accepting an "
		  "aborted connection the server no longer echoes");
	close(fd);
	scene_down(&s, NULL);
}

/* ---- 5.12 and 5.13: the server's child is killed ----------------------- */

/* The client has said hello; the server's child is killed (its FIN
 * arrives while the client waits for input).  Returns the client. */
static hn_proc *child_killed(struct scene *s, const char *client)
{
	hn_proc *cli = client_start(s, client);

	client_echo(s, cli, "hello");
	kill_the_child(s);
	hn_cap_wait(s->cap, HN_FIN " and src host 192.0.2.2", 1, 2000);
	return cli;
}

static void server_child_killed(void **state)
{
	struct scene s;
	hn_proc *cli;
	int status;

	(void)state;
	scene_up(&s, "echosrv_v3");
	cli = child_killed(&s, "echocli");
	client_type(&s, cli, "another line");
	status = hn_wait_exit(cli, 2000);
	TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
		  strstr(hn_stderr(cli), "server terminated prematurely"),
		  "the client should see end of file after its next line; "
		  "status %d, stderr: %s", status, hn_stderr(cli));
	/* the line went out and was answered with a RST (two, if a busy
	 * machine made the client send the line again before the first
	 * RST came back) */
	TK_EXPECT(hn_cap_count(s.cap, HN_RST " and src host 192.0.2.2") >= 1,
		  "the server's host should answer the line with a RST");
	fprintf(s.tr, "%s", hn_stderr(cli));
	scene_down(&s, "child-killed");
}

static void write_after_rst_sigpipe(void **state)
{
	struct scene s;
	hn_proc *cli;
	int status;

	(void)state;
	scene_up(&s, "echosrv_v3");
	cli = child_killed(&s, "echocli_split");
	client_type(&s, cli, "another line");
	status = hn_wait_exit(cli, 3000);
	TK_EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
		  "writing after the RST should kill the client with "
		  "SIGPIPE; status %d, stderr: %s", status, hn_stderr(cli));
	fprintf(s.tr, "client$ echo $?\n%d\n", 128 + WTERMSIG(status));
	scene_down(&s, "sigpipe");
}

static void write_after_rst_epipe(void **state)
{
	struct scene s;
	hn_proc *cli;
	int status;

	(void)state;
	scene_up(&s, "echosrv_v3");
	cli = hn_run(s.net, "client", prog("echocli_split"), "-i", s.srvaddr,
		     NULL);
	fprintf(s.tr, "client$ echocli_split -i %s\n", s.srvaddr);
	client_echo(&s, cli, "hello");
	kill_the_child(&s);
	hn_cap_wait(s.cap, HN_FIN " and src host 192.0.2.2", 1, 2000);
	client_type(&s, cli, "another line");
	status = hn_wait_exit(cli, 3000);
	TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
		  strstr(hn_stderr(cli), "Broken pipe"),
		  "with SIGPIPE ignored the write should fail with EPIPE; "
		  "status %d, stderr: %s", status, hn_stderr(cli));
	fprintf(s.tr, "%s", hn_stderr(cli));
	scene_down(&s, "epipe");
}

/*
 * What a write does after a RST, measured with SIGPIPE blocked so that a
 * raised signal stays pending, where the test can see it.  The peer
 * resets the connection either while it is established, or after it has
 * sent its FIN (the client's side is then in CLOSE_WAIT, as in the echo
 * client of 5.12).  Appends one line per write to the transcript.
 */
static void writes_after_rst(struct scene *s, bool fin_first, int want1,
			     int want2)
{
	int listener, cfd, sfd, errs[2];
	bool pipes[2];
	sigset_t pipe_set, pending;
	struct timespec zero = { 0, 0 };

	listener = tk_listen(s->net, "server", "0.0.0.0", PORT, 5);
	cfd = tk_connect(s->net, "client", s->srvaddr, PORT);
	sfd = accept(listener, NULL, NULL);
	TK_EXPECT(sfd >= 0, "accept: %s", strerror(errno));
	if (fin_first) {
		shutdown(sfd, SHUT_WR);
		TK_EXPECT(pt_read_line(cfd, (char[8]){ 0 }, 8, 2000) == 0,
			  "the client saw no end of file");
	}
	tk_close_rst(sfd);
	close(listener);
	hn_cap_wait(s->cap, HN_RST, 1, 2000);
	/* the RST has reached the client's socket when poll() says POLLHUP */
	TK_EXPECT(poll(&(struct pollfd){ .fd = cfd }, 1, 2000) == 1,
		  "the client's socket never saw the RST");
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, NULL);
	for (int i = 0; i < 2; i++) {
		errs[i] = write(cfd, "x", 1) < 0 ? errno : 0;
		sigpending(&pending);
		pipes[i] = sigismember(&pending, SIGPIPE);
		if (pipes[i])
			sigtimedwait(&pipe_set, NULL, &zero);
		fprintf(s->tr, "write %d: %s (%s), %s\n", i + 1,
			strerror(errs[i]), strerrorname_np(errs[i]),
			pipes[i] ? "SIGPIPE raised" : "no signal");
	}
	sigprocmask(SIG_UNBLOCK, &pipe_set, NULL);
	close(cfd);
	TK_EXPECT(errs[0] == want1 && pipes[0] == (want1 == EPIPE) &&
		  errs[1] == want2 && pipes[1] == (want2 == EPIPE),
		  "after a RST%s, the writes gave %s%s then %s%s",
		  fin_first ? " that followed a FIN" : "",
		  strerrorname_np(errs[0]), pipes[0] ? " and SIGPIPE" : "",
		  strerrorname_np(errs[1]), pipes[1] ? " and SIGPIPE" : "");
}

static void write_after_rst_measured(void **state)
{
	struct scene s;

	(void)state;
	scene_up(&s, NULL);
	fprintf(s.tr, "the server resets an established connection:\n");
	writes_after_rst(&s, false, ECONNRESET, EPIPE);
	fprintf(s.tr, "the server closes (FIN), then resets:\n");
	writes_after_rst(&s, true, EPIPE, EPIPE);
	scene_down(&s, "write-after-rst");
}

/* ---- 5.14 to 5.16: the server's host crashes, reboots, shuts down ------ */

static void server_host_crash(void **state)
{
	struct scene s;
	hn_proc *cli;
	int status;

	(void)state;
	scene_up(&s, "echosrv_v3");
	cli = client_start(&s, "echocli");
	client_echo(&s, cli, "hello");
	hn_crash(s.net, "server");
	fprintf(s.tr, "(the server's host crashes)\n");
	client_type(&s, cli, "another line");
	status = hn_wait_exit(cli, 5000);
	TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
		  strstr(hn_stderr(cli), "Connection timed out"),
		  "after retransmitting to a crashed host the client should "
		  "get ETIMEDOUT; status %d, stderr: %s", status,
		  hn_stderr(cli));
	TK_EXPECT(hn_cap_count(s.cap, "src host 192.0.2.2 and (" HN_FIN
			       " or " HN_RST ")") == 0,
		  "a crashed host sends nothing, yet a FIN or RST came:\n%s",
		  hn_cap_summary(s.cap, NULL));
	TK_EXPECT(hn_cap_count(s.cap, "src host 192.0.2.1 and " DATA) >= 3,
		  "the client should have retransmitted its line:\n%s",
		  hn_cap_summary(s.cap, NULL));
	fprintf(s.tr, "%s", hn_stderr(cli));
	scene_down(&s, "host-crash");
}

static void server_host_reboot(void **state)
{
	struct scene s;
	hn_proc *cli;
	int status;

	(void)state;
	scene_up(&s, "echosrv_v3");
	cli = client_start(&s, "echocli");
	client_echo(&s, cli, "hello");
	hn_reboot(s.net, "server");
	fprintf(s.tr, "(the server's host crashes and reboots)\n");
	client_type(&s, cli, "another line");
	status = hn_wait_exit(cli, 3000);
	TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
		  strstr(hn_stderr(cli), "Connection reset by peer"),
		  "the rebooted host knows no connection: the client should "
		  "get ECONNRESET; status %d, stderr: %s", status,
		  hn_stderr(cli));
	TK_EXPECT(hn_cap_count(s.cap, HN_RST " and src host 192.0.2.2") >= 1,
		  "no RST from the rebooted host");
	fprintf(s.tr, "%s", hn_stderr(cli));
	scene_down(&s, "host-reboot");
}

static void server_host_shutdown(void **state)
{
	struct scene s;
	hn_proc *cli;
	int status;

	(void)state;
	scene_up(&s, "echosrv_v3");
	cli = client_start(&s, "echocli");
	client_echo(&s, cli, "hello");
	hn_shutdown(s.net, "server", 1000);
	fprintf(s.tr, "(the server's host shuts down: SIGTERM to every "
		"process)\n");
	hn_cap_wait(s.cap, HN_FIN " and src host 192.0.2.2", 1, 2000);
	client_type(&s, cli, "another line");
	status = hn_wait_exit(cli, 3000);
	TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 1 &&
		  strstr(hn_stderr(cli), "server terminated prematurely"),
		  "after the server's FIN the client should see end of file; "
		  "status %d, stderr: %s", status, hn_stderr(cli));
	fprintf(s.tr, "%s", hn_stderr(cli));
	scene_down(&s, "host-shutdown");
}

/* ---- 5.18: the naive sum server ---------------------------------------- */

/* Sends input through echocli to the sum server; returns the replies. */
static char *sums(struct scene *s, const char *shown, const char *input)
{
	struct hn_spawn_opts opts = { .stdin_data = input };
	char *argv[] = { (char *)prog("echocli"), (char *)s->srvaddr, NULL };
	hn_proc *cli = hn_spawn(s->net, "client", argv, &opts);
	int status = hn_wait_exit(cli, 3000);

	TK_EXPECT(status == 0, "echocli failed: %s", hn_stderr(cli));
	fprintf(s->tr, "client$ %s | echocli %s\n%s", shown, s->srvaddr,
		hn_stdout(cli));
	return strdup(hn_stdout(cli));
}

static void sum_naive_failures(void **state)
{
	struct scene s;
	char *got, longline[5004];

	(void)state;
	scene_up(&s, "sumsrv_naive");
	got = sums(&s, "printf '1 2\\n99999999999999999999 0\\n3 4abc\\n"
		   "1 2 3\\n'",
		   "1 2\n99999999999999999999 0\n3 4abc\n1 2 3\n");
	TK_EXPECT(strcmp(got, "3\n9223372036854775807\n7\n3\n") == 0,
		  "the naive server's known failures changed: it answered\n%s",
		  got);
	free(got);
	memset(longline, '0', sizeof(longline));
	memcpy(longline, "1 ", 2);
	longline[5002] = '\n';
	longline[5003] = '\0';
	got = sums(&s, "(printf '1 '; printf '0%.0s' $(seq 5000); echo)",
		   longline);
	TK_EXPECT(strcmp(got, "1\ninput error\n") == 0, "a 5002-byte line "
		  "should get two answers from the naive server, got\n%s",
		  got);
	free(got);
	scene_down(&s, "sum-naive");
}

/* The same requests to sumsrv: lab 5's sum_serve() (the reference) in a
 * forking server, the one a reader talks to with nc. */
static void sum_server_answers_everything(void **state)
{
	struct scene s;
	char *got, longline[309];

	(void)state;
	scene_up(&s, "sumsrv");
	got = sums(&s, "printf '1 2\\n99999999999999999999 0\\n3 4abc\\n"
		   "1 2 3\\n'",
		   "1 2\n99999999999999999999 0\n3 4abc\n1 2 3\n");
	TK_EXPECT(strcmp(got, "3\nerror: out of range\nerror: not a number\n"
			 "error: need two numbers\n") == 0,
		  "sumsrv answered\n%s", got);
	free(got);
	memset(longline, '0', sizeof(longline));
	memcpy(longline, "1 ", 2);
	memcpy(longline + 302, "\n2 2\n", 6);
	got = sums(&s, "(printf '1 '; printf '0%.0s' $(seq 300); echo; "
		   "echo 2 2)", longline);
	TK_EXPECT(strcmp(got, "error: line too long\n4\n") == 0,
		  "a 302-byte line and \"2 2\" should get two answers from "
		  "sumsrv, got\n%s", got);
	free(got);
	scene_down(&s, "sum-robust");
}

/* ---- the library functions on a socket pair ---------------------------- */

static void str_echo_until_eof(void **state)
{
	int sv[2], status;
	char buf[32];
	pid_t pid;

	(void)state;
	Socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid = Fork();
	if (pid == 0) {
		close(sv[0]);
		_exit(str_echo(sv[1]) == 0 ? 0 : 1);
	}
	close(sv[1]);
	TK_EXPECT(tk_echoes(sv[0], "one\n", 2000) &&
		  tk_echoes(sv[0], "two\n", 2000), "str_echo did not echo");
	shutdown(sv[0], SHUT_WR);
	TK_EXPECT(pt_read_line(sv[0], buf, sizeof(buf), 2000) == 0,
		  "str_echo did not close after end of file");
	waitpid(pid, &status, 0);
	TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "str_echo should return 0 at end of file");
	close(sv[0]);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(str_echo_until_eof),
		TK_TEST(v1_leaves_zombies),
		TK_TEST(wait1_leaves_zombies),
		TK_TEST(v3_reaps_five_at_once),
		TK_TEST(v2_dies_in_accept),
		TK_TEST(v3_restarts_accept),
		TK_TEST(accept_after_abort_measured),
		TK_TEST(v3_survives_abort_before_accept),
		TK_TEST(server_child_killed),
		TK_TEST(write_after_rst_sigpipe),
		TK_TEST(write_after_rst_epipe),
		TK_TEST(write_after_rst_measured),
		TK_TEST(server_host_crash),
		TK_TEST(server_host_reboot),
		TK_TEST(server_host_shutdown),
		TK_TEST(sum_naive_failures),
		TK_TEST(sum_server_answers_everything),
	};
	return TK_RUN("ch05-echo", tests);
}
