/*
 * hbcli.c - lab 24: an echo client that sends heartbeats as urgent data
 * and gives up on a server that stops answering them (section 24.6).
 *
 * Copies stdin to the server and what the server sends to stdout.
 * At the end of every period of PERIOD_MS milliseconds it sends one
 * urgent byte (MSG_OOB), if the last one was answered: the server
 * answers each with an urgent byte of its own.  When MAXMISSED periods
 * pass without an answer, the server's host is taken for gone:
 * "hbcli: server is unreachable" on stderr, exit status 1.  At the end
 * of stdin it sends a FIN (and keeps the heartbeats going) and exits 0
 * when the server closes.
 *
 * usage: hbcli HOST PORT PERIOD_MS MAXMISSED
 */
#include "lnp.h"

#include <poll.h>

static int period_ms, maxmissed;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* include hbcli_beat */
/* One heartbeat: one urgent byte.  False if it could not be sent. */
static bool send_heartbeat(int fd)
{
	/* BEGIN SOLUTION */
	return send(fd, "h", 1, MSG_OOB) == 1;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 24.2): send one byte of urgent data.
	(void)fd;
	return false;
	STARTER */
}

/* The server's answer is announced: read it.  True if it was read. */
static bool read_answer(int fd)
{
	/* BEGIN SOLUTION */
	char c;

	return recv(fd, &c, 1, MSG_OOB) == 1;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 24.3): read the server's urgent byte, out of band.
	(void)fd;
	return false;
	STARTER */
}
/* end hbcli_beat */

/* Copies what is readable on from to to; false at end of file. */
static bool copy(int from, int to)
{
	char buf[MAXLINE];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return true;
	if (n < 0)
		err_sys("read");
	if (n == 0)
		return false;
	if (writen(to, buf, (size_t)n) != n)
		err_sys("write");
	return true;
}

/* include hbcli_loop */
static int run(int fd)
{
	struct pollfd p[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
			       { .fd = fd } };
	long long next = now_ms() + period_ms;
	int missed = 0, wait;

	/* BEGIN SOLUTION */
	p[1].events = POLLIN | POLLPRI;
	for (;;) {
		wait = (int)(next - now_ms());
		if (wait < 0)
			wait = 0;
		if (poll(p, 2, wait) < 0 && errno != EINTR)
			err_sys("poll");
		if ((p[1].revents & POLLPRI) && read_answer(fd))
			missed = 0;
		if ((p[1].revents & (POLLIN | POLLERR | POLLHUP)) &&
		    !copy(fd, STDOUT_FILENO))
			return 0;               /* the server closed */
		if (p[0].revents & (POLLIN | POLLHUP) &&
		    !copy(STDIN_FILENO, fd)) {
			Shutdown(fd, SHUT_WR);  /* no more input */
			p[0].fd = -1;
		}
		if (now_ms() >= next) {
			next = now_ms() + period_ms;
			if (missed >= maxmissed)
				break;          /* no answer for too long */
			/* one heartbeat at a time: a second urgent byte
			 * would move the mark past an unread first */
			if (missed == 0 && !send_heartbeat(fd))
				err_sys("send MSG_OOB");
			missed++;
		}
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (sections 24.3 and 24.6): wait in poll() for input (copy it
	// to the server; at its end Shutdown(fd, SHUT_WR) and stop watching
	// stdin), for ordinary data from the server (copy it to stdout;
	// return 0 at its end) and for the server's urgent answer
	// (read_answer(): an answer resets missed), at most until the
	// period ends.  At the end of each period: give up (break) if
	// maxmissed periods have passed without an answer; send the next
	// heartbeat only if the last one was answered (one urgent byte in
	// flight at a time); count the period.
	(void)p; (void)next; (void)missed; (void)wait;
	(void)send_heartbeat; (void)read_answer;
	while (copy(STDIN_FILENO, fd))
		;
	STARTER */
	fprintf(stderr, "hbcli: server is unreachable\n");
	return 1;
}
/* end hbcli_loop */

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	if (argc != 5)
		err_quit("usage: hbcli HOST PORT PERIOD_MS MAXMISSED");
	period_ms = atoi(argv[3]);
	maxmissed = atoi(argv[4]);
	if (period_ms <= 0 || maxmissed <= 0)
		err_quit("hbcli: PERIOD_MS and MAXMISSED must be positive");
	Sock_parse(argv[1], argv[2], &ss, &len);
	fd = Socket(ss.ss_family, SOCK_STREAM, 0);
	Connect(fd, (struct sockaddr *)&ss, len);
	return run(fd);
}
