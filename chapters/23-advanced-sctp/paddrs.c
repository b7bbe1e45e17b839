/*
 * paddrs.c - the peer's addresses of one SCTP association and the state
 * of each path, before and after heartbeats have had their say.
 *
 *   paddrs [-1] [-n] [-i MS] [-w MS] PORT ADDR...
 *
 * Connects to the server's ADDRs with sctp_connectx() (with -1,
 * connect() to the first only), prints the association's state and
 * primary path (SCTP_STATUS) and, for each peer address, its state and
 * heartbeat settings (SCTP_GET_PEER_ADDR_INFO, SCTP_PEER_ADDR_PARAMS).
 * Then it waits MS milliseconds (-w), printing each SCTP_PEER_ADDR_CHANGE
 * as it comes, and prints the table again.
 *
 * -n  turns heartbeats off (SPP_HB_DISABLE) before connecting;
 * -i  sets the heartbeat interval to MS milliseconds (section 23.6).
 */
#include "lnp.h"
#include "sctputil.h"

#include <netinet/sctp.h>

#define MAXADDR 8

static void usage(void)
{
	err_quit("usage: paddrs [-1] [-n] [-i MS] [-w MS] PORT ADDR...");
}

/* include path_state */
/* The name of a path's state as SCTP_GET_PEER_ADDR_INFO gives it. */
static const char *path_state(int state)
{
	switch (state) {
	case SCTP_ACTIVE:       return "active";
	case SCTP_INACTIVE:     return "inactive";
	case SCTP_UNCONFIRMED:  return "unconfirmed";
	case SCTP_PF:           return "potentially failed";
	default:                return "unknown";
	}
}

/* One line for the peer address SA: its state, RTO and heartbeats. */
static void print_path(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct sctp_paddrinfo info = { 0 };
	struct sctp_paddrparams pp = { 0 };
	socklen_t ilen = sizeof(info), plen = sizeof(pp);
	char text[INET6_ADDRSTRLEN + 8];

	memcpy(&info.spinfo_address, sa, len);
	memcpy(&pp.spp_address, sa, len);
	Getsockopt(fd, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &info, &ilen);
	Getsockopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, &plen);
	printf("  %-15s %-11s rto %4u ms, pathmaxrxt %u, heartbeat ",
	       sock_ntop_host(sa, len, text, sizeof(text)),
	       path_state(info.spinfo_state), info.spinfo_rto,
	       pp.spp_pathmaxrxt);
	if (pp.spp_flags & SPP_HB_ENABLE)
		printf("every %u ms\n", pp.spp_hbinterval);
	else
		printf("off\n");
}
/* end path_state */

/* The association's state, its primary path, then every path. */
static void print_table(int fd)
{
	struct sctp_status st = { 0 };
	socklen_t len = sizeof(st);
	struct sockaddr *addrs;
	char text[INET6_ADDRSTRLEN + 8], *p;
	int n;

	Getsockopt(fd, IPPROTO_SCTP, SCTP_STATUS, &st, &len);
	printf("association %s, primary %s\n",
	       st.sstat_state == SCTP_ESTABLISHED ? "established" : "not up",
	       sock_ntop_host((struct sockaddr *)&st.sstat_primary
			      .spinfo_address, sizeof(struct sockaddr_in),
			      text, sizeof(text)));
	n = sctp_getpaddrs(fd, 0, &addrs);
	p = (char *)addrs;
	for (int i = 0; i < n; i++) {
		struct sockaddr *sa = (struct sockaddr *)p;
		socklen_t salen = sa->sa_family == AF_INET6 ?
			sizeof(struct sockaddr_in6) :
			sizeof(struct sockaddr_in);

		print_path(fd, sa, salen);
		p += salen;
	}
	if (n > 0)
		sctp_freepaddrs(addrs);
	fflush(stdout);
}

/* include hb_params */
/* Heartbeats on every path of the associations to come: off, or on
 * every MS milliseconds. */
static void set_heartbeat(int fd, bool off, int ms)
{
	struct sctp_paddrparams pp = { .spp_assoc_id = 0 };

	if (off) {
		pp.spp_flags = SPP_HB_DISABLE;
	} else {
		pp.spp_flags = SPP_HB_ENABLE;
		pp.spp_hbinterval = (uint32_t)ms;
	}
	Setsockopt(fd, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp, sizeof(pp));
}
/* end hb_params */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* Prints each notification that comes within MS milliseconds. */
static void watch(int fd, int ms)
{
	long end = now_ms() + ms;
	char buf[1024], line[256];

	for (;;) {
		long left = end - now_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int flags;
		ssize_t n;

		if (left <= 0 || Poll(&pfd, 1, (int)left) == 0)
			return;
		n = sctp_recv_whole(fd, buf, sizeof(buf), NULL, NULL, NULL,
				    &flags);
		if (n <= 0)
			return;
		if ((flags & MSG_NOTIFICATION) &&
		    sctp_notification_line(buf, (size_t)n, line,
					   sizeof(line)) >= 0)
			printf("%s\n", line);
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	static const uint16_t events[] = { SCTP_PEER_ADDR_CHANGE };
	struct sockaddr_in addrs[MAXADDR];
	int c, fd, n, hb_ms = 0, wait_ms = 0;
	bool only_first = false, hb_off = false;

	while ((c = getopt(argc, argv, "1ni:w:")) != -1) {
		if (c == '1')
			only_first = true;
		else if (c == 'n')
			hb_off = true;
		else if (c == 'i' && atoi(optarg) > 0)
			hb_ms = atoi(optarg);
		else if (c == 'w' && atoi(optarg) >= 0)
			wait_ms = atoi(optarg);
		else
			usage();
	}
	n = argc - optind - 1;
	if (n < 1 || n > MAXADDR)
		usage();
	for (int i = 0; i < n; i++) {
		memset(&addrs[i], 0, sizeof(addrs[i]));
		addrs[i].sin_family = AF_INET;
		addrs[i].sin_port = htons((uint16_t)Port_parse(argv[optind]));
		if (inet_pton(AF_INET, argv[optind + 1 + i],
			      &addrs[i].sin_addr) != 1)
			err_quit("paddrs: %s is not an IPv4 address",
				 argv[optind + 1 + i]);
	}
	fd = Socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	if (sctp_subscribe(fd, 0, events, 1) < 0)
		err_sys("SCTP_EVENT");
	if (hb_off || hb_ms > 0)
		set_heartbeat(fd, hb_off, hb_ms);
/* include connectx */
	if (only_first)
		Connect(fd, (struct sockaddr *)&addrs[0], sizeof(addrs[0]));
	else if (sctp_connectx(fd, (struct sockaddr *)addrs, n, NULL) < 0)
		err_sys("sctp_connectx");
/* end connectx */
	print_table(fd);
	if (wait_ms > 0) {
		watch(fd, wait_ms);
		print_table(fd);
	}
	Close(fd);
	return 0;
}
