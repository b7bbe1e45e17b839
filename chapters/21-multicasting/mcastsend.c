/*
 * mcastsend.c - a multicast sender (section 21.6): each line of stdin
 * goes to GROUP PORT in one datagram.
 *
 * usage: mcastsend [-t TTL] [-i IFNAME] [-L] GROUP PORT
 *   -t TTL     IP_MULTICAST_TTL or IPV6_MULTICAST_HOPS (default: the
 *              kernel's, 1)
 *   -i IFNAME  IP_MULTICAST_IF or IPV6_MULTICAST_IF: leave by it
 *   -L         IP_MULTICAST_LOOP off: this host's own members do not
 *              get a copy
 */
#include "lnp.h"
#include "mcast.h"

static void usage(void)
{
	err_quit("usage: mcastsend [-t TTL] [-i IFNAME] [-L] GROUP PORT");
}

int main(int argc, char **argv)
{
	const char *ifname = NULL;
	struct sockaddr_storage grp;
	socklen_t len;
	char line[1400];
	int c, fd, ttl = -1, loop = 1;

	while ((c = getopt(argc, argv, "t:i:L")) != -1) {
		if (c == 't' && (ttl = atoi(optarg)) >= 0 && ttl <= 255)
			continue;
		if (c == 'i')
			ifname = optarg;
		else if (c == 'L')
			loop = 0;
		else
			usage();
	}
	if (argc - optind != 2)
		usage();
	Sock_parse(argv[optind], argv[optind + 1], &grp, &len);

/* include main */
	fd = Socket(grp.ss_family, SOCK_DGRAM, 0);
	if (ttl >= 0 && mcast_set_ttl(fd, ttl) < 0)
		err_sys("multicast TTL %d", ttl);
	if (!loop && mcast_set_loop(fd, 0) < 0)
		err_sys("multicast loop");
	if (ifname != NULL && mcast_set_if(fd, ifname) < 0)
		err_sys("multicast interface %s", ifname);
	printf("sending to %s port %s, ttl %d\n", argv[optind],
	       argv[optind + 1], mcast_get_ttl(fd));
	fflush(stdout);
	while (Fgets(line, sizeof(line), stdin) != NULL)
		Sendto(fd, line, strlen(line), 0, (struct sockaddr *)&grp,
		       len);
/* end main */
	return 0;
}
