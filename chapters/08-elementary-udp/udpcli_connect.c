/*
 * udpcli_connect.c - the UDP echo client with a connected socket
 * (section 8.11).
 *
 * connect() on a UDP socket sends nothing.  It records the server's
 * address, so that write() and read() can be used, and the kernel then
 * drops datagrams from any other address, and reports errors for this
 * one: an ICMP port unreachable coming back makes the next read() fail
 * with ECONNREFUSED, where the unconnected client waited for ever.
 *
 * usage: udpcli_connect HOST PORT
 */
#include "lnp.h"

/* include dg_cli_connect */
static void dg_cli(FILE *fp, int sockfd)
{
	char sendline[MAXLINE], recvline[MAXLINE + 1];
	ssize_t n;

	while (Fgets(sendline, MAXLINE, fp) != NULL) {
		Write(sockfd, sendline, strlen(sendline));
		n = read(sockfd, recvline, MAXLINE);
		if (n < 0)
			err_sys("read");        /* ECONNREFUSED: nobody home */
		recvline[n] = '\0';
		Fputs(recvline, stdout);
		fflush(stdout);
	}
}
/* end dg_cli_connect */

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	socklen_t len;
	int sockfd;

	if (argc != 3)
		err_quit("usage: udpcli_connect HOST PORT");
	Sock_parse(argv[1], argv[2], &server, &len);
	sockfd = Socket(server.ss_family, SOCK_DGRAM, 0);
	Connect(sockfd, (struct sockaddr *)&server, len);
	dg_cli(stdin, sockfd);
	return 0;
}
