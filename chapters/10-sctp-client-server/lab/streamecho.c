/*
 * streamecho - lab 10: a per-stream SCTP echo server.  One one-to-many
 * socket serves every client.  Each message goes back whole, on the
 * stream it came on, with its payload protocol identifier, to the
 * association it came from; a lost echo on one stream must not hold up
 * the others.  A message "bye" is echoed, then that association ends
 * gracefully.  Associations coming and going are printed:
 * "assoc N up", "assoc N down".
 *
 * usage: streamecho port
 */
#include "lnp.h"

#include <netinet/sctp.h>

#define STREAMS 32              /* offered in each direction */
#define PARTMAX 4096            /* what one recvmsg() reads */
#define MSGMAX 65536            /* the longest message echoed whole */

/* One message as it came: its text and where it came from. */
struct message {
	char text[MSGMAX];
	size_t len;
	bool notification;
	struct sctp_rcvinfo info;
};

/* include streamecho_socket */
static int echo_socket(int port)
{
	struct sockaddr_in any = { .sin_family = AF_INET,
				   .sin_port = htons((uint16_t)port) };
	int fd = Socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);

	/* BEGIN SOLUTION */
	struct sctp_initmsg init = { .sinit_num_ostreams = STREAMS,
				     .sinit_max_instreams = STREAMS };
	struct sctp_event ev = { .se_assoc_id = SCTP_FUTURE_ASSOC,
				 .se_type = SCTP_ASSOC_CHANGE, .se_on = 1 };
	int on = 1;

	Setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &init, sizeof(init));
	Setsockopt(fd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev));
	Setsockopt(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));
	/* END SOLUTION */
	/* STARTER
	// TODO (sections 10.2 and 10.6): offer STREAMS streams each
	// way (SCTP_INITMSG), ask for association changes (SCTP_EVENT)
	// and an SCTP_RCVINFO with each message (SCTP_RECVRCVINFO).
	STARTER */
	Bind(fd, (struct sockaddr *)&any, sizeof(any));
	Listen(fd, LISTENQ);
	return fd;
}
/* end streamecho_socket */

/* include streamecho_read */
/* Reads one whole message or notification into M: recvmsg() returns at
 * most PARTMAX bytes at a time, and only the last part of a message has
 * MSG_EOR.  Returns false if the message is longer than MSGMAX. */
static bool read_message(int fd, struct message *m)
{
	/* BEGIN SOLUTION */
	char control[CMSG_SPACE(sizeof(struct sctp_rcvinfo))];
	int flags = 0;

	m->len = 0;
	m->notification = false;
	do {
		size_t room = MSGMAX - m->len;
		struct iovec iov = { m->text + m->len,
				     room < PARTMAX ? room : PARTMAX };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = control,
				     .msg_controllen = sizeof(control) };
		ssize_t n;

		if (room == 0)
			return false;
		n = recvmsg(fd, &mh, 0);
		if (n < 0)
			err_sys("recvmsg");
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL;
		     c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == IPPROTO_SCTP &&
			    c->cmsg_type == SCTP_RCVINFO)
				memcpy(&m->info, CMSG_DATA(c),
				       sizeof(m->info));
		m->len += (size_t)n;
		flags = mh.msg_flags;
	} while (!(flags & MSG_EOR));
	m->notification = (flags & MSG_NOTIFICATION) != 0;
	return true;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 10.2): recvmsg() at most PARTMAX bytes at a time
	// into m->text until a part comes with MSG_EOR; keep the
	// SCTP_RCVINFO cmsg in m->info; set m->len and m->notification
	// (MSG_NOTIFICATION).
	// (Until then the server stops here, rather than spin on a socket
	// it never reads.)
	(void)fd;
	(void)m;
	err_quit("read_message() is not written yet (see 10.2)");
	STARTER */
}
/* end streamecho_read */

/* include streamecho_send */
/* Sends LEN bytes of TEXT to association ASSOC on STREAM with PPID (as
 * it came, in network byte order) and SCTP_SNDINFO flags FLAGS. */
static void send_on(int fd, const void *text, size_t len,
		    sctp_assoc_t assoc, uint16_t stream, uint32_t ppid,
		    uint16_t flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct sctp_sndinfo))];
		struct cmsghdr align;
	} control = { { 0 } };
	struct sctp_sndinfo snd = { .snd_sid = stream, .snd_flags = flags,
				    .snd_ppid = ppid, .snd_assoc_id = assoc };
	struct iovec iov = { (void *)text, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = IPPROTO_SCTP;
	c->cmsg_type = SCTP_SNDINFO;
	c->cmsg_len = CMSG_LEN(sizeof(snd));
	memcpy(CMSG_DATA(c), &snd, sizeof(snd));
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
		err_ret("sendmsg on stream %u of assoc %d", stream,
			(int)assoc);
}
/* end send_on */

/* include streamecho_notification */
static void report(const struct message *m)
{
	const union sctp_notification *sn = (const void *)m->text;

	if (sn->sn_header.sn_type != SCTP_ASSOC_CHANGE)
		return;
	if (sn->sn_assoc_change.sac_state == SCTP_COMM_UP)
		printf("assoc %d up\n", (int)sn->sn_assoc_change.sac_assoc_id);
	else if (sn->sn_assoc_change.sac_state != SCTP_RESTART)
		printf("assoc %d down\n",
		       (int)sn->sn_assoc_change.sac_assoc_id);
	fflush(stdout);
}
/* end streamecho_notification */

/* include streamecho_echo */
static void echo(int fd, const struct message *m)
{
	/* BEGIN SOLUTION */
	const struct sctp_rcvinfo *in = &m->info;

	send_on(fd, m->text, m->len, in->rcv_assoc_id, in->rcv_sid,
		in->rcv_ppid, 0);
	if (m->len == 3 && memcmp(m->text, "bye", 3) == 0)
		send_on(fd, NULL, 0, in->rcv_assoc_id, 0, 0, SCTP_EOF);
	/* END SOLUTION */
	/* STARTER
	// TODO (sections 10.2, 10.4, 10.7): send m back to the
	// association it came from, on its stream, with its ppid; after
	// echoing "bye", end that association gracefully (SCTP_EOF).
	(void)fd;
	(void)m;
	(void)send_on;
	STARTER */
}
/* end streamecho_echo */

int main(int argc, char **argv)
{
	static struct message m;
	int fd;

	if (argc != 2)
		err_quit("usage: streamecho port");
	fd = echo_socket(Port_parse(argv[1]));
	for (;;) {
		if (!read_message(fd, &m))
			err_msg("a message over %d bytes was not echoed",
				MSGMAX);
		else if (m.notification)
			report(&m);
		else
			echo(fd, &m);
	}
}
