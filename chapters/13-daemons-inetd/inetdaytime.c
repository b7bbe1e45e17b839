/*
 * inetdaytime.c - the daytime server for inetd, a "nowait" TCP service:
 * inetd accepts each connection and starts one of these with the
 * connected socket as descriptors 0, 1 and 2.  It serves that one client
 * and exits.  A line of inetd.conf:
 *
 *   9013 stream tcp nowait root /path/to/inetdaytime inetdaytime
 */
#include "lnp.h"

#include <syslog.h>
#include <time.h>

/* include main */
int main(void)
{
	struct sockaddr_storage cli;
	socklen_t len = sizeof(cli);
	char addr[INET6_ADDRSTRLEN + 8], buf[64];
	time_t now = time(NULL);

	daemon_inetd(program_invocation_short_name, LOG_LOCAL3);
	Getpeername(STDIN_FILENO, (struct sockaddr *)&cli, &len);
	syslog(LOG_INFO, "connection from %s",
	       sock_ntop((struct sockaddr *)&cli, len, addr, sizeof(addr)));
	strftime(buf, sizeof(buf), "%a %b %e %H:%M:%S %Y\r\n",
		 localtime(&now));
	Write(STDOUT_FILENO, buf, strlen(buf));
	return 0;                       /* inetd reaps us */
}
/* end main */
