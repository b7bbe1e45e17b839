/*
 * procs.c - programs in hosts: output, waits with deadlines and the
 * errors they give, stdin, signals, zombies, missing programs.
 */
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include "tutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* The helper program, found once (and kept, so it is not a leak). */
static const char *listener(void)
{
	static char *path;

	if (path == NULL)
		path = tk_sibling("listener");
	return path;
}

static void output_and_status_are_kept(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *p = hn_run(net, "a", "/bin/sh", "-c",
			    "echo hello; echo oops >&2; exit 3", NULL);
	int status = hn_wait_exit(p, 2000);

	(void)state;
	TK_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 3,
		  "sh exited with status 0x%x, not 3", status);
	TK_EXPECT(strcmp(hn_stdout(p), "hello\n") == 0 &&
		  strcmp(hn_stderr(p), "oops\n") == 0,
		  "stdout \"%s\", stderr \"%s\"", hn_stdout(p), hn_stderr(p));
	hn_down(net);
}

static void programs_run_in_their_host(void **state)
{
	hn_net *net = hn_two_hosts();
	char *out = NULL;
	int rc = hn_sh(net, "b", 2000, &out, "cat /proc/net/dev");

	(void)state;
	TK_EXPECT(rc == 0 && strstr(out, "eth0") != NULL,
		  "host b's programs do not see its eth0:\n%s", out);
	free(out);
	hn_down(net);
}

static void wait_line_and_wait_port(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *p = hn_run(net, "b", listener(), "tcp", "7000",
			    NULL);
	hn_proc *u = hn_run(net, "b", listener(), "udp", "7001",
			    NULL);
	int old = hn_set_strict(0), rc;

	(void)state;
	/* it listens only after it is told to */
	rc = hn_wait_port(p, IPPROTO_TCP, 7000, 50);
	hn_set_strict(old);
	TK_EXPECT(rc == -1, "a port was reported listening before listen()");
	hn_write_stdin(p, "go\n", 3);
	hn_write_stdin(u, "go\n", 3);
	hn_wait_port(p, IPPROTO_TCP, 7000, 2000);
	hn_wait_port(u, IPPROTO_UDP, 7001, 2000);
	hn_wait_line(p, "^listen", 2000);
	close(t_connect(net, "a", "b", AF_INET6, 7000));
	hn_write_stdin(p, NULL, 0);
	TK_EXPECT(hn_wait_exit(p, 2000) == 0, "listener did not exit 0 at "
		  "end of stdin");
	hn_down(net);
}

static void a_failed_wait_says_what_and_shows_output(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *p = hn_run(net, "a", "/bin/sh", "-c",
			    "echo some output; exec cat", NULL);
	hn_proc *q = hn_run(net, "a", "/bin/sh", "-c",
			    "echo dying words >&2; exit 4", NULL);
	int old = hn_set_strict(0), rc;

	(void)state;
	hn_wait_line(p, "some", 2000);
	rc = hn_wait_line(p, "never", 100);
	TK_EXPECT(rc == -1 && strstr(hn_error(), "waited 100 ms for /bin/sh "
				     "in host a to print a line matching "
				     "/never/; it is still running") &&
		  strstr(hn_error(), "some output"),
		  "the timeout said: %s", hn_error());
	rc = hn_wait_port(q, IPPROTO_TCP, 9999, 2000);
	TK_EXPECT(rc == -1 && strstr(hn_error(), "it exited with status 4")
		  && strstr(hn_error(), "dying words"),
		  "an early exit said: %s", hn_error());
	TK_EXPECT(hn_wait_exit(p, 20) == -1, "cat exited on its own");
	hn_set_strict(old);
	hn_down(net);
}

/* Asking whether a program has exited is not a wait that can time out:
 * in strict mode too, a running program gives -1 and the test goes on. */
static void asking_about_exit_never_fails(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *p = hn_run(net, "a", "/bin/cat", NULL);

	(void)state;
	TK_EXPECT(hn_exit_status(p) == -1, "cat, waiting for input, was "
		  "reported as exited");
	hn_write_stdin(p, NULL, 0);       /* end of its input */
	TK_EXPECT(WIFEXITED(hn_wait_exit(p, 2000)), "cat did not end");
	TK_EXPECT(hn_exit_status(p) == 0, "cat's status was not kept: %d",
		  hn_exit_status(p));
	hn_down(net);
}

static void a_missing_program_is_named(void **state)
{
	hn_net *net = hn_two_hosts();
	int old = hn_set_strict(0);

	(void)state;
	TK_EXPECT(hn_run(net, "a", "/no/such/prog", NULL) == NULL &&
		  strstr(hn_error(), "no program /no/such/prog for host a: "
			 "build it first") && !strchr(hn_error(), '\n'),
		  "a missing path said: %s", hn_error());
	TK_EXPECT(hn_run(net, "a", "no-such-command", NULL) == NULL &&
		  strstr(hn_error(), "no program \"no-such-command\" on $PATH"),
		  "a missing command said: %s", hn_error());
	TK_EXPECT(hn_run(net, "zz", "/bin/true", NULL) == NULL &&
		  strstr(hn_error(), "no host \"zz\""),
		  "an unknown host said: %s", hn_error());
	hn_set_strict(old);
	hn_down(net);
}

static void stdin_from_a_buffer_or_a_file(void **state)
{
	hn_net *net = hn_two_hosts();
	char *argv[] = { "/bin/cat", NULL }, path[256];
	struct hn_spawn_opts o = { .stdin_data = "from a buffer\n" };
	hn_proc *p = hn_spawn(net, "a", argv, &o);
	FILE *f;

	(void)state;
	hn_wait_exit(p, 2000);
	TK_EXPECT(strcmp(hn_stdout(p), "from a buffer\n") == 0,
		  "cat echoed \"%s\"", hn_stdout(p));
	snprintf(path, sizeof(path), "%s/input.txt", hn_tmpdir());
	f = fopen(path, "w");
	fputs("from a file\n", f);
	fclose(f);
	o.stdin_data = NULL;
	o.stdin_file = path;
	p = hn_spawn(net, "b", argv, &o);
	hn_wait_exit(p, 2000);
	TK_EXPECT(strcmp(hn_stdout(p), "from a file\n") == 0,
		  "cat echoed \"%s\"", hn_stdout(p));
	unlink(path);
	hn_down(net);
}

static void zombies_are_counted(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *p = hn_run(net, "a", listener(), "zombies", "3",
			    NULL);
	hn_proc *q = hn_run(net, "a", "/bin/sh", "-c", "exec cat", NULL);

	(void)state;
	hn_wait_line(p, "^forked 3$", 2000);
	TK_EXPECT(hn_zombies(p) == 3, "counted %d zombies, not 3",
		  hn_zombies(p));
	TK_EXPECT(hn_zombies(q) == 0, "cat has %d zombies", hn_zombies(q));
	hn_down(net);
}

static void signal_and_kill(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *p = hn_run(net, "a", "/bin/cat", NULL);
	hn_proc *q = hn_run(net, "a", "/bin/cat", NULL);
	int status, old;

	(void)state;
	hn_signal(p, SIGTERM);
	status = hn_wait_exit(p, 2000);
	TK_EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
		  "cat ended with 0x%x, not SIGTERM", status);
	status = hn_kill(q);
	TK_EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		  "cat ended with 0x%x, not SIGKILL", status);
	old = hn_set_strict(0);
	TK_EXPECT(hn_signal(p, SIGTERM) == -1 &&
		  strstr(hn_error(), "killed by signal 15"),
		  "signalling a dead program said: %s", hn_error());
	hn_set_strict(old);
	hn_down(net);
}

/* net NULL: the program runs here, in the sandbox's namespace, where
 * the test reaches it on loopback. */
static void programs_run_here_on_loopback(void **state)
{
	hn_proc *p = hn_run(NULL, NULL, listener(), "tcp", "7002", NULL);
	char *out = NULL;

	(void)state;
	hn_write_stdin(p, "go\n", 3);   /* it listens after a line */
	hn_wait_port(p, IPPROTO_TCP, 7002, 2000);
	TK_EXPECT(hn_sh(NULL, NULL, 2000, &out, "cat /proc/net/dev") == 0 &&
		  strstr(out, "eth0") == NULL && strstr(out, "lo:") != NULL,
		  "a program run here should see only lo:\n%s", out);
	free(out);
}

/* A program gets stdin, stdout and stderr, not the test's other
 * descriptors: a socket of the test left open in it would keep a
 * connection alive that the program itself closed. */
static void programs_get_no_other_descriptor(void **state)
{
	int fd = open("/dev/null", O_RDONLY);  /* no O_CLOEXEC on purpose */
	char cmd[96], *out = NULL;

	(void)state;
	TK_EXPECT(fd > 2, "open /dev/null: %s", strerror(errno));
	snprintf(cmd, sizeof(cmd), "ls /proc/$$/fd/ | tr '\\n' ' '; "
		 "test -e /proc/$$/fd/%d && echo kept || echo closed", fd);
	TK_EXPECT(hn_sh(NULL, NULL, 2000, &out, "%s", cmd) == 0 &&
		  strstr(out, "closed") != NULL,
		  "the test's descriptor %d reached the program: %s", fd,
		  out);
	free(out);
	close(fd);
}

/* The waiting questions: lines consumed in order, stderr, exit, and
 * stdin fed with a deadline; none fails the test when the answer is no. */
static void questions_that_wait(void **state)
{
	hn_proc *p = hn_run(NULL, NULL, "/bin/sh", "-c", "echo one; echo two;"
			    " echo one; echo warn >&2; cat; exit 4", NULL);
	char *line;

	(void)state;
	line = hn_next_line(p, "one", 2000);
	TK_EXPECT(line != NULL && strcmp(line, "one") == 0, "first line: %s",
		  line != NULL ? line : "(none)");
	free(line);
	line = hn_next_line(p, "one", 2000);
	TK_EXPECT(line != NULL, "the second \"one\" was not found");
	free(line);
	TK_EXPECT(hn_next_line(p, "one", 100) == NULL, "a third \"one\"");
	TK_EXPECT(hn_stderr_has(p, "warn", 2000), "stderr: %s",
		  hn_stderr(p));
	TK_EXPECT(hn_exited_within(p, 50) == -1, "sh ended before its stdin");
	TK_EXPECT(hn_feed(p, "fed\n", 4, 2000) == 0, "feeding stdin failed");
	TK_EXPECT(hn_exited_within(p, 2000) == 4 << 8, "sh did not exit 4");
	TK_EXPECT(strstr(hn_stdout(p), "fed\n") != NULL, "stdout: %s",
		  hn_stdout(p));
}

/* Whether the program led by pid sat still for ms within timeout_ms;
 * *took says when. */
static bool still_within(pid_t pid, int ms, int timeout_ms, long long *took)
{
	long long start = tk_now_ms();
	struct tk_still w;

	tk_still_start(&w);
	while (tk_now_ms() - start < timeout_ms) {
		if (tk_still_for(&w, &pid, 1, ms)) {
			*took = tk_now_ms() - start;
			return true;
		}
		tk_tick();
	}
	*took = tk_now_ms() - start;
	return false;
}

/* tk_still_for: a program asleep waiting for input is still once the
 * time asked for has passed, and not before; one that computes, or
 * wakes on a timer, never is; nor is any while a TCP connection here
 * holds bytes not yet acknowledged (its peer's window is full). */
static void still_programs_are_told_from_busy_ones(void **state)
{
	hn_proc *asleep = hn_run(NULL, NULL, "/bin/sh", "-c", "exec cat",
				 NULL);
	hn_proc *loop = hn_run(NULL, NULL, "/bin/sh", "-c", "while :; do :;"
			       " done", NULL);
	hn_proc *timer = hn_run(NULL, NULL, "/bin/sh", "-c", "while sleep "
				"0.05; do :; done", NULL);
	int lfd = tk_listen(NULL, NULL, "127.0.0.1", 0, 1);
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	char block[65536] = { 0 };
	long long took;
	pid_t pid = hn_pid(asleep);
	int c, tries = 0;
	bool still;

	(void)state;
	still = still_within(pid, 200, 2000, &took);
	TK_EXPECT(still && took >= 200, "cat waiting for input: still=%d "
		  "after %lld ms", still, took);
	TK_EXPECT(!still_within(hn_pid(loop), 200, 800, &took),
		  "a busy loop looked still after %lld ms", took);
	TK_EXPECT(!still_within(hn_pid(timer), 200, 800, &took),
		  "a program waking every 50 ms looked still");
	getsockname(lfd, (struct sockaddr *)&a, &len);
	c = tk_connect_here("127.0.0.1", ntohs(a.sin_port));
	TK_EXPECT(tk_peer_unread(c) == 0, "a new connection's peer has %ld"
		  " bytes unread", tk_peer_unread(c));
	TK_EXPECT(send(c, "hello", 5, 0) == 5, "send: %s", strerror(errno));
	TK_EXPECT(tk_peer_unread(c) == 5, "its peer (not accepted) has %ld "
		  "bytes unread, not 5", tk_peer_unread(c));
	while (send(c, block, sizeof(block), MSG_DONTWAIT) > 0 &&
	       tries++ < 1000)
		;                       /* until the peer's window is full */
	TK_EXPECT(!still_within(pid, 200, 800, &took), "still while a "
		  "connection held bytes not yet acknowledged");
	close(c);
	close(lfd);
	TK_EXPECT(still_within(pid, 200, 2000, &took), "not still once "
		  "the connection was gone");
	hn_kill(loop);
	hn_kill(timer);
}

/* A thread of the test that waits for a pipe, or spins until told. */
static atomic_bool stop_spinning;

static void *reads_a_pipe(void *arg)
{
	char c;

	return (void *)(long)read(*(int *)arg, &c, 1);
}

static void *spins(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop_spinning))
		;
	return NULL;
}

/* tk_threads_still: the test's other threads, asleep in a read, are
 * still after the time asked for; a spinning one never is. */
static void the_tests_own_threads_still_or_not(void **state)
{
	pthread_t reader, spinner;
	struct tk_still w;
	long long start = tk_now_ms();
	int fds[2];
	bool still = false;

	(void)state;
	TK_EXPECT(pipe(fds) == 0, "pipe: %s", strerror(errno));
	pthread_create(&reader, NULL, reads_a_pipe, &fds[0]);
	tk_still_start(&w);
	while (!still && tk_now_ms() - start < 2000) {
		still = tk_threads_still(&w, 200);
		tk_tick();
	}
	TK_EXPECT(still && tk_now_ms() - start >= 200, "a thread asleep in "
		  "read(): still=%d after %lld ms", still,
		  tk_now_ms() - start);
	pthread_create(&spinner, NULL, spins, NULL);
	tk_still_start(&w);
	start = tk_now_ms();
	while (!(still = tk_threads_still(&w, 200)) &&
	       tk_now_ms() - start < 800)
		tk_tick();
	atomic_store(&stop_spinning, true);
	pthread_join(spinner, NULL);
	TK_EXPECT(write(fds[1], "x", 1) == 1, "write: %s", strerror(errno));
	pthread_join(reader, NULL);
	close(fds[0]);
	close(fds[1]);
	TK_EXPECT(!still, "a spinning thread looked still");
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(output_and_status_are_kept),
		TK_TEST(programs_run_in_their_host),
		TK_TEST(wait_line_and_wait_port),
		TK_TEST(a_failed_wait_says_what_and_shows_output),
		TK_TEST(asking_about_exit_never_fails),
		TK_TEST(a_missing_program_is_named),
		TK_TEST(stdin_from_a_buffer_or_a_file),
		TK_TEST(zombies_are_counted),
		TK_TEST(signal_and_kill),
		TK_TEST(programs_run_here_on_loopback),
		TK_TEST(questions_that_wait),
		TK_TEST(programs_get_no_other_descriptor),
		TK_TEST(still_programs_are_told_from_busy_ones),
		TK_TEST(the_tests_own_threads_still_or_not),
	};
	return TK_RUN("harness_procs", tests);
}
