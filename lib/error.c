/*
 * error.c - the four error functions.  Two questions pick one:
 * is the failure fatal, and does errno describe it?
 */
#include "lnp.h"

#include <syslog.h>

/* Prints "program: message[: errno text]" on stderr, in one write so that
 * messages from several processes do not interleave mid-line; a daemon
 * (daemon_proc, chapter 13) logs the message with syslog instead. */
static void report(bool with_errno, int saved_errno, const char *fmt,
		   va_list ap)
{
	char line[MAXLINE];
	int n;

	n = snprintf(line, sizeof(line), "%s: ",
		     program_invocation_short_name);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	if (with_errno && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, ": %s",
			      strerror(saved_errno));
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	if (daemon_proc) {
		syslog(LOG_ERR, "%s", line + strlen(
			       program_invocation_short_name) + 2);
		return;
	}
	line[n++] = '\n';
	fflush(stdout);
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nothing better to do: stderr itself is gone */
	}
}

void err_sys(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	report(true, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void err_quit(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(false, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

void err_ret(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	report(true, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void err_msg(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	report(false, 0, fmt, ap);
	va_end(ap);
	errno = saved;
}
