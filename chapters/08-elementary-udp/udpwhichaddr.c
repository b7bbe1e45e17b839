/*
 * udpwhichaddr.c - which local address would a datagram to HOST leave
 * from?  connect() on a UDP socket sends nothing, but it makes the
 * kernel look up the route to HOST and choose the source address, which
 * getsockname() then reports (section 8.14).  On a host with two
 * interfaces the answer depends on the destination.
 *
 * usage: udpwhichaddr HOST [PORT]
 */
#include "lnp.h"

int main(int argc, char **argv)
{
	struct sockaddr_storage server, local;
	socklen_t len, locallen = sizeof(local);
	char name[SOCK_NTOP_LEN];
	int fd;

	if (argc != 2 && argc != 3)
		err_quit("usage: udpwhichaddr HOST [PORT]");
	Sock_parse(argv[1], argc == 3 ? argv[2] : "9", &server, &len);
	/* include whichaddr */
	fd = Socket(server.ss_family, SOCK_DGRAM, 0);
	Connect(fd, (struct sockaddr *)&server, len);   /* sends nothing */
	Getsockname(fd, (struct sockaddr *)&local, &locallen);
	/* end whichaddr */
	if (sock_ntop_host((struct sockaddr *)&local, locallen, name,
			   sizeof(name)) == NULL)
		err_sys("sock_ntop_host");
	printf("to %s the kernel sends from %s\n", argv[1], name);
	return 0;
}
