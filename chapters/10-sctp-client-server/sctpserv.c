/*
 * sctpserv - the streams echo server: one one-to-many SCTP socket serves
 * every client's association and sends each message back on the stream
 * it came on, with its payload protocol identifier.  -i answers on the
 * next stream instead (stream + 1, wrapping at the association's count
 * of outbound streams), as the book's first version did.  -o N asks for
 * N outbound streams (the kernel's default otherwise).  Notifications
 * (an association's start and end) are printed, one line each.
 *
 * usage: sctpserv [-i] [-o streams] port
 */
#include "lnp.h"
#include "sctputil.h"

#include <getopt.h>

#define MSGMAX 65536            /* the largest message echoed whole */

/* include sctpserv_socket */
/* The one-to-many socket: bound to every address of the host, asking
 * for OSTREAMS outbound streams (0: the kernel's default), told to
 * attach an SCTP_RCVINFO to each message and to report associations
 * coming and going. */
static int serv_socket(int port, int ostreams)
{
	static const uint16_t events[] = { SCTP_ASSOC_CHANGE,
					   SCTP_SHUTDOWN_EVENT };
	struct sockaddr_in any = { .sin_family = AF_INET,
				   .sin_port = htons((uint16_t)port) };
	struct sctp_initmsg init = { .sinit_num_ostreams =
				     (uint16_t)ostreams };
	int fd = Socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	int on = 1;

	if (ostreams > 0)
		Setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &init,
			   sizeof(init));
	Setsockopt(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));
	Setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof(on));
	if (sctp_subscribe(fd, SCTP_FUTURE_ASSOC, events, 2) < 0)
		err_sys("SCTP_EVENT");
	Bind(fd, (struct sockaddr *)&any, sizeof(any));
	Listen(fd, LISTENQ);
	return fd;
}
/* end sctpserv_socket */

/* How many streams this side may send on in association ASSOC. */
static int outbound_streams(int fd, sctp_assoc_t assoc)
{
	struct sctp_status st = { .sstat_assoc_id = assoc };
	socklen_t len = sizeof(st);

	if (getsockopt(fd, IPPROTO_SCTP, SCTP_STATUS, &st, &len) < 0)
		return 1;
	return st.sstat_outstrms;
}

/* include sctpserv_abort */
/* An association that ended with an ABORT carries the ABORT's error
 * causes in sac_info; a user-initiated abort (cause 12) holds the
 * peer's reason as text. */
static void print_abort_reason(const void *buf, size_t len)
{
	const struct sctp_assoc_change *c = buf;
	size_t info = len - sizeof(*c);
	uint16_t cause, clen;

	if (len < sizeof(*c) + 4 || c->sac_state != SCTP_COMM_LOST)
		return;
	memcpy(&cause, c->sac_info, 2);
	memcpy(&clen, c->sac_info + 2, 2);
	cause = ntohs(cause);
	clen = ntohs(clen);
	if (clen < 4 || clen > info)
		clen = (uint16_t)info;
	printf("  abort cause %u%s: \"%.*s\"\n", cause,
	       cause == 12 ? " (user-initiated abort)" : "",
	       (int)(clen - 4), (const char *)c->sac_info + 4);
}
/* end sctpserv_abort */

/* include sctpserv_loop */
static void serve(int fd, bool next_stream)
{
	static char buf[MSGMAX];
	struct sctp_msginfo info;
	char line[256];
	int flags;
	ssize_t n;

	for (;;) {
		n = sctp_recv_whole(fd, buf, sizeof(buf), NULL, NULL, &info,
				    &flags);
		if (n < 0)
			err_sys("recvmsg");
		if (flags & MSG_NOTIFICATION) {  /* not a client's message */
			if (sctp_notification_line(buf, (size_t)n, line,
						   sizeof(line)) >= 0)
				printf("%s\n", line);
			if (((union sctp_notification *)buf)->sn_header
			    .sn_type == SCTP_ASSOC_CHANGE)
				print_abort_reason(buf, (size_t)n);
			fflush(stdout);
			continue;
		}
		uint16_t out = info.stream;

		if (next_stream &&
		    ++out >= outbound_streams(fd, info.assoc_id))
			out = 0;
		printf("assoc %d stream %u ssn %u ppid %u: %zd bytes%s\n",
		       (int)info.assoc_id, info.stream, info.ssn, info.ppid,
		       n, (flags & MSG_EOR) ? "" : " (cut)");
		fflush(stdout);
		/* same association, same ppid; the stream chosen above */
		if (sctp_send_sndinfo(fd, buf, (size_t)n, NULL, 0,
				      info.assoc_id, out, info.ppid, 0) < 0)
			err_ret("sendmsg on stream %u", out);
	}
}
/* end sctpserv_loop */

int main(int argc, char **argv)
{
	bool next_stream = false;
	int c, ostreams = 0, fd;

	while ((c = getopt(argc, argv, "io:")) != -1) {
		if (c == 'i')
			next_stream = true;
		else if (c == 'o' && atoi(optarg) > 0 &&
			 atoi(optarg) <= 65535)
			ostreams = atoi(optarg);
		else
			err_quit("usage: sctpserv [-i] [-o streams] port");
	}
	if (argc - optind != 1)
		err_quit("usage: sctpserv [-i] [-o streams] port");
	fd = serv_socket(Port_parse(argv[optind]), ostreams);
	announce_port(fd);
	serve(fd, next_stream);
}
