/*
 * saplisten.c - listens for SAP announcements (RFC 2974) on the
 * administratively scoped group 239.255.255.255 port 9875 and prints,
 * for each, who announced which session (section 21.8):
 *
 *   announce from 203.0.113.1 (id 0x1a2b): "Talk" at 239.255.1.1/1 port 5004
 *   delete from 203.0.113.1 (id 0x1a2b)
 *
 * usage: saplisten [-i IFNAME] [GROUP [PORT]]
 */
#include "lnp.h"
#include "mcast.h"

#define SAP_GROUP "239.255.255.255"
#define SAP_PORT "9875"

/* The value of SDP line "X=" in TEXT, copied into OUT; false if none. */
static bool sdp_line(const char *text, char x, char *out, size_t cap)
{
	for (const char *p = text; p != NULL && *p != '\0';
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (p[0] == x && p[1] == '=') {
			size_t n = strcspn(p + 2, "\r\n");

			snprintf(out, cap, "%.*s", (int)n, p + 2);
			return true;
		}
	}
	return false;
}

/* include sap_parse */
/* One SAP packet of N bytes: prints what it announces; false if it is
 * not one we can read. */
static bool sap_parse(unsigned char *buf, size_t n)
{
	char origin[INET6_ADDRSTRLEN], name[128], conn[128], media[128];
	char mport[32] = "?";
	int v = buf[0] >> 5, ipv6 = buf[0] >> 4 & 1, del = buf[0] >> 2 & 1;
	size_t alen = ipv6 ? 16 : 4, off = 4 + alen + 4 * (size_t)buf[1];
	unsigned id = (unsigned)buf[2] << 8 | buf[3];
	const char *sdp;

	if (n < 4 || v != 1 || buf[0] & 0x3 || n < off)  /* E or C set */
		return false;
	inet_ntop(ipv6 ? AF_INET6 : AF_INET, buf + 4, origin, sizeof(origin));
	if (del) {
		printf("delete from %s (id 0x%04x)\n", origin, id);
		return true;
	}
	buf[n] = '\0';                  /* the caller left room for it */
	sdp = (char *)buf + off;
	if (strncmp(sdp, "v=0", 3) != 0) {      /* a payload type first */
		if (strcmp(sdp, "application/sdp") != 0)
			return false;
		sdp += strlen(sdp) + 1;
	}
	if (!sdp_line(sdp, 's', name, sizeof(name)))
		return false;
	if (!sdp_line(sdp, 'c', conn, sizeof(conn)))
		snprintf(conn, sizeof(conn), "?");
	if (!sdp_line(sdp, 'm', media, sizeof(media)))
		media[0] = '\0';
	sscanf(media, "%*s %31s", mport);
	printf("announce from %s (id 0x%04x): \"%s\" at %s port %s\n",
	       origin, id, name, strrchr(conn, ' ') ? strrchr(conn, ' ') + 1
	       : conn, mport);
	return true;
}
/* end sap_parse */

int main(int argc, char **argv)
{
	const char *ifname = NULL, *group = SAP_GROUP, *port = SAP_PORT;
	unsigned char buf[2048];
	struct sockaddr_storage grp;
	socklen_t len;
	int c, fd, on = 1;

	while ((c = getopt(argc, argv, "i:")) != -1) {
		if (c != 'i')
			err_quit("usage: saplisten [-i IFNAME] "
				 "[GROUP [PORT]]");
		ifname = optarg;
	}
	if (argc - optind >= 1)
		group = argv[optind];
	if (argc - optind >= 2)
		port = argv[optind + 1];
	Sock_parse(group, port, &grp, &len);
	fd = Socket(grp.ss_family, SOCK_DGRAM, 0);
	Setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	Bind(fd, (struct sockaddr *)&grp, len);
	if (mcast_join(fd, (struct sockaddr *)&grp, len, ifname) < 0)
		err_sys("join %s", group);
	printf("listening for SAP on %s port %s\n", group, port);
	fflush(stdout);
	for (;;) {
		ssize_t n = Recv(fd, buf, sizeof(buf) - 1, 0);

		if (!sap_parse(buf, (size_t)n))
			printf("not a SAP announcement (%zd bytes)\n", n);
		fflush(stdout);
	}
}
