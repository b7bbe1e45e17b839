/*
 * daytime.c - Lab 1: a protocol-independent daytime client.
 *
 *   daytime HOST [SERVICE]
 *
 * HOST is a name or an address of either family ("localhost",
 * "192.0.2.1", "2001:db8::1"); SERVICE a name from /etc/services or a
 * port number, "daytime" (13) when left out.  getaddrinfo() turns the
 * pair into a list of socket addresses, IPv6 and IPv4 mixed; the client
 * tries each in turn until one connects, then copies the server's reply
 * to standard output until the server closes the connection.
 *
 * Standard output carries the reply and nothing else.  Every failure is
 * told on standard error, one line each, naming the address that failed
 * and why; the exit status is 0 when a reply was copied, 1 otherwise,
 * 2 for a usage error.
 */
#include "lnp.h"

/* include tcp_connect_any */
/* Connects a TCP socket to host:service, trying every address that
 * getaddrinfo() returns, in its order.  Tells each failure on stderr.
 * Returns the connected descriptor, or -1 when none worked. */
static int tcp_connect_any(const char *host, const char *service)
{
	/* BEGIN SOLUTION */
	struct addrinfo hints, *list, *ai;
	char where[SOCK_NTOP_LEN];
	int fd = -1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;        /* IPv4 and IPv6 */
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, service, &hints, &list);
	if (rc != 0) {
		err_msg("cannot find %s, service %s: %s", host, service,
			rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	for (ai = list; ai != NULL; ai = ai->ai_next) {
		if (sock_ntop(ai->ai_addr, ai->ai_addrlen, where,
			      sizeof(where)) == NULL)
			snprintf(where, sizeof(where), "(family %d)",
				 ai->ai_family);
		fd = socket(ai->ai_family, ai->ai_socktype,
			    ai->ai_protocol);
		if (fd < 0) {
			err_ret("socket for %s", where);
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err_ret("connect to %s", where);
		close(fd);      /* a failed socket cannot be reused */
		fd = -1;
	}
	freeaddrinfo(list);
	if (fd < 0)
		err_msg("no address of %s accepted a connection on %s",
			host, service);
	return fd;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 1.9): ask getaddrinfo() for every SOCK_STREAM
	// address of host and service (AF_UNSPEC), try socket() and
	// connect() on each in turn, close the socket of each that fails and
	// say on stderr which address failed and why (err_ret), and return
	// the first connected descriptor.  Free the list before returning.
	(void)host;
	(void)service;
	err_msg("tcp_connect_any() is not written yet");
	return -1;
	STARTER */
}
/* end tcp_connect_any */

/* include copy_reply */
/* Copies everything the server sends to standard output until it closes
 * the connection.  Returns 0, or -1 (with the reason told) on error. */
static int copy_reply(int fd)
{
	/* BEGIN SOLUTION */
	char buf[BUFFSIZE];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_ret("reading the reply");
			return -1;
		}
		if (n == 0)
			return 0;       /* the server closed: all arrived */
		if (writen(STDOUT_FILENO, buf, (size_t)n) != n) {
			err_ret("writing the reply");
			return -1;
		}
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (section 1.2): read() until it returns 0 (the server closed
	// the connection), writing each piece to standard output: the reply
	// may arrive in several pieces.
	(void)fd;
	return -1;
	STARTER */
}
/* end copy_reply */

int main(int argc, char **argv)
{
	const char *service = argc == 3 ? argv[2] : "daytime";
	int fd, rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: daytime HOST [SERVICE]\n");
		return 2;
	}
	fd = tcp_connect_any(argv[1], service);
	if (fd < 0)
		return 1;
	rc = copy_reply(fd);
	close(fd);
	return rc == 0 ? 0 : 1;
}
