/*
 * signal.c - installing handlers with sigaction, whose behaviour is the
 * same on every POSIX system (signal() itself is not).
 */
#include "lnp.h"

static sigfunc *install(int signo, sigfunc *func, bool restart)
{
	struct sigaction act, old;

	memset(&act, 0, sizeof(act));
	act.sa_handler = func;
	sigemptyset(&act.sa_mask);
	act.sa_flags = restart ? SA_RESTART : 0;
	if (sigaction(signo, &act, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

sigfunc *signal_install(int signo, sigfunc *func)
{
	/* SIGALRM is used to time out blocking calls, so it must interrupt
	 * them; every other handler lets the interrupted call carry on. */
	return install(signo, func, signo != SIGALRM);
}

sigfunc *signal_intr(int signo, sigfunc *func)
{
	return install(signo, func, false);
}

sigfunc *Signal(int signo, sigfunc *func)
{
	sigfunc *old = signal_install(signo, func);

	if (old == SIG_ERR)
		err_sys("sigaction(%d)", signo);
	return old;
}
