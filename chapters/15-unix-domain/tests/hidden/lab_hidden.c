/*
 * Lab 15 hidden tests: many descriptors passed in turn leave none
 * behind (each pass waits at most 1 s for what send_fd sent), and a
 * server that turned SO_PASSCRED on for its listening socket gets the
 * credentials of what its clients send.
 */
#include "../lab15test.h"

#include <dirent.h>

/* How many descriptors this process has open. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	TK_EXPECT(d != NULL, "cannot read /proc/self/fd");
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void many_descriptors_leave_none_behind(void **state)
{
	int sv[2], file, before, after;

	(void)state;
	lab_pair(SOCK_STREAM, sv);
	file = lab_file("many", "many\n");
	before = open_fds();
	for (int i = 0; i < 200; i++) {
		int got;

		TK_EXPECT(send_fd(sv[0], file) == 0, "send_fd failed on pass "
			  "%d: %s (section 15.7)", i + 1, strerror(errno));
		TK_EXPECT(tk_readable(sv[1], 1000), "pass %d: send_fd "
			  "returned 0 but nothing arrived within 1 s: on a "
			  "stream socket a message with no data byte carries "
			  "no descriptor either (section 15.7)", i + 1);
		got = recv_fd(sv[1]);
		TK_EXPECT(got >= 0 && same_file(got, file), "pass %d: recv_fd "
			  "gave %d (%s) (section 15.7)", i + 1, got,
			  strerror(errno));
		close(got);
	}
	after = open_fds();
	TK_EXPECT(after == before, "after 200 descriptors passed and closed "
		  "the process has %d descriptors open, %d before: one "
		  "leaks on each pass (section 15.7)", after, before);
	close(file);
	close(sv[0]);
	close(sv[1]);
}

static void listening_socket_passes_credentials_on(void **state)
{
	const char *path = lab_path("passcred.sock");
	struct ucred cred;
	char buf[16];
	int l, c, status;
	ssize_t n;
	pid_t pid;

	(void)state;
	l = unix_listen(path);
	TK_EXPECT(l >= 0 && passcred_on(l) == 0, "unix_listen or passcred_on "
		  "failed: %s (section 15.8)", strerror(errno));
	if ((pid = Fork()) == 0) {
		int s = unix_connect(path);

		_exit(s >= 0 && write(s, "hello", 5) == 5 ? 0 : 1);
	}
	TK_EXPECT(waitpid(pid, &status, 0) == pid && status == 0,
		  "the test's client could not connect and send");
	c = accept(l, NULL, NULL);
	memset(&cred, 0, sizeof(cred));
	n = recv_cred(c, buf, sizeof(buf), &cred);
	TK_EXPECT(n == 5 && cred.pid == pid, "a connection accepted from a "
		  "listening socket with SO_PASSCRED on: recv_cred gave %zd "
		  "(%s), pid %d for client pid %d (section 15.8)", n,
		  n < 0 ? strerror(errno) : "ok", (int)cred.pid, (int)pid);
	close(c);
	close(l);
	unlink(path);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(many_descriptors_leave_none_behind),
		TK_TEST(listening_socket_passes_credentials_on),
	};
	return TK_RUN("lab15 hidden", tests);
}
