/*
 * pfpacket - a PF_PACKET socket on one interface: prints a line for
 * each frame it reads, then the kernel's counters for the socket
 * (PACKET_STATISTICS).  FILTER, in tcpdump's language, is compiled by
 * libpcap and attached in the kernel with SO_ATTACH_FILTER.
 *   -d  cooked (SOCK_DGRAM): no link-layer header, sockaddr_ll says it
 *   -p  promiscuous mode, with PACKET_ADD_MEMBERSHIP
 *   -c N  stop after N frames (default: at the end of standard input)
 *   -q  read nothing: wait for the end of standard input, then count
 *   -r BYTES  the socket's receive buffer (SO_RCVBUF)
 *
 * usage: pfpacket [-d] [-p] [-q] [-c n] [-r bytes] if [filter]
 */
#include "lnp.h"
#include <pcap/pcap.h>
#include <net/if.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <linux/filter.h>

#define USAGE "usage: pfpacket [-d] [-p] [-q] [-c n] [-r bytes] if " \
	      "[filter]"

/* include attach */
/* Compiles FILTER for frames as this socket sees them (Ethernet, or
 * the bare IP packet of a cooked socket) and attaches it: from then
 * on the kernel runs it on every frame, and a frame it rejects is
 * never queued, nor counted. */
static void attach_filter(int fd, int cooked, const char *filter)
{
	pcap_t *dead = pcap_open_dead(cooked ? DLT_RAW : DLT_EN10MB,
				      65535);
	struct bpf_program prog;
	struct sock_fprog fprog;

	if (pcap_compile(dead, &prog, filter, 1,
			 PCAP_NETMASK_UNKNOWN) < 0)
		err_quit("%s", pcap_geterr(dead));
	fprog.len = (unsigned short)prog.bf_len;  /* same layout */
	fprog.filter = (struct sock_filter *)prog.bf_insns;
	Setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog,
		   sizeof(fprog));
	pcap_freecode(&prog);
	pcap_close(dead);
}
/* end attach */

static const char *pkttype(int t)
{
	static const char *const names[] = {
		"to us", "broadcast", "multicast", "to another host",
		"outgoing"
	};

	return t >= 0 && t <= PACKET_OUTGOING ? names[t] : "?";
}

static const char *ethertype(int t)
{
	return t == ETH_P_IP ? "IPv4" : t == ETH_P_IPV6 ? "IPv6" :
	       t == ETH_P_ARP ? "ARP" : "other";
}

/* include read */
/* One line a frame: its length, what sockaddr_ll says of it and, on a
 * raw socket, the MAC addresses of its Ethernet header. */
static void read_one(int fd, int cooked)
{
	unsigned char buf[65536];
	struct sockaddr_ll from;
	socklen_t len = sizeof(from);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
			     (struct sockaddr *)&from, &len);

	if (n < 0)
		err_sys("recvfrom");
	printf("%zd bytes, %s, %s", n, pkttype(from.sll_pkttype),
	       ethertype(ntohs(from.sll_protocol)));
	if (!cooked && n >= 14)
		printf(", %02x:%02x:%02x:%02x:%02x:%02x > "
		       "%02x:%02x:%02x:%02x:%02x:%02x", buf[6], buf[7],
		       buf[8], buf[9], buf[10], buf[11], buf[0], buf[1],
		       buf[2], buf[3], buf[4], buf[5]);
	printf("\n");
	fflush(stdout);
}
/* end read */

/* include main */
int main(int argc, char **argv)
{
	int c, fd, cooked = 0, promisc = 0, quiet = 0, count = -1;
	int rcvbuf = 0;
	struct sockaddr_ll sll;
	struct tpacket_stats st;
	socklen_t len = sizeof(st);

	while ((c = getopt(argc, argv, "dpqc:r:")) != -1) {
		if (c == 'd')
			cooked = 1;
		else if (c == 'p')
			promisc = 1;
		else if (c == 'q')
			quiet = 1;
		else if (c == 'c' && atoi(optarg) > 0)
			count = atoi(optarg);
		else if (c == 'r' && atoi(optarg) > 0)
			rcvbuf = atoi(optarg);
		else
			err_quit(USAGE);
	}
	if (argc - optind < 1 || argc - optind > 2)
		err_quit(USAGE);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	if ((sll.sll_ifindex = (int)if_nametoindex(argv[optind])) == 0)
		err_sys("%s", argv[optind]);

	/* Protocol 0: nothing is queued until bind() names one, so no
	 * frame slips in before the filter is attached. */
	fd = Socket(AF_PACKET, cooked ? SOCK_DGRAM : SOCK_RAW, 0);
	if (rcvbuf > 0)
		Setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	if (argc - optind == 2)
		attach_filter(fd, cooked, argv[optind + 1]);
	Bind(fd, (struct sockaddr *)&sll, sizeof(sll));
	if (promisc) {
		struct packet_mreq mr = {
			.mr_ifindex = sll.sll_ifindex,
			.mr_type = PACKET_MR_PROMISC,
		};
		Setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
			   sizeof(mr));
	}
	printf("listening on %s (%s)\n", argv[optind], cooked ? "cooked"
	       : "raw");
	fflush(stdout);

	if (quiet) {                    /* the queue fills, or it doesn't */
		while (getchar() != EOF)
			;
	} else if (count > 0) {
		while (count-- > 0)
			read_one(fd, cooked);
	} else {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { 0, POLLIN, 0 } };

		while (Poll(p, 2, -1) > 0 && !(p[1].revents & (POLLIN |
		       POLLHUP)))
			read_one(fd, cooked);
	}
	Getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len);
	printf("kernel: %u frames for this socket, %u of them dropped "
	       "(queue full)\n", st.tp_packets, st.tp_drops);
	return 0;
}
/* end main */
