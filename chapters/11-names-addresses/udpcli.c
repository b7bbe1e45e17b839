/*
 * udpcli.c - sends one line to a UDP service found by name and prints
 * the answer: udp_client() for the socket and the address to send to,
 * whichever family the name has (section 11.11).
 *
 * usage: udpcli HOST SERVICE LINE
 */
#include "lnp.h"

/* include udpcli_main */
int main(int argc, char **argv)
{
	struct sockaddr *sa;
	socklen_t salen;
	char buf[MAXLINE + 1], peer[SOCK_NTOP_LEN];
	struct pollfd p;
	ssize_t n;

	if (argc != 4)
		err_quit("usage: udpcli HOST SERVICE LINE");
	p.fd = Udp_client(argv[1], argv[2], &sa, &salen);
	p.events = POLLIN;
	printf("sending to %s\n", Sock_ntop(sa, salen, peer, sizeof(peer)));
	Sendto(p.fd, argv[3], strlen(argv[3]), 0, sa, salen);
	if (Poll(&p, 1, 2000) == 0)             /* UDP: no answer is news */
		err_quit("no answer from %s in 2 s", peer);
	n = Recvfrom(p.fd, buf, MAXLINE, 0, NULL, NULL);
	buf[n] = '\0';
	printf("answer: %s\n", buf);
	free(sa);
	Close(p.fd);
	return 0;
}
/* end udpcli_main */
