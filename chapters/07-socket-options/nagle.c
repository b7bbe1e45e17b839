/*
 * nagle.c - write, write, read: the pattern Nagle's algorithm and delayed
 * ACKs make slow, measured with and without TCP_NODELAY (section 7.9).
 *
 * Each request goes out as two writes, a 4-byte header and then the body,
 * and the client waits for the reply.  Nagle holds the body back until
 * the header is acknowledged; the server, waiting for the body, delays
 * that ACK (40 ms on Linux) hoping to send it with a reply.  Each waits
 * for the other until the delayed-ACK timer fires.  TCP_NODELAY turns
 * Nagle off; a single writev() of header and body is the better fix.
 *
 * usage: nagle [-n] [-v] [-c COUNT] HOST PORT
 *        (-n: TCP_NODELAY; -v: print each request's time too)
 */
#include "lnp.h"

#define USAGE "usage: nagle [-n] [-v] [-c COUNT(1-10000)] HOST PORT"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* include nagle_request */
/* One request as two writes, then the reply; returns milliseconds. */
static double request(int fd)
{
	char body[100], reply[4];
	uint32_t hdr = htonl(sizeof(body));
	double start = now_ms();

	memset(body, 'b', sizeof(body));
	Writen(fd, &hdr, sizeof(hdr));          /* write */
	Writen(fd, body, sizeof(body));         /* write */
	if (Readn(fd, reply, sizeof(reply)) != sizeof(reply))   /* read */
		err_quit("the server closed the connection");
	return now_ms() - start;
}
/* end nagle_request */

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	socklen_t len;
	bool nodelay = false, verbose = false;
	int count = 20, fd, opt;
	double total = 0, worst = 0;

	while ((opt = getopt(argc, argv, "nvc:")) != -1) {
		if (opt == 'n')
			nodelay = true;
		else if (opt == 'v')
			verbose = true;
		else if (opt != 'c' || (count = atoi(optarg)) < 1 ||
			 count > 10000)
			err_quit(USAGE);
	}
	if (argc - optind != 2)
		err_quit(USAGE);
	Sock_parse(argv[optind], argv[optind + 1], &server, &len);
	fd = Socket(server.ss_family, SOCK_STREAM, 0);
	/* include nagle_nodelay */
	if (nodelay) {
		int on = 1;

		Setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	}
	/* end nagle_nodelay */
	Connect(fd, (struct sockaddr *)&server, len);
	for (int i = 0; i < count; i++) {
		double ms = request(fd);

		if (verbose)
			printf("request %d: %.3f ms\n", i + 1, ms);
		total += ms;
		if (ms > worst)
			worst = ms;
	}
	printf("%d requests, TCP_NODELAY %s: average %.2f ms, worst %.2f ms\n",
	       count, nodelay ? "on" : "off", total / count, worst);
	return 0;
}
