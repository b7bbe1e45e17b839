/*
 * sigioserv.c - lab 25: the UDP echo server driven by SIGIO (sections
 * 25.2, 25.5 to 25.7).
 *
 * The socket is made signal-driven: the kernel sends this process SIGIO
 * when a datagram arrives.  The handler only notes it; the main loop
 * waits for that note with sigsuspend(), then reads and echoes every
 * datagram queued, until recvfrom() says EAGAIN.  SIGIO stays blocked
 * except inside sigsuspend(), so a signal that comes while the loop is
 * busy waits, pending, until the loop is ready for it.
 *
 * After each round that echoed something it prints "echoed N" (N
 * datagrams in that round) on stdout.
 *
 * usage: sigioserv [PORT]      (0: any free port; default 9877)
 */
#include "lnp.h"

/* include on_sigio */
static volatile sig_atomic_t got_io;    /* SIGIO came since we looked */

static void on_sigio(int signo)
{
	(void)signo;
	/* BEGIN SOLUTION */
	got_io = 1;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 25.5): only note that the socket has news
	(void)got_io;
	STARTER */
}
/* end on_sigio */

/* include sigio_setup */
/* Makes fd signal-driven: SIGIO to this process when a datagram comes.
 * From here on SIGIO is blocked; *waitmask is the mask to wait with
 * (the old one, without SIGIO). */
static void sigio_setup(int fd, sigset_t *waitmask)
{
	/* BEGIN SOLUTION */
	struct sigaction sa;
	sigset_t io;
	int flags;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigio;       /* 1: the handler, first */
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGIO, &sa, NULL) < 0)
		err_sys("sigaction");
	sigemptyset(&io);
	sigaddset(&io, SIGIO);
	if (sigprocmask(SIG_BLOCK, &io, waitmask) < 0)
		err_sys("sigprocmask");
	sigdelset(waitmask, SIGIO);
	if (fcntl(fd, F_SETOWN, getpid()) < 0)  /* 2: who gets it */
		err_sys("fcntl F_SETOWN");
	flags = fcntl(fd, F_GETFL);             /* 3: turn it on */
	if (flags < 0 ||
	    fcntl(fd, F_SETFL, flags | O_ASYNC | O_NONBLOCK) < 0)
		err_sys("fcntl F_SETFL");
	/* END SOLUTION */
	/* STARTER
	// TODO (section 25.2): install on_sigio for SIGIO, block SIGIO
	// (the old mask, without SIGIO, goes in *waitmask), make this
	// process the socket's owner, and set O_ASYNC and O_NONBLOCK
	(void)fd;
	(void)on_sigio;
	sigemptyset(waitmask);
	STARTER */
}
/* end sigio_setup */

/* include drain */
/* Echoes every datagram queued on fd, until recvfrom() says EAGAIN.
 * Returns how many it echoed. */
static int drain(int fd)
{
	int count = 0;
	/* BEGIN SOLUTION */
	char msg[MAXLINE];
	struct sockaddr_storage client;
	socklen_t len;
	ssize_t n;

	for (;;) {
		len = sizeof(client);
		n = recvfrom(fd, msg, sizeof(msg), 0,
			     (struct sockaddr *)&client, &len);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return count;   /* the queue is empty */
			if (errno == EINTR)
				continue;
			err_ret("recvfrom");
			return count;
		}
		if (sendto(fd, msg, (size_t)n, 0,
			   (struct sockaddr *)&client, len) < 0)
			err_ret("sendto");      /* that client's problem */
		count++;
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (section 25.5): recvfrom() and echo each datagram back to
	// its sender, until recvfrom() fails with EAGAIN
	(void)fd;
	return count;
	STARTER */
}
/* end drain */

/* include serve */
static void serve(int fd, const sigset_t *waitmask)
{
	for (;;) {
		int n = drain(fd);

		if (n > 0) {
			printf("echoed %d\n", n);
			fflush(stdout);
		}
		/* BEGIN SOLUTION */
		got_io = 0;
		while (!got_io)
			sigsuspend(waitmask);   /* SIGIO only in here */
		/* END SOLUTION */
		/* STARTER
		// TODO (section 25.7): sleep until on_sigio has run, with
		// SIGIO unblocked only while asleep
		(void)waitmask;
		pause();
		STARTER */
	}
}
/* end serve */

int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	sigset_t waitmask;
	int fd;

	if (argc > 2)
		err_quit("usage: sigioserv [PORT]");
	fd = Udp_bind_port(port);
	sigio_setup(fd, &waitmask);
	announce_port(fd);
	serve(fd, &waitmask);
}
