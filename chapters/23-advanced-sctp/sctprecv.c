/*
 * sctprecv.c - a one-to-many SCTP receiver that shows how each message
 * arrives: one line per recvmsg(), with the stream, the stream sequence
 * number or "unordered", the length and whether MSG_EOR ended it.
 *
 *   sctprecv [-p BYTES] [-t] PORT
 *
 * -t        starts each line with the time it was read, in milliseconds
 *           of CLOCK_MONOTONIC (the failover timeline of section 23.9);
 * -p BYTES  sets SCTP_PARTIAL_DELIVERY_POINT (section 23.3): a message
 *           longer than that may be handed over in pieces before its
 *           last fragment has arrived.
 *
 * Reads with a 64 KiB buffer, so a piece shorter than the message that
 * fits in it is the kernel's doing, not the buffer's.  Short printable
 * messages are shown as text.  Notifications (association changes,
 * partial delivery aborted) are printed by name.
 */
#include "lnp.h"
#include "sctputil.h"

#include <ctype.h>
#include <netinet/sctp.h>

#define BUFSIZE 65536

static char buf[BUFSIZE];
static bool stamp;

/* With -t: when this line's read returned. */
static void print_time(void)
{
	struct timespec ts;

	if (!stamp)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("%ld ms ", (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* "text" for a short printable message, else nothing; a newline and
 * a NUL byte (C strings sent whole) are shown as \n and \0. */
static void print_text(const char *p, ssize_t n)
{
	if (n > 40)
		return;
	for (ssize_t i = 0; i < n; i++)
		if (!isprint((unsigned char)p[i]) && p[i] != '\n' &&
		    p[i] != '\0')
			return;
	printf(" \"");
	for (ssize_t i = 0; i < n; i++)
		if (p[i] == '\n')
			printf("\\n");
		else if (p[i] == '\0')
			printf("\\0");
		else
			putchar(p[i]);
	printf("\"");
}

/* include piece */
/* One line for what one recvmsg() returned. */
static void print_piece(ssize_t n, int flags, const struct sctp_rcvinfo *r)
{
	printf("stream %u ", r->rcv_sid);
	if (r->rcv_flags & SCTP_UNORDERED)
		printf("unordered");
	else
		printf("ssn %u", r->rcv_ssn);
	printf(": %zd bytes%s", n, flags & MSG_EOR ? "" : ", no MSG_EOR");
	print_text(buf, n);
	printf("\n");
}
/* end piece */

/* One recvmsg(): a piece of a message, with its SCTP_RCVINFO. */
static ssize_t recv_piece(int fd, struct sctp_rcvinfo *r, int *flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct sctp_rcvinfo))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	ssize_t n = recvmsg(fd, &mh, 0);
	struct cmsghdr *c;

	memset(r, 0, sizeof(*r));
	for (c = CMSG_FIRSTHDR(&mh); n >= 0 && c != NULL;
	     c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == IPPROTO_SCTP &&
		    c->cmsg_type == SCTP_RCVINFO)
			memcpy(r, CMSG_DATA(c), sizeof(*r));
	*flags = mh.msg_flags;
	return n;
}

int main(int argc, char **argv)
{
	static const uint16_t events[] = {
		SCTP_ASSOC_CHANGE, SCTP_PARTIAL_DELIVERY_EVENT,
	};
	struct sockaddr_storage any;
	socklen_t len;
	int c, fd, on = 1;
	uint32_t pd_point = 0;

	while ((c = getopt(argc, argv, "p:t")) != -1) {
		if (c == 'p' && atoi(optarg) > 0)
			pd_point = (uint32_t)atoi(optarg);
		else if (c == 't')
			stamp = true;
		else
			err_quit("usage: sctprecv [-p BYTES] [-t] PORT");
	}
	if (optind != argc - 1)
		err_quit("usage: sctprecv [-p BYTES] [-t] PORT");
	fd = Socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	Sock_parse("0.0.0.0", argv[optind], &any, &len);
	Bind(fd, (struct sockaddr *)&any, len);
	if (sctp_subscribe(fd, SCTP_FUTURE_ASSOC, events,
			   sizeof(events) / sizeof(events[0])) < 0)
		err_sys("SCTP_EVENT");
	Setsockopt(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));
/* include pd_point */
	if (pd_point > 0)
		Setsockopt(fd, IPPROTO_SCTP, SCTP_PARTIAL_DELIVERY_POINT,
			   &pd_point, sizeof(pd_point));
/* end pd_point */
	Listen(fd, LISTENQ);
	announce_port(fd);
	for (;;) {
		struct sctp_rcvinfo r;
		char line[256];
		int flags;
		ssize_t n = recv_piece(fd, &r, &flags);

		if (n < 0)
			err_sys("recvmsg");
		print_time();
		if (!(flags & MSG_NOTIFICATION))
			print_piece(n, flags, &r);
		else if (sctp_notification_line(buf, (size_t)n, line,
						sizeof(line)) >= 0)
			printf("%s\n", line);
		fflush(stdout);
	}
}
