/*
 * Chapter 15's examples, run here: the address rules measured by
 * unixaddr, stream and datagram echo over path and abstract names,
 * socketpair, descriptor passing (mycat and openfile, the naive receiver
 * that loses the descriptor, a descriptor in flight after its sender
 * exited), the datagram peer that is gone, the full receive queue, and
 * credentials (SO_PEERCRED, SCM_CREDENTIALS and the claims the kernel
 * refuses).
 */
#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#include <sched.h>
#include <sys/stat.h>

#define CH "15-unix-domain"

/* NAME in the test's private tmpfs (a few buffers, used in turn). */
static const char *tmp_path(const char *name)
{
	static char bufs[4][256];
	static int next;
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s/%s", hn_tmpdir(), name);
	return b;
}

/* Runs a chapter program with ARGV and INPUT on stdin, waits for it. */
static hn_proc *run_fed(const char *input, const char *name, ...)
	__attribute__((sentinel));
static hn_proc *run_fed(const char *input, const char *name, ...)
{
	struct hn_spawn_opts opts = { .stdin_data = input };
	char *argv[8] = { (char *)tk_prog(CH, name) };
	va_list ap;
	int n = 1;
	hn_proc *p;

	va_start(ap, name);
	while (n < 7 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	p = hn_spawn(NULL, NULL, argv, input != NULL ? &opts : NULL);
	TK_EXPECT(p != NULL, "could not start %s", name);
	return p;
}

/* Runs a chapter program to its end (5 s at most); its exit code. */
static int run_to_end(hn_proc *p, const char *name)
{
	TK_EXPECT(tk_exited(p, 5000), "%s did not end within 5 s; it said: "
		  "%s %s", name, tk_shown(hn_stdout(p)),
		  tk_shown(hn_stderr(p)));
	return tk_exit_code(p);
}

/* The text with the tmpfs directory written as DIR. */
static char *with_dir(const char *text)
{
	char re[300];
	size_t j = 0;

	for (const char *s = hn_tmpdir(); *s != '\0' && j < 290; s++) {
		if (strchr(".[]()*+?^$|\\", *s) != NULL)
			re[j++] = '\\';
		re[j++] = *s;
	}
	re[j] = '\0';
	return tk_scrub(strdup(text), re, "DIR");
}

static bool has(const char *text, const char *needle)
{
	return strstr(text, needle) != NULL;
}

/* ---- 15.2 and 15.4: addresses, files and permissions ------------------- */

static void addresses_measured(void **state)
{
	hn_proc *p = run_fed(NULL, "unixaddr", hn_tmpdir(), NULL);
	const char *must[] = {
		"sun_path 108 bytes",
		"bind, length 2 (the family only): ok",
		"/n, length 110 (the whole structure): ok",
		"bind a 108-byte path, no NUL, length 110: ok",
		", length 111\n",
		"bind, length 111 (past the structure): EINVAL",
		"the file: a socket, mode 0755 (umask 022)",
		"a second socket binds it: EADDRINUSE",
		"its socket closed, the file is still there",
		"connect now: ECONNREFUSED",
		"bind now: EADDRINUSE",
		"after unlink, bind: ok",
		"mode 0200, connect by its owner: ok",
		"mode 0500, connect by its owner: EACCES",
		"connect, length 17 (a NUL counted too): ECONNREFUSED",
		"its socket closed, connect: ECONNREFUSED\nand bind: ok",
	};
	char *text;

	(void)state;
	TK_EXPECT(run_to_end(p, "unixaddr") == 0, "unixaddr failed: %s",
		  hn_stderr(p));
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		TK_EXPECT(has(hn_stdout(p), must[i]), "unixaddr did not say "
			  "\"%s\"; it said:\n%s", must[i], hn_stdout(p));
	TK_EXPECT(access(tmp_path("s"), F_OK) < 0 &&
		  access(tmp_path("p"), F_OK) < 0,
		  "unixaddr left its socket files behind");
	text = with_dir(hn_stdout(p));
	text = tk_scrub(text, "@[0-9a-f]{5},", "@NNNNN,");
	tk_transcript_of(CH, "unixaddr", "unixaddr DIR", text);
	free(text);
}

/* ---- 15.5: stream echo ------------------------------------------------- */

static void echo_over(const char *name, const char *transcript)
{
	hn_proc *srv = run_fed(NULL, "unixstrserv", name, NULL);
	hn_proc *cli;
	char cmd[300];

	TK_EXPECT(tk_saw(srv, "listening on", 2000), "unixstrserv %s did "
		  "not start: %s", name, hn_stderr(srv));
	cli = run_fed("hello over a Unix socket\nsecond line\n",
		      "unixstrcli", name, NULL);
	TK_EXPECT(run_to_end(cli, "unixstrcli") == 0 &&
		  strcmp(hn_stdout(cli), "hello over a Unix socket\n"
			 "second line\n") == 0,
		  "unixstrcli over %s echoed %s (stderr %s)", name,
		  tk_shown(hn_stdout(cli)), hn_stderr(cli));
	if (transcript != NULL) {
		char *out = with_dir(hn_stdout(cli));
		char *shown = with_dir(name);

		snprintf(cmd, sizeof(cmd), "printf 'hello over a Unix socket"
			 "\\nsecond line\\n' | unixstrcli %s", shown);
		tk_transcript_of(CH, transcript, cmd, out);
		free(out);
		free(shown);
	}
	hn_kill(srv);
}

static void stream_echo_path_and_abstract(void **state)
{
	const char *path = tmp_path("echo.sock");
	struct stat st;

	(void)state;
	echo_over(path, "unixstrcli");
	TK_EXPECT(lstat(path, &st) == 0 && S_ISSOCK(st.st_mode),
		  "the killed server's socket file should stay behind");
	/* a second server at the same path: it removes the stale file */
	echo_over(path, NULL);
	unlink(path);
	echo_over("@lnp-echo", NULL);
	TK_EXPECT(access(tmp_path("@lnp-echo"), F_OK) < 0,
		  "an abstract name made a file");
}

/* ---- 15.6: datagram echo, the unbound client, the dead peer, the full
 * queue ------------------------------------------------------------------ */

static void datagram_echo_needs_a_bound_client(void **state)
{
	const char *path = tmp_path("dg.sock");
	hn_proc *srv = run_fed(NULL, "unixdgserv", path, NULL);
	hn_proc *cli;
	char *text;
	FILE *tr;

	(void)state;
	TK_EXPECT(tk_saw(srv, "listening on", 2000), "unixdgserv did not "
		  "start: %s", hn_stderr(srv));
	cli = run_fed("one datagram\n", "unixdgcli", path, NULL);
	TK_EXPECT(run_to_end(cli, "unixdgcli") == 0 &&
		  strcmp(hn_stdout(cli), "one datagram\n") == 0,
		  "unixdgcli got %s (stderr %s)", tk_shown(hn_stdout(cli)),
		  hn_stderr(cli));
	tr = tk_transcript_open();
	text = tk_scrub(strdup(hn_stderr(cli)), "@[0-9a-f]{5} ", "@NNNNN ");
	fprintf(tr, "$ echo 'one datagram' | unixdgcli DIR/dg.sock\n%s%s",
		text, hn_stdout(cli));
	free(text);

	/* watch it break: a client that bound no name gets no answer */
	cli = run_fed("one datagram\n", "unixdgcli", "-n", path, NULL);
	TK_EXPECT(hn_stderr_has(srv, "no reply to an unnamed socket", 2000),
		  "the server should have failed to answer an unbound "
		  "client; it said: %s", tk_shown(hn_stderr(srv)));
	TK_EXPECT(has(hn_stderr(srv), "(address length 0)") &&
		  has(hn_stderr(srv), "not connected"),
		  "the server's sendto to an unbound client failed "
		  "differently: %s", hn_stderr(srv));
	fprintf(tr, "$ echo 'one datagram' | unixdgcli -n DIR/dg.sock\n"
		"(no answer; the server says:)\n%s", hn_stderr(srv));
	tk_transcript_close(tr, CH, "unixdgcli");
	hn_kill(cli);
	hn_kill(srv);
	unlink(path);
}

static void dead_datagram_peer(void **state)
{
	hn_proc *p = run_fed(NULL, "dgdead", hn_tmpdir(), NULL);
	const char *want =
		"sendto, server bound: ok\n"
		"server closed: sendto: ECONNREFUSED, connect: ECONNREFUSED\n"
		"file removed: sendto: ENOENT, connect: ENOENT\n"
		"connected: send: ok\n"
		"peer closed: send: ECONNREFUSED, send again: ENOTCONN\n";

	(void)state;
	TK_EXPECT(run_to_end(p, "dgdead") == 0 &&
		  strcmp(hn_stdout(p), want) == 0,
		  "dgdead measured something else:\n%s\n(expected:\n%s)%s",
		  hn_stdout(p), want, hn_stderr(p));
	tk_transcript_of(CH, "dgdead", "dgdead DIR", hn_stdout(p));
}

static void write_qlen(int v)
{
	FILE *f = fopen("/proc/sys/net/unix/max_dgram_qlen", "w");

	TK_EXPECT(f != NULL && fprintf(f, "%d\n", v) > 0 && fclose(f) == 0,
		  "cannot set net.unix.max_dgram_qlen in the test's own "
		  "network namespace: %s", strerror(errno));
}

/* The setting in a new network namespace (a child makes one). */
static int qlen_in_new_netns(void)
{
	int fds[2], v = -1;
	pid_t pid;

	Pipe(fds);
	if ((pid = Fork()) == 0) {
		FILE *f;
		int got = -1;

		if (unshare(CLONE_NEWNET) == 0 &&
		    (f = fopen("/proc/sys/net/unix/max_dgram_qlen", "r"))
		    != NULL) {
			if (fscanf(f, "%d", &got) != 1)
				got = -1;
			fclose(f);
		}
		if (write(fds[1], &got, sizeof(got)) < 0)
			_exit(1);
		_exit(0);
	}
	Close(fds[1]);
	if (read(fds[0], &v, sizeof(v)) != sizeof(v))
		v = -1;
	Close(fds[0]);
	waitpid(pid, NULL, 0);
	return v;
}

static void full_receive_queue(void **state)
{
	hn_proc *p = run_fed(NULL, "dgqueue", NULL);
	char *text;

	(void)state;
	TK_EXPECT(run_to_end(p, "dgqueue") == 0, "dgqueue failed: %s",
		  hn_stderr(p));
	TK_EXPECT(has(hn_stdout(p), "max_dgram_qlen: 10\n") &&
		  has(hn_stdout(p), "queued before EAGAIN: 11\n") &&
		  has(hn_stdout(p), "waits: EAGAIN after about 200 ms") &&
		  has(hn_stdout(p), "one datagram read: sendto ok") &&
		  has(hn_stdout(p), "more than the limit"),
		  "with the default of 10, dgqueue measured:\n%s",
		  hn_stdout(p));
	text = tk_scrub(strdup(hn_stdout(p)), "EAGAIN: [0-9]+, more",
			"EAGAIN: N, more");
	tk_transcript_of(CH, "dgqueue", "dgqueue", text);
	free(text);

	/* the setting belongs to the network namespace: ours changes, a
	 * new one still starts with the default */
	write_qlen(3);
	p = run_fed(NULL, "dgqueue", NULL);
	TK_EXPECT(run_to_end(p, "dgqueue") == 0 &&
		  has(hn_stdout(p), "queued before EAGAIN: 4\n"),
		  "with max_dgram_qlen 3, dgqueue measured:\n%s",
		  hn_stdout(p));
	TK_EXPECT(qlen_in_new_netns() == 10, "a new network namespace "
		  "should start with max_dgram_qlen 10; it has %d",
		  qlen_in_new_netns());
	write_qlen(10);
}

/* A receiver made before the setting changes keeps the old limit. */
static int fill_to(int snd, int rcv)
{
	struct sockaddr_un to;
	socklen_t len = sizeof(to);
	int n = 0;

	Getsockname(rcv, (struct sockaddr *)&to, &len);
	while (sendto(snd, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&to,
		      len) == 1)
		n++;
	return n;
}

static int autobound_dgram(void)
{
	struct sockaddr_un me = { .sun_family = AF_UNIX };
	int fd = Socket(AF_UNIX, SOCK_DGRAM, 0);

	Bind(fd, (struct sockaddr *)&me, sizeof(sa_family_t));
	return fd;
}

static void queue_limit_read_when_socket_made(void **state)
{
	int before = autobound_dgram(), after, snd, n_before, n_after;

	(void)state;
	write_qlen(3);
	after = autobound_dgram();
	snd = Socket(AF_UNIX, SOCK_DGRAM, 0);
	n_before = fill_to(snd, before);
	n_after = fill_to(snd, after);
	write_qlen(10);
	TK_EXPECT(n_before == 11 && n_after == 4, "with max_dgram_qlen "
		  "changed from 10 to 3, a receiver made before took %d "
		  "datagrams, one made after %d (expected 11 and 4)",
		  n_before, n_after);
	Close(before);
	Close(after);
	Close(snd);
}

/* sendmsg() of no data with a descriptor: nothing on a stream socket,
 * an empty datagram that carries it on a datagram socket. */
static void zero_bytes_with_a_descriptor(void **state)
{
	union {
		struct cmsghdr a;
		char b[CMSG_SPACE(sizeof(int))];
	} out, in;
	struct msghdr msg = { .msg_control = out.b,
			      .msg_controllen = sizeof(out.b) };
	struct cmsghdr *c;
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr rmsg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int types[2] = { SOCK_STREAM, SOCK_DGRAM }, sv[2], fd = 0;
	ssize_t sent, got;

	(void)state;
	memset(&out, 0, sizeof(out));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	for (int i = 0; i < 2; i++) {
		Socketpair(AF_UNIX, types[i], 0, sv);
		sent = sendmsg(sv[0], &msg, 0);
		rmsg.msg_control = in.b;
		rmsg.msg_controllen = sizeof(in.b);
		got = recvmsg(sv[1], &rmsg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		if (i == 0)
			TK_EXPECT(sent == 0 && got < 0 && errno == EAGAIN,
				  "a stream sendmsg of 0 bytes with a "
				  "descriptor: sent %zd, then recvmsg %zd "
				  "(expected 0 and nothing to read)", sent,
				  got);
		else
			TK_EXPECT(sent == 0 && got == 0 &&
				  rmsg.msg_controllen ==
				  CMSG_SPACE(sizeof(int)),
				  "a datagram sendmsg of 0 bytes with a "
				  "descriptor: sent %zd, recvmsg %zd with %zu "
				  "bytes of control data", sent, got,
				  (size_t)rmsg.msg_controllen);
		if (i == 1 && CMSG_FIRSTHDR(&rmsg) != NULL) {
			memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&rmsg)),
			       sizeof(int));
			close(fd);
		}
		Close(sv[0]);
		Close(sv[1]);
	}
}

/* ---- 15.3: socketpair -------------------------------------------------- */

static void socketpair_parent_and_child(void **state)
{
	hn_proc *p = run_fed(NULL, "sockpair", NULL);

	(void)state;
	TK_EXPECT(run_to_end(p, "sockpair") == 0 &&
		  strcmp(hn_stdout(p), "parent sent \"hello over a socketpair"
			 "\", child answered \"HELLO OVER A SOCKETPAIR\"\n")
		  == 0, "sockpair printed %s", tk_shown(hn_stdout(p)));
	tk_transcript_of(CH, "sockpair", "sockpair", hn_stdout(p));
}

/* ---- 15.7: passing descriptors ----------------------------------------- */

/* A file of mode 0000 (only a privileged process may open it). */
static const char *secret_file(void)
{
	const char *path = tmp_path("secret");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0);

	TK_EXPECT(fd >= 0, "cannot create %s: %s", path, strerror(errno));
	Write(fd, "the secret\n", 11);
	Close(fd);
	return path;
}

static void mycat_reads_what_it_cannot_open(void **state)
{
	const char *path = secret_file();
	hn_proc *p = run_fed(NULL, "mycat", path, NULL);
	char *err, out[4096];
	int rc = run_to_end(p, "mycat");

	(void)state;
	TK_EXPECT(has(hn_stderr(p), "Permission denied; asking openfile"),
		  "mycat should not be able to open a mode 0000 file "
		  "itself: %s", hn_stderr(p));
	TK_EXPECT(rc == 0 && strcmp(hn_stdout(p), "the secret\n") == 0,
		  "mycat printed %s, exit %d, stderr %s",
		  tk_shown(hn_stdout(p)), rc, hn_stderr(p));
	err = with_dir(hn_stderr(p));
	snprintf(out, sizeof(out), "%s%s", err, hn_stdout(p));
	tk_transcript_of(CH, "mycat", "mycat DIR/secret", out);
	free(err);

	p = run_fed(NULL, "mycat", tmp_path("nosuchfile"), NULL);
	TK_EXPECT(run_to_end(p, "mycat") == 1 &&
		  has(hn_stderr(p), "openfile could not open") &&
		  has(hn_stderr(p), "No such file or directory"),
		  "mycat of a missing file should pass openfile's errno on: "
		  "%s", hn_stderr(p));
	unlink(path);
}

/* Watch it break: the same scene, a receiver with too small a buffer. */
static void naive_receiver_loses_the_descriptor(void **state)
{
	const char *path = secret_file();
	hn_proc *p = run_fed(NULL, "mycat_naive", path, NULL);
	int rc = run_to_end(p, "mycat_naive");
	char *err;

	(void)state;
	TK_EXPECT(rc == 1 && has(hn_stderr(p), "exited (status 0)") &&
		  has(hn_stderr(p), "openfile sent no descriptor") &&
		  hn_stdout(p)[0] == '\0',
		  "mycat_naive's known failure changed: exit %d, stdout %s, "
		  "stderr %s", rc, tk_shown(hn_stdout(p)), hn_stderr(p));
	err = with_dir(hn_stderr(p));
	tk_transcript_of(CH, "mycat_naive", "mycat_naive DIR/secret", err);
	free(err);
	unlink(path);
}

/* Sends fd with one byte over sock (the test's own sender). */
static void send_one_fd(int sock, int fd)
{
	union {
		struct cmsghdr a;
		char b[CMSG_SPACE(sizeof(int))];
	} u;
	char byte = 'x';
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.b,
			      .msg_controllen = sizeof(u.b) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(&u, 0, sizeof(u));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	TK_EXPECT(sendmsg(sock, &msg, 0) == 1, "sendmsg: %s",
		  strerror(errno));
}

/* Whether the pipe's read end sees end of file within 1 s: every write
 * end, including one in flight, is closed. */
static bool pipe_closed(int rfd)
{
	char c;

	return tk_readable(rfd, 1000) && read(rfd, &c, 1) == 0;
}

/* What the kernel does with a descriptor the receiver has no room for:
 * it closes it and sets MSG_CTRUNC.  read() is worse: no flag at all. */
static void lost_descriptor_is_closed(void **state)
{
	char control[sizeof(int)], byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	int sv[2], p[2];

	(void)state;
	Socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	Pipe(p);
	send_one_fd(sv[0], p[1]);
	Close(p[1]);                    /* the only write end: in flight */
	TK_EXPECT(!tk_readable(p[0], 0), "the pipe ended while its write "
		  "end was in flight");
	TK_EXPECT(recvmsg(sv[1], &msg, 0) == 1, "recvmsg: %s",
		  strerror(errno));
	TK_EXPECT((msg.msg_flags & MSG_CTRUNC) && msg.msg_controllen == 0,
		  "a %zu-byte control buffer should get MSG_CTRUNC and no "
		  "control data; flags %#x, controllen %zu", sizeof(control),
		  (unsigned)msg.msg_flags, (size_t)msg.msg_controllen);
	TK_EXPECT(pipe_closed(p[0]), "the descriptor that did not fit "
		  "should have been closed by the kernel");
	Close(p[0]);

	Pipe(p);                        /* the same with read() */
	send_one_fd(sv[0], p[1]);
	Close(p[1]);
	TK_EXPECT(read(sv[1], &byte, 1) == 1, "read: %s", strerror(errno));
	TK_EXPECT(pipe_closed(p[0]), "read() should have thrown the "
		  "descriptor away, closing it");
	Close(p[0]);
	Close(sv[0]);
	Close(sv[1]);
}

/* The sender opens a file, passes it and exits at once; the file is
 * even removed; the receiver takes it later and reads it. */
static void descriptor_in_flight_after_sender_exits(void **state)
{
	const char *path = tmp_path("inflight");
	char control[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8)));
	char byte, buf[32] = "";
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	int sv[2], fd = -1, status;
	pid_t pid;

	(void)state;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	Write(fd, "still here\n", 11);
	Close(fd);
	Socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if ((pid = Fork()) == 0) {
		int f = open(path, O_RDONLY);

		send_one_fd(sv[1], f);
		_exit(0);               /* closes f and its socket */
	}
	Close(sv[1]);
	TK_EXPECT(waitpid(pid, &status, 0) == pid && status == 0,
		  "the sender failed (status %d)", status);
	unlink(path);                   /* no name left, no sender left */
	fd = -1;
	TK_EXPECT(recvmsg(sv[0], &msg, 0) == 1, "recvmsg: %s",
		  strerror(errno));
	if (CMSG_FIRSTHDR(&msg) != NULL)
		memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	TK_EXPECT(fd >= 0 && read(fd, buf, sizeof(buf) - 1) == 11 &&
		  strcmp(buf, "still here\n") == 0,
		  "the descriptor in flight should still be open after its "
		  "sender exited; got fd %d, read \"%s\"", fd, buf);
	close(fd);
	Close(sv[0]);
}

/* ---- 15.8: credentials ------------------------------------------------- */

/* The scene as a reader would type it, with the sandbox's PIDs (small
 * numbers that change from run to run) written as N; pid 1 stays. */
static void credentials_transcript(const char *err2, const char *err3,
				   const char *served)
{
	char *text = NULL, *t;
	size_t size = 0;
	FILE *tr = open_memstream(&text, &size);

	fprintf(tr, "$ credserv DIR/cred.sock 4 &\n"
		"$ credcli DIR/cred.sock 'I am uid 1000, trust me'\n"
		"$ credcli -u 1000 DIR/cred.sock 'uid 1000'\n%s"
		"$ credcli -d -p 1 DIR/cred.sock 'pid 1'\n%s"
		"$ credcli -p 1 DIR/cred.sock 'privileged, I claim pid 1'\n"
		"(what credserv printed:)\n%s", err2, err3, served);
	fclose(tr);
	t = with_dir(text);
	free(text);
	t = tk_scrub(t, "pid ([2-9]|[1-9][0-9]+) ", "pid N ");
	tk_transcript(CH, "credentials", t);
	free(t);
}

static void credentials_and_claims(void **state)
{
	const char *path = tmp_path("cred.sock");
	hn_proc *srv = run_fed(NULL, "credserv", path, "4", NULL);
	hn_proc *c1, *c2, *c3, *c4;
	char want[200];

	(void)state;
	TK_EXPECT(tk_saw(srv, "listening on", 2000), "credserv did not "
		  "start: %s", hn_stderr(srv));
	c1 = run_fed(NULL, "credcli", path, "I am uid 1000, trust me", NULL);
	TK_EXPECT(run_to_end(c1, "credcli") == 0, "credcli: %s",
		  hn_stderr(c1));
	TK_EXPECT(tk_saw(srv, "client gone", 2000), "credserv did not see "
		  "the first client end: %s", hn_stdout(srv));
	snprintf(want, sizeof(want), "SO_PEERCRED: pid %d uid 0 gid 0\n"
		 "the client says: I am uid 1000, trust me\n"
		 "SCM_CREDENTIALS: pid %d uid 0 gid 0\n", (int)hn_pid(c1),
		 (int)hn_pid(c1));
	TK_EXPECT(has(hn_stdout(srv), want), "credserv should report the "
		  "kernel's credentials of credcli (pid %d), not its claim; "
		  "it printed:\n%s", (int)hn_pid(c1), hn_stdout(srv));

	c2 = run_fed(NULL, "credcli", "-u", "1000", path, "uid 1000", NULL);
	TK_EXPECT(run_to_end(c2, "credcli") == 1 &&
		  has(hn_stderr(c2), "Invalid argument"),
		  "a claim of uid 1000, which has no mapping in the test's "
		  "user namespace, should fail with EINVAL: %s",
		  hn_stderr(c2));
	c3 = run_fed(NULL, "credcli", "-d", "-p", "1", path, "pid 1", NULL);
	TK_EXPECT(run_to_end(c3, "credcli") == 1 &&
		  has(hn_stderr(c3), "Operation not permitted"),
		  "an unprivileged claim of pid 1 should fail with EPERM: %s",
		  hn_stderr(c3));
	c4 = run_fed(NULL, "credcli", "-p", "1", path,
		     "privileged, I claim pid 1", NULL);
	TK_EXPECT(run_to_end(c4, "credcli") == 0, "a privileged claim of "
		  "pid 1 should pass: %s", hn_stderr(c4));
	TK_EXPECT(run_to_end(srv, "credserv") == 0 &&
		  has(hn_stdout(srv), "SCM_CREDENTIALS: pid 1 uid 0 gid 0"),
		  "credserv should show the privileged claim of pid 1:\n%s",
		  hn_stdout(srv));

	credentials_transcript(hn_stderr(c2), hn_stderr(c3), hn_stdout(srv));
	unlink(path);
}

static void bad_arguments_are_explained(void **state)
{
	const struct tk_bad_args cases[] = {
		{ "unixaddr", { NULL }, "usage" },
		{ "unixstrserv", { NULL }, "usage" },
		{ "unixstrcli", { "" }, "unix_addr" },
		{ "unixdgcli", { "-x", "a", "b" }, "usage" },
		{ "openfile", { "3" }, "usage" },
		{ "mycat", { NULL }, "usage" },
		{ "credserv", { "/x", "0" }, "usage" },
		{ "credcli", { "-q", "/x", "m" }, "usage" },
		{ "dgdead", { NULL }, "usage" },
	};

	(void)state;
	tk_expect_bad_args(CH, cases, sizeof(cases) / sizeof(cases[0]));
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(addresses_measured),
		TK_TEST(stream_echo_path_and_abstract),
		TK_TEST(socketpair_parent_and_child),
		TK_TEST(datagram_echo_needs_a_bound_client),
		TK_TEST(dead_datagram_peer),
		TK_TEST(full_receive_queue),
		TK_TEST(queue_limit_read_when_socket_made),
		TK_TEST(mycat_reads_what_it_cannot_open),
		TK_TEST(naive_receiver_loses_the_descriptor),
		TK_TEST(lost_descriptor_is_closed),
		TK_TEST(descriptor_in_flight_after_sender_exits),
		TK_TEST(zero_bytes_with_a_descriptor),
		TK_TEST(credentials_and_claims),
		TK_TEST(bad_arguments_are_explained),
	};
	return TK_RUN("ch15 unix", tests);
}
