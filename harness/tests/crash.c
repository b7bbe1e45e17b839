/*
 * crash.c - host crash, reboot and shutdown, seen from the peer: what its
 * socket reports, and what the wire carried.  The server side is a real
 * program (openbsd-inetd's built-in discard and echo services).
 */
#include "harness.h"
#include "testkit.h"
#include "tutil.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define FROM_B(f) f " and src host 192.0.2.2"

/* Writes until write() fails; returns its errno (0 if it never did). */
static int write_until_error(int fd, int max_writes)
{
	char buf[1024] = { 0 };
	int i;

	for (i = 0; i < max_writes; i++)
		if (write(fd, buf, sizeof(buf)) < 0)
			return errno;
	return 0;
}

static void small_buffers(int fd)
{
	int size = 4096;
	struct timeval guard = { .tv_sec = 5 };

	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	/* a safety net only: a writer blocked past 5 s gets EAGAIN */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &guard, sizeof(guard));
}

static void crash_gives_the_writer_etimedout(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "a", "b");
	hn_proc *inetd = hn_inetd(net, "b", "discard");
	int fd = t_connect(net, "a", "b", AF_INET, 9), e, status;
	long start, took;

	(void)state;
	small_buffers(fd);
	TK_EXPECT(write(fd, "warm", 4) == 4, "write before the crash: %s",
		  strerror(errno));
	start = t_now_ms();
	hn_crash(net, "b");
	e = write_until_error(fd, 10000);
	took = t_now_ms() - start;
	TK_EXPECT(e == ETIMEDOUT, "after b crashed, a's writes ended with "
		  "\"%s\", not ETIMEDOUT", e ? strerror(e) : "no error");
	TK_EXPECT(took < 1500, "ETIMEDOUT took %ld ms (the fast timers "
		  "should make it well under a second)", took);
	TK_EXPECT(hn_cap_count(cap, FROM_B(HN_FIN)) == 0 &&
		  hn_cap_count(cap, FROM_B(HN_RST)) == 0,
		  "the crashed host sent something:\n%s",
		  hn_cap_summary(cap, FROM_B("tcp")));
	status = hn_wait_exit(inetd, 1000);
	TK_EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		  "inetd in the crashed host ended with 0x%x, not SIGKILL",
		  status);
	close(fd);
	hn_down(net);
}

static void reboot_answers_with_rst(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "a", "b");
	int fd, fd2;
	char buf[16];
	ssize_t n;

	(void)state;
	hn_inetd(net, "b", "echo");
	fd = t_connect(net, "a", "b", AF_INET, 7);
	TK_EXPECT(write(fd, "hi", 2) == 2 && t_recv(fd, buf, sizeof(buf),
						     2000) == 2,
		  "the echo service did not answer before the reboot");
	hn_reboot(net, "b");
	TK_EXPECT(write(fd, "again", 5) == 5, "write after the reboot: %s",
		  strerror(errno));
	n = t_recv(fd, buf, sizeof(buf), 2000);
	TK_EXPECT(n < 0 && errno == ECONNRESET, "after b rebooted, a's read "
		  "gave %zd (%s), not ECONNRESET", n,
		  n < 0 ? strerror(errno) : "data");
	/* one RST per segment that reached b: one, or more if a busy
	 * machine made a send "again" again before the RST came back */
	TK_EXPECT(hn_cap_count(cap, FROM_B(HN_RST)) >= 1,
		  "the capture does not show a RST from the rebooted host:"
		  "\n%s", hn_cap_summary(cap, "tcp"));
	/* same addresses, and room for new servers */
	hn_inetd(net, "b", "echo");
	fd2 = t_connect(net, "a", "b", AF_INET6, 7);
	TK_EXPECT(write(fd2, "v6", 2) == 2 && t_recv(fd2, buf, sizeof(buf),
						      2000) == 2,
		  "after the reboot a new echo server did not answer");
	close(fd);
	close(fd2);
	hn_down(net);
}

static void shutdown_sends_fins(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "a", "b");
	hn_proc *inetd = hn_inetd(net, "b", "echo");
	int fd = t_connect(net, "a", "b", AF_INET, 7), status;
	char buf[16];
	ssize_t n;

	(void)state;
	TK_EXPECT(write(fd, "hi", 2) == 2 && t_recv(fd, buf, sizeof(buf),
						     2000) == 2,
		  "the echo service did not answer");
	hn_shutdown(net, "b", 1000);
	n = t_recv(fd, buf, sizeof(buf), 2000);
	TK_EXPECT(n == 0, "after b shut down, a's read gave %zd (%s), not "
		  "end of file", n, n < 0 ? strerror(errno) : "data");
	TK_EXPECT(hn_cap_wait(cap, FROM_B(HN_FIN), 1, 2000) == 1 &&
		  hn_cap_count(cap, FROM_B(HN_RST)) == 0,
		  "b did not close with a FIN:\n%s",
		  hn_cap_summary(cap, "tcp"));
	status = hn_wait_exit(inetd, 1000);
	TK_EXPECT(WIFEXITED(status) || WTERMSIG(status) == SIGTERM,
		  "inetd did not end by SIGTERM (wait status 0x%x)", status);
	close(fd);
	hn_down(net);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(crash_gives_the_writer_etimedout),
		TK_TEST(reboot_answers_with_rst),
		TK_TEST(shutdown_sends_fins),
	};
	return TK_RUN("harness_crash", tests);
}
