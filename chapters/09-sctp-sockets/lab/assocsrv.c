/*
 * assocsrv - lab 9: a one-to-many SCTP server that reports the life of
 * each association, one line per event, echoes each message on the
 * stream it came on, and peels an association off onto a socket of its
 * own when the client asks with the message "peel".
 *
 * usage: assocsrv port [address...]
 *
 * Lines it prints (the tests read them):
 *   listening on port 9877
 *   assoc 3 SCTP_COMM_UP out 10 in 10
 *   assoc 3 stream 5 ppid 1234 bytes 5
 *   assoc 3 peeled
 *   assoc 3 SCTP_SHUTDOWN_EVENT
 *   assoc 3 SCTP_SHUTDOWN_COMP            (or SCTP_COMM_LOST, ...)
 */
#include "lnp.h"
#include <netinet/sctp.h>

#define MAXADDRS 8
#define MAXPEELED 16
#define MSGMAX (256 * 1024)

/* include assocsrv_bind */
/* Binds FD to the N addresses of ADDRS at PORT with sctp_bindx, or to
 * the wildcard address when N is 0. */
static void bind_addresses(int fd, int port, char **addrs, int n)
{
	struct sockaddr_in sin[MAXADDRS];

	if (n == 0) {
		struct sockaddr_in any = { .sin_family = AF_INET,
					   .sin_port = htons(port) };

		Bind(fd, (struct sockaddr *)&any, sizeof(any));
		return;
	}
	if (n > MAXADDRS)
		err_quit("at most %d addresses", MAXADDRS);
	for (int i = 0; i < n; i++) {
		sin[i] = (struct sockaddr_in){ .sin_family = AF_INET,
					       .sin_port = htons(port) };
		Inet_pton(AF_INET, addrs[i], &sin[i].sin_addr);
	}
	/* BEGIN SOLUTION */
	if (sctp_bindx(fd, (struct sockaddr *)sin, n,
		       SCTP_BINDX_ADD_ADDR) < 0)
		err_sys("sctp_bindx");
	/* END SOLUTION */
	/* STARTER
	// TODO (section 9.3): bind all N addresses of sin[] at once with
	// sctp_bindx (bind() takes only one); exit with err_sys if it fails
	(void)sin;
	STARTER */
}
/* end assocsrv_bind */

/* include assocsrv_subscribe */
/* Asks for the notifications this server reports, and for the
 * sctp_sndrcvinfo that sctp_recvmsg fills in for each message. */
static void subscribe(int fd)
{
	/* BEGIN SOLUTION */
	static const uint16_t types[] = {
		SCTP_DATA_IO_EVENT, SCTP_ASSOC_CHANGE, SCTP_SHUTDOWN_EVENT,
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct sctp_event ev = { .se_assoc_id = SCTP_FUTURE_ASSOC,
					 .se_type = types[i], .se_on = 1 };

		Setsockopt(fd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev));
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (section 9.9): one SCTP_EVENT setsockopt for each of
	// SCTP_DATA_IO_EVENT, SCTP_ASSOC_CHANGE and SCTP_SHUTDOWN_EVENT,
	// for SCTP_FUTURE_ASSOC
	(void)fd;
	STARTER */
}
/* end assocsrv_subscribe */

/* include assocsrv_report */
/* The name of an association change's state. */
static const char *state_name(unsigned state)
{
	/* BEGIN SOLUTION */
	switch (state) {
	case SCTP_COMM_UP: return "SCTP_COMM_UP";
	case SCTP_COMM_LOST: return "SCTP_COMM_LOST";
	case SCTP_RESTART: return "SCTP_RESTART";
	case SCTP_SHUTDOWN_COMP: return "SCTP_SHUTDOWN_COMP";
	case SCTP_CANT_STR_ASSOC: return "SCTP_CANT_STR_ASSOC";
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (section 9.9): "SCTP_COMM_UP", "SCTP_COMM_LOST",
	// "SCTP_RESTART", "SCTP_SHUTDOWN_COMP" or "SCTP_CANT_STR_ASSOC"
	(void)state;
	STARTER */
	return "?";
}

/* Prints the line for the notification of LEN bytes at BUF. */
static void report(const void *buf, size_t len)
{
	const union sctp_notification *sn = buf;

	if (len < sizeof(sn->sn_header))
		return;
	/* BEGIN SOLUTION */
	if (sn->sn_header.sn_type == SCTP_ASSOC_CHANGE) {
		const struct sctp_assoc_change *c = &sn->sn_assoc_change;

		if (c->sac_state == SCTP_COMM_UP)
			printf("assoc %d %s out %u in %u\n",
			       (int)c->sac_assoc_id, state_name(c->sac_state),
			       c->sac_outbound_streams,
			       c->sac_inbound_streams);
		else
			printf("assoc %d %s\n", (int)c->sac_assoc_id,
			       state_name(c->sac_state));
	} else if (sn->sn_header.sn_type == SCTP_SHUTDOWN_EVENT) {
		printf("assoc %d SCTP_SHUTDOWN_EVENT\n",
		       (int)sn->sn_shutdown_event.sse_assoc_id);
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (section 9.9): for SCTP_ASSOC_CHANGE print
	// "assoc ID STATE" (and " out O in I" for SCTP_COMM_UP); for
	// SCTP_SHUTDOWN_EVENT print "assoc ID SCTP_SHUTDOWN_EVENT"
	(void)state_name;
	STARTER */
}
/* end assocsrv_report */

/* include assocsrv_recv */
/* Reads one whole message or notification into BUF (at most CAP
 * bytes): SCTP may hand a large message over in parts, and only the
 * last carries MSG_EOR.  Returns its length, 0 when the socket has no
 * more associations, -1 on error; *INFO and *FLAGS as sctp_recvmsg
 * gives them. */
static ssize_t recv_whole(int fd, char *buf, size_t cap,
			  struct sctp_sndrcvinfo *info, int *flags)
{
	/* BEGIN SOLUTION */
	size_t have = 0;

	do {
		struct sctp_sndrcvinfo part;
		int n;

		*flags = 0;
		n = sctp_recvmsg(fd, buf + have, cap - have, NULL, NULL,
				 &part, flags);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n;
		if (have == 0)
			*info = part;
		have += (size_t)n;
	} while (!(*flags & MSG_EOR) && have < cap);
	return (ssize_t)have;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 9.6): sctp_recvmsg until a part comes with MSG_EOR
	// in *flags, appending each part to buf; keep the first part's info
	*flags = 0;
	return sctp_recvmsg(fd, buf, cap, NULL, NULL, info, flags);
	STARTER */
}
/* end assocsrv_recv */

/* include assocsrv_echo */
/* Sends the N bytes of MSG back on FD to the association, stream and
 * payload protocol identifier of INFO. */
static void echo(int fd, const char *msg, size_t n,
		 const struct sctp_sndrcvinfo *info)
{
	struct sctp_sndrcvinfo out = { 0 };

	/* BEGIN SOLUTION */
	out.sinfo_stream = info->sinfo_stream;
	out.sinfo_ppid = info->sinfo_ppid;      /* as it came: no htonl */
	out.sinfo_assoc_id = info->sinfo_assoc_id;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 9.6): the answer goes on the same stream, with the
	// same payload protocol identifier, to the same association
	(void)info;
	STARTER */
	if (sctp_send(fd, msg, n, &out, 0) < 0)
		err_ret("sctp_send to association %d", (int)out.sinfo_assoc_id);
}
/* end assocsrv_echo */

/* The one-to-many socket first, then each peeled-off one. */
struct server {
	struct pollfd fds[1 + MAXPEELED];
	int nfds;
};

/* include assocsrv_peel */
/* The client asked: its association moves to a socket of its own,
 * which answers "peeled" and is served from now on with the others. */
static void peel(struct server *s, const struct sctp_sndrcvinfo *info)
{
	/* BEGIN SOLUTION */
	int fd;

	if (s->nfds == 1 + MAXPEELED)
		return;
	fd = sctp_peeloff(s->fds[0].fd, info->sinfo_assoc_id);
	if (fd < 0) {
		err_ret("sctp_peeloff of association %d",
			(int)info->sinfo_assoc_id);
		return;
	}
	printf("assoc %d peeled\n", (int)info->sinfo_assoc_id);
	s->fds[s->nfds++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	echo(fd, "peeled", 6, info);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 9.7): sctp_peeloff the association of info on the
	// one-to-many socket s->fds[0].fd; print "assoc ID peeled"; add
	// the new socket to s->fds; answer "peeled" on it with echo()
	(void)s;
	(void)info;
	STARTER */
}
/* end assocsrv_peel */

/* include assocsrv_serve */
/* One message or notification from socket I of S.  Returns false when
 * a peeled socket's association has ended. */
static bool serve_one(struct server *s, int i)
{
	static char msg[MSGMAX];
	struct sctp_sndrcvinfo info = { 0 };
	int flags = 0;
	ssize_t n = recv_whole(s->fds[i].fd, msg, sizeof(msg), &info, &flags);

	if (n <= 0)
		return i == 0;  /* a peeled association is over */
	if (flags & MSG_NOTIFICATION) {
		report(msg, (size_t)n);
		return true;
	}
	printf("assoc %d stream %u ppid %u bytes %zd\n",
	       (int)info.sinfo_assoc_id, info.sinfo_stream,
	       ntohl(info.sinfo_ppid), n);
	if (i == 0 && n == 4 && memcmp(msg, "peel", 4) == 0)
		peel(s, &info);
	else
		echo(s->fds[i].fd, msg, (size_t)n, &info);
	return true;
}
/* end assocsrv_serve */

int main(int argc, char **argv)
{
	struct server s = { .nfds = 1 };
	int fd;

	if (argc < 2)
		err_quit("usage: assocsrv port [address...]");
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = Socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	bind_addresses(fd, Port_parse(argv[1]), argv + 2, argc - 2);
	subscribe(fd);
	Listen(fd, LISTENQ);
	announce_port(fd);
	s.fds[0] = (struct pollfd){ .fd = fd, .events = POLLIN };
	for (;;) {
		Poll(s.fds, (nfds_t)s.nfds, -1);
		for (int i = s.nfds - 1; i >= 0; i--) {
			if (!(s.fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (!serve_one(&s, i)) {
				close(s.fds[i].fd);
				s.fds[i] = s.fds[--s.nfds];
			}
		}
	}
}
