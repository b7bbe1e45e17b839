/*
 * rttcmp - the lab's RTT estimator held against the kernel's own: each
 * round is one request/reply over UDP (rr_call, lab 22) and one over a
 * TCP connection to the same host and port (an echo server), and prints
 * both estimates: SRTT, RTTVAR and RTO in milliseconds, ours and the
 * kernel's (struct tcp_info, as ss -ti shows them).
 *
 * usage: rttcmp [-n rounds] [-m min_rto_ms] host port
 */
#include "lnp.h"
#include "lab/rtt.h"

int main(int argc, char **argv)
{
	int c, rounds = 20, udp, tcp;
	double min_rto = RTT_MIN_RTO;
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct rtt r;
	char req[32], got[32];

	while ((c = getopt(argc, argv, "n:m:")) != -1) {
		if (c == 'n' && atoi(optarg) > 0)
			rounds = atoi(optarg);
		else if (c == 'm' && atoi(optarg) > 0)
			min_rto = atoi(optarg) / 1000.0;
		else
			err_quit("usage: rttcmp [-n rounds] [-m min_rto_ms] "
				 "host port");
	}
	if (argc - optind != 2)
		err_quit("usage: rttcmp [-n rounds] [-m min_rto_ms] host port");
	Sock_parse(argv[optind], argv[optind + 1], &ss, &sslen);
	udp = Socket(ss.ss_family, SOCK_DGRAM, 0);
	Connect(udp, (struct sockaddr *)&ss, sslen);
	tcp = Socket(ss.ss_family, SOCK_STREAM, 0);
	Connect(tcp, (struct sockaddr *)&ss, sslen);
	rtt_init(&r, RTT_INITIAL_RTO, min_rto, RTT_MAX_RTO);
	memset(req, 'r', sizeof(req));

	printf("round  udp: srtt rttvar    rto   tcp: srtt rttvar    rto\n");
	/* include rttcmp_round */
	for (int i = 1; i <= rounds; i++) {
		struct tcp_info ti;
		socklen_t len = sizeof(ti);

		if (rr_call(udp, &r, (uint32_t)i, req, sizeof(req), got,
			    sizeof(got), 8) < 0)
			err_sys("rr_call");
		Writen(tcp, req, sizeof(req));
		if (Readn(tcp, got, sizeof(got)) != sizeof(got))
			err_quit("the echo server closed the connection");
		Getsockopt(tcp, IPPROTO_TCP, TCP_INFO, &ti, &len);
		printf("%5d %10.1f %6.1f %6.1f %10.1f %6.1f %6.1f\n", i,
		       r.srtt * 1e3, r.rttvar * 1e3, r.rto * 1e3,
		       ti.tcpi_rtt / 1e3, ti.tcpi_rttvar / 1e3,
		       ti.tcpi_rto / 1e3);     /* the kernel's are in us */
	}
	/* end rttcmp_round */
	return 0;
}
