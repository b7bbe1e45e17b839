/*
 * sntpc.c - an SNTP client (sections 21.9 to 21.12), built on lab 21's
 * functions (lab/sntp.c).  It asks a server, by unicast, and prints
 * the offset of the server's clock from ours and the round-trip delay;
 * or, with -l, it listens for an NTP server's broadcasts (on a
 * multicast group with -g) and prints each one's offset.
 *
 * usage: sntpc [-t MS] [-n COUNT] [-v] HOST [PORT]
 *        sntpc -l [-g GROUP] [-c COUNT] [-t MS] [PORT]
 *   -t MS     give up after MS milliseconds (default 2000)
 *   -n COUNT  ask COUNT times and keep the exchange with the least
 *             delay, whose offset is the least uncertain (default 1)
 *   -v        print the four timestamps as well
 *   -c COUNT  broadcasts to hear before exiting (default 1)
 */
#include "lnp.h"
#include "mcast.h"
#include "lab/sntp.h"

#include <poll.h>

static void usage(void)
{
	err_quit("usage: sntpc [-t MS] [-n COUNT] [-v] HOST [PORT]\n"
		 "       sntpc -l [-g GROUP] [-c COUNT] [-t MS] [PORT]");
}

static void print_time(const char *what, const struct timespec *ts)
{
	struct tm tm;
	char day[32];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(day, sizeof(day), "%H:%M:%S", &tm);
	printf("  %s %s.%06ld\n", what, day, ts->tv_nsec / 1000);
}

/* include unicast */
static int unicast(const char *host, const char *port, int ms, int n,
		   bool v)
{
	struct sntp_result r, best;
	const char *why;
	int fd = Udp_connect(host, port);

	for (int i = 0; i < n; i++) {
		if (sntp_query(fd, ms, &r, &why) < 0) {
			fprintf(stderr, "sntpc: %s: %s\n", host, why);
			return 1;
		}
		if (i == 0 || r.delay < best.delay)
			best = r;       /* its offset is off by <= delay / 2 */
	}
	r = best;
	printf("server %s stratum %d: offset %+.6f s, delay %.6f s\n",
	       host, r.stratum, r.offset, r.delay);
	if (v) {
		print_time("T1 client sent   ", &r.t[0]);
		print_time("T2 server got    ", &r.t[1]);
		print_time("T3 server replied", &r.t[2]);
		print_time("T4 client got    ", &r.t[3]);
	}
	return 0;
}
/* end unicast */

/* include listen_broadcasts */
static int listen_broadcasts(const char *group, const char *port, int ms,
			     int count)
{
	struct sockaddr_storage me, from;
	socklen_t len, flen;
	unsigned char buf[NTP_PACKET_LEN + 64];
	char who[SOCK_NTOP_LEN];
	int fd, on = 1;

	Sock_parse(group != NULL ? group : "0.0.0.0", port, &me, &len);
	fd = Socket(me.ss_family, SOCK_DGRAM, 0);
	Setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	Bind(fd, (struct sockaddr *)&me, len);  /* the group, or any */
	if (group != NULL && mcast_join(fd, (struct sockaddr *)&me, len,
					NULL) < 0)
		err_sys("join %s", group);
	printf("listening on %s port %s\n", group ? group : "*", port);
	fflush(stdout);
	while (count > 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct timespec t3, t4;
		ssize_t n;

		if (Poll(&p, 1, ms) == 0) {
			fprintf(stderr, "sntpc: no broadcast in %d ms\n", ms);
			return 1;
		}
		flen = sizeof(from);
		n = Recvfrom(fd, buf, sizeof(buf), 0,
			     (struct sockaddr *)&from, &flen);
		clock_gettime(CLOCK_REALTIME, &t4);
		if (n < NTP_PACKET_LEN || (buf[0] & 7) != NTP_MODE_BROADCAST ||
		    buf[NTP_OFF_STRATUM] == 0 || buf[0] >> 6 == 3)
			continue;               /* not a usable broadcast */
		ntp_get_time(buf + NTP_OFF_TRANSMIT, &t3);
		printf("broadcast from %s stratum %d: offset %+.6f s "
		       "(T3 - T4, no delay correction)\n",
		       sock_ntop_host((struct sockaddr *)&from, flen, who,
				      sizeof(who)), buf[NTP_OFF_STRATUM],
		       (double)(t3.tv_sec - t4.tv_sec) +
		       (double)(t3.tv_nsec - t4.tv_nsec) / 1e9);
		fflush(stdout);
		count--;
	}
	return 0;
}
/* end listen_broadcasts */

int main(int argc, char **argv)
{
	const char *group = NULL;
	bool listen = false, verbose = false;
	int c, ms = 2000, count = 1;

	while ((c = getopt(argc, argv, "t:vlg:c:n:")) != -1) {
		if (c == 't' && (ms = atoi(optarg)) > 0)
			continue;
		if ((c == 'c' || c == 'n') && (count = atoi(optarg)) > 0)
			continue;
		if (c == 'v')
			verbose = true;
		else if (c == 'l')
			listen = true;
		else if (c == 'g')
			group = optarg;
		else
			usage();
	}
	if (listen && argc - optind <= 1)
		return listen_broadcasts(group, argc > optind ? argv[optind]
					 : "123", ms, count);
	if (listen || argc - optind < 1 || argc - optind > 2)
		usage();
	return unicast(argv[optind], argc - optind == 2 ? argv[optind + 1]
		       : "123", ms, count, verbose);
}
