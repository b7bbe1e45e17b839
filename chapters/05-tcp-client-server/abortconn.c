/*
 * abortconn.c - what accept() does with a connection that the client
 * aborted before the server accepted it (section 5.11), measured.
 *
 * One process plays both parts on the loopback interface: it listens
 * without accepting, connects, aborts the connection with a RST
 * (SO_LINGER with a zero timeout, then close), waits until the server's
 * side of the connection is gone from the kernel's table, and only then
 * calls accept() and tries the new descriptor.
 *
 * Usage: abortconn
 */
#include "lnp.h"

/* Is there a TCP socket from local port lport to remote port rport in
 * /proc/net/tcp, the kernel's table of this namespace's IPv4 sockets? */
static bool tcp_socket_exists(int lport, int rport)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	char line[512];
	unsigned l, r;
	bool found = false;

	if (f == NULL)
		err_sys("/proc/net/tcp");
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = sscanf(line, " %*d: %*x:%x %*x:%x", &l, &r) == 2 &&
			(int)l == lport && (int)r == rport;
	fclose(f);
	return found;
}

/* Waits (a second at most) for the server's end of the connection to
 * leave the table: the RST has arrived and the kernel has closed it. */
static void wait_until_reset(int lport, int rport)
{
	struct timespec tick = { 0, 1000000 };          /* 1 ms */

	for (int ms = 0; ms < 1000; ms++) {
		if (!tcp_socket_exists(lport, rport))
			return;
		nanosleep(&tick, NULL);
	}
	err_quit("the RST did not reach the server's socket within 1 s");
}

static int local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	Getsockname(fd, (struct sockaddr *)&ss, &len);
	return sock_get_port((struct sockaddr *)&ss, len);
}

/* Waits (a second at most) until the listener has a connection ready to
 * accept: the handshake is complete on the server's side too. */
static void wait_until_queued(int listenfd)
{
	struct pollfd pfd = { .fd = listenfd, .events = POLLIN };

	if (Poll(&pfd, 1, 1000) == 0)
		err_quit("the connection never reached the accept queue");
}

/* Connects to 127.0.0.1:port, waits until the server's kernel has
 * queued the connection, and aborts it; returns the client's port. */
static int connect_and_abort(int listenfd, int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct linger abort_on_close = { .l_onoff = 1, .l_linger = 0 };
	int fd = Socket(AF_INET, SOCK_STREAM, 0);
	int cport;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	Connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	cport = local_port(fd);
	wait_until_queued(listenfd);
	Setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close,
		   sizeof(abort_on_close));
	Close(fd);                      /* sends RST, not FIN */
	printf("client: connected from port %d, then aborted (RST)\n", cport);
	return cport;
}

/* include try_accepted */
/* Accepts the aborted connection and reports what each call returns. */
static void try_accepted(int listenfd)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	char buf[64], name[SOCK_NTOP_LEN];
	ssize_t n;
	int fd;

	fd = accept(listenfd, (struct sockaddr *)&peer, &len);
	if (fd < 0) {
		printf("accept: %s\n", strerror(errno));
		return;
	}
	printf("accept: returned a descriptor, peer %s\n",
	       sock_ntop((struct sockaddr *)&peer, len, name, sizeof(name))
	       ? name : "(none)");
	len = sizeof(peer);
	if (getpeername(fd, (struct sockaddr *)&peer, &len) < 0)
		printf("getpeername: %s\n", strerror(errno));
	else
		printf("getpeername: %s\n", Sock_ntop((struct sockaddr *)&peer,
		       len, name, sizeof(name)));
	for (int i = 0; i < 2; i++) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0)
			printf("read: %s\n", strerror(errno));
		else
			printf("read: %zd (end of file)\n", n);
	}
	Close(fd);
}
/* end try_accepted */

int main(void)
{
	int listenfd = Tcp_listen_port(0, false);
	int port = local_port(listenfd);
	int cport;

	printf("server: listening on port %d, not accepting yet\n", port);
	cport = connect_and_abort(listenfd, port);
	wait_until_reset(port, cport);
	printf("server: the kernel has dropped its end of the connection\n");
	try_accepted(listenfd);
	return 0;
}
