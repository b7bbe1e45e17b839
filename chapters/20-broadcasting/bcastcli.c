/*
 * bcastcli.c - dg_cli to a broadcast address (section 20.4): one request
 * goes to every host of the LAN, then every reply is printed until a
 * timer says stop.  -m chooses how the timer ends the wait:
 *
 *   naive     alarm-style timer, then recvfrom(): the race of 20.5
 *   pselect   SIGALRM blocked except inside pselect()        (20.6)
 *   jmp       the handler siglongjmp()s out of recvfrom()    (20.6)
 *   pipe      the handler writes a pipe that select() watches (20.6)
 *   signalfd  SIGALRM blocked, read as a descriptor by poll() (20.7)
 *   poll      no signal at all: poll() with the time left    (20.7)
 *
 * usage: bcastcli [-m METHOD] [-t MS] [-n] [-b SRC] ADDR PORT [TEXT]
 *   -b SRC bind to this local address first (then 255.255.255.255
 *          leaves by SRC's interface, even with no route for it)
 *   -t MS  how long to collect replies (default 1000)
 *   -n     do not set SO_BROADCAST (to see sendto() refuse)
 *
 * For the tests only: BCAST_RACE=K makes the timer expire right before
 * the program waits for reply K+1 (K = 0 before the first wait), which
 * is the unlucky moment that scheduling gives by chance (section 20.5).
 */
#include "lnp.h"
#include <poll.h>
#include <setjmp.h>
#include <sys/signalfd.h>
#include <sys/time.h>

static int timeout_ms = 1000;
static int race_after = -1;             /* BCAST_RACE, or -1 */

static void start_timer(int ms)
{
	struct itimerval it = { .it_value = { .tv_sec = ms / 1000,
					      .tv_usec = ms % 1000 * 1000 } };

	if (setitimer(ITIMER_REAL, &it, NULL) < 0)
		err_sys("setitimer");
}

static void stop_timer(void)
{
	struct itimerval it = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &it, NULL);
}

/* include race_point */
/* The forced race: after K replies, the timer expires here, between
 * the program's last look at the clock and its wait for the next
 * reply.  True when it did (for poll, which has no signal). */
static bool race_point(int replies, bool signal_it)
{
	if (replies != race_after)
		return false;
	race_after = -1;
	stop_timer();
	fprintf(stderr, "race: the timer expires now, before the wait\n");
	if (signal_it)
		raise(SIGALRM);         /* as the kernel would deliver it */
	return true;
}
/* end race_point */

static void print_reply(const char *buf, ssize_t n,
			const struct sockaddr_storage *from, socklen_t len)
{
	char host[INET6_ADDRSTRLEN];

	sock_ntop_host((const struct sockaddr *)from, len, host,
		       sizeof(host));
	printf("from %s: %.*s", host, (int)n, buf);
	if (n == 0 || buf[n - 1] != '\n')
		putchar('\n');
	fflush(stdout);
}

/* One reply, which is known to be waiting (or the naive wait). */
static ssize_t take_reply(int fd)
{
	char buf[MAXLINE];
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
			     (struct sockaddr *)&from, &len);

	if (n >= 0)
		print_reply(buf, n, &from, len);
	return n;
}

static void on_alarm(int signo)
{
	(void)signo;            /* only here to interrupt */
}

/* include naive */
static int collect_naive(int fd)
{
	int replies = 0;

	signal_intr(SIGALRM, on_alarm);
	start_timer(timeout_ms);
	for (;;) {
		race_point(replies, true);
		/* if SIGALRM came before this line, nothing will end it */
		if (take_reply(fd) < 0) {
			if (errno == EINTR)
				break;          /* the timer: done */
			err_sys("recvfrom");
		}
		replies++;
	}
	return replies;
}
/* end naive */

/* include pselect */
static int collect_pselect(int fd)
{
	sigset_t alrm, old;
	fd_set rset;
	int replies = 0;

	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, &old);    /* held from here on */
	signal_intr(SIGALRM, on_alarm);
	start_timer(timeout_ms);
	for (;;) {
		race_point(replies, true);      /* stays pending */
		FD_ZERO(&rset);
		FD_SET(fd, &rset);
		/* unblocks SIGALRM and waits, in one step */
		if (pselect(fd + 1, &rset, NULL, NULL, NULL, &old) < 0) {
			if (errno == EINTR)
				break;
			err_sys("pselect");
		}
		if (take_reply(fd) < 0)
			err_sys("recvfrom");
		replies++;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return replies;
}
/* end pselect */

/* include jmp */
static sigjmp_buf jmpbuf;
static volatile sig_atomic_t canjump;

static void on_alarm_jmp(int signo)
{
	(void)signo;
	if (canjump)
		siglongjmp(jmpbuf, 1);
}

static int collect_jmp(int fd)
{
	static int replies;     /* static: survives the siglongjmp */
	sigset_t alrm;

	replies = 0;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	signal_intr(SIGALRM, on_alarm_jmp);
	if (sigsetjmp(jmpbuf, 1) != 0) {        /* the timer jumped here */
		canjump = 0;
		return replies;
	}
	canjump = 1;
	start_timer(timeout_ms);
	for (;;) {
		race_point(replies, true);
		char buf[MAXLINE];
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &len);

		if (n < 0 && errno != EINTR)
			err_sys("recvfrom");
		if (n < 0)
			continue;
		/* no jump out of stdio: SIGALRM waits while we print */
		sigprocmask(SIG_BLOCK, &alrm, NULL);
		print_reply(buf, n, &from, len);
		replies++;
		sigprocmask(SIG_UNBLOCK, &alrm, NULL);
	}
}
/* end jmp */

/* include pipe */
static int self_pipe[2];

static void on_alarm_pipe(int signo)
{
	int saved = errno;

	(void)signo;
	if (write(self_pipe[1], "", 1) < 0) {
		/* full: a byte is already there to wake the loop */
	}
	errno = saved;
}

static int collect_pipe(int fd)
{
	fd_set rset;
	int replies = 0, maxfd;

	Pipe(self_pipe);
	maxfd = fd > self_pipe[0] ? fd : self_pipe[0];
	signal_intr(SIGALRM, on_alarm_pipe);
	start_timer(timeout_ms);
	for (;;) {
		race_point(replies, true);      /* a byte in the pipe */
		FD_ZERO(&rset);
		FD_SET(fd, &rset);
		FD_SET(self_pipe[0], &rset);
		if (select(maxfd + 1, &rset, NULL, NULL, NULL) < 0) {
			if (errno == EINTR)
				continue;       /* the byte is there now */
			err_sys("select");
		}
		if (FD_ISSET(self_pipe[0], &rset))
			break;
		if (FD_ISSET(fd, &rset)) {
			if (take_reply(fd) < 0)
				err_sys("recvfrom");
			replies++;
		}
	}
	Close(self_pipe[0]);
	Close(self_pipe[1]);
	return replies;
}
/* end pipe */

/* include signalfd */
static int collect_signalfd(int fd)
{
	sigset_t alrm, old;
	struct signalfd_siginfo si;
	int replies = 0;

	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, &old);    /* never delivered */
	int sfd = signalfd(-1, &alrm, SFD_CLOEXEC);

	if (sfd < 0)
		err_sys("signalfd");
	start_timer(timeout_ms);
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = sfd, .events = POLLIN } };

		race_point(replies, true);      /* pending: sfd readable */
		if (Poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents & POLLIN) {
			Read(sfd, &si, sizeof(si));     /* consume it */
			break;
		}
		if (p[0].revents & POLLIN) {
			if (take_reply(fd) < 0)
				err_sys("recvfrom");
			replies++;
		}
	}
	Close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return replies;
}
/* end signalfd */

/* include poll */
static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static int collect_poll(int fd)
{
	long deadline = now_ms() + timeout_ms;
	int replies = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (race_point(replies, false))
			deadline = now_ms();    /* the time is up here */
		long left = deadline - now_ms();

		if (left < 0)
			left = 0;
		if (Poll(&p, 1, (int)left) == 0)
			break;                  /* time is up */
		if (take_reply(fd) < 0)
			err_sys("recvfrom");
		replies++;
	}
	return replies;
}
/* end poll */

static const struct {
	const char *name;
	int (*collect)(int fd);
} methods[] = {
	{ "naive", collect_naive }, { "pselect", collect_pselect },
	{ "jmp", collect_jmp }, { "pipe", collect_pipe },
	{ "signalfd", collect_signalfd }, { "poll", collect_poll },
};

#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

static void usage(void)
{
	err_quit("usage: bcastcli [-m naive|pselect|jmp|pipe|signalfd|poll]"
		 " [-t MS] [-n] [-b SRC] ADDR PORT [TEXT]");
}

int main(int argc, char **argv)
{
	int (*collect)(int) = collect_pselect;
	bool broadcast = true;
	struct sockaddr_storage to;
	socklen_t tolen;
	const char *text, *src = NULL, *race = getenv("BCAST_RACE");
	int c, fd, on = 1;

	while ((c = getopt(argc, argv, "m:t:nb:")) != -1) {
		if (c == 'm') {
			collect = NULL;
			for (size_t i = 0; i < NMETHODS; i++)
				if (!strcmp(optarg, methods[i].name))
					collect = methods[i].collect;
			if (collect == NULL)
				usage();
		} else if (c == 't') {
			timeout_ms = atoi(optarg);
			if (timeout_ms <= 0)
				usage();
		} else if (c == 'b') {
			src = optarg;
		} else if (c == 'n') {
			broadcast = false;
		} else {
			usage();
		}
	}
	if (argc - optind < 2 || argc - optind > 3)
		usage();
	if (race != NULL)
		race_after = atoi(race);
	text = argc - optind == 3 ? argv[optind + 2] : "hello";
	Sock_parse(argv[optind], argv[optind + 1], &to, &tolen);

/* include main */
	fd = Socket(to.ss_family, SOCK_DGRAM, 0);
	if (src != NULL) {
		struct sockaddr_storage me;
		socklen_t melen;

		Sock_parse(src, "0", &me, &melen);
		Bind(fd, (struct sockaddr *)&me, melen);
	}
	if (broadcast)
		Setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on));
	if (sendto(fd, text, strlen(text), 0, (struct sockaddr *)&to,
		   tolen) < 0)
		err_sys("sendto %s", argv[optind]);
	printf("%d replies\n", collect(fd));
/* end main */
	return 0;
}
