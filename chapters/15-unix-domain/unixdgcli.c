/*
 * unixdgcli.c - the echo client over a Unix domain datagram socket
 * (section 15.6).  Unlike a UDP socket, a Unix datagram socket gets no
 * address when it sends, so the client binds one first, or the server
 * cannot answer: it asks Linux for an abstract name of its choosing
 * ("autobind").  With -n it binds nothing, to watch that break.
 *
 * Usage: unixdgcli [-n] PATH|@NAME
 */
#include "lnp.h"

/* include autobind */
/* Binds sockfd to a fresh abstract name that the kernel picks: the
 * address is the family alone.  Prints the name it got. */
static void autobind(int sockfd)
{
	struct sockaddr_un me = { .sun_family = AF_UNIX };
	char name[SOCK_NTOP_LEN];
	socklen_t len = sizeof(sa_family_t);

	Bind(sockfd, (struct sockaddr *)&me, len);
	len = sizeof(me);
	Getsockname(sockfd, (struct sockaddr *)&me, &len);
	fprintf(stderr, "bound to %s (address length %u)\n",
		Sock_ntop((struct sockaddr *)&me, len, name, sizeof(name)),
		(unsigned)len);
}
/* end autobind */

/* Each line of in to the server; each answer to stdout.  A 2 s receive
 * timeout ends a wait for an answer that never comes. */
static void dg_cli(FILE *in, int sockfd, const struct sockaddr_un *srv,
		   socklen_t len)
{
	struct timeval tv = { .tv_sec = 2 };
	char line[MAXLINE], reply[MAXLINE + 1];
	ssize_t n;

	Setsockopt(sockfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (fgets(line, sizeof(line), in) != NULL) {
		Sendto(sockfd, line, strlen(line), 0,
		       (const struct sockaddr *)srv, len);
		n = recvfrom(sockfd, reply, MAXLINE, 0, NULL, NULL);
		if (n < 0 && errno == EAGAIN)
			err_quit("no answer within 2 s");
		if (n < 0)
			err_sys("recvfrom");
		reply[n] = '\0';
		Fputs(reply, stdout);
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_un server;
	socklen_t len;
	bool bind_first = true;
	int sockfd;

	if (argc == 3 && strcmp(argv[1], "-n") == 0) {
		bind_first = false;
		argv++;
		argc--;
	}
	if (argc != 2)
		err_quit("usage: unixdgcli [-n] PATH|@NAME");
	Unix_addr(argv[1], &server, &len);
	sockfd = Socket(AF_UNIX, SOCK_DGRAM, 0);
	if (bind_first)
		autobind(sockfd);
	dg_cli(stdin, sockfd, &server, len);
	return 0;
}
