/*
 * twoserv.c - the two-socket alternative to a dual-stack socket: one
 * socket for IPv6 (with IPV6_V6ONLY) and one for IPv4 on the same port,
 * both watched with select().  Each client gets one line, also printed:
 *
 *   client 192.0.2.1 port 40312 on the IPv4 socket
 *
 *   twoserv [-4 | -6] [-n] [-r] PORT
 *
 * -4 opens the IPv4 socket only, -6 the IPv6 one only.  -n leaves
 * IPV6_V6ONLY at the system's default (net.ipv6.bindv6only), and -r binds
 * the IPv4 socket first: with both, on a default Linux, the second bind
 * fails with EADDRINUSE.
 */
#include "lnp.h"

static bool leave_default;              /* -n */

/* include open_listener */
/* A listening socket of family on port; for IPv6, IPV6_V6ONLY is set
 * unless -n.  Says what it did; exits if bind() fails. */
static int open_listener(int family, int port)
{
	struct sockaddr_storage ss;
	socklen_t len, optlen;
	char text[SOCK_NTOP_LEN];
	int fd, on = 1, only = 0;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	len = family == AF_INET ? sizeof(struct sockaddr_in)
				: sizeof(struct sockaddr_in6);
	sock_set_wild((struct sockaddr *)&ss, len);
	sock_set_port((struct sockaddr *)&ss, len, port);
	fd = Socket(family, SOCK_STREAM, 0);
	Setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (family == AF_INET6 && !leave_default)
		Setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	Sock_ntop((struct sockaddr *)&ss, len, text, sizeof(text));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		err_sys("bind %s", text);
	Listen(fd, LISTENQ);
	if (family == AF_INET6) {
		optlen = sizeof(only);
		Getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &only, &optlen);
		printf("IPv6 socket bound to %s, IPV6_V6ONLY %d\n", text,
		       only);
	} else
		printf("IPv4 socket bound to %s\n", text);
	fflush(stdout);
	return fd;
}
/* end open_listener */

/* The port fd is bound to. */
static int bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	Getsockname(fd, (struct sockaddr *)&ss, &len);
	return sock_get_port((struct sockaddr *)&ss, len);
}

/* The address alone, as the kernel gave it ("?" if it cannot be). */
static const char *host_of(const struct sockaddr_storage *ss,
			   socklen_t len, char *buf, size_t buflen)
{
	if (sock_ntop_host((const struct sockaddr *)ss, len, buf,
			   buflen) == NULL)
		return "?";
	return buf;
}

/* One line to the client and to stdout: who it is, which socket. */
static void answer(int listenfd)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	char text[SOCK_NTOP_LEN], line[SOCK_NTOP_LEN + 64];
	int connfd;

	if ((connfd = accept(listenfd, (struct sockaddr *)&peer, &len)) < 0) {
		err_ret("accept");
		return;
	}
	snprintf(line, sizeof(line), "client %s port %d on the %s socket\n",
		 host_of(&peer, len, text, sizeof(text)),
		 sock_get_port((struct sockaddr *)&peer, len),
		 peer.ss_family == AF_INET ? "IPv4" : "IPv6");
	fputs(line, stdout);
	fflush(stdout);
	if (write(connfd, line, strlen(line)) < 0)
		err_ret("write to the client");
	Close(connfd);
}

/* include serve_both */
int main(int argc, char **argv)
{
	bool want4 = true, want6 = true, v4first = false;
	int opt, port, fd4 = -1, fd6 = -1, maxfd;
	fd_set rset;

	while ((opt = getopt(argc, argv, "46nr")) != -1) {
		switch (opt) {
		case '4': want6 = false; break;
		case '6': want4 = false; break;
		case 'n': leave_default = true; break;
		case 'r': v4first = true; break;
		default: err_quit("usage: twoserv [-4 | -6] [-n] [-r] PORT");
		}
	}
	if (optind != argc - 1 || (!want4 && !want6))
		err_quit("usage: twoserv [-4 | -6] [-n] [-r] PORT");
	port = Port_parse(argv[optind]);
	if (want4 && v4first)
		port = bound_port(fd4 = open_listener(AF_INET, port));
	if (want6)
		port = bound_port(fd6 = open_listener(AF_INET6, port));
	if (want4 && !v4first)
		port = bound_port(fd4 = open_listener(AF_INET, port));
	printf("listening on port %d\n", port);
	fflush(stdout);
	maxfd = fd4 > fd6 ? fd4 : fd6;
	for (;;) {
		FD_ZERO(&rset);
		if (fd4 >= 0)
			FD_SET(fd4, &rset);
		if (fd6 >= 0)
			FD_SET(fd6, &rset);
		if (select(maxfd + 1, &rset, NULL, NULL, NULL) < 0) {
			if (errno == EINTR)
				continue;
			err_sys("select");
		}
		if (fd4 >= 0 && FD_ISSET(fd4, &rset))
			answer(fd4);
		if (fd6 >= 0 && FD_ISSET(fd6, &rset))
			answer(fd6);
	}
}
/* end serve_both */
