/*
 * udpcli.c - the UDP echo client (section 8.5), kept naive on purpose:
 * each line of stdin goes to the server in one datagram, and the client
 * waits in recvfrom() for the answer.
 *
 * Three things go wrong with it, each shown by a test (sections 8.8 and
 * 8.9): if the request or the reply is lost, recvfrom() waits for ever;
 * any datagram from anybody is taken as the reply; and if no server runs,
 * the ICMP "port unreachable" that comes back is never reported to this
 * unconnected socket, so it waits for ever again.  Lab 8 fixes all three.
 *
 * usage: udpcli HOST PORT
 */
#include "lnp.h"

/* include dg_cli_naive */
static void dg_cli(FILE *fp, int sockfd, const struct sockaddr *server,
		   socklen_t len)
{
	char sendline[MAXLINE], recvline[MAXLINE + 1];
	ssize_t n;

	while (Fgets(sendline, MAXLINE, fp) != NULL) {
		Sendto(sockfd, sendline, strlen(sendline), 0, server, len);
		n = Recvfrom(sockfd, recvline, MAXLINE, 0, NULL, NULL);
		recvline[n] = '\0';     /* from the server?  who knows */
		Fputs(recvline, stdout);
		fflush(stdout);
	}
}
/* end dg_cli_naive */

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	socklen_t len;
	int sockfd;

	if (argc != 3)
		err_quit("usage: udpcli HOST PORT");
	Sock_parse(argv[1], argv[2], &server, &len);
	sockfd = Socket(server.ss_family, SOCK_DGRAM, 0);
	dg_cli(stdin, sockfd, (struct sockaddr *)&server, len);
	return 0;
}
