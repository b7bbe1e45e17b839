/*
 * whocli.c - connects to HOST PORT, says which addresses the connection
 * has at this end, and copies what the server sends to stdout.
 *
 *   whocli [-6] HOST PORT
 *
 * HOST is an IPv4 or IPv6 address, an IPv4-mapped one (::ffff:192.0.2.2)
 * included, which makes an AF_INET6 socket that talks IPv4.  -6 sets
 * IPV6_V6ONLY on the client's AF_INET6 socket.
 */
#include "lnp.h"

/* include whocli */
int main(int argc, char **argv)
{
	struct sockaddr_storage server, local;
	socklen_t slen, llen = sizeof(local);
	char stext[SOCK_NTOP_LEN], ltext[SOCK_NTOP_LEN], buf[MAXLINE];
	int opt, fd, on = 1;
	bool v6only = false;
	ssize_t n;

	while ((opt = getopt(argc, argv, "6")) != -1) {
		if (opt != '6')
			err_quit("usage: whocli [-6] HOST PORT");
		v6only = true;
	}
	if (optind != argc - 2)
		err_quit("usage: whocli [-6] HOST PORT");
	Sock_parse(argv[optind], argv[optind + 1], &server, &slen);
	Sock_ntop((struct sockaddr *)&server, slen, stext, sizeof(stext));
	fd = Socket(server.ss_family, SOCK_STREAM, 0);
	if (v6only && server.ss_family == AF_INET6)
		Setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (connect(fd, (struct sockaddr *)&server, slen) < 0)
		err_sys("connect to %s", stext);
	Getsockname(fd, (struct sockaddr *)&local, &llen);
	printf("connected from %s to %s\n", Sock_ntop((struct sockaddr *)
	       &local, llen, ltext, sizeof(ltext)), stext);
	fflush(stdout);
	while ((n = Read(fd, buf, sizeof(buf))) > 0)
		Write(STDOUT_FILENO, buf, (size_t)n);
	return 0;
}
/* end whocli */
