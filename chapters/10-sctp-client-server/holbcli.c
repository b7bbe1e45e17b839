/*
 * holbcli - head-of-line blocking, measured.  Sends COUNT requests of
 * 100 bytes, one every GAP ms, to holbserv, over one TCP connection or
 * over one SCTP association with request i on stream i, and prints each
 * reply as it comes back: which request, on which stream, when its
 * request was sent (ms after the first) and how long the reply took.
 *
 * usage: holbcli [-n count] [-g gap_ms] tcp|sctp host port
 */
#include "lnp.h"
#include "sctputil.h"

#include <getopt.h>
#include <time.h>

#define REQLEN 100
#define MAXREQ 64

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int open_tcp(const struct sockaddr_storage *ss, socklen_t len)
{
	int fd = Socket(AF_INET, SOCK_STREAM, 0), on = 1;

	Setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	Connect(fd, (const struct sockaddr *)ss, len);
	return fd;
}

/* A one-to-one SCTP socket, connected, with COUNT streams each way. */
static int open_sctp(const struct sockaddr_storage *ss, socklen_t len,
		     int count)
{
	struct sctp_initmsg init = { .sinit_num_ostreams = (uint16_t)count,
				     .sinit_max_instreams = (uint16_t)count };
	int fd = Socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP), on = 1;

	Setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &init, sizeof(init));
	Setsockopt(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));
	Setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof(on));
	Connect(fd, (const struct sockaddr *)ss, len);
	return fd;
}

/* include holbcli_reply */
/* Reads one reply; returns its request's number, and its stream in
 * *stream (TCP: always 0, the byte stream's one "stream"). */
static int read_reply(int fd, bool sctp, int *stream)
{
	char buf[REQLEN + 1];
	struct sctp_msginfo info;
	int flags, req;

	if (sctp) {
		if (sctp_recv_whole(fd, buf, REQLEN, NULL, NULL, &info,
				    &flags) != REQLEN)
			err_quit("a reply that is not %d bytes", REQLEN);
		*stream = info.stream;
	} else {
		if (Readn(fd, buf, REQLEN) != REQLEN)
			err_quit("the server closed the connection");
		*stream = 0;
	}
	buf[REQLEN] = '\0';
	if (sscanf(buf, "request %d", &req) != 1 || req < 0 ||
	    req >= MAXREQ)
		err_quit("a reply that is no request's: %.20s", buf);
	return req;
}
/* end holbcli_reply */

int main(int argc, char **argv)
{
	double sent_at[MAXREQ];
	int c, count = 10, gap = 5, fd, next = 0, got = 0;
	struct sockaddr_storage ss;
	socklen_t len;
	bool sctp;

	while ((c = getopt(argc, argv, "n:g:")) != -1) {
		if (c == 'n' && atoi(optarg) > 0 && atoi(optarg) <= MAXREQ)
			count = atoi(optarg);
		else if (c == 'g' && atoi(optarg) >= 0)
			gap = atoi(optarg);
		else
			err_quit("usage: holbcli [-n count] [-g gap_ms] "
				 "tcp|sctp host port");
	}
	if (argc - optind != 3 || (strcmp(argv[optind], "tcp") != 0 &&
				   strcmp(argv[optind], "sctp") != 0))
		err_quit("usage: holbcli [-n count] [-g gap_ms] tcp|sctp "
			 "host port");
	sctp = strcmp(argv[optind], "sctp") == 0;
	Sock_parse(argv[optind + 1], argv[optind + 2], &ss, &len);
	fd = sctp ? open_sctp(&ss, len, count) : open_tcp(&ss, len);
	/* include holbcli_loop */
	while (got < count) {
		double due = next < count ? sent_at[0] + next * gap : 0;
		int wait = next == 0 ? 0 : next < count ?
			(int)(due - now_ms() + 0.999) : -1;
		struct pollfd p = { fd, POLLIN, 0 };

		if (next < count && wait <= 0) {  /* time for request next */
			char req[REQLEN];

			memset(req, '.', sizeof(req));
			snprintf(req, sizeof(req), "request %02d", next);
			sent_at[next] = now_ms();
			if ((sctp ? sctp_send_sndinfo(fd, req, REQLEN, NULL,
						      0, 0, (uint16_t)next, 0,
						      0)
			     : write(fd, req, REQLEN)) != REQLEN)
				err_sys("sending request %d", next);
			next++;
			continue;
		}
		if (Poll(&p, 1, wait) == 1) {
			int stream, r = read_reply(fd, sctp, &stream);

			printf("request %02d stream %2d: sent at %6.1f ms, "
			       "back after %6.1f ms\n", r, stream,
			       sent_at[r] - sent_at[0], now_ms() - sent_at[r]);
			fflush(stdout);
			got++;
		}
	}
	/* end holbcli_loop */
	return 0;
}
