/*
 * gni.c - getnameinfo(): an address and a port back into a name and a
 * service, the way a server names its clients (section 11.7).
 *
 * usage: gni [-n] [-r] ADDRESS [PORT]
 *   -n  numbers only (NI_NUMERICHOST | NI_NUMERICSERV): no lookup
 *   -r  a name is required (NI_NAMEREQD): fail rather than print the
 *       address again when the address has no name
 */
#include "lnp.h"

/* include gni_main */
int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	int c, n, flags = 0;

	while ((c = getopt(argc, argv, "nr")) != -1) {
		if (c == 'n')
			flags |= NI_NUMERICHOST | NI_NUMERICSERV;
		else if (c == 'r')
			flags |= NI_NAMEREQD;
		else
			err_quit("usage: gni [-n] [-r] ADDRESS [PORT]");
	}
	if (optind >= argc || argc - optind > 2)
		err_quit("usage: gni [-n] [-r] ADDRESS [PORT]");
	Sock_parse(argv[optind], optind + 1 < argc ? argv[optind + 1] : "0",
		   &ss, &len);
	n = getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host),
			serv, sizeof(serv), flags);
	if (n != 0)
		err_quit("getnameinfo %s: %s", argv[optind],
			 gai_strerror(n));
	printf("host %s, service %s\n", host, serv);
	return 0;
}
/* end gni_main */
