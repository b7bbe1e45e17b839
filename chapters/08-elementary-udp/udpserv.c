/*
 * udpserv.c - the UDP echo server (section 8.3): every datagram that
 * arrives goes back to whoever sent it.
 *
 * No listen(), no accept(), no connection: one socket serves every
 * client, and recvfrom() says who each datagram came from.  The server is
 * iterative and never blocks on a client, since it never waits for one.
 *
 * usage: udpserv [PORT]      (0: any free port; default 9877)
 */
#include "lnp.h"

/* include dg_echo */
static void dg_echo(int sockfd)
{
	char msg[MAXLINE];
	struct sockaddr_storage client;
	socklen_t len;

	for (;;) {
		len = sizeof(client);
		ssize_t n = Recvfrom(sockfd, msg, sizeof(msg), 0,
				     (struct sockaddr *)&client, &len);

		/* a failed send is that client's problem, not ours */
		if (sendto(sockfd, msg, (size_t)n, 0,
			   (struct sockaddr *)&client, len) < 0)
			err_ret("sendto");
	}
}
/* end dg_echo */

int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	int sockfd;

	if (argc > 2)
		err_quit("usage: udpserv [PORT]");
	sockfd = Udp_bind_port(port);
	announce_port(sockfd);
	dg_echo(sockfd);
}
