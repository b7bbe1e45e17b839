/*
 * keepalive_cli.c - a client that connects, then waits for the server
 * to say something, with TCP keepalive on and its timers shortened for
 * this one socket (section 7.5).
 *
 * If the server's host crashes, nothing would ever arrive and nothing
 * would ever fail: an idle TCP connection sends nothing.  With
 * SO_KEEPALIVE, after IDLE seconds of silence the kernel sends a probe,
 * then one every INTVL seconds; after CNT probes without an answer the
 * connection is declared dead and read() fails with ETIMEDOUT.  Linux
 * lets each socket set those three (TCP_KEEPIDLE, TCP_KEEPINTVL,
 * TCP_KEEPCNT); the system-wide defaults are two hours, 75 s and 9.
 *
 * usage: keepalive_cli HOST PORT IDLE INTVL CNT
 */
#include "lnp.h"

static int positive(const char *text, const char *what)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || n < 1 || n > 32767)
		err_quit("%s \"%s\" is not a number of 1 to 32767", what,
			 text);
	return (int)n;
}

/* include keepalive_set */
static void keepalive_on(int fd, int idle, int intvl, int cnt)
{
	int on = 1;

	Setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	Setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	Setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	Setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}
/* end keepalive_set */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	struct timespec start;
	socklen_t len;
	char buf[MAXLINE];
	ssize_t n;
	int fd;

	if (argc != 6)
		err_quit("usage: keepalive_cli HOST PORT IDLE INTVL CNT");
	Sock_parse(argv[1], argv[2], &server, &len);
	fd = Socket(server.ss_family, SOCK_STREAM, 0);
	keepalive_on(fd, positive(argv[3], "IDLE"),
		     positive(argv[4], "INTVL"), positive(argv[5], "CNT"));
	Connect(fd, (struct sockaddr *)&server, len);
	printf("connected; waiting\n");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &start);
	/* include keepalive_wait */
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	if (n < 0)
		printf("read: %s after %.1f s\n", strerror(errno),
		       seconds_since(&start));
	else
		printf("end of file after %.1f s\n", seconds_since(&start));
	/* end keepalive_wait */
	return n < 0 ? 1 : 0;
}
