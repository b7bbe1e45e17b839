/*
 * srcrtcli.c - the echo client with an IPv4 source route or a record
 * route option (sections 27.2 and 27.3): each -g names a hop of a loose
 * source route, each -G a hop of a strict one, -r asks every router to
 * record its address.  Then it is the echo client of chapter 5.
 *
 * Usage: srcrtcli [-r] [-g HOP]... [-G HOP]... ADDRESS PORT
 */
#include "lnp.h"
#include <netinet/ip.h>

#define MAXHOPS 8		/* 40 bytes of options: 1 + 3 + 9 * 4 */

/* include srcrt_build */
/* Builds the option that setsockopt(IP_OPTIONS) takes: a NOP, so that
 * the addresses fall on 4-byte boundaries, then the option (LSRR, SSRR
 * or RR), its length, its pointer and the addresses.  For a source
 * route they are the hops in order: Linux sends the packet to the
 * first and writes the final destination in the last slot itself.
 * Returns the option's length, a multiple of 4. */
static size_t srcrt_build(unsigned char *opt, int code,
			  const struct in_addr *hops, int nhops)
{
	int naddr = code == IPOPT_RR ? 9 : nhops;

	opt[0] = IPOPT_NOP;
	opt[1] = code;
	opt[2] = 3 + 4 * naddr;		/* code, length, pointer, addresses */
	opt[3] = IPOPT_MINOFF;		/* pointer: 4, the first address */
	if (code == IPOPT_RR)
		memset(opt + 4, 0, 4 * naddr);	/* filled in on the way */
	else
		memcpy(opt + 4, hops, 4 * naddr);
	return 4 + 4 * naddr;
}
/* end srcrt_build */

int main(int argc, char **argv)
{
	struct in_addr hops[MAXHOPS];
	struct sockaddr_storage server;
	unsigned char opt[MAX_IPOPTLEN];
	int c, code = 0, nhops = 0, sockfd;
	socklen_t len;
	size_t optlen;

	while ((c = getopt(argc, argv, "rg:G:")) != -1) {
		if (c == '?' || (c != 'r' && nhops == MAXHOPS))
			err_quit("usage: srcrtcli [-r] [-g HOP]... [-G HOP]..."
				 " ADDRESS PORT (at most %d hops)", MAXHOPS);
		if (c != 'r' && inet_pton(AF_INET, optarg,
					  &hops[nhops++]) != 1)
			err_quit("%s is not an IPv4 address",
				 optarg);
		code = c == 'r' ? IPOPT_RR :
		       c == 'g' ? IPOPT_LSRR : IPOPT_SSRR;
	}
	if (argc - optind != 2)
		err_quit("usage: srcrtcli [-r] [-g HOP]... [-G HOP]... "
			 "ADDRESS PORT");
	Sock_parse(argv[optind], argv[optind + 1], &server, &len);
	if (server.ss_family != AF_INET)
		err_quit("IP options are IPv4 only");
	sockfd = Socket(AF_INET, SOCK_STREAM, 0);

/* include srcrt_set */
	if (code != 0) {
		optlen = srcrt_build(opt, code, hops, nhops);
		Setsockopt(sockfd, IPPROTO_IP, IP_OPTIONS, opt, optlen);
	}
	Connect(sockfd, (struct sockaddr *)&server, len);
/* end srcrt_set */

	switch (str_cli(stdin, sockfd)) {
	case STR_CLI_INPUT_DONE:
		return 0;
	case STR_CLI_SERVER_CLOSED:
		err_quit("str_cli: server terminated prematurely");
	default:
		err_sys("str_cli");
	}
}
