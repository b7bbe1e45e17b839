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

	// TODO (section 20.4): set it.it_value to ms milliseconds
	(void)ms;
	if (setitimer(ITIMER_REAL, &it, NULL) < 0)
		err_sys("setitimer");
}

/* Collects the replies to one request until the timer fires; prints
 * each server once.  Returns how many servers answered. */
static int collect(int fd, int ms)
{
	// TODO (sections 20.4 and 20.6): start the timer, then take replies
	// until SIGALRM says the time is up, without the race of 20.5:
	// call race_point(replies) right before each wait; print each
	// server's address once, as "ADDR: text".
	(void)fd;
	start_timer(ms);
	race_point(0);
	return 0;
}

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
	// TODO (section 20.2): allow this socket to send to a broadcast
	// address
	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (sendto(fd, line, strlen(line), 0, (struct sockaddr *)&to,
			   tolen) < 0)
			err_sys("sendto %s", argv[1]);
		printf("%d servers\n", collect(fd, ms));
		fflush(stdout);
	}
	return 0;
}
