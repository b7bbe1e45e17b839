/*
 * lab23.h - the scene of lab 23's tests: hosts a and b joined by two
 * LANs, net1 (192.0.2.0/24) and net2 (198.51.100.0/24), with the
 * kernel's own SCTP timers (the lab teaches the student to set them);
 * a one-to-many SCTP socket of the test's in b, read by a thread that
 * records every message; the student's failcli in a.
 *
 * The kernel here may have no SCTP: hn_require("sctp") runs the suite
 * in the harness's VM, one boot for all its tests.
 */
#ifndef LAB23_H
#define LAB23_H

#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include "lnp.h"

#include <netinet/sctp.h>
#include <pthread.h>

#define LAB_SPEC "host a b\n" \
	"lan net1 a b 192.0.2.0/24\n" \
	"lan net2 a b 198.51.100.0/24\n"
#define LAB_B1 "192.0.2.2"          /* b on net1: the primary path */
#define LAB_B2 "198.51.100.2"       /* b on net2 */
#define LAB_MAXMSG 256

struct lab {
	hn_net *net;
	hn_proc *cli;
	int srv;                    /* the test's server socket, in b */
	int port;
	pthread_t reader;
	int wake[2];                /* a pipe: a byte tells the reader to end */
	pthread_mutex_t lock;
	pthread_cond_t more;        /* a message came */
	int got[LAB_MAXMSG];        /* "msg N" in the order they came */
	int ngot;
};

/* The server's thread: every "msg N" that comes, in order.  It sleeps
 * in poll() until a message or the end comes: in the VM every wake-up
 * is emulated, and costs CPU. */
static void *lab_reader(void *arg)
{
	struct lab *l = arg;

	for (;;) {
		struct pollfd pfd[2] = { { .fd = l->srv, .events = POLLIN },
					 { .fd = l->wake[0],
					   .events = POLLIN } };
		char buf[512];
		struct iovec iov = { buf, sizeof(buf) - 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n;

		if (poll(pfd, 2, -1) <= 0)
			continue;
		if (pfd[1].revents != 0)
			return NULL;
		n = recvmsg(l->srv, &mh, MSG_DONTWAIT);
		if (n <= 0 || (mh.msg_flags & MSG_NOTIFICATION))
			continue;
		buf[n] = '\0';
		pthread_mutex_lock(&l->lock);
		if (strncmp(buf, "msg ", 4) == 0 && l->ngot < LAB_MAXMSG)
			l->got[l->ngot++] = atoi(buf + 4);
		pthread_cond_broadcast(&l->more);
		pthread_mutex_unlock(&l->lock);
	}
}

/* How many messages the server has so far. */
static int lab_count(struct lab *l)
{
	int n;

	pthread_mutex_lock(&l->lock);
	n = l->ngot;
	pthread_mutex_unlock(&l->lock);
	return n;
}

/* Waits until the server has at least N messages; false at the
 * deadline or when the client has ended (looked at every 100 ms). */
static bool lab_wait_count(struct lab *l, int n, int ms)
{
	long long end = tk_now_ms() + ms;
	bool enough;

	pthread_mutex_lock(&l->lock);
	while (l->ngot < n && tk_now_ms() < end &&
	       hn_exit_status(l->cli) == -1) {
		long long left = end - tk_now_ms();
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += (left < 100 ? left : 100) * 1000000L;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&l->more, &l->lock, &t);
	}
	enough = l->ngot >= n;
	pthread_mutex_unlock(&l->lock);
	return enough;
}

/* The network, the server and its reader. */
static void lab_up(struct lab *l)
{
	struct sockaddr_in any = { .sin_family = AF_INET };
	socklen_t len = sizeof(any);

	memset(l, 0, sizeof(*l));
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->more, NULL);
	TK_EXPECT(pipe2(l->wake, O_CLOEXEC) == 0, "pipe: %s",
		  strerror(errno));
	l->net = hn_up(LAB_SPEC);
	hn_enter(l->net, "b");
	l->srv = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	hn_leave(l->net);
	TK_EXPECT(l->srv >= 0 && bind(l->srv, (struct sockaddr *)&any,
				      sizeof(any)) == 0 &&
		  listen(l->srv, 5) == 0 &&
		  getsockname(l->srv, (struct sockaddr *)&any, &len) == 0,
		  "the test's SCTP server: %s", strerror(errno));
	l->port = ntohs(any.sin_port);
	TK_EXPECT(pthread_create(&l->reader, NULL, lab_reader, l) == 0,
		  "pthread_create");
}

/* failcli in host a: COUNT messages, one every MS, to both of b's
 * addresses (or to the ones given). */
static void lab_client(struct lab *l, const char *count, const char *ms)
{
	char port[16];

	snprintf(port, sizeof(port), "%d", l->port);
	l->cli = hn_run(l->net, "a", tk_lab_prog("failcli"), "-n", count,
			"-i", ms, port, LAB_B1, LAB_B2, NULL);
}

/* Stops the reader and closes the server (the network goes with the
 * test's end). */
static void lab_down(struct lab *l)
{
	if (l->net == NULL)
		return;
	TK_EXPECT(write(l->wake[1], "", 1) == 1, "write: %s",
		  strerror(errno));
	pthread_join(l->reader, NULL);
	close(l->wake[0]);
	close(l->wake[1]);
	close(l->srv);
	hn_down(l->net);
	l->net = NULL;
}

/* Waits for the client's next line starting "path ", within MS. */
static char *lab_path_line(struct lab *l, int ms)
{
	return hn_next_line(l->cli, "path ", ms);
}

/* Why the client is not where the test expected it, for messages. */
static const char *lab_client_state(struct lab *l)
{
	static char why[512];
	int st = hn_exit_status(l->cli);

	if (st == -1)
		return "failcli is still running";
	snprintf(why, sizeof(why), "failcli has ended (status %d): %s",
		 tk_exit_code(l->cli), tk_shown(hn_stderr(l->cli)));
	return why;
}

#endif
