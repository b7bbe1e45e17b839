/*
 * sigioevents.c - which events raise SIGIO on a UDP socket and on TCP
 * sockets, measured on this kernel (sections 25.3 and 25.4).
 *
 * Every socket here is signal-driven, with F_SETSIG asking for SIGRTMIN
 * instead of SIGIO: a real-time signal is queued once per event and
 * says which descriptor it is for (si_fd) and why (si_code: POLL_IN,
 * POLL_OUT, POLL_ERR, POLL_HUP...).  The signals are blocked and taken
 * with sigtimedwait(), so nothing runs in a handler.  The program plays
 * one step at a time on loopback, waits with poll() until the step has
 * happened, then takes every signal that came, waiting 20 ms more for
 * each next one, and prints one line a step: the sockets that were
 * signalled, and why.
 *
 * usage: sigioevents
 */
#include "lnp.h"

#include <sys/ioctl.h>
#include <linux/sockios.h>

#define MAXFD 64
static const char *role[MAXFD];         /* "udp", "listener", ... */
static sigset_t rtset;                  /* SIGRTMIN and SIGIO */

/* include async_on */
/* Signal-driven I/O on fd, with SIGRTMIN and its details. */
static void async_on(int fd, const char *name)
{
	if (fcntl(fd, F_SETOWN, getpid()) < 0 ||
	    fcntl(fd, F_SETSIG, SIGRTMIN) < 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC) < 0)
		err_sys("fcntl on the %s socket", name);
	role[fd] = name;
}
/* end async_on */

static void async_off(int fd)
{
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_ASYNC) < 0)
		err_sys("fcntl");
}

static const char *reason(int code)
{
	switch (code) {
	case POLL_IN:   return "POLL_IN";
	case POLL_OUT:  return "POLL_OUT";
	case POLL_MSG:  return "POLL_MSG";
	case POLL_ERR:  return "POLL_ERR";
	case POLL_PRI:  return "POLL_PRI";
	case POLL_HUP:  return "POLL_HUP";
	default:        return "?";
	}
}

/* Waits until fd has one of EVENTS, or exits naming the step. */
static void await(int fd, short events, const char *step)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	if (poll(&pfd, 1, 2000) != 1)
		err_quit("%s: did not happen within 2 s", step);
}

/* include collect */
/* Takes the signals that came for STEP and prints which sockets they
 * were for and why (each pair once, in the order they came). */
static void collect(const char *step)
{
	struct timespec grace = { 0, 20 * 1000 * 1000 };
	char seen[16][40], line[256] = "";
	int nseen = 0;
	siginfo_t si;

	while (sigtimedwait(&rtset, &si, &grace) > 0) {
		char what[40];
		bool dup = false;

		if (si.si_signo == SIGIO)       /* the queue overflowed */
			snprintf(what, sizeof(what), "plain SIGIO");
		else
			snprintf(what, sizeof(what), "%s %s",
				 si.si_fd >= 0 && si.si_fd < MAXFD &&
				 role[si.si_fd] ? role[si.si_fd] : "?",
				 reason(si.si_code));
		for (int i = 0; i < nseen; i++)
			dup = dup || strcmp(seen[i], what) == 0;
		if (dup || nseen == 16)
			continue;
		strcpy(seen[nseen++], what);
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 "%s%s", nseen > 1 ? ", " : "", what);
	}
	printf("%-36s %s\n", step, nseen ? line : "-");
	fflush(stdout);
}
/* end collect */

static int udp_socket(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = Socket(AF_INET, SOCK_DGRAM, 0);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	Bind(fd, (struct sockaddr *)addr, sizeof(*addr));
	Getsockname(fd, (struct sockaddr *)addr, &len);
	return fd;
}

static void udp_steps(void)
{
	struct sockaddr_in ua, pa, closed;
	int u = udp_socket(&ua), peer = udp_socket(&pa);
	int gone = udp_socket(&closed);
	char buf[64];

	async_on(u, "udp");
	Close(gone);                    /* nobody on that port now */
	Sendto(peer, "hi", 2, 0, (struct sockaddr *)&ua, sizeof(ua));
	await(u, POLLIN, "udp: a datagram arrives");
	collect("udp: a datagram arrives");
	Read(u, buf, sizeof(buf));
	collect("udp: it is read");
	Sendto(u, "hi", 2, 0, (struct sockaddr *)&pa, sizeof(pa));
	await(peer, POLLIN, "udp: it sends one");
	collect("udp: it sends one");
	Connect(u, (struct sockaddr *)&closed, sizeof(closed));
	Write(u, "hi", 2);
	await(u, POLLERR, "udp: ICMP port unreachable");
	collect("udp: ICMP port unreachable");
	Close(u);
	Close(peer);
}

/* The client fills its send buffer; the server (not signal-driven for
 * this step) reads until the client has nothing left to send. */
static void fill_and_empty(int c, int s)
{
	static char chunk[65536];
	struct pollfd pfd = { .fd = s, .events = POLLIN };
	int outq;

	async_off(s);
	fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK);
	fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK);
	while (write(c, chunk, sizeof(chunk)) > 0)
		;
	if (errno != EAGAIN)
		err_sys("write");
	for (;;) {
		ssize_t n = read(s, chunk, sizeof(chunk));

		if (n > 0)
			continue;
		if (n == 0 || errno != EAGAIN)
			err_quit("the server's read failed");
		if (ioctl(c, SIOCOUTQ, &outq) < 0)
			err_sys("SIOCOUTQ");
		if (outq == 0)          /* all sent, acknowledged and read */
			break;
		if (poll(&pfd, 1, 2000) != 1)
			err_quit("the server's reads stalled");
	}
	collect("tcp: send buffer filled, then read");
	async_on(s, "server");
}

static void tcp_steps(void)
{
	struct sockaddr_in la;
	socklen_t len = sizeof(la);
	struct linger abort_ = { 1, 0 };
	int l = Tcp_listen_port(0, false), c, s;
	char buf[64];

	Getsockname(l, (struct sockaddr *)&la, &len);
	la.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	async_on(l, "listener");
	c = Socket(AF_INET, SOCK_STREAM, 0);
	async_on(c, "client");
	Connect(c, (struct sockaddr *)&la, sizeof(la));
	await(l, POLLIN, "tcp: connect() completes");
	collect("tcp: connect() completes");
	s = Accept(l, NULL, NULL);
	async_on(s, "server");
	collect("tcp: accept()");
	Write(c, "hello\n", 6);
	await(s, POLLIN, "tcp: client writes 6 bytes");
	collect("tcp: client writes 6 bytes");
	Read(s, buf, sizeof(buf));
	collect("tcp: server reads them");
	fill_and_empty(c, s);
	Shutdown(c, SHUT_WR);
	await(s, POLLRDHUP, "tcp: client shutdown(SHUT_WR)");
	collect("tcp: client shutdown(SHUT_WR)");
	Close(s);
	await(c, POLLRDHUP, "tcp: server close()");
	collect("tcp: server close()");
	Close(c);

	c = Socket(AF_INET, SOCK_STREAM, 0);
	Connect(c, (struct sockaddr *)&la, sizeof(la));
	s = Accept(l, NULL, NULL);
	collect("tcp: (a second connection)");
	async_on(c, "client");
	Setsockopt(s, SOL_SOCKET, SO_LINGER, &abort_, sizeof(abort_));
	Close(s);
	await(c, POLLERR, "tcp: server aborts (RST)");
	collect("tcp: server aborts (RST)");
	Close(c);
	Close(l);
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		err_quit("usage: sigioevents");
	sigemptyset(&rtset);
	sigaddset(&rtset, SIGRTMIN);
	sigaddset(&rtset, SIGIO);
	if (sigprocmask(SIG_BLOCK, &rtset, NULL) < 0)
		err_sys("sigprocmask");
	udp_steps();
	tcp_steps();
	return 0;
}
