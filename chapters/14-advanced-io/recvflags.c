/*
 * recvflags.c - the flags of recv() and send(), and how much is queued
 * (sections 14.7 and 14.9), measured on a TCP connection over loopback
 * that the program makes with itself.
 *
 * usage: recvflags
 */
#include "lnp.h"

#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/time.h>

static void pair(int *a, int *b)
{
	int l = Tcp_listen_port(0, true);
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	Getsockname(l, (struct sockaddr *)&sin, &len);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*a = Socket(AF_INET, SOCK_STREAM, 0);
	Connect(*a, (struct sockaddr *)&sin, sizeof(sin));
	*b = Accept(l, NULL, NULL);
	Close(l);
}

static const char *said(ssize_t n)
{
	static char buf[64];

	if (n >= 0)
		snprintf(buf, sizeof(buf), "%zd", n);
	else
		snprintf(buf, sizeof(buf), "-1 %s", strerrorname_np(errno));
	return buf;
}

static void on_alarm(int signo)
{
	(void)signo;
}

static void peek_and_queued(int a, int b)
{
	char buf[64];
	int queued;
	ssize_t n;

	/* include peek */
	Send(a, "hello world", 11, 0);
	n = recv(b, buf, 5, MSG_PEEK | MSG_WAITALL);   /* look, leave */
	printf("recv(5, MSG_PEEK) = %s \"%.5s\"\n", said(n), buf);
	ioctl(b, FIONREAD, &queued);            /* SIOCINQ: the same */
	printf("FIONREAD: %d bytes still queued\n", queued);
	n = recv(b, buf, sizeof(buf), 0);
	printf("recv(64) = %s \"%.*s\"\n", said(n), (int)n, buf);
	/* end peek */
	n = recv(b, buf, sizeof(buf), MSG_DONTWAIT);
	printf("recv(64, MSG_DONTWAIT) on an empty queue = %s\n", said(n));
}

static void waitall(int a, int b)
{
	struct timeval tv = { 0, 200000 };
	struct itimerval it = { .it_value = { 0, 200000 } };
	char buf[64];
	ssize_t n;

	/* include waitall */
	Send(a, "abcd", 4, 0);
	Setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(b, buf, 8, MSG_WAITALL);       /* 4 come, 4 never do */
	printf("recv(8, MSG_WAITALL), SO_RCVTIMEO 200 ms = %s\n", said(n));
	n = recv(b, buf, 8, MSG_WAITALL);
	printf("again, nothing queued = %s\n", said(n));
	tv.tv_usec = 0;                         /* no timeout ... */
	Setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	signal_intr(SIGALRM, on_alarm);         /* ... but a signal */
	Send(a, "efgh", 4, 0);
	setitimer(ITIMER_REAL, &it, NULL);
	n = recv(b, buf, 8, MSG_WAITALL);
	printf("recv(8, MSG_WAITALL), SIGALRM after 200 ms = %s\n", said(n));
	/* end waitall */
	Send(a, "ijklmnop", 8, 0);
	n = recv(b, buf, 8, MSG_WAITALL);
	printf("recv(8, MSG_WAITALL), 8 sent = %s\n", said(n));
}

static void outq(int a, int b)
{
	static char big[1 << 20];
	int unsent, inq, notsent;
	ssize_t n, sent = 0;

	/* include outq */
	while ((n = send(a, big, sizeof(big), MSG_DONTWAIT)) > 0)
		sent += n;                      /* b never reads */
	printf("send(MSG_DONTWAIT) until %s\n", said(n));
	ioctl(a, SIOCOUTQ, &unsent);            /* sent, not yet acked */
	ioctl(a, SIOCOUTQNSD, &notsent);        /* not even sent */
	ioctl(b, SIOCINQ, &inq);                /* at the receiver */
	printf("SIOCOUTQ (not acknowledged) > 0: %s\n",
	       unsent > 0 ? "yes" : "no");
	printf("SIOCOUTQNSD (not even sent) <= SIOCOUTQ: %s\n",
	       notsent <= unsent ? "yes" : "no");
	printf("SIOCINQ at the receiver > 0: %s; sent in all > "
	       "SIOCOUTQ: %s\n", inq > 0 ? "yes" : "no",
	       sent > unsent ? "yes" : "no");
	/* end outq */
}

static void sndtimeo(int a)
{
	static char more[4096];
	struct timeval tv = { 0, 200000 };
	struct timespec t0, t1;
	long ms;
	ssize_t n;

	/* include sndtimeo */
	Setsockopt(a, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = send(a, more, sizeof(more), 0);     /* the buffer is full */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("send(4096), buffer full, SO_SNDTIMEO 200 ms = %s\n", said(n));
	printf("it waited about 200 ms (195 ms to 1 s): %s\n",
	       ms >= 195 && ms < 1000 ? "yes" : "no");
	/* end sndtimeo */
}

static void nosignal(int a, int b)
{
	ssize_t n;

	/* include nosignal */
	Close(b);                               /* the peer is gone */
	n = send(a, "x", 1, MSG_NOSIGNAL);      /* its RST comes back */
	printf("send after the peer closed = %s\n", said(n));
	n = send(a, "x", 1, MSG_NOSIGNAL);      /* no SIGPIPE: EPIPE */
	printf("send after its RST, MSG_NOSIGNAL = %s\n", said(n));
	/* end nosignal */
}

int main(void)
{
	int a, b;

	if (setvbuf(stdout, NULL, _IOLBF, 0) != 0)
		err_quit("setvbuf");
	pair(&a, &b);
	peek_and_queued(a, b);
	waitall(a, b);
	outq(a, b);
	sndtimeo(a);
	Close(a);
	Close(b);
	pair(&a, &b);
	nosignal(a, b);
	return 0;
}
