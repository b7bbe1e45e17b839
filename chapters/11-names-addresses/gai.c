/*
 * gai.c - what getaddrinfo() answers for a name and a service, each
 * address on a line, in the order a client should try them
 * (sections 11.4 to 11.6).
 *
 * usage: gai [-4|-6] [-p] HOST [SERVICE]
 *   -4, -6  only IPv4 or only IPv6 addresses (ai_family)
 *   -p      passive: addresses to bind a server to (AI_PASSIVE); HOST
 *           may then be "-" for none (the wildcard)
 */
#include "lnp.h"

static const char *family_name(int family)
{
	return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6"
		: "other";
}

/* include gai_print */
static void print_addrinfo(const struct addrinfo *res)
{
	const struct addrinfo *ai;
	char text[SOCK_NTOP_LEN];

	if (res->ai_canonname != NULL)
		printf("canonical name: %s\n", res->ai_canonname);
	for (ai = res; ai != NULL; ai = ai->ai_next)
		printf("%s %s\n", family_name(ai->ai_family),
		       Sock_ntop(ai->ai_addr, ai->ai_addrlen, text,
				 sizeof(text)));
}

int main(int argc, char **argv)
{
	struct addrinfo hints, *res;
	const char *host, *serv;
	int c, n;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;        /* any family ... */
	hints.ai_socktype = SOCK_STREAM;    /* ... one line per address */
	hints.ai_flags = AI_CANONNAME;
	while ((c = getopt(argc, argv, "46p")) != -1) {
		if (c == '4' || c == '6')
			hints.ai_family = c == '4' ? AF_INET : AF_INET6;
		else if (c == 'p')
			hints.ai_flags = AI_PASSIVE;
		else
			err_quit("usage: gai [-4|-6] [-p] HOST [SERVICE]");
	}
	if (optind >= argc || argc - optind > 2)
		err_quit("usage: gai [-4|-6] [-p] HOST [SERVICE]");
	host = strcmp(argv[optind], "-") == 0 ? NULL : argv[optind];
	serv = optind + 1 < argc ? argv[optind + 1] : "0";
	if ((n = getaddrinfo(host, serv, &hints, &res)) != 0)
		err_quit("getaddrinfo %s: %s", argv[optind],
			 gai_strerror(n));
	print_addrinfo(res);
	freeaddrinfo(res);
	return 0;
}
/* end gai_print */
