/*
 * signal_test.c - unit tests of lib/signal.c: after a handler installed
 * with signal_install() or Signal() has run, an interrupted read() goes
 * on by itself (SA_RESTART), except for SIGALRM, which is there to time
 * calls out; after signal_intr() the read fails with EINTR.
 *
 * How the test is made deterministic: a peer thread waits until /proc
 * says the test's thread is blocked in read(), sends the signal, waits
 * for the handler to run, and only then writes a byte.  A restarted read
 * returns that byte; an interrupted one has already failed with EINTR.
 */
#include "lnp.h"
#include "testkit.h"
#include "testpeer.h"

enum how { INSTALL, INTR, WRAPPER };

struct restart_case {
	const char *what;
	enum how how;
	int signo;
	bool restarts;
};

static const struct restart_case restart_cases[] = {
	{ "signal_install(SIGUSR1)", INSTALL, SIGUSR1, true },
	{ "signal_install(SIGCHLD)", INSTALL, SIGCHLD, true },
	{ "signal_install(SIGALRM)", INSTALL, SIGALRM, false },
	{ "signal_intr(SIGUSR1)", INTR, SIGUSR1, false },
	{ "signal_intr(SIGALRM)", INTR, SIGALRM, false },
	{ "Signal(SIGUSR2)", WRAPPER, SIGUSR2, true },
	{ "Signal(SIGALRM)", WRAPPER, SIGALRM, false },
};

static sigfunc *install(enum how how, int signo, sigfunc *fn)
{
	if (how == INSTALL)
		return signal_install(signo, fn);
	if (how == INTR)
		return signal_intr(signo, fn);
	return Signal(signo, fn);
}

/* Reads one byte while the peer interrupts the read with signo.
 * Returns read()'s result; *err is its errno. */
static ssize_t interrupted_read(int signo, int *err, struct tp_peer *peer)
{
	int sv[2];
	char c;
	ssize_t n;
	struct tp_step steps[] = {
		TP_WAIT_BLOCKED(SYS_read), TP_SIGNAL(signo),
		TP_WAIT_HANDLED(), TP_WRITE(-1, "x", 1), TP_END,
	};

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	steps[3].fd = sv[1];
	tp_start(peer, steps, sv[0]);
	n = read(sv[0], &c, 1);
	*err = errno;
	tp_finish(peer);
	close(sv[0]);
	close(sv[1]);
	return n;
}

static void restart_semantics_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(restart_cases) / sizeof(restart_cases[0]);
	     i++) {
		const struct restart_case *c = &restart_cases[i];
		struct tp_peer peer;
		sigfunc *old = install(c->how, c->signo, tp_count_signal);
		int err = 0;
		ssize_t n = interrupted_read(c->signo, &err, &peer);

		signal_install(c->signo, old);
		TK_EXPECT(peer.error[0] == '\0', "%s: %s", c->what,
			  peer.error);
		if (c->restarts)
			TK_EXPECT(n == 1, "after %s a read interrupted by the "
				  "signal returned %zd (%s); expected it to "
				  "go on and return 1 byte", c->what, n,
				  strerror(err));
		else
			TK_EXPECT(n == -1 && err == EINTR, "after %s a read "
				  "interrupted by the signal returned %zd; "
				  "expected -1 with EINTR", c->what, n);
	}
}

/* What sigaction() itself reports after each kind of installation. */
static void flags_seen_by_sigaction(void **state)
{
	struct sigaction now;

	(void)state;
	assert_true(signal_install(SIGUSR1, tp_count_signal) != SIG_ERR);
	sigaction(SIGUSR1, NULL, &now);
	assert_true(now.sa_handler == tp_count_signal);
	assert_true(now.sa_flags & SA_RESTART);
	assert_true(signal_intr(SIGUSR1, tp_count_signal) != SIG_ERR);
	sigaction(SIGUSR1, NULL, &now);
	assert_false(now.sa_flags & SA_RESTART);
	assert_true(signal_install(SIGUSR1, SIG_DFL) == tp_count_signal);
}

static void previous_handler_is_returned(void **state)
{
	(void)state;
	assert_true(signal_install(SIGUSR2, SIG_IGN) == SIG_DFL);
	assert_true(signal_intr(SIGUSR2, tp_count_signal) == SIG_IGN);
	assert_true(signal_install(SIGUSR2, SIG_DFL) == tp_count_signal);
}

static void bad_signals_are_refused(void **state)
{
	(void)state;
	errno = 0;
	assert_true(signal_install(SIGKILL, tp_count_signal) == SIG_ERR);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_true(signal_intr(SIGSTOP, tp_count_signal) == SIG_ERR);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_true(signal_install(0, tp_count_signal) == SIG_ERR);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_true(signal_intr(1000, tp_count_signal) == SIG_ERR);
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(restart_semantics_table),
		TK_TEST(flags_seen_by_sigaction),
		TK_TEST(previous_handler_is_returned),
		TK_TEST(bad_signals_are_refused),
	};
	return TK_RUN("lib signal", tests);
}
