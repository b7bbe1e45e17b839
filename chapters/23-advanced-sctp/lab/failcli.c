/*
 * failcli.c - lab 23: an SCTP client that survives the loss of a path
 * (sections 23.5 to 23.9).
 *
 *   failcli [-n COUNT] [-i MS] PORT ADDR...
 *
 * Makes one association to a server that has several addresses (ADDR,
 * IPv4, all of them), then sends COUNT messages (default 30), "msg 1",
 * "msg 2", ..., one every MS milliseconds (default 100), on stream 0.
 * A path that fails must not stop it: SCTP sends on another path, and
 * the client reports every change of a path's state, one line each:
 *
 *   connected to 2 addresses, primary 192.0.2.2
 *   path 192.0.2.2 SCTP_ADDR_UNREACHABLE
 *   path 192.0.2.2 SCTP_ADDR_AVAILABLE
 *   sent 30 messages, association shut down
 *
 * The last line comes once the server has acknowledged every message
 * and the association has closed.  The failover must be quick: a path
 * cut must be reported within 3 s and its return within 3 s, which the
 * kernel's defaults (a minute and more) are far from.
 */
#include "lnp.h"
#include "sctputil.h"

#include <netinet/sctp.h>

#define MAXADDR 8

/* include lab23_names */
/* The name of a path's new state in an SCTP_PEER_ADDR_CHANGE
 * ("SCTP_ADDR_UNREACHABLE"), or "?" for one not known. */
static const char *state_name(int state)
{
	/* BEGIN SOLUTION */
	switch (state) {
	case SCTP_ADDR_AVAILABLE:   return "SCTP_ADDR_AVAILABLE";
	case SCTP_ADDR_UNREACHABLE: return "SCTP_ADDR_UNREACHABLE";
	case SCTP_ADDR_REMOVED:     return "SCTP_ADDR_REMOVED";
	case SCTP_ADDR_ADDED:       return "SCTP_ADDR_ADDED";
	case SCTP_ADDR_MADE_PRIM:   return "SCTP_ADDR_MADE_PRIM";
	case SCTP_ADDR_CONFIRMED:   return "SCTP_ADDR_CONFIRMED";
	case SCTP_ADDR_POTENTIALLY_FAILED:
		return "SCTP_ADDR_POTENTIALLY_FAILED";
	default:                    return "?";
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (section 23.7): name each state of sctp(7)'s
	// SCTP_PEER_ADDR_CHANGE ("SCTP_ADDR_AVAILABLE", ...)
	(void)state;
	return "?";
	STARTER */
}
/* end lab23_names */

/* include lab23_tune */
/* Before connecting: a failed path is declared unreachable after a
 * few quick retransmissions, and a path that came back is found again
 * by heartbeats within a second or so. */
static void tune_failover(int fd)
{
	/* BEGIN SOLUTION */
	struct sctp_rtoinfo rto = { .srto_assoc_id = 0,
				    .srto_initial = 500, .srto_max = 500,
				    .srto_min = 100 };
	struct sctp_paddrparams pp = { .spp_assoc_id = 0,
				       .spp_flags = SPP_HB_ENABLE,
				       .spp_hbinterval = 200,
				       .spp_pathmaxrxt = 2 };

	Setsockopt(fd, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto));
	Setsockopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp));
	/* END SOLUTION */
	/* STARTER
	// TODO (section 23.6): SCTP_RTOINFO (a small srto_max) and
	// SCTP_PEER_ADDR_PARAMS (spp_pathmaxrxt, heartbeats on, a short
	// spp_hbinterval), for the associations this socket will make
	(void)fd;
	STARTER */
}
/* end lab23_tune */

/* include lab23_connect */
/* Asks for path notifications and makes the association to every one
 * of the N addresses. */
static void connect_all(int fd, struct sockaddr_in *addrs, int n)
{
	/* BEGIN SOLUTION */
	static const uint16_t events[] = { SCTP_PEER_ADDR_CHANGE };

	if (sctp_subscribe(fd, 0, events, 1) < 0)
		err_sys("SCTP_EVENT");
	if (sctp_connectx(fd, (struct sockaddr *)addrs, n, NULL) < 0)
		err_sys("sctp_connectx");
	/* END SOLUTION */
	/* STARTER
	// TODO (sections 23.5 and 23.7): subscribe to
	// SCTP_PEER_ADDR_CHANGE, then connect to all n addresses at once
	Connect(fd, (struct sockaddr *)&addrs[0], sizeof(addrs[0]));
	(void)n;
	STARTER */
}
/* end lab23_connect */

/* include lab23_note */
/* One notification, LEN bytes at BUF: a path changed state.  Prints
 * "path ADDR STATE".  The association goes on. */
static void on_notification(const char *buf, size_t len)
{
	/* BEGIN SOLUTION */
	const union sctp_notification *sn = (const void *)buf;
	struct sctp_paddr_change pc;
	struct sockaddr_in sin;
	char text[INET_ADDRSTRLEN];

	if (len < sizeof(pc) ||
	    sn->sn_header.sn_type != SCTP_PEER_ADDR_CHANGE)
		return;
	memcpy(&pc, buf, sizeof(pc));          /* a packed struct */
	memcpy(&sin, &pc.spc_aaddr, sizeof(sin));
	if (sin.sin_family != AF_INET)
		return;
	printf("path %s %s\n", Inet_ntop(AF_INET, &sin.sin_addr, text,
					  sizeof(text)),
	       state_name(pc.spc_state));
	/* END SOLUTION */
	/* STARTER
	// TODO (section 23.7): for an SCTP_PEER_ADDR_CHANGE, print
	// "path ADDR STATE" (the address in spc_aaddr, the state's name
	// from state_name())
	(void)buf;
	(void)len;
	(void)state_name;
	STARTER */
}
/* end lab23_note */

/* Reads what is waiting on FD: a notification, or the end of the
 * association after a shutdown (returns 0).  Returns 1 while it is
 * up. */
static int take_input(int fd)
{
	char buf[1024];
	int flags;
	ssize_t n = sctp_recv_whole(fd, buf, sizeof(buf), NULL, NULL, NULL,
				    &flags);

	if (n == 0 || (n < 0 && errno == ENOTCONN))
		return 0;       /* the association is over */
	if (n < 0)
		err_sys("recvmsg");
	if (n > 0 && (flags & MSG_NOTIFICATION))
		on_notification(buf, (size_t)n);
	fflush(stdout);
	return 1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* include lab23_loop */
/* Sends COUNT messages, one every MS milliseconds, taking
 * notifications as they come between two sends. */
static void send_all(int fd, int count, int ms)
{
	long next = now_ms();
	int sent = 0;

	while (sent < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long wait = next - now_ms();

		if (wait > 0 && Poll(&pfd, 1, (int)wait) > 0) {
			if (!take_input(fd))
				err_quit("failcli: the association ended "
					 "after %d messages", sent);
			continue;
		}
		char msg[32];
		int len = snprintf(msg, sizeof(msg), "msg %d", sent + 1);

		if (sctp_send_sndinfo(fd, msg, (size_t)len, NULL, 0, 0, 0, 0,
				      0) < 0)
			err_sys("send \"%s\"", msg);
		sent++;
		next += ms;
	}
}
/* end lab23_loop */

/* The association's primary path, as text. */
static const char *primary(int fd, char *text, size_t len)
{
	struct sctp_status st = { 0 };
	socklen_t slen = sizeof(st);
	struct sockaddr_in sin;

	Getsockopt(fd, IPPROTO_SCTP, SCTP_STATUS, &st, &slen);
	memcpy(&sin, &st.sstat_primary.spinfo_address, sizeof(sin));
	return Inet_ntop(AF_INET, &sin.sin_addr, text, (socklen_t)len);
}

int main(int argc, char **argv)
{
	struct sockaddr_in addrs[MAXADDR];
	char text[INET_ADDRSTRLEN];
	int c, fd, n, count = 30, ms = 100;

	while ((c = getopt(argc, argv, "n:i:")) != -1) {
		if (c == 'n' && atoi(optarg) > 0)
			count = atoi(optarg);
		else if (c == 'i' && atoi(optarg) > 0)
			ms = atoi(optarg);
		else
			err_quit("usage: failcli [-n COUNT] [-i MS] PORT "
				 "ADDR...");
	}
	n = argc - optind - 1;
	if (n < 1 || n > MAXADDR)
		err_quit("usage: failcli [-n COUNT] [-i MS] PORT ADDR...");
	for (int i = 0; i < n; i++) {
		memset(&addrs[i], 0, sizeof(addrs[i]));
		addrs[i].sin_family = AF_INET;
		addrs[i].sin_port = htons((uint16_t)Port_parse(argv[optind]));
		if (inet_pton(AF_INET, argv[optind + 1 + i],
			      &addrs[i].sin_addr) != 1)
			err_quit("failcli: %s is not an IPv4 address",
				 argv[optind + 1 + i]);
	}
	fd = Socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	tune_failover(fd);
	connect_all(fd, addrs, n);
	printf("connected to %d addresses, primary %s\n", n,
	       primary(fd, text, sizeof(text)));
	fflush(stdout);
	send_all(fd, count, ms);
	Shutdown(fd, SHUT_WR);   /* SHUTDOWN once all is acknowledged */
	while (take_input(fd))
		;
	printf("sent %d messages, association shut down\n", count);
	return 0;
}
