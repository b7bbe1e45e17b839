/*
 * sapsend.c - sends one SAP announcement (RFC 2974) of a session NAME
 * with an SDP description (RFC 8866), or with -d its deletion, to
 * 239.255.255.255 port 9875 (section 21.8).  The origin it puts in the
 * header is the source address the kernel chooses for the group.
 *
 * usage: sapsend [-d] [-t TTL] [-g SESSION_GROUP] NAME
 */
#include "lnp.h"
#include "mcast.h"

int main(int argc, char **argv)
{
	const char *sgroup = "239.255.1.1";
	unsigned char pkt[1024];
	struct sockaddr_storage grp;
	struct sockaddr_in me;
	socklen_t len, melen = sizeof(me);
	int c, fd, del = 0, ttl = -1, n;
	unsigned id = 0;

	while ((c = getopt(argc, argv, "dt:g:")) != -1) {
		if (c == 'd')
			del = 1;
		else if (c == 't')
			ttl = atoi(optarg);
		else if (c == 'g')
			sgroup = optarg;
		else
			err_quit("usage: sapsend [-d] [-t TTL] "
				 "[-g SESSION_GROUP] NAME");
	}
	if (argc - optind != 1)
		err_quit("usage: sapsend [-d] [-t TTL] [-g SESSION_GROUP] "
			 "NAME");
	for (const char *p = argv[optind]; *p != '\0'; p++)
		id = (id * 31 + (unsigned char)*p) & 0xffff;
	Sock_parse("239.255.255.255", "9875", &grp, &len);
	fd = Socket(AF_INET, SOCK_DGRAM, 0);
	if (ttl >= 0 && mcast_set_ttl(fd, ttl) < 0)
		err_sys("multicast TTL");
	Connect(fd, (struct sockaddr *)&grp, len);   /* picks our source */
	Getsockname(fd, (struct sockaddr *)&me, &melen);

/* include sap_header */
	pkt[0] = 1 << 5 | del << 2;     /* V=1, IPv4, announce or delete */
	pkt[1] = 0;                     /* no authentication data */
	pkt[2] = (unsigned char)(id >> 8);      /* message id hash */
	pkt[3] = (unsigned char)id;
	memcpy(pkt + 4, &me.sin_addr, 4);       /* originating source */
	n = 8 + snprintf((char *)pkt + 8, sizeof(pkt) - 8,
			 "application/sdp%c"
			 "v=0\r\no=- %u 1 IN IP4 %s\r\ns=%s\r\n"
			 "c=IN IP4 %s/1\r\nt=0 0\r\n"
			 "m=audio 5004 RTP/AVP 0\r\n",
			 '\0', id, inet_ntoa(me.sin_addr), argv[optind],
			 sgroup);
/* end sap_header */
	Send(fd, pkt, (size_t)n, 0);
	printf("sent %s of \"%s\" (id 0x%04x) from %s\n",
	       del ? "deletion" : "announcement", argv[optind], id,
	       inet_ntoa(me.sin_addr));
	return 0;
}
