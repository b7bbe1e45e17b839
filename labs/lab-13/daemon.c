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

int daemon_init(const char *pname, int facility)
{
	// TODO (section 13.3): fork and let the parent _exit(0); setsid();
	// fork again and let the session leader _exit(0); set daemon_proc;
	// chdir("/"); umask(0); 0, 1 and 2 on /dev/null (read and write),
	// every other descriptor closed; openlog(pname, LOG_PID, facility).
	(void)pname;
	(void)facility;
	return -1;
}

void daemon_inetd(const char *pname, int facility)
{
	daemon_proc = true;             /* inetd did the rest */
	openlog(pname, LOG_PID, facility);
}
