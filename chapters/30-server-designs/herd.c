/*
 * herd.c - the thundering herd, measured.  N children wait for
 * connections on one listening socket, all in the same way (-m):
 *   accept    blocked in accept()
 *   select    in select(), then a non-blocking accept()
 *   epoll     in epoll_wait() on an epoll instance of their own
 *   epollex   the same, registered with EPOLLEXCLUSIVE
 * The parent makes K connections, one at a time, each only when every
 * child is asleep again, and counts how many times the children were
 * woken: the growth of their voluntary context switches (each is a
 * sleep that ended), from /proc/PID/status.  It prints the wakeups per
 * connection: one of them found the connection, the others nothing.
 * Usage: herd [-n children] [-k connections] -m mode
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "lnp.h"
#include "web30.h"

enum mode { M_ACCEPT, M_SELECT, M_EPOLL, M_EPOLLEX };
static const char *const names[] = { "accept", "select", "epoll",
				     "epollex" };

/* include herd_child */
/* A child: wait as the mode says, accept, send one byte, close. */
static void child(enum mode m, int listenfd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	fd_set rset;
	int ep = -1, fd;

	if (m == M_EPOLL || m == M_EPOLLEX) {
		ep = epoll_create1(0);
		if (m == M_EPOLLEX)
			ev.events |= EPOLLEXCLUSIVE;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, listenfd, &ev) < 0)
			err_sys("epoll_ctl");
	}
	for (;;) {
		if (m == M_SELECT) {
			FD_ZERO(&rset);
			FD_SET(listenfd, &rset);
			select(listenfd + 1, &rset, NULL, NULL, NULL);
		} else if (ep >= 0) {
			epoll_wait(ep, &ev, 1, -1);
		}
		if ((fd = accept(listenfd, NULL, NULL)) < 0)
			continue;       /* EAGAIN: another child had it */
		if (write(fd, "x", 1) != 1)
			err_sys("write");
		close(fd);
	}
}
/* end herd_child */

/* The voluntary context switches of a process: its sleeps so far. */
static long sleeps(pid_t pid)
{
	char path[64], line[256];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* Whether the process is asleep (state S), from /proc/PID/stat. */
static bool asleep(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && p[2] == 'S';
}

/* Waits until every child sleeps (in its wait for a connection). */
static void all_asleep(const pid_t *kids, int n)
{
	struct timespec ms = { 0, 1000000 };

	for (int i = 0; i < n; i++)
		while (!asleep(kids[i]))
			nanosleep(&ms, NULL);   /* look again in 1 ms */
}

/* A child's process ID as /proc names it: under netlab, a host's
 * processes are in a PID namespace of their own but see the machine's
 * /proc, where the same process has another number. */
static void say_proc_pid(int out)
{
	char buf[32];
	ssize_t n = readlink("/proc/self", buf, sizeof(buf) - 1);
	pid_t pid = n > 0 ? (buf[n] = '\0', (pid_t)atoi(buf)) : getpid();

	if (write(out, &pid, sizeof(pid)) != sizeof(pid))
		err_sys("write");
}

int main(int argc, char **argv)
{
	int c, n = 4, k = 50, m = -1, listenfd, fd, port, pp[2];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	long before = 0, after = 0;
	pid_t *kids, *local;            /* as /proc and as fork() name them */
	char byte;

	while ((c = getopt(argc, argv, "n:k:m:")) != -1) {
		if (c == 'n' && (n = atoi(optarg)) > 0 && n <= 64)
			continue;
		if (c == 'k' && (k = atoi(optarg)) > 0)
			continue;
		for (int i = 0; c == 'm' && i < 4; i++)
			if (strcmp(optarg, names[i]) == 0)
				m = i;
		if (c != 'm' || m < 0)
			err_quit("usage: herd [-n children] [-k connections]"
				 " -m accept|select|epoll|epollex");
	}
	if (m < 0 || optind != argc)
		err_quit("usage: herd [-n children] [-k connections]"
			 " -m accept|select|epoll|epollex");
	if ((listenfd = web_listen(0, false, m != M_ACCEPT)) < 0)
		err_sys("listen");
	port = web_port(listenfd);
	kids = Malloc(sizeof(*kids) * (size_t)n);
	local = Malloc(sizeof(*local) * (size_t)n);
	Pipe(pp);
	for (int i = 0; i < n; i++)
		if ((local[i] = Fork()) == 0) {
			say_proc_pid(pp[1]);
			child(m, listenfd);
		}
	for (int i = 0; i < n; i++)
		if (read(pp[0], &kids[i], sizeof(kids[i])) != sizeof(kids[i]))
			err_quit("a child did not start");
/* include herd_count */
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int j = 0; j < k; j++) {
		all_asleep(kids, n);
		for (int i = 0; j == 0 && i < n; i++)
			before += sleeps(kids[i]);
		fd = Socket(AF_INET, SOCK_STREAM, 0);
		Connect(fd, (struct sockaddr *)&sa, sizeof(sa));
		if (read(fd, &byte, 1) != 1)    /* a child took it */
			err_quit("no byte from the child");
		close(fd);
	}
	all_asleep(kids, n);
	for (int i = 0; i < n; i++)
		after += sleeps(kids[i]);
/* end herd_count */
	/* to the nearest whole child: a stray wakeup now and then (4.1)
	 * says nothing about the herd */
	printf("%-8s %d children, %d connections: %.0f wakeups per "
	       "connection\n", names[m], n, k,
	       (double)(after - before) / k);
	for (int i = 0; i < n; i++)
		kill(local[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	free(kids);
	free(local);
	return 0;
}
