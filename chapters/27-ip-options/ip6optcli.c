/*
 * ip6optcli.c - sends one UDP datagram over IPv6 with extension headers
 * given as ancillary data (section 27.5): -H a hop-by-hop options
 * header, -D a destination options header, -0 HOP a type 0 routing
 * header through HOP (refused: RFC 5095), each holding an option of an
 * experimental type (RFC 4727) with a 4-byte value.
 *
 * Usage: ip6optcli [-H] [-D] [-0 HOP] ADDRESS PORT
 */
#include "lnp.h"

#define OPT_EXP 0x1e		/* experimental, "skip if unknown" */

/* include ip6_opthdr */
/* Builds an options header (hop-by-hop or destination: the same
 * format) holding one option of type OPT_EXP with VALUE, padded to a
 * multiple of 8 bytes.  Returns its length.  The first pass, with no
 * buffer, only measures: inet6_opt_init() writes the header's length
 * field from the size it is given, which must be the exact one. */
static socklen_t ip6_opthdr(void *buf, uint32_t value)
{
	void *data;
	int off, len;

	len = inet6_opt_init(NULL, 0);
	len = inet6_opt_append(NULL, 0, len, OPT_EXP, 4, 4, NULL);
	len = inet6_opt_finish(NULL, 0, len);

	off = inet6_opt_init(buf, len);
	off = inet6_opt_append(buf, len, off, OPT_EXP, 4, 4, &data);
	value = htonl(value);
	inet6_opt_set_val(data, 0, &value, sizeof(value));
	inet6_opt_finish(buf, len, off);
	return len;
}
/* end ip6_opthdr */

/* Appends one ancillary object (LEVEL IPPROTO_IPV6, TYPE) holding LEN
 * bytes of DATA to MSG, whose control buffer has room. */
static void add_cmsg(struct msghdr *msg, int type, const void *data,
		     socklen_t len)
{
	struct cmsghdr *cm = (struct cmsghdr *)((char *)msg->msg_control +
						msg->msg_controllen);

	cm->cmsg_level = IPPROTO_IPV6;
	cm->cmsg_type = type;
	cm->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(cm), data, len);
	msg->msg_controllen += CMSG_SPACE(len);
}

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	union {
		struct cmsghdr align;
		char buf[3 * CMSG_SPACE(256)];
	} ctl;
	unsigned char hdr[256];
	struct in6_addr hop;
	struct iovec iov = { "hello\n", 6 };
	struct msghdr msg = { 0 };
	int c, fd, rth0 = 0;
	socklen_t len;

	memset(&ctl, 0, sizeof(ctl));
	msg.msg_control = ctl.buf;
	while ((c = getopt(argc, argv, "HD0:")) != -1) {
		if (c == '?')
			err_quit("usage: ip6optcli [-H] [-D] [-0 HOP] "
				 "ADDRESS PORT");
/* include ip6_cmsgs */
		if (c == 'H')
			add_cmsg(&msg, IPV6_HOPOPTS, hdr,
				 ip6_opthdr(hdr, 0xc0ffee));
		if (c == 'D')
			add_cmsg(&msg, IPV6_DSTOPTS, hdr,
				 ip6_opthdr(hdr, 0xfeed));
		if (c == '0') {
			if (inet_pton(AF_INET6, optarg, &hop) != 1)
				err_quit("%s is not an IPv6 "
					 "address", optarg);
			len = inet6_rth_space(IPV6_RTHDR_TYPE_0, 1);
			inet6_rth_init(hdr, len, IPV6_RTHDR_TYPE_0, 1);
			inet6_rth_add(hdr, &hop);
			add_cmsg(&msg, IPV6_RTHDR, hdr, len);
			rth0 = 1;
		}
/* end ip6_cmsgs */
	}
	if (argc - optind != 2)
		err_quit("usage: ip6optcli [-H] [-D] [-0 HOP] ADDRESS PORT");
	Sock_parse(argv[optind], argv[optind + 1], &server, &len);
	if (server.ss_family != AF_INET6)
		err_quit("extension headers are IPv6 only");
	fd = Socket(AF_INET6, SOCK_DGRAM, 0);
	msg.msg_name = &server;
	msg.msg_namelen = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (msg.msg_controllen == 0)
		msg.msg_control = NULL;
	if (sendmsg(fd, &msg, 0) < 0)
		err_sys("sendmsg%s", rth0 ? " with a type 0 "
			"routing header" : "");
	printf("sent 6 bytes with %zu bytes of ancillary data\n",
	       (size_t)msg.msg_controllen);
	return 0;
}
