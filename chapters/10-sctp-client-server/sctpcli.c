/*
 * sctpcli - the streams echo client.  Each line of input is a message;
 * "[3]text" sends "text" on stream 3, a line without the prefix goes on
 * stream 0.  Each echo is printed with the stream and stream sequence
 * number it came back on.  -p (pipeline) sends every line first and
 * then prints the echoes in the order they arrive; -n expects none (a
 * peer that only reads, such as sctp_darn -l).  -o N asks for N
 * outbound streams.  At end of input the association ends gracefully
 * (SCTP_EOF), or with -A reason abortively (SCTP_ABORT, the reason
 * sent to the server); the last line says how it ended.
 *
 * usage: sctpcli [-p|-n] [-o streams] [-A reason] host port
 */
#include "lnp.h"
#include "sctputil.h"

#include <getopt.h>

#define LINEMAX 4096

static struct sockaddr_storage serv;    /* where the server is */
static socklen_t servlen;

static int cli_socket(int ostreams)
{
	static const uint16_t events[] = { SCTP_ASSOC_CHANGE,
					   SCTP_SHUTDOWN_EVENT };
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
	return fd;
}

/* include sctpcli_send */
/* Sends one line: "[N]text" on stream N, anything else on stream 0.
 * The first message sets the association up (no connect() needed on a
 * one-to-many socket). */
static void send_line(int fd, char *line)
{
	unsigned long stream = 0;
	char *text = line, *end;

	line[strcspn(line, "\n")] = '\0';
	if (line[0] == '[') {
		stream = strtoul(line + 1, &end, 10);
		if (*end == ']' && end > line + 1 && stream <= 65535)
			text = end + 1;
		else
			stream = 0;
	}
	if (sctp_send_sndinfo(fd, text, strlen(text),
			      (struct sockaddr *)&serv, servlen, 0,
			      (uint16_t)stream, 0, 0) < 0)
		err_sys("sending on stream %lu", stream);
}
/* end sctpcli_send */

/* include sctpcli_recv */
/* Prints the next echo; notifications are printed and passed over.
 * Returns false when the association has ended. */
static bool print_echo(int fd)
{
	static char buf[LINEMAX + 1];
	struct sctp_msginfo info;
	char line[256];
	int flags;
	ssize_t n;

	for (;;) {
		n = sctp_recv_whole(fd, buf, LINEMAX, NULL, NULL, &info,
				    &flags);
		if (n < 0)
			err_sys("recvmsg");
		if (!(flags & MSG_NOTIFICATION))
			break;
		if (sctp_notification_line(buf, (size_t)n, line,
					   sizeof(line)) >= 0)
			printf("%s\n", line);
		union sctp_notification *sn = (void *)buf;

		if (sn->sn_header.sn_type == SCTP_ASSOC_CHANGE &&
		    sn->sn_assoc_change.sac_state != SCTP_COMM_UP)
			return false;
	}
	buf[n] = '\0';
	printf("stream %u ssn %u: %s\n", info.stream, info.ssn, buf);
	fflush(stdout);
	return true;
}
/* end sctpcli_recv */

/* include sctpcli_end */
/* Ends the association: SCTP_EOF starts SCTP's graceful shutdown
 * (what close() does on a one-to-one socket); SCTP_ABORT sends an
 * ABORT at once, carrying REASON as a user-initiated abort cause.
 * Then waits for the association change that reports the end. */
static void end_association(int fd, const char *reason)
{
	uint16_t how = reason != NULL ? SCTP_ABORT : SCTP_EOF;
	size_t len = reason != NULL ? strlen(reason) : 0;

	if (sctp_send_sndinfo(fd, reason, len, (struct sockaddr *)&serv,
			      servlen, 0, 0, 0, how) < 0)
		err_sys("sendmsg with %s",
			reason != NULL ? "SCTP_ABORT" : "SCTP_EOF");
	while (print_echo(fd))
		;
}
/* end sctpcli_end */

int main(int argc, char **argv)
{
	static char line[LINEMAX];
	const char *reason = NULL;
	bool pipeline = false, noecho = false;
	int c, ostreams = 0, fd, sent = 0;

	while ((c = getopt(argc, argv, "pnA:o:")) != -1) {
		if (c == 'p' || c == 'n')
			pipeline = true, noecho = c == 'n';
		else if (c == 'A')
			reason = optarg;
		else if (c == 'o' && atoi(optarg) > 0 &&
			 atoi(optarg) <= 65535)
			ostreams = atoi(optarg);
		else
			err_quit("usage: sctpcli [-p|-n] [-o streams] "
				 "[-A reason] host port");
	}
	if (argc - optind != 2)
		err_quit("usage: sctpcli [-p|-n] [-o streams] [-A reason] "
			 "host port");
	Sock_parse(argv[optind], argv[optind + 1], &serv, &servlen);
	fd = cli_socket(ostreams);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		send_line(fd, line);
		sent++;
		if (!pipeline && !print_echo(fd))
			return 1;
	}
	for (; pipeline && !noecho && sent > 0; sent--)
		if (!print_echo(fd))
			return 1;
	end_association(fd, reason);
	return 0;
}
