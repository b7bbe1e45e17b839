/*
 * conntimeo.c - connect() with a timeout, two ways (sections 14.3 and
 * 14.6): a SIGALRM that interrupts connect(), or SO_SNDTIMEO, which
 * Linux's connect() obeys.  It prints what the kernel answered and the
 * TCP state the socket is left in.
 *
 * -r installs the SIGALRM handler with SA_RESTART: watch it break (the
 * interrupted connect is restarted, and the timeout never ends it).
 *
 * -k KEEP keeps the socket KEEP ms longer before exiting, so that a
 * capture shows what the kernel does with it after the timeout.
 *
 * usage: conntimeo [-r | -o] [-k KEEP] MS HOST PORT
 */
#include "lnp.h"

#include <sys/time.h>

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* The TCP state the socket is in, by name. */
static const char *state_name(int fd)
{
	static const char *names[] = { "?", "ESTABLISHED", "SYN_SENT",
		"SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE",
		"CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING" };
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 ||
	    ti.tcpi_state >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[ti.tcpi_state];
}

/* include conntimeo_alarm */
static void on_alarm(int signo)
{
	(void)signo;            /* nothing: it is there to interrupt */
}

static int connect_with_alarm(int fd, const struct sockaddr *sa,
			      socklen_t len, int ms, bool restart)
{
	struct sigaction act = { .sa_handler = on_alarm }, old;
	struct itimerval it = { .it_value = { ms / 1000, ms % 1000 * 1000 } };
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	int n, saved;

	sigemptyset(&act.sa_mask);
	act.sa_flags = restart ? SA_RESTART : 0;    /* -r: watch it break */
	sigaction(SIGALRM, &act, &old);
	setitimer(ITIMER_REAL, &it, NULL);
	n = connect(fd, sa, len);
	saved = errno;
	setitimer(ITIMER_REAL, &off, NULL);         /* whatever happened */
	sigaction(SIGALRM, &old, NULL);
	errno = saved;
	return n;
}
/* end conntimeo_alarm */

/* include conntimeo_sndtimeo */
static int connect_with_sndtimeo(int fd, const struct sockaddr *sa,
				 socklen_t len, int ms)
{
	struct timeval tv = { ms / 1000, ms % 1000 * 1000 };

	Setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return connect(fd, sa, len);
}
/* end conntimeo_sndtimeo */

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	bool restart = false, sndtimeo = false;
	long long t0;
	int fd, ms, n, c, keep = 0;

	while ((c = getopt(argc, argv, "rok:")) != -1) {
		if (c == 'r')
			restart = true;
		else if (c == 'o')
			sndtimeo = true;
		else if (c == 'k' && (keep = atoi(optarg)) > 0)
			continue;
		else
			break;
	}
	if (c != -1 || argc - optind != 3 || (restart && sndtimeo))
		err_quit("usage: conntimeo [-r | -o] [-k KEEP] MS HOST PORT");
	if ((ms = atoi(argv[optind])) <= 0)
		err_quit("\"%s\" is not a timeout in milliseconds",
			 argv[optind]);
	Sock_parse(argv[optind + 1], argv[optind + 2], &ss, &len);
	fd = Socket(ss.ss_family, SOCK_STREAM, 0);
	t0 = now_ms();
	n = sndtimeo ? connect_with_sndtimeo(fd, (struct sockaddr *)&ss,
					     len, ms)
		     : connect_with_alarm(fd, (struct sockaddr *)&ss, len, ms,
					  restart);
	if (n == 0)
		printf("connected after %lld ms\n", now_ms() - t0);
	else
		printf("connect: %s (%s) after about %lld ms; the socket "
		       "is in %s\n", strerrorname_np(errno), strerror(errno),
		       (now_ms() - t0 + 50) / 100 * 100, state_name(fd));
	fflush(stdout);
	if (keep > 0)
		usleep((useconds_t)keep * 1000);        /* for a capture */
	return n == 0 ? 0 : 1;
}
