/*
 * daemon.c - chapter 13: a process started from a terminal becomes a
 * daemon (daemon_init), or a server that inetd started says it is one
 * (daemon_inetd).  Either way the error functions then write to syslog,
 * since nobody reads a daemon's stderr.
 */
#include "lnp.h"

#include <fcntl.h>
#include <syslog.h>
#include <sys/stat.h>

/* Set once the process is a daemon: error.c then logs through syslog. */
bool daemon_proc;

/* include daemon_init */
int daemon_init(const char *pname, int facility)
{
	/* BEGIN SOLUTION */
	pid_t pid;
	int fd;

	if ((pid = fork()) < 0)
		return -1;
	if (pid != 0)
		_exit(0);               /* the parent: the shell goes on */
	if (setsid() < 0)               /* a new session, no terminal */
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid != 0)
		_exit(0);               /* the session leader goes, so that
					   no terminal can ever become ours */
	daemon_proc = true;
	if (chdir("/") < 0)             /* hold no file system busy */
		return -1;
	umask(0);                       /* we choose every file's mode */
	if ((fd = open("/dev/null", O_RDWR)) < 0)
		return -1;
	dup2(fd, STDIN_FILENO);         /* 0, 1, 2: safe places to read */
	dup2(fd, STDOUT_FILENO);        /* from and write to */
	dup2(fd, STDERR_FILENO);
	close_range(3, ~0U, 0);         /* and nothing else inherited */
	openlog(pname, LOG_PID, facility);
	return 0;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 13.3): fork and let the parent _exit(0); setsid();
	// fork again and let the session leader _exit(0); set daemon_proc;
	// chdir("/"); umask(0); 0, 1 and 2 on /dev/null (read and write),
	// every other descriptor closed; openlog(pname, LOG_PID, facility).
	(void)pname;
	(void)facility;
	return -1;
	STARTER */
}
/* end daemon_init */

/* include daemon_inetd */
void daemon_inetd(const char *pname, int facility)
{
	daemon_proc = true;             /* inetd did the rest */
	openlog(pname, LOG_PID, facility);
}
/* end daemon_inetd */
