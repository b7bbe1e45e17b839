/*
 * udpburst.c - sends a burst of N datagrams to a UDP echo server as fast
 * as it can, then counts the echoes (section 25.6).
 *
 * The datagrams are "datagram 0001" to "datagram N", all the same
 * length.  After the last is sent it waits for echoes, and gives up when
 * none has come for WAIT_MS (-w, default 1000).  It prints
 *
 *   sent 20 datagrams, 20 echoed
 *
 * and exits 0 when every datagram came back, 1 otherwise.
 *
 * usage: udpburst [-w WAIT_MS] HOST PORT N
 */
#include "lnp.h"

static int number(const char *text, int min, int max, const char *what)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || v < min || v > max)
		err_quit("%s \"%s\" is not a number from %d to %d", what,
			 text, min, max);
	return (int)v;
}

/* Waits for echoes until n came or none came for wait_ms; how many. */
static int count_echoes(int fd, int n, int wait_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[MAXLINE];
	int got = 0;

	while (got < n && poll(&pfd, 1, wait_ms) > 0)
		if (recv(fd, buf, sizeof(buf), 0) >= 0)
			got++;
	return got;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	socklen_t len;
	int wait_ms = 1000, opt, n, fd, got;

	while ((opt = getopt(argc, argv, "w:")) != -1) {
		if (opt != 'w')
			err_quit("usage: udpburst [-w WAIT_MS] HOST PORT N");
		wait_ms = number(optarg, 1, 600000, "WAIT_MS");
	}
	if (argc - optind != 3)
		err_quit("usage: udpburst [-w WAIT_MS] HOST PORT N");
	Sock_parse(argv[optind], argv[optind + 1], &server, &len);
	n = number(argv[optind + 2], 1, 9999, "N");
	fd = Socket(server.ss_family, SOCK_DGRAM, 0);
	Connect(fd, (struct sockaddr *)&server, len);   /* echoes only */
	for (int i = 1; i <= n; i++) {
		char msg[32];

		snprintf(msg, sizeof(msg), "datagram %04d", i);
		if (send(fd, msg, strlen(msg), 0) < 0)
			err_sys("send");
	}
	got = count_echoes(fd, n, wait_ms);
	printf("sent %d datagrams, %d echoed\n", n, got);
	return got == n ? 0 : 1;
}
