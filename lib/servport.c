/*
 * servport.c - the small steps every server and client of chapters 6, 7
 * and 8 repeats: turn "192.0.2.1" "9877" from the command line into a
 * socket address (with a clear message for a typo), listen on a port or
 * bind a UDP socket to one, and tell the world which port was chosen.
 *
 * Port 0 asks the kernel for any free port; the server then prints
 * "listening on port N", which is how a test (or you) finds it.
 */
#include "lnp.h"

/* include sock_parse */
int sock_parse(const char *host, const char *port,
	       struct sockaddr_storage *ss, socklen_t *salen)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char *end;
	long num;

	errno = 0;
	num = strtol(port, &end, 10);
	if (*port == '\0' || *end != '\0' || errno != 0 || num < 0 ||
	    num > 65535) {
		errno = EINVAL;
		return -1;
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)num);
		*salen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)num);
		*salen = sizeof(*sin6);
	} else {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return 0;
}
/* end sock_parse */

void Sock_parse(const char *host, const char *port,
		struct sockaddr_storage *ss, socklen_t *salen)
{
	if (sock_parse(host, port, ss, salen) == 0)
		return;
	if (errno == EINVAL)
		err_quit("\"%s\" is not a port number (0 to 65535)", port);
	err_quit("\"%s\" is not an IPv4 or IPv6 address", host);
}

int port_parse(const char *text)
{
	char *end;
	long num;

	errno = 0;
	num = strtol(text, &end, 10);
	if (*text == '\0' || *end != '\0' || errno != 0 || num < 0 ||
	    num > 65535) {
		errno = EINVAL;
		return -1;
	}
	return (int)num;
}

int Port_parse(const char *text)
{
	int port = port_parse(text);

	if (port < 0)
		err_quit("\"%s\" is not a port number (0 to 65535)", text);
	return port;
}

/* Binds fd to the IPv4 wildcard address and port. */
static int bind_any(int fd, int port)
{
	struct sockaddr_in addr;

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_ANY);
	addr.sin_port = htons((uint16_t)port);
	return bind(fd, (struct sockaddr *)&addr, sizeof(addr));
}

int tcp_listen_port(int port, bool reuseaddr)
{
	int on = 1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if ((reuseaddr && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
				     sizeof(on)) < 0) ||
	    bind_any(fd, port) < 0 || listen(fd, LISTENQ) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int Tcp_listen_port(int port, bool reuseaddr)
{
	int fd = tcp_listen_port(port, reuseaddr);

	if (fd < 0)
		err_sys("listening on TCP port %d", port);
	return fd;
}

int udp_bind_port(int port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	if (bind_any(fd, port) < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int Udp_bind_port(int port)
{
	int fd = udp_bind_port(port);

	if (fd < 0)
		err_sys("binding UDP port %d", port);
	return fd;
}

int announce_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int port;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	if (ss.ss_family == AF_INET)
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		return -1;
	printf("listening on port %d\n", port);
	fflush(stdout);
	return port;
}
