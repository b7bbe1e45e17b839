/*
 * sctpserv - a one-to-many SCTP server: one SOCK_SEQPACKET socket serves
 * every association.  It prints each notification it subscribed to by
 * name, one line each, and each message with the association, stream
 * and payload protocol identifier it came with, and sends the message
 * back on the same association and stream.
 *
 * usage: sctpserv [-o] [-f] port [address...]
 *   address...  bind these addresses with sctp_bindx (default: all)
 *   -o          subscribe with the old SCTP_EVENTS structure
 *   -f          find a dead peer fast: short RTO, heartbeat every 200 ms,
 *               give up after 2 retransmissions (defaults: seconds)
 */
#include "lnp.h"
#include "sctputil.h"

#define MAXADDRS 8
#define MSGMAX (256 * 1024)

/* include sctpserv_bind */
/* Binds FD to every address of ADDRS (none: the wildcard) at PORT. */
static void bind_all(int fd, int port, char **addrs, int n)
{
	struct sockaddr_in sin[MAXADDRS];

	if (n == 0) {
		struct sockaddr_in any = { .sin_family = AF_INET,
					   .sin_port = htons(port) };

		Bind(fd, (struct sockaddr *)&any, sizeof(any));
		return;
	}
	for (int i = 0; i < n && i < MAXADDRS; i++) {
		sin[i] = (struct sockaddr_in){ .sin_family = AF_INET,
					       .sin_port = htons(port) };
		Inet_pton(AF_INET, addrs[i], &sin[i].sin_addr);
	}
	if (sctp_bindx(fd, (struct sockaddr *)sin, n < MAXADDRS ? n :
		       MAXADDRS, SCTP_BINDX_ADD_ADDR) < 0)
		err_sys("sctp_bindx");
}
/* end sctpserv_bind */

/* include sctpserv_events */
/* The notifications this server asks for, one SCTP_EVENT each, or with
 * OLD the one SCTP_EVENTS structure of the first API drafts. */
static void subscribe(int fd, bool old)
{
	static const uint16_t wanted[] = {
		SCTP_ASSOC_CHANGE, SCTP_PEER_ADDR_CHANGE, SCTP_REMOTE_ERROR,
		SCTP_SEND_FAILED_EVENT, SCTP_SHUTDOWN_EVENT,
		SCTP_ADAPTATION_INDICATION, SCTP_PARTIAL_DELIVERY_EVENT,
	};
	struct sctp_event_subscribe ev = {
		.sctp_association_event = 1, .sctp_address_event = 1,
		.sctp_peer_error_event = 1, .sctp_send_failure_event = 1,
		.sctp_shutdown_event = 1, .sctp_adaptation_layer_event = 1,
		.sctp_partial_delivery_event = 1,
	};

	if (old)
		Setsockopt(fd, IPPROTO_SCTP, SCTP_EVENTS, &ev, sizeof(ev));
	else if (sctp_subscribe(fd, SCTP_FUTURE_ASSOC, wanted,
				sizeof(wanted) / sizeof(wanted[0])) < 0)
		err_sys("setsockopt SCTP_EVENT");
}
/* end sctpserv_events */

/* include sctpserv_fast */
/* Timers for future associations: RTO 100-200 ms, a heartbeat every
 * 200 ms, the peer declared dead after 2 unanswered retransmissions. */
static void fast_failure(int fd)
{
	struct sctp_rtoinfo rto = { .srto_assoc_id = SCTP_FUTURE_ASSOC,
				    .srto_initial = 200, .srto_max = 200,
				    .srto_min = 100 };
	struct sctp_assocparams ap = { .sasoc_assoc_id = SCTP_FUTURE_ASSOC,
				       .sasoc_asocmaxrxt = 2 };
	struct sctp_paddrparams pp = { .spp_assoc_id = SCTP_FUTURE_ASSOC,
				       .spp_hbinterval = 200,
				       .spp_pathmaxrxt = 2,
				       .spp_flags = SPP_HB_ENABLE };

	Setsockopt(fd, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto));
	Setsockopt(fd, IPPROTO_SCTP, SCTP_ASSOCINFO, &ap, sizeof(ap));
	Setsockopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp));
}
/* end sctpserv_fast */

/* include sctpserv_loop */
static void serve(int fd)
{
	static char msg[MSGMAX];
	struct sctp_msginfo info;
	int flags;
	ssize_t n;

	while ((n = sctp_recv_whole(fd, msg, sizeof(msg) - 1, NULL, NULL,
				    &info, &flags)) > 0) {
		char line[256];

		if (flags & MSG_NOTIFICATION) {
			sctp_notification_line(msg, (size_t)n, line,
					       sizeof(line));
			printf("%s\n", line);
			continue;
		}
		msg[n] = '\0';
		printf("assoc %d stream %u ppid %u: %zd bytes%s%.*s\n",
		       (int)info.assoc_id, info.stream, info.ppid, n,
		       n <= 64 ? ", " : "", n <= 64 ? (int)strcspn(msg, "\n")
		       : 0, msg);
		if (sctp_send_sndinfo(fd, msg, (size_t)n, NULL, 0,
				      info.assoc_id, info.stream, info.ppid,
				      0) < 0)
			err_ret("sending back on association %d",
				(int)info.assoc_id);
	}
	if (n < 0)
		err_sys("recvmsg");
}
/* end sctpserv_loop */

int main(int argc, char **argv)
{
	bool old = false, fast = false;
	int c, fd, on = 1;

	while ((c = getopt(argc, argv, "of")) != -1) {
		if (c == 'o')
			old = true;
		else if (c == 'f')
			fast = true;
		else
			err_quit("usage: sctpserv [-o] [-f] port "
				 "[address...]");
	}
	if (argc - optind < 1)
		err_quit("usage: sctpserv [-o] [-f] port [address...]");
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* include sctpserv_socket */
	fd = Socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	bind_all(fd, Port_parse(argv[optind]), argv + optind + 1,
		 argc - optind - 1);
	subscribe(fd, old);
	Setsockopt(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));
	if (fast)
		fast_failure(fd);
	Listen(fd, LISTENQ);
	/* end sctpserv_socket */
	announce_port(fd);
	serve(fd);
	return 0;
}
