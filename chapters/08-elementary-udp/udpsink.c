/*
 * udpsink.c - receive datagrams and count them until SIGTERM or SIGINT,
 * then print how many arrived and how many the kernel dropped because
 * the socket's receive buffer was full (section 8.13).
 *
 * The drop count is the kernel's own, for this socket: getsockopt
 * SO_MEMINFO (Linux) returns the socket's memory figures and its drop
 * counter.  The same number is the "drops" column of /proc/net/udp, and
 * the namespace-wide total is RcvbufErrors in /proc/net/snmp.
 *
 * usage: udpsink [-r RCVBUF] PORT
 */
#include "lnp.h"

#include <linux/sock_diag.h>

static volatile sig_atomic_t stop;

static void on_stop(int signo)
{
	(void)signo;
	stop = 1;
}

/* include udpsink_drops */
static unsigned kernel_drops(int fd)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	Getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len);
	return mem[SK_MEMINFO_DROPS];
}
/* end udpsink_drops */

int main(int argc, char **argv)
{
	int fd, rcvbuf = 0;
	long received = 0;
	sigset_t block, waitmask;
	char buf[65536];

	if (argc == 4 && strcmp(argv[1], "-r") == 0)
		rcvbuf = atoi(argv[2]);
	else if (argc != 2)
		err_quit("usage: udpsink [-r RCVBUF] PORT");
	if (argc == 4 && rcvbuf <= 0)
		err_quit("-r \"%s\" is not a positive number of bytes",
			 argv[2]);
	signal_intr(SIGTERM, on_stop);
	signal_intr(SIGINT, on_stop);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	fd = Udp_bind_port(Port_parse(argv[argc - 1]));
	if (rcvbuf > 0)
		Setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	announce_port(fd);
	/* include udpsink_loop */
	while (!stop) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };

		/* signals get through only while ppoll() waits */
		if (ppoll(&pf, 1, NULL, &waitmask) < 0) {
			if (errno == EINTR)
				continue;
			err_sys("ppoll");
		}
		if (recv(fd, buf, sizeof(buf), 0) >= 0)
			received++;
	}
	/* end udpsink_loop */
	printf("received %ld datagrams; the kernel dropped %u\n", received,
	       kernel_drops(fd));
	return 0;
}
