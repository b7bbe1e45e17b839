/*
 * rrcli.c - lab 27: print the route a datagram took, there and back
 * (section 27.4).  Sends one datagram with a record route option to a
 * UDP echo server that sends its options back (rrserv), waits at most
 * 2 s for the echo, and prints each address the option recorded:
 *
 *     route: 4 hops recorded of 9
 *     hop 1 192.0.2.1
 *     ...
 *
 * Usage: rrcli ADDRESS PORT     (IPv4)
 */
#include "lnp.h"
#include <netinet/ip.h>
#include <poll.h>

#define RR_SLOTS 9		/* as many addresses as 40 bytes hold */

/* The option for setsockopt(IP_OPTIONS): a NOP, then a record route
 * option with room for RR_SLOTS addresses, 40 bytes in all.  Returns
 * its length. */
static size_t rr_request(unsigned char *opt)
{
	// TODO (section 27.4): a NOP, then the record route option
	// (IPOPT_RR, its length, its pointer, RR_SLOTS empty slots)
	(void)opt;
	return 0;
}

/* Finds the record route option in the options OPT (LEN bytes) of a
 * datagram received and prints the addresses it holds.  Returns the
 * number printed, or -1 if there is no record route option. */
static int rr_print(const unsigned char *opt, size_t len)
{
	// TODO (section 27.4): walk the options (EOL ends them, NOP is one
	// byte, every other has a length), find IPOPT_RR and print
	// "route: N hops recorded of M", then "hop I ADDRESS" for each
	(void)opt;
	(void)len;
	return -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	unsigned char opt[MAX_IPOPTLEN];
	char buf[512];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(MAX_IPOPTLEN)];
	} ctl;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg = { 0 };
	struct cmsghdr *cm;
	struct pollfd pfd;
	socklen_t len;
	int fd, on = 1;

	if (argc != 3)
		err_quit("usage: rrcli ADDRESS PORT");
	Sock_parse(argv[1], argv[2], &server, &len);
	if (server.ss_family != AF_INET)
		err_quit("record route is an IPv4 option");
	fd = Socket(AF_INET, SOCK_DGRAM, 0);
	// TODO (section 27.4): put the option on the socket (IP_OPTIONS)
	// and ask for the options of what arrives (IP_RECVOPTS)
	(void)on;
	(void)opt;
	(void)rr_request;
	Connect(fd, (struct sockaddr *)&server, len);
	Write(fd, "route?\n", 7);
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (Poll(&pfd, 1, 2000) == 0)
		err_quit("no reply within 2 s");
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	if (recvmsg(fd, &msg, 0) < 0)
		err_sys("recvmsg");
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == IPPROTO_IP &&
		    cm->cmsg_type == IP_RECVOPTS &&
		    rr_print(CMSG_DATA(cm), cm->cmsg_len - CMSG_LEN(0)) >= 0)
			return 0;
	err_quit("the reply carries no record route option");
}
