/*
 * stallserv.c - a server that accepts connections and never reads them,
 * so a client can see how much it can send before the pipe is full
 * (section 7.5, SO_RCVBUF and the window).
 *
 * With -r BYTES it sets SO_RCVBUF on the listening socket, before
 * listen(): the accepted sockets inherit it, and it must be set that
 * early because the window scale is agreed in the SYN and SYN-ACK and
 * never changes afterwards.
 *
 * usage: stallserv [-r BYTES] PORT
 */
#include "lnp.h"

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	int fd, on = 1, rcvbuf = 0;

	if (argc == 4 && strcmp(argv[1], "-r") == 0)
		rcvbuf = atoi(argv[2]);
	else if (argc != 2)
		err_quit("usage: stallserv [-r BYTES] PORT");
	if (argc == 4 && rcvbuf <= 0)
		err_quit("-r \"%s\" is not a positive number of bytes",
			 argv[2]);
	fd = Socket(AF_INET, SOCK_STREAM, 0);
	Setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	/* include stallserv_rcvbuf */
	if (rcvbuf > 0)         /* before listen(): the SYN-ACK tells */
		Setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	/* end stallserv_rcvbuf */
	addr.sin_addr.s_addr = htonl(INADDR_ANY);
	addr.sin_port = htons((uint16_t)Port_parse(argv[argc - 1]));
	Bind(fd, (struct sockaddr *)&addr, sizeof(addr));
	Listen(fd, LISTENQ);
	announce_port(fd);
	for (;;)
		Accept(fd, NULL, NULL);         /* and never read it */
}
