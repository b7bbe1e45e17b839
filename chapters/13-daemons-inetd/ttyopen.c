/*
 * ttyopen.c - a daemon that opens a terminal, as one that writes alarms
 * on the console does.  With -1 it becomes a daemon the naive way, with
 * one fork and setsid(): it is then a session leader, and the terminal
 * it opens becomes its controlling terminal, whose hangup kills it.
 * Without -1 it uses daemon_init(), and nothing of the kind can happen.
 *
 *   ttyopen [-1] /dev/pts/N
 */
#include "lnp.h"

#include <fcntl.h>
#include <syslog.h>
#include <sys/stat.h>

/* include naive */
/* WRONG: one fork only.  The child is a session leader. */
static int daemon_one_fork(const char *pname, int facility)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) < 0)
		return -1;
	if (pid != 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	daemon_proc = true;
	if (chdir("/") < 0)
		return -1;
	umask(0);
	if ((fd = open("/dev/null", O_RDWR)) < 0)
		return -1;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	close_range(3, ~0U, 0);
	openlog(pname, LOG_PID, facility);
	return 0;
}
/* end naive */

/* "yes" or "no": has this process a controlling terminal?  Field 7 of
 * /proc/self/stat, tty_nr, is 0 when it has none. */
static const char *controlling_tty(void)
{
	FILE *f = fopen("/proc/self/stat", "r");
	int tty = 0;

	if (f == NULL || fscanf(f, "%*d (%*[^)]) %*c %*d %*d %*d %d",
				&tty) != 1)
		err_sys("reading /proc/self/stat");
	fclose(f);
	return tty != 0 ? "yes" : "no";
}

/* include main */
int main(int argc, char **argv)
{
	bool naive = argc == 3 && strcmp(argv[1], "-1") == 0;
	const char *tty = argv[argc - 1], *me = program_invocation_short_name;
	int fd;

	if (argc != 2 && !naive)
		err_quit("usage: ttyopen [-1] /dev/pts/N");
	if ((naive ? daemon_one_fork(me, LOG_LOCAL3) :
	     daemon_init(me, LOG_LOCAL3)) < 0)
		err_sys("becoming a daemon");
	if ((fd = open(tty, O_RDWR)) < 0)       /* no O_NOCTTY */
		err_sys("open %s", tty);
	syslog(LOG_NOTICE, "opened %s; ctty %s; session leader %s", tty,
	       controlling_tty(), getsid(0) == getpid() ? "yes" : "no");
	for (;;)
		pause();                /* until a signal ends it */
}
/* end main */
