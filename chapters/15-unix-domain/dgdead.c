/*
 * dgdead.c - a Unix datagram socket whose peer is gone (section 15.6),
 * measured: what sendto(), connect() and send() say when the socket at
 * the name was closed, when its file was removed too, and when the peer
 * of a connected socket closes.  Works in DIR and removes what it made.
 *
 * Usage: dgdead DIR
 */
#include "lnp.h"

static const char *result(ssize_t rc)
{
	return rc >= 0 ? "ok" : strerrorname_np(errno);
}

static int bound_dgram(const struct sockaddr_un *sun, socklen_t len)
{
	int fd = Socket(AF_UNIX, SOCK_DGRAM, 0);

	Bind(fd, (const struct sockaddr *)sun, len);
	return fd;
}

/* include dgdead */
int main(int argc, char **argv)
{
	struct sockaddr_un sun;
	const struct sockaddr *sa = (const struct sockaddr *)&sun;
	char path[200];
	socklen_t len;
	int srv, cli;

	if (argc != 2)
		err_quit("usage: dgdead DIR");
	snprintf(path, sizeof(path), "%s/dead", argv[1]);
	Unix_addr(path, &sun, &len);
	cli = Socket(AF_UNIX, SOCK_DGRAM, 0);

	srv = bound_dgram(&sun, len);
	printf("sendto, server bound: %s\n", result(sendto(cli, "x", 1, 0,
	       sa, len)));
	Close(srv);                     /* the file stays behind */
	printf("server closed: sendto: %s, ", result(sendto(cli, "x", 1, 0,
	       sa, len)));
	printf("connect: %s\n", result(connect(cli, sa, len)));
	unlink(path);
	printf("file removed: sendto: %s, ", result(sendto(cli, "x", 1, 0,
	       sa, len)));
	printf("connect: %s\n", result(connect(cli, sa, len)));

	srv = bound_dgram(&sun, len);   /* a new server at the same name */
	Connect(cli, sa, len);
	printf("connected: send: %s\n", result(send(cli, "x", 1, 0)));
	Close(srv);
	printf("peer closed: send: %s, ", result(send(cli, "x", 1, 0)));
	printf("send again: %s\n", result(send(cli, "x", 1, 0)));
	Close(cli);
	unlink(path);
	return 0;
}
/* end dgdead */
