/*
 * hbserv.c - lab 24: an echo server that answers heartbeats sent as
 * urgent data, and drops a client that stops sending them (section
 * 24.6).
 *
 * A child per connection echoes ordinary data back as it comes.  The
 * client sends one urgent byte (MSG_OOB) every PERIOD_MS milliseconds;
 * the child answers each at once with one urgent byte of its own.  When
 * MAXMISSED periods in a row pass with no heartbeat, the client's host
 * is taken for gone: the child prints "client is unreachable" and
 * closes the connection.  A client that closes its end ends the child
 * quietly.
 *
 * usage: hbserv PORT PERIOD_MS MAXMISSED
 */
#include "lnp.h"

#include <poll.h>
#include <sys/wait.h>

static int period_ms, maxmissed;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* include hbserv_answer */
/* The client's heartbeat is announced: answer it.  Returns true if a
 * heartbeat was read. */
static bool answer_heartbeat(int fd)
{
	/* BEGIN SOLUTION */
	char c;

	if (recv(fd, &c, 1, MSG_OOB) != 1)
		return false;   /* EWOULDBLOCK: announced, not yet here */
	if (send(fd, &c, 1, MSG_OOB) != 1)
		return false;
	return true;
	/* END SOLUTION */
	/* STARTER
	// TODO (sections 24.2 and 24.3): read the client's urgent byte
	// (one byte, out of band) and send one urgent byte back; true if
	// a heartbeat was read.
	(void)fd;
	return false;
	STARTER */
}
/* end hbserv_answer */

/* Echoes what is readable; false at end of file or on an error. */
static bool echo(int fd)
{
	char buf[MAXLINE];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	return writen(fd, buf, (size_t)n) == n;
}

/* include hbserv_serve */
static void serve(int fd)
{
	struct pollfd p = { .fd = fd };
	long long next = now_ms() + period_ms;
	int missed = 0, wait;

	/* BEGIN SOLUTION */
	p.events = POLLIN | POLLPRI;
	for (;;) {
		wait = (int)(next - now_ms());
		if (wait < 0)
			wait = 0;
		if (poll(&p, 1, wait) < 0 && errno != EINTR)
			err_sys("poll");
		if ((p.revents & POLLPRI) && answer_heartbeat(fd))
			missed = 0;
		if ((p.revents & (POLLIN | POLLERR | POLLHUP)) && !echo(fd))
			break;
		if (now_ms() >= next) {
			next = now_ms() + period_ms;
			if (++missed >= maxmissed) {
				printf("client is unreachable\n");
				fflush(stdout);
				break;
			}
		}
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (sections 24.3 and 24.6): wait in poll() for ordinary data
	// (echo it: echo() returns false at the end) and for urgent data
	// (answer_heartbeat()), at most until the next period ends.  Count
	// the periods that end with no heartbeat since the last one; after
	// maxmissed in a row print "client is unreachable" and give up.
	(void)p; (void)next; (void)missed; (void)wait;
	(void)answer_heartbeat;
	while (echo(fd))
		;
	STARTER */
	close(fd);
}
/* end hbserv_serve */

static void reap(int signo)
{
	int saved = errno;

	(void)signo;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	errno = saved;
}

int main(int argc, char **argv)
{
	int listenfd, fd;

	if (argc != 4)
		err_quit("usage: hbserv PORT PERIOD_MS MAXMISSED");
	period_ms = atoi(argv[2]);
	maxmissed = atoi(argv[3]);
	if (period_ms <= 0 || maxmissed <= 0)
		err_quit("hbserv: PERIOD_MS and MAXMISSED must be positive");
	listenfd = Tcp_listen_port(Port_parse(argv[1]), true);
	Signal(SIGCHLD, reap);
	announce_port(listenfd);
	for (;;) {
		fd = accept(listenfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			err_sys("accept");
		}
		if (Fork() == 0) {
			Close(listenfd);
			serve(fd);
			_exit(0);
		}
		Close(fd);
	}
}
