/*
 * Lab 15 public tests: the student's unix_listen() binds the right name
 * and cleans up only what it should; send_fd() and recv_fd() pass a
 * descriptor (also after the sender has gone, also with credentials on
 * the socket, and refuse a message cut short); peer_cred(),
 * passcred_on() and recv_cred() report what the kernel says about the
 * peer, never what the peer says.  The student's functions run in the
 * test itself; the other side is the test's own code or a child.
 */
#include "lab15test.h"

/* ---- 15.2 and 15.4: the listening socket ------------------------------- */

static void listens_on_its_path(void **state)
{
	const char *path = lab_path("a-rather-long-socket-name.sock");
	struct sockaddr_un got;
	socklen_t len = sizeof(got);
	struct stat st;
	int l, c;

	(void)state;
	l = unix_listen(path);
	TK_EXPECT(l >= 0, "unix_listen(\"%s\") failed: %s", path,
		  strerror(errno));
	Getsockname(l, (struct sockaddr *)&got, &len);
	TK_EXPECT(len > offsetof(struct sockaddr_un, sun_path) &&
		  strcmp(got.sun_path, path) == 0,
		  "the socket is bound to \"%.*s\", not \"%s\": check the "
		  "address length given to bind() (section 15.2: the "
		  "length of the family plus the path and its NUL, not "
		  "sizeof(struct sockaddr))",
		  (int)(len > offsetof(struct sockaddr_un, sun_path) ?
			len - offsetof(struct sockaddr_un, sun_path) : 0),
		  got.sun_path, path);
	TK_EXPECT(lstat(path, &st) == 0 && S_ISSOCK(st.st_mode),
		  "there is no socket file at %s after unix_listen", path);
	c = unix_connect(path);
	TK_EXPECT(c >= 0, "connect to the listening socket failed: %s",
		  strerror(errno));
	close(c);
	close(l);
	unlink(path);
}

static void replaces_a_stale_socket_only(void **state)
{
	const char *path = lab_path("stale.sock");
	struct stat st;
	int l, old;

	(void)state;
	old = unix_listen(path);        /* an earlier server ... */
	TK_EXPECT(old >= 0, "unix_listen failed: %s", strerror(errno));
	close(old);                     /* ... ended: its file stays */
	l = unix_listen(path);
	TK_EXPECT(l >= 0, "unix_listen failed where an earlier server left "
		  "its socket file: %s (section 15.4: remove a stale socket "
		  "before bind())", strerror(errno));
	close(l);
	unlink(path);

	close(lab_file("notasocket", "keep me\n"));
	path = lab_path("notasocket");
	l = unix_listen(path);
	TK_EXPECT(l < 0 && lstat(path, &st) == 0 && S_ISREG(st.st_mode),
		  "unix_listen on a path holding an ordinary file should fail "
		  "and leave the file alone; %s (section 15.4: remove only "
		  "a socket file)", l >= 0 ? "it succeeded" :
		  "the file is gone");
	unlink(path);
}

static void refuses_a_path_that_does_not_fit(void **state)
{
	struct sockaddr_un sun;
	char path[sizeof(sun.sun_path) + 8];
	size_t dir = strlen(hn_tmpdir());
	int l;

	(void)state;
	for (size_t n = sizeof(sun.sun_path) - 1; n <= sizeof(path) - 1;
	     n++) {
		memset(path, 'p', n);
		memcpy(path, hn_tmpdir(), dir);
		path[dir] = '/';
		path[n] = '\0';
		errno = 0;
		l = unix_listen(path);
		if (n < sizeof(sun.sun_path)) {
			TK_EXPECT(l >= 0, "a %zu-byte path fits in sun_path "
				  "(108 bytes) with its NUL, but unix_listen "
				  "failed: %s (section 15.2)", n,
				  strerror(errno));
			close(l);
			unlink(path);
			continue;
		}
		TK_EXPECT(l < 0 && errno == ENAMETOOLONG, "a %zu-byte path "
			  "does not fit in sun_path (108 bytes) with its "
			  "NUL; unix_listen should fail with ENAMETOOLONG, "
			  "it %s (section 15.2)", n, l >= 0 ?
			  "bound something else" : strerror(errno));
		TK_EXPECT(access(path, F_OK) < 0, "after refusing a %zu-byte "
			  "path, no socket file may be left", n);
	}
	/* nothing truncated was bound either */
	path[sizeof(sun.sun_path) - 1] = '\0';
	TK_EXPECT(access(path, F_OK) < 0, "a socket file with the first 107 "
		  "bytes of a too long path exists: the path was cut short "
		  "instead of refused (section 15.2)");
	unlink(path);
}

/* ---- 15.7: passing descriptors ----------------------------------------- */

static void send_fd_passes_an_open_descriptor(void **state)
{
	char control[CMSG_SPACE(sizeof(int))] __attribute__((aligned(8)));
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = control,
			      .msg_controllen = sizeof(control) };
	int sv[2], file, got = -1;
	ssize_t n;

	(void)state;
	lab_pair(SOCK_STREAM, sv);
	file = lab_file("passed", "passed along\n");
	TK_EXPECT(send_fd(sv[0], file) == 0, "send_fd failed: %s (section "
		  "15.7)", strerror(errno));
	TK_EXPECT(fcntl(file, F_GETFD) >= 0, "after send_fd the sender's "
		  "descriptor is closed; it should stay open, the caller "
		  "closes it (section 15.7)");
	lab_expect_message(sv[1], "send_fd returned 0 but sent nothing: a "
			   "descriptor travels with data, at least one byte "
			   "(section 15.7)");
	n = recvmsg(sv[1], &msg, MSG_CMSG_CLOEXEC);
	if (CMSG_FIRSTHDR(&msg) != NULL &&
	    CMSG_FIRSTHDR(&msg)->cmsg_type == SCM_RIGHTS)
		memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
	TK_EXPECT(n == 1 && got >= 0 && same_file(got, file),
		  "the test received %zd byte(s) and %s from send_fd "
		  "(section 15.7: one byte and an SCM_RIGHTS control "
		  "message at level SOL_SOCKET)", n,
		  got < 0 ? "no descriptor" : "another file");
	close(got);
	close(file);
	close(sv[0]);
	close(sv[1]);
}

static void recv_fd_receives_a_descriptor(void **state)
{
	int sv[2], file, got;

	(void)state;
	lab_pair(SOCK_STREAM, sv);
	file = lab_file("received", "received\n");
	test_send_fds(sv[0], &file, 1);
	got = recv_fd(sv[1]);
	TK_EXPECT(got >= 0, "recv_fd failed for a message carrying one "
		  "descriptor: %s (section 15.7: is the control buffer "
		  "CMSG_SPACE(sizeof(int)) bytes, header included?)",
		  strerror(errno));
	TK_EXPECT(same_file(got, file), "recv_fd returned descriptor %d, "
		  "which is not the file that was sent (section 15.7)", got);
	TK_EXPECT(fcntl(got, F_GETFD) & FD_CLOEXEC, "the received "
		  "descriptor should be close-on-exec (MSG_CMSG_CLOEXEC, "
		  "section 15.7)");
	close(got);
	close(file);
	close(sv[0]);
	close(sv[1]);
}

static void descriptor_outlives_its_sender(void **state)
{
	int sv[2], got, status;
	char buf[32] = "";
	pid_t pid;

	(void)state;
	lab_pair(SOCK_STREAM, sv);
	if ((pid = Fork()) == 0) {
		int f = lab_file("inflight", "in flight\n");

		_exit(send_fd(sv[0], f) == 0 ? 0 : 1);  /* and gone */
	}
	TK_EXPECT(waitpid(pid, &status, 0) == pid && status == 0,
		  "send_fd failed in a child (status %#x, section 15.7)",
		  status);
	unlink(lab_path("inflight"));
	close(sv[0]);
	lab_expect_message(sv[1], "the child's send_fd sent nothing");
	got = recv_fd(sv[1]);
	TK_EXPECT(got >= 0 && read(got, buf, sizeof(buf) - 1) == 10 &&
		  strcmp(buf, "in flight\n") == 0, "the descriptor sent by a "
		  "process that then exited should still be open and read "
		  "\"in flight\"; recv_fd gave %d (%s), read \"%s\" "
		  "(section 15.7)", got, got < 0 ? strerror(errno) : "ok",
		  tk_chomp(buf));
	close(got);
	close(sv[1]);
}

static void recv_fd_with_credentials_on(void **state)
{
	int sv[2], file, got, on = 1;

	(void)state;
	lab_pair(SOCK_STREAM, sv);
	Setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	file = lab_file("withcreds", "with credentials\n");
	test_send_fds(sv[0], &file, 1);
	got = recv_fd(sv[1]);
	TK_EXPECT(got >= 0, "on a socket with SO_PASSCRED on, credentials "
		  "arrive before the descriptor, and recv_fd failed: %s "
		  "(section 15.7: room for both, each CMSG_SPACE, not "
		  "CMSG_LEN)", strerror(errno));
	TK_EXPECT(same_file(got, file), "on a socket with SO_PASSCRED on, "
		  "recv_fd returned %d, not the descriptor sent: the first "
		  "control message there is SCM_CREDENTIALS; check "
		  "cmsg_level and cmsg_type (section 15.7)", got);
	close(got);
	close(file);
	close(sv[0]);
	close(sv[1]);
}

/* Sends n pipes' write ends in one message and closes the test's
 * copies; r[] gets the read ends. */
static void send_pipes(int sock, int n, int r[])
{
	int w[16], p[2];

	for (int i = 0; i < n; i++) {
		Pipe(p);
		r[i] = p[0];
		w[i] = p[1];
	}
	test_send_fds(sock, w, n);
	for (int i = 0; i < n; i++)
		Close(w[i]);
}

/* How many of the n pipes still have a write end open somewhere. */
static int pipes_open(const int r[], int n)
{
	int open = 0;

	for (int i = 0; i < n; i++)
		open += !lab_pipe_closed(r[i], i == 0 ? 1000 : 0);
	return open;
}

static void recv_fd_refuses_a_truncated_message(void **state)
{
	int sv[2], r[16], got, left;

	(void)state;
	lab_pair(SOCK_STREAM, sv);
	send_pipes(sv[0], 2, r);        /* two: the first is kept */
	got = recv_fd(sv[1]);
	TK_EXPECT(got >= 0, "two descriptors in one message: recv_fd should "
		  "return the first; it failed: %s (section 15.7)",
		  strerror(errno));
	close(got);
	left = pipes_open(r, 2);
	TK_EXPECT(left == 0, "of two descriptors that arrived together, "
		  "recv_fd kept %d open besides the one it returned "
		  "(section 15.7: close the others)", left);
	for (int i = 0; i < 2; i++)
		close(r[i]);

	send_pipes(sv[0], 16, r);       /* more than the buffer holds */
	errno = 0;
	got = recv_fd(sv[1]);
	TK_EXPECT(got < 0 && errno == EMSGSIZE, "16 descriptors in one "
		  "message do not fit recv_fd's buffer: the kernel sets "
		  "MSG_CTRUNC, and recv_fd should fail with EMSGSIZE; it "
		  "returned %d (%s) (section 15.7)", got,
		  got < 0 ? strerror(errno) : "a descriptor");
	left = pipes_open(r, 16);
	TK_EXPECT(left == 0, "after a truncated message every descriptor "
		  "should be closed: %d of 16 are still open (section "
		  "15.7)", left);
	for (int i = 0; i < 16; i++)
		close(r[i]);

	test_send_fds(sv[0], NULL, 0);  /* a byte and no descriptor */
	errno = 0;
	got = recv_fd(sv[1]);
	TK_EXPECT(got < 0 && errno == EBADMSG, "a byte without a descriptor: "
		  "recv_fd should fail with EBADMSG; it returned %d (%s) "
		  "(section 15.7)", got, got < 0 ? strerror(errno) : "");
	close(sv[0]);
	errno = 0;
	got = recv_fd(sv[1]);
	TK_EXPECT(got < 0 && errno == EPIPE, "at end of file recv_fd should "
		  "fail with EPIPE; it returned %d (%s) (section 15.7)", got,
		  got < 0 ? strerror(errno) : "");
	close(sv[1]);
}

/* ---- 15.8: credentials ------------------------------------------------- */

static void peer_cred_reports_the_kernel_view(void **state)
{
	const char *path = lab_path("peer.sock");
	struct ucred cred;
	int l, c, fds[2];
	pid_t pid;
	char go;

	(void)state;
	Pipe(fds);
	l = unix_listen(path);
	TK_EXPECT(l >= 0, "unix_listen: %s (section 15.4)", strerror(errno));
	if ((pid = Fork()) == 0) {
		int s = unix_connect(path);

		/* stays connected until the test says go */
		_exit(s >= 0 && read(fds[0], &go, 1) >= 0 ? 0 : 1);
	}
	TK_EXPECT(tk_readable(l, 2000), "the test's child did not connect");
	c = accept(l, NULL, NULL);
	memset(&cred, 0xff, sizeof(cred));
	TK_EXPECT(c >= 0 && peer_cred(c, &cred) == 0, "peer_cred failed: %s "
		  "(section 15.8)", strerror(errno));
	TK_EXPECT(cred.pid == pid && cred.uid == getuid() &&
		  cred.gid == getgid(), "peer_cred gave pid %d uid %d gid %d; "
		  "the peer is pid %d uid %d gid %d (section 15.8: "
		  "SO_PEERCRED fills a whole struct ucred)", (int)cred.pid,
		  (int)cred.uid, (int)cred.gid, (int)pid, (int)getuid(),
		  (int)getgid());
	Write(fds[1], "g", 1);
	waitpid(pid, NULL, 0);
	close(fds[0]);
	close(fds[1]);
	close(c);
	close(l);
	unlink(path);
}

/* A child sends a message claiming, in its data, to be pid 1, uid 4242
 * and gid 4242, and exits; recv_cred must report the child. */
static void recv_cred_reports_the_kernel_not_the_claim(void **state)
{
	struct ucred claim = { 1, 4242, 4242 }, cred;
	char buf[64];
	int sv[2], status;
	ssize_t n;
	pid_t pid;

	(void)state;
	lab_pair(SOCK_STREAM, sv);
	TK_EXPECT(passcred_on(sv[1]) == 0, "passcred_on failed: %s (section "
		  "15.8: the option is SO_PASSCRED)", strerror(errno));
	if ((pid = Fork()) == 0)
		_exit(write(sv[0], &claim, sizeof(claim)) == sizeof(claim) ?
		      0 : 1);
	TK_EXPECT(waitpid(pid, &status, 0) == pid && status == 0,
		  "the test's child could not send");
	lab_expect_message(sv[1], "the child's message did not come");
	memset(&cred, 0, sizeof(cred));
	n = recv_cred(sv[1], buf, sizeof(buf), &cred);
	TK_EXPECT(n == sizeof(claim), "recv_cred returned %zd (%s) for a "
		  "%zu-byte message sent after passcred_on (section 15.8)",
		  n, n < 0 ? strerror(errno) : "", sizeof(claim));
	TK_EXPECT(cred.pid == pid && cred.uid == getuid() &&
		  cred.gid == getgid(), "recv_cred reported pid %d uid %d "
		  "gid %d; the kernel says the sender was pid %d uid %d gid "
		  "%d (it claimed pid 1 uid 4242 in its data: never trust "
		  "that, section 15.8)", (int)cred.pid, (int)cred.uid,
		  (int)cred.gid, (int)pid, (int)getuid(), (int)getgid());
	close(sv[0]);
	close(sv[1]);
}

static void recv_cred_without_credentials_fails(void **state)
{
	struct ucred cred;
	char buf[64];
	int sv[2];
	ssize_t n;

	(void)state;
	lab_pair(SOCK_STREAM, sv);      /* SO_PASSCRED left off */
	Write(sv[0], "who am I?", 9);
	memset(&cred, 0, sizeof(cred));
	errno = 0;
	n = recv_cred(sv[1], buf, sizeof(buf), &cred);
	TK_EXPECT(n < 0 && errno == EBADMSG, "a message without credentials "
		  "(SO_PASSCRED off): recv_cred should fail with EBADMSG, "
		  "it returned %zd%s%s: a caller would take the sender for "
		  "uid %d (section 15.8)", n, n < 0 ? " " : "",
		  n < 0 ? strerror(errno) : "", (int)cred.uid);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(listens_on_its_path),
		TK_TEST(replaces_a_stale_socket_only),
		TK_TEST(refuses_a_path_that_does_not_fit),
		TK_TEST(send_fd_passes_an_open_descriptor),
		TK_TEST(recv_fd_receives_a_descriptor),
		TK_TEST(descriptor_outlives_its_sender),
		TK_TEST(recv_fd_with_credentials_on),
		TK_TEST(recv_fd_refuses_a_truncated_message),
		TK_TEST(peer_cred_reports_the_kernel_view),
		TK_TEST(recv_cred_reports_the_kernel_not_the_claim),
		TK_TEST(recv_cred_without_credentials_fails),
	};
	return TK_RUN("lab15", tests);
}
