/*
 * readtimeo.c - a request/reply client that waits for the reply at most
 * MS milliseconds, one of three ways (sections 14.4 to 14.6), and prints
 * what the kernel answered when the time ran out:
 *   -a  a SIGALRM interrupts read()            (EINTR)
 *   -s  select() says nothing is readable      (0)
 *   -o  SO_RCVTIMEO makes read() give up        (EAGAIN)
 *
 * It connects, then reads the request, one line, from its standard
 * input (so that a test can black-hole the server in between).
 *
 * usage: readtimeo -a|-s|-o MS HOST PORT
 */
#include "lnp.h"

#include <sys/time.h>

static void on_alarm(int signo)
{
	(void)signo;
}

/* include readtimeo_ways */
static ssize_t read_reply(int fd, char *buf, size_t n, char how, int ms)
{
	struct timeval tv = { ms / 1000, ms % 1000 * 1000 };
	ssize_t r;

	if (how == 'a') {                       /* SIGALRM */
		struct itimerval it = { .it_value = tv }, off = { 0 };

		signal_intr(SIGALRM, on_alarm);  /* no SA_RESTART */
		setitimer(ITIMER_REAL, &it, NULL);
		r = read(fd, buf, n);
		setitimer(ITIMER_REAL, &off, NULL);
		return r;
	}
	if (how == 's') {                       /* select */
		fd_set rset;

		FD_ZERO(&rset);
		FD_SET(fd, &rset);
		if ((r = select(fd + 1, &rset, NULL, NULL, &tv)) <= 0) {
			printf("select returned %zd\n", r);
			errno = 0;      /* nothing more to say */
			return -1;
		}
		return read(fd, buf, n);
	}
	Setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return read(fd, buf, n);                /* SO_RCVTIMEO */
}
/* end readtimeo_ways */

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[MAXLINE], request[MAXLINE];
	int fd, ms;
	ssize_t n;

	if (argc != 5 || argv[1][0] != '-' || strchr("aso", argv[1][1]) ==
	    NULL || argv[1][1] == '\0' || argv[1][2] != '\0')
		err_quit("usage: readtimeo -a|-s|-o MS HOST PORT");
	if ((ms = atoi(argv[2])) <= 0)
		err_quit("\"%s\" is not a timeout in milliseconds", argv[2]);
	Sock_parse(argv[3], argv[4], &ss, &len);
	fd = Socket(ss.ss_family, SOCK_STREAM, 0);
	Connect(fd, (struct sockaddr *)&ss, len);
	printf("connected\n");
	fflush(stdout);
	if (fgets(request, sizeof(request), stdin) == NULL)
		return 0;
	Writen(fd, request, strlen(request));
	errno = 0;
	n = read_reply(fd, buf, sizeof(buf) - 1, argv[1][1], ms);
	if (n > 0) {
		buf[n] = '\0';
		printf("reply: %s", buf);
	} else if (n == 0) {
		printf("end of file\n");
	} else if (errno != 0) {
		printf("read: %s (%s)\n", strerrorname_np(errno),
		       strerror(errno));
	}
	return n > 0 ? 0 : 1;
}
