/*
 * optserv.c - an echo server that prints the IP options of each
 * connection it accepts (section 27.3): for a client that sent a source
 * route, the route back that the kernel will use for the replies.
 *
 * Usage: optserv [PORT]     (0: any free port, printed)
 */
#include "lnp.h"
#include <netinet/ip.h>

/* include ipopt_print */
/* Prints a list of IP options, one line each: the name of each
 * option and, for a route, its addresses up to the pointer (the ones
 * recorded or still to visit, as the option says). */
static void ipopt_print(const unsigned char *opt, size_t len)
{
	char buf[INET_ADDRSTRLEN];
	size_t i = 0, olen;

	while (i < len && opt[i] != IPOPT_EOL) {
		if (opt[i] == IPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || (olen = opt[i + 1]) < 2 ||
		    i + olen > len) {
			printf("  a malformed option (code %d)\n", opt[i]);
			return;
		}
		if (opt[i] == IPOPT_LSRR || opt[i] == IPOPT_SSRR ||
		    opt[i] == IPOPT_RR) {
			printf("  %s, pointer %d:",
			       opt[i] == IPOPT_RR ? "record route" :
			       opt[i] == IPOPT_LSRR ? "loose source route" :
			       "strict source route", opt[i + 2]);
			for (size_t a = 0; 3 + a + 4 <= olen; a += 4)
				printf("%s%s", a % 16 ? " " : "\n    ",
				       inet_ntop(AF_INET, opt + i + 3 + a,
						 buf, sizeof(buf)));
			printf("\n");
		} else {
			printf("  option %d, %zu bytes\n", opt[i], olen);
		}
		i += olen;
	}
}
/* end ipopt_print */

int main(int argc, char **argv)
{
	int listenfd, connfd;
	struct sockaddr_storage cli;
	unsigned char opt[MAX_IPOPTLEN];
	char name[SOCK_NTOP_LEN];
	socklen_t len, optlen;

	if (argc > 2)
		err_quit("usage: optserv [PORT]");
	listenfd = Tcp_listen_port(argc == 2 ? Port_parse(argv[1]) : 9877,
				   true);
	announce_port(listenfd);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		len = sizeof(cli);
		connfd = Accept(listenfd, (struct sockaddr *)&cli, &len);
/* include optserv_opts */
		optlen = sizeof(opt);
		Getsockopt(connfd, IPPROTO_IP, IP_OPTIONS, opt, &optlen);
		printf("connection from %s, ",
		       Sock_ntop((struct sockaddr *)&cli, len, name,
				 sizeof(name)));
		if (optlen == 0) {
			printf("no IP options\n");
		} else {
			printf("%u bytes of IP options:\n", optlen);
			ipopt_print(opt, optlen);
		}
/* end optserv_opts */
		str_echo(connfd);
		Close(connfd);
	}
}
