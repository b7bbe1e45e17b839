/*
 * whoserv.c - a dual-stack server that tells each client who it is.
 * (Lab 12: the student writes the regions marked SOLUTION.)
 *
 *   whoserv [-6] [-m] PORT
 *
 * One AF_INET6 socket listens on the IPv6 wildcard address and PORT (0:
 * any free port, announced as "listening on port N").  It takes IPv4
 * clients too, as IPv4-mapped IPv6 addresses (::ffff:192.0.2.1), unless
 * -6 asks for IPv6 clients only (IPV6_V6ONLY).  Each client gets one line
 * and the connection is closed; the same line goes to stdout:
 *
 *   client 192.0.2.1 port 40312 to 192.0.2.2 port 9000 over IPv4
 *
 * An IPv4 client is shown the way a person writes it (192.0.2.1), and
 * "over IPv4"; -m shows the addresses as the kernel gave them
 * (::ffff:192.0.2.1).
 */
#include "lnp.h"

/* Copies the address sa (of length len) into out.  An IPv4-mapped IPv6
 * address becomes the IPv4 address it stands for, with the same port.
 * Returns the length of what out holds. */
socklen_t unmap_addr(const struct sockaddr *sa, socklen_t len,
		     struct sockaddr_storage *out)
{
	// TODO (section 12.2): an AF_INET6 address whose first 80 bits
	// are 0 and next 16 are 1 (IN6_IS_ADDR_V4MAPPED) becomes a
	// struct sockaddr_in: the last 4 bytes, the same port.
	if (len > sizeof(*out))
		len = sizeof(*out);
	memcpy(out, sa, len);
	return len;
}

/* Writes "192.0.2.1 port 40312" or "2001:db8::1 port 40312" into buf.
 * Returns buf, or NULL (errno set) for an address that is not IPv4 or
 * IPv6, too short for its family, or too long for buf. */
char *addr_text(const struct sockaddr *sa, socklen_t len, char *buf,
		size_t buflen)
{
	// TODO (section 12.2): inet_ntop() with the family the address
	// has, then " port " and the port in host byte order.
	(void)sa; (void)len; (void)buf; (void)buflen;
	errno = ENOSYS;
	return NULL;
}

/* A TCP socket listening on the IPv6 wildcard address and port (0: any
 * free port), with SO_REUSEADDR.  It takes IPv6 clients only if v6only,
 * and both families otherwise, whatever net.ipv6.bindv6only says.
 * Returns the socket, or -1 with errno set. */
int listen_dual(int port, bool v6only)
{
	// TODO (sections 12.2 and 12.4): socket(AF_INET6), IPV6_V6ONLY set
	// to v6only (either way: never left to the system's default),
	// SO_REUSEADDR, bind to in6addr_any and port, listen().
	(void)port; (void)v6only;
	errno = ENOSYS;
	return -1;
}

/* Writes one line about connfd's two ends into line: "client A port P
 * to B port Q over IPv4" (or IPv6: the family the client really used).
 * The addresses are unmapped, unless raw asks for them as the kernel
 * gave them.  Returns 0, or -1 with errno set. */
int describe(int connfd, bool raw, char *line, size_t linelen)
{
	struct sockaddr_storage peer, local, p, l;
	socklen_t plen = sizeof(peer), llen = sizeof(local);
	char ptext[SOCK_NTOP_LEN], ltext[SOCK_NTOP_LEN];
	struct sockaddr *pshow, *lshow;
	socklen_t pshowlen, lshowlen;

	if (getpeername(connfd, (struct sockaddr *)&peer, &plen) < 0 ||
	    getsockname(connfd, (struct sockaddr *)&local, &llen) < 0)
		return -1;
	// TODO (section 12.2): unmap both ends into p and l; show
	// (pshow, lshow and their lengths) those, or with raw the
	// addresses as the kernel gave them.
	(void)raw;
	memset(&p, 0, sizeof(p));
	memset(&l, 0, sizeof(l));
	pshow = (struct sockaddr *)&p;
	lshow = (struct sockaddr *)&l;
	pshowlen = lshowlen = 0;
	if (addr_text(pshow, pshowlen, ptext, sizeof(ptext)) == NULL ||
	    addr_text(lshow, lshowlen, ltext, sizeof(ltext)) == NULL)
		return -1;
	snprintf(line, linelen, "client %s to %s over %s\n", ptext, ltext,
		 p.ss_family == AF_INET ? "IPv4" : "IPv6");
	return 0;
}

int main(int argc, char **argv)
{
	bool v6only = false, raw = false;
	char line[2 * SOCK_NTOP_LEN + 32];
	int opt, listenfd, connfd;

	while ((opt = getopt(argc, argv, "6m")) != -1) {
		if (opt == '6')
			v6only = true;
		else if (opt == 'm')
			raw = true;
		else
			err_quit("usage: whoserv [-6] [-m] PORT");
	}
	if (optind != argc - 1)
		err_quit("usage: whoserv [-6] [-m] PORT");
	if ((listenfd = listen_dual(Port_parse(argv[optind]), v6only)) < 0)
		err_sys("listen on port %s", argv[optind]);
	announce_port(listenfd);
	for (;;) {
		if ((connfd = accept(listenfd, NULL, NULL)) < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				err_ret("accept");
			continue;
		}
		if (describe(connfd, raw, line, sizeof(line)) < 0)
			err_ret("the client's addresses");
		else {
			fputs(line, stdout);
			fflush(stdout);
			if (write(connfd, line, strlen(line)) < 0)
				err_ret("write to the client");
		}
		close(connfd);
	}
}
