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

/* Connects a TCP socket to host:service, trying every address that
 * getaddrinfo() returns, in its order.  Tells each failure on stderr.
 * Returns the connected descriptor, or -1 when none worked. */
static int tcp_connect_any(const char *host, const char *service)
{
	// TODO (section 1.9): ask getaddrinfo() for every SOCK_STREAM
	// address of host and service (AF_UNSPEC), try socket() and
	// connect() on each in turn, close the socket of each that fails and
	// say on stderr which address failed and why (err_ret), and return
	// the first connected descriptor.  Free the list before returning.
	(void)host;
	(void)service;
	err_msg("tcp_connect_any() is not written yet");
	return -1;
}

/* Copies everything the server sends to standard output until it closes
 * the connection.  Returns 0, or -1 (with the reason told) on error. */
static int copy_reply(int fd)
{
	// TODO (section 1.2): read() until it returns 0 (the server closed
	// the connection), writing each piece to standard output: the reply
	// may arrive in several pieces.
	(void)fd;
	return -1;
}

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
