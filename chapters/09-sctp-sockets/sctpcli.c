/*
 * sctpcli - a one-to-one SCTP client: one SOCK_STREAM socket, one
 * association, as a TCP client would have.  It connects to every
 * address given (sctp_connectx), prints both ends' addresses
 * (sctp_getladdrs, sctp_getpaddrs), then sends each line it reads on
 * stream S with payload protocol identifier P (sctp_sendv) and prints
 * the answer with the stream it came back on (sctp_recvv).  At end of
 * input it closes: a graceful SHUTDOWN, or with -a an ABORT.
 *
 * With -n it only sends, and waits for no answer.
 *
 * usage: sctpcli [-s stream] [-p ppid] [-a] [-n] address[,address...]
 *                port
 */
#include "lnp.h"
#include "sctputil.h"

#define MAXADDRS 8

/* include sctpcli_connect */
/* Parses "a,b,c" into N IPv4 addresses at PORT and connects FD to them
 * all at once: one association, several paths. */
static sctp_assoc_t connect_all(int fd, char *list, int port)
{
	struct sockaddr_in sin[MAXADDRS];
	sctp_assoc_t id = 0;
	int n = 0;

	for (char *a = strtok(list, ","); a != NULL && n < MAXADDRS;
	     a = strtok(NULL, ","), n++) {
		sin[n] = (struct sockaddr_in){ .sin_family = AF_INET,
					       .sin_port = htons(port) };
		Inet_pton(AF_INET, a, &sin[n].sin_addr);
	}
	if (sctp_connectx(fd, (struct sockaddr *)sin, n, &id) < 0)
		err_sys("sctp_connectx");
	return id;
}
/* end sctpcli_connect */

/* include sctpcli_addrs */
/* Prints the addresses of one end: sctp_getladdrs for ours,
 * sctp_getpaddrs for the peer's; each list is freed after. */
static void print_addrs(int fd, sctp_assoc_t id, bool local)
{
	struct sockaddr *addrs;
	char *p, text[SOCK_NTOP_LEN];
	int n = local ? sctp_getladdrs(fd, id, &addrs)
		      : sctp_getpaddrs(fd, id, &addrs);

	if (n < 0)
		err_sys(local ? "sctp_getladdrs" : "sctp_getpaddrs");
	printf("%s:", local ? "local" : "peer");
	p = (char *)addrs;
	for (int i = 0; i < n; i++) {
		struct sockaddr *sa = (struct sockaddr *)p;
		socklen_t len = sa->sa_family == AF_INET6
			? sizeof(struct sockaddr_in6)
			: sizeof(struct sockaddr_in);

		printf(" %s", Sock_ntop(sa, len, text, sizeof(text)));
		p += len;
	}
	printf("\n");
	if (local)
		sctp_freeladdrs(addrs);
	else
		sctp_freepaddrs(addrs);
}
/* end sctpcli_addrs */

/* include sctpcli_send */
/* Sends LEN bytes on STREAM with PPID: the SCTP_SNDINFO of RFC 6458. */
static void send_line(int fd, const char *buf, size_t len, int stream,
		      uint32_t ppid)
{
	struct sctp_sndinfo snd = { .snd_sid = (uint16_t)stream,
				    .snd_ppid = htonl(ppid) };
	struct iovec iov = { (void *)buf, len };

	if (sctp_sendv(fd, &iov, 1, NULL, 0, &snd, sizeof(snd),
		       SCTP_SENDV_SNDINFO, 0) < 0)
		err_sys("sctp_sendv");
}

/* Receives one message and prints it with its stream and PPID. */
static bool recv_line(int fd)
{
	char buf[MAXLINE];
	struct sctp_rcvinfo rcv;
	socklen_t rcvlen = sizeof(rcv);
	unsigned int type = 0;
	struct iovec iov = { buf, sizeof(buf) - 1 };
	int flags = 0;
	ssize_t n = sctp_recvv(fd, &iov, 1, NULL, NULL, &rcv, &rcvlen,
			       &type, &flags);

	if (n < 0)
		err_sys("sctp_recvv");
	if (n == 0)
		return false;   /* the association is gone */
	buf[n] = '\0';
	if (type == SCTP_RECVV_RCVINFO)
		printf("stream %u ppid %u: %s", rcv.rcv_sid,
		       ntohl(rcv.rcv_ppid), buf);
	else
		printf("(no SCTP_RCVINFO): %s", buf);
	return true;
}
/* end sctpcli_send */

int main(int argc, char **argv)
{
	int c, fd, on = 1, stream = 0;
	uint32_t ppid = 0;
	bool abort_at_end = false, answers = true;
	char line[MAXLINE];
	sctp_assoc_t id;

	while ((c = getopt(argc, argv, "s:p:an")) != -1) {
		if (c == 's')
			stream = atoi(optarg);
		else if (c == 'p')
			ppid = (uint32_t)strtoul(optarg, NULL, 10);
		else if (c == 'a')
			abort_at_end = true;
		else if (c == 'n')
			answers = false;
		else
			err_quit("usage: sctpcli [-s stream] [-p ppid] [-a] "
				 "[-n] address[,address...] port");
	}
	if (argc - optind != 2)
		err_quit("usage: sctpcli [-s stream] [-p ppid] [-a] [-n] "
			 "address[,address...] port");
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = Socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	Setsockopt(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));
	id = connect_all(fd, argv[optind], Port_parse(argv[optind + 1]));
	print_addrs(fd, id, true);
	print_addrs(fd, id, false);
	while (Fgets(line, sizeof(line), stdin) != NULL) {
		send_line(fd, line, strlen(line), stream, ppid);
		if (answers && !recv_line(fd))
			err_quit("the server ended the association");
	}
	/* include sctpcli_close */
	if (abort_at_end) {
		struct linger lin = { .l_onoff = 1, .l_linger = 0 };

		Setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
	}
	Close(fd);      /* SHUTDOWN, or ABORT with a zero linger */
	/* end sctpcli_close */
	return 0;
}
