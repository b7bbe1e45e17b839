/*
 * whoisthere.c - lab 20: a broadcast client without the SIGALRM race
 * (sections 20.4 to 20.6).
 *
 * Each line of stdin goes in one datagram to ADDR (a broadcast address)
 * and PORT.  For MS milliseconds after sending it, every reply is
 * collected, and each server that answers is printed once, as
 * "ADDR: reply text"; when the time is up, "N servers" follows, and the
 * next line is read.  At end of file the program exits with status 0.
 *
 * The timer is ITIMER_REAL (SIGALRM), restarted for every request.  The
 * tests make it expire at the worst moment through race_point(), which
 * must be called right before every wait for a reply.
 *
 * usage: whoisthere ADDR PORT [MS]        (default 1000)
 */
#include "lnp.h"
#include <sys/time.h>

#define MAXSERVERS 64

/* The tests' hook: do not change it; call it right before each wait
 * for a reply, with the number of replies taken in this window.  With
 * BCAST_RACE=K in the environment, after K replies of the first
 * request the timer expires here, before the wait (section 20.5). */
static void race_point(int replies)
{
	static int after = -2;
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	if (after == -2)
		after = getenv("BCAST_RACE") ? atoi(getenv("BCAST_RACE")) : -1;
	if (replies != after)
		return;
	after = -1;
	setitimer(ITIMER_REAL, &off, NULL);
	fprintf(stderr, "race: the timer expires now, before the wait\n");
	raise(SIGALRM);
}

static void on_alarm(int signo)
{
	(void)signo;            /* only here to interrupt the wait */
}

static void start_timer(int ms)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };

	/* BEGIN SOLUTION */
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = ms % 1000 * 1000;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 20.4): set it.it_value to ms milliseconds
	(void)ms;
	STARTER */
	if (setitimer(ITIMER_REAL, &it, NULL) < 0)
		err_sys("setitimer");
}

/* include lab20_collect */
/* Collects the replies to one request until the timer fires; prints
 * each server once.  Returns how many servers answered. */
static int collect(int fd, int ms)
{
	/* BEGIN SOLUTION */
	struct sockaddr_storage seen[MAXSERVERS];
	socklen_t seenlen[MAXSERVERS];
	int nseen = 0, replies = 0;
	sigset_t alrm, old;
	fd_set rset;

	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, &old);
	start_timer(ms);
	for (;;) {
		char buf[MAXLINE], host[INET6_ADDRSTRLEN];
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		ssize_t n;
		int i;

		race_point(replies);
		FD_ZERO(&rset);
		FD_SET(fd, &rset);
		if (pselect(fd + 1, &rset, NULL, NULL, NULL, &old) < 0) {
			if (errno == EINTR)
				break;          /* the timer */
			err_sys("pselect");
		}
		n = recvfrom(fd, buf, sizeof(buf) - 1, 0,
			     (struct sockaddr *)&from, &len);
		if (n < 0)
			err_sys("recvfrom");
		replies++;
		for (i = 0; i < nseen; i++)
			if (seenlen[i] == len &&
			    !sock_cmp_addr((struct sockaddr *)&seen[i],
					   (struct sockaddr *)&from, len))
				break;
		if (i < nseen || nseen == MAXSERVERS)
			continue;               /* heard it already */
		seen[nseen] = from;
		seenlen[nseen++] = len;
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		sock_ntop_host((struct sockaddr *)&from, len, host,
			       sizeof(host));
		printf("%s: %s\n", host, buf);
		fflush(stdout);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return nseen;
	/* END SOLUTION */
	/* STARTER
	// TODO (sections 20.4 and 20.6): start the timer, then take replies
	// until SIGALRM says the time is up, without the race of 20.5:
	// call race_point(replies) right before each wait; print each
	// server's address once, as "ADDR: text".
	(void)fd;
	start_timer(ms);
	race_point(0);
	return 0;
	STARTER */
}
/* end lab20_collect */

int main(int argc, char **argv)
{
	struct sockaddr_storage to;
	socklen_t tolen;
	char line[MAXLINE];
	int fd, ms = 1000;

	if (argc < 3 || argc > 4 || (argc == 4 && (ms = atoi(argv[3])) <= 0))
		err_quit("usage: whoisthere ADDR PORT [MS]");
	Sock_parse(argv[1], argv[2], &to, &tolen);
	signal_intr(SIGALRM, on_alarm);
	fd = Socket(to.ss_family, SOCK_DGRAM, 0);
	/* BEGIN SOLUTION */
	int on = 1;

	Setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on));
	/* END SOLUTION */
	/* STARTER
	// TODO (section 20.2): allow this socket to send to a broadcast
	// address
	STARTER */
	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (sendto(fd, line, strlen(line), 0, (struct sockaddr *)&to,
			   tolen) < 0)
			err_sys("sendto %s", argv[1]);
		printf("%d servers\n", collect(fd, ms));
		fflush(stdout);
	}
	return 0;
}
