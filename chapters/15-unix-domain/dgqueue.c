/*
 * dgqueue.c - a Unix datagram receiver that does not read (section
 * 15.6), measured: how many datagrams its queue takes before a sender
 * that does not wait gets EAGAIN, how long one that waits is blocked
 * (here until its SO_SNDTIMEO of 200 ms), and the count again when the
 * two sockets are a socketpair, connected to each other.
 *
 * Usage: dgqueue
 */
#include "lnp.h"

/* Sends 1-byte datagrams without waiting until EAGAIN; how many went. */
static int fill(int fd, const struct sockaddr_un *to, socklen_t len)
{
	int n = 0;

	while (sendto(fd, "x", 1, MSG_DONTWAIT, (const struct sockaddr *)to,
		      to != NULL ? len : 0) == 1)
		n++;
	if (errno != EAGAIN)
		err_sys("sendto");
	return n;
}

static long qlen_setting(void)
{
	FILE *f = fopen("/proc/sys/net/unix/max_dgram_qlen", "r");
	long v = -1;

	if (f != NULL) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* include dgqueue */
int main(int argc, char **argv)
{
	struct timeval tv = { .tv_usec = 200000 };
	struct sockaddr_un rcvaddr = { .sun_family = AF_UNIX };
	socklen_t len = sizeof(sa_family_t);
	int rcv, snd, sv[2], n;
	struct timespec a, b;
	long long ms;
	char c;

	(void)argv;
	if (argc != 1)
		err_quit("usage: dgqueue");
	printf("net.unix.max_dgram_qlen: %ld\n", qlen_setting());
	rcv = Socket(AF_UNIX, SOCK_DGRAM, 0);
	Bind(rcv, (struct sockaddr *)&rcvaddr, len);   /* autobind */
	len = sizeof(rcvaddr);
	Getsockname(rcv, (struct sockaddr *)&rcvaddr, &len);
	snd = Socket(AF_UNIX, SOCK_DGRAM, 0);
	printf("queued before EAGAIN: %d\n", n = fill(snd, &rcvaddr, len));

	Setsockopt(snd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	clock_gettime(CLOCK_MONOTONIC, &a);
	if (sendto(snd, "x", 1, 0, (struct sockaddr *)&rcvaddr, len) == 1)
		err_quit("a blocking sendto did not wait");
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000LL +
	     (b.tv_nsec - a.tv_nsec) / 1000000;
	printf("a sender that waits: %s after %s 200 ms\n",
	       strerrorname_np(errno), ms >= 190 ? "about" : "less than");
	Recv(rcv, &c, 1, 0);
	printf("one datagram read: sendto %s\n",
	       sendto(snd, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&rcvaddr,
		      len) == 1 ? "ok" : strerrorname_np(errno));

	Socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	n = fill(sv[0], NULL, 0);
	printf("socketpair: queued before EAGAIN: %d, %s the limit\n", n,
	       n > qlen_setting() + 1 ? "more than" : "within");
	return 0;
}
/* end dgqueue */
