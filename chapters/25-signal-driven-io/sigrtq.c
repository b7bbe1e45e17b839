/*
 * sigrtq.c - what happens when the queue of real-time signals is full
 * (section 25.8).
 *
 * A UDP socket is made signal-driven with F_SETSIG SIGRTMIN, so each
 * datagram that arrives queues one SIGRTMIN that names the socket
 * (si_fd) and the event (si_code, si_band).  The program lowers its
 * RLIMIT_SIGPENDING to LIMIT, sends itself N datagrams over loopback
 * and then takes, with sigtimedwait(), every signal that came: LIMIT
 * queued real-time signals, then, for the datagrams that found the
 * queue full, the kernel's fallback, one plain SIGIO without details.
 * Last, it reads the socket to show that no datagram was lost: only
 * the signals' details were.
 *
 * The limit counts every signal pending for this user (in this user
 * namespace), not only this process's.
 *
 * usage: sigrtq LIMIT N
 */
#include "lnp.h"

#include <sys/resource.h>
#include <linux/sock_diag.h>

static int number(const char *text, int min, int max, const char *what)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || v < min || v > max)
		err_quit("%s \"%s\" is not a number from %d to %d", what,
			 text, min, max);
	return (int)v;
}

static int rmem(int fd)         /* bytes queued to be read */
{
	int mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	Getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len);
	return mem[SK_MEMINFO_RMEM_ALLOC];
}

/* Sends n datagrams from peer to fd and waits until all are queued. */
static void send_burst(int peer, int fd, const struct sockaddr_in *to,
		       int n)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int unit = 0;

	for (int i = 0; i < n; i++) {
		Sendto(peer, "datagram", 8, 0, (const struct sockaddr *)to,
		       sizeof(*to));
		if (i == 0) {
			if (poll(&pfd, 1, 2000) != 1)
				err_quit("the first datagram never came");
			unit = rmem(fd);
		}
	}
	for (int t = 0; rmem(fd) < n * unit; t++) {
		struct timespec ms = { 0, 1000 * 1000 };

		if (t == 2000)
			err_quit("the datagrams did not all come in 2 s");
		nanosleep(&ms, NULL);   /* a look every ms; no event */
	}
}

/* include report */
/* Takes every signal that came and prints them, a run of the same one
 * on one line. */
static void report(const sigset_t *set)
{
	struct timespec grace = { 0, 20 * 1000 * 1000 };
	char last[128] = "", now[128];
	siginfo_t si;
	int run = 0;

	for (;;) {
		int sig = sigtimedwait(set, &si, &grace);

		if (sig == SIGRTMIN)
			snprintf(now, sizeof(now), "SIGRTMIN  si_fd %d, "
				 "si_code %s, si_band %#lx", si.si_fd,
				 si.si_code == POLL_IN ? "POLL_IN" : "?",
				 (unsigned long)si.si_band);
		else if (sig == SIGIO)
			snprintf(now, sizeof(now), "SIGIO     si_code %s",
				 si.si_code == SI_KERNEL ? "SI_KERNEL" : "?");
		if (sig < 0 || strcmp(now, last) != 0) {
			if (run > 0)
				printf("%2d x %s\n", run, last);
			if (sig < 0)
				return;
			strcpy(last, now);
			run = 0;
		}
		run++;
	}
}
/* end report */

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	struct rlimit rl;
	sigset_t set;
	int limit, n, fd, peer, got = 0;
	char buf[64];

	if (argc != 3)
		err_quit("usage: sigrtq LIMIT N");
	limit = number(argv[1], 1, 1000, "LIMIT");
	n = number(argv[2], 1, 100, "N");

	fd = Socket(AF_INET, SOCK_DGRAM, 0);
	peer = Socket(AF_INET, SOCK_DGRAM, 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	Bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	Getsockname(fd, (struct sockaddr *)&addr, &len);

	/* include setsig */
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGIO);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		err_sys("sigprocmask");
	if (fcntl(fd, F_SETOWN, getpid()) < 0 ||
	    fcntl(fd, F_SETSIG, SIGRTMIN) < 0 ||
	    fcntl(fd, F_SETFL, O_ASYNC | O_NONBLOCK) < 0)
		err_sys("fcntl");
	rl.rlim_cur = rl.rlim_max = (rlim_t)limit;
	if (setrlimit(RLIMIT_SIGPENDING, &rl) < 0)
		err_sys("setrlimit");
	/* end setsig */

	printf("RLIMIT_SIGPENDING %d; %d datagrams to fd %d\n", limit, n,
	       fd);
	send_burst(peer, fd, &addr, n);
	report(&set);
	while (recv(fd, buf, sizeof(buf), 0) >= 0)
		got++;
	printf("recv() then read %d datagrams\n", got);
	return 0;
}
