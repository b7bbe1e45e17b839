/*
 * udpwait.c - a "wait" UDP service for inetd: inetd starts it when a
 * datagram arrives, with the UDP socket itself as descriptor 0, and does
 * not look at that socket again until this process exits.  So one
 * process answers every datagram that comes while it runs; it leaves
 * after IDLE ms without one, or after MAX answers (0: no limit).
 * Each answer names the process and counts: "pid 41 answer 2: TEXT".
 *
 *   9014 dgram udp wait root /path/to/udpwait udpwait IDLE MAX
 */
#include "lnp.h"

#include <poll.h>
#include <syslog.h>

/* include main */
int main(int argc, char **argv)
{
	struct sockaddr_storage cli;
	socklen_t len;
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	char msg[512], reply[600];
	int idle = argc > 1 ? atoi(argv[1]) : 10000;
	int max = argc > 2 ? atoi(argv[2]) : 0, count = 0;
	ssize_t n;

	daemon_inetd(program_invocation_short_name, LOG_LOCAL3);
	syslog(LOG_INFO, "started");
	while (max == 0 || count < max) {
		if (Poll(&pfd, 1, idle) == 0)
			break;                  /* idle: hand back to inetd */
		len = sizeof(cli);
		n = Recvfrom(STDIN_FILENO, msg, sizeof(msg) - 1, 0,
			     (struct sockaddr *)&cli, &len);
		msg[n] = '\0';
		msg[strcspn(msg, "\r\n")] = '\0';
		n = snprintf(reply, sizeof(reply), "pid %d answer %d: %s\n",
			     (int)getpid(), ++count, msg);
		Sendto(STDIN_FILENO, reply, (size_t)n, 0,
		       (struct sockaddr *)&cli, len);
	}
	syslog(LOG_INFO, "leaving after %d answers", count);
	return 0;
}
/* end main */
