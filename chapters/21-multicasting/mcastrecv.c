/*
 * mcastrecv.c - a multicast receiver (section 21.6): binds the group's
 * port, joins the group (any source, or one with -s) and prints every
 * datagram that arrives as "from ADDR: TEXT".
 *
 * usage: mcastrecv [-i IFNAME] [-s SOURCE] [-w] [-n] GROUP PORT
 *   -i IFNAME  join on this interface (default: the route's choice)
 *   -s SOURCE  a source-specific join: only SOURCE's datagrams
 *   -w         bind the wildcard address, not the group (21.7)
 *   -n         bind, but do not join: a non-member with the same port
 */
#include "lnp.h"
#include "mcast.h"

static void usage(void)
{
	err_quit("usage: mcastrecv [-i IFNAME] [-s SOURCE] [-w] [-n] "
		 "GROUP PORT");
}

/* include recv_loop */
static void recv_loop(int fd)
{
	char buf[1500], who[SOCK_NTOP_LEN];
	struct sockaddr_storage from;
	socklen_t len;
	ssize_t n;

	for (;;) {
		len = sizeof(from);
		n = Recvfrom(fd, buf, sizeof(buf) - 1, 0,
			     (struct sockaddr *)&from, &len);
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		printf("from %s: %s\n", sock_ntop_host((struct sockaddr *)
			&from, len, who, sizeof(who)), buf);
		fflush(stdout);
	}
}
/* end recv_loop */

int main(int argc, char **argv)
{
	const char *ifname = NULL, *source = NULL;
	struct sockaddr_storage grp, me, src;
	socklen_t len, srclen;
	bool wild = false, join = true;
	int c, fd, on = 1;

	while ((c = getopt(argc, argv, "i:s:wn")) != -1) {
		if (c == 'i')
			ifname = optarg;
		else if (c == 's')
			source = optarg;
		else if (c == 'w')
			wild = true;
		else if (c == 'n')
			join = false;
		else
			usage();
	}
	if (argc - optind != 2)
		usage();
	Sock_parse(argv[optind], argv[optind + 1], &grp, &len);

/* include main */
	fd = Socket(grp.ss_family, SOCK_DGRAM, 0);
	Setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	me = grp;                       /* the group's address and port */
	if (wild)
		sock_set_wild((struct sockaddr *)&me, len);
	Bind(fd, (struct sockaddr *)&me, len);
	if (join && source != NULL) {
		Sock_parse(source, "0", &src, &srclen);
		if (mcast_join_source(fd, (struct sockaddr *)&src,
				      (struct sockaddr *)&grp, len,
				      ifname) < 0)
			err_sys("join %s from %s", argv[optind], source);
	} else if (join && mcast_join(fd, (struct sockaddr *)&grp, len,
				      ifname) < 0) {
		err_sys("join %s", argv[optind]);
	}
	printf("%s %s port %s\n", join ? "joined" : "not joined",
	       argv[optind], argv[optind + 1]);
	fflush(stdout);
	recv_loop(fd);
/* end main */
}
