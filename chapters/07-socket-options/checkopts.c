/*
 * checkopts.c - every socket option this workbook talks about, with the
 * default value the running kernel gives a fresh socket (section 7.3).
 *
 * The options live in a table: level, name, the kind of value, and the
 * socket to ask (an option of TCP needs a TCP socket, one of IPv6 an IPv6
 * socket).  Each is fetched with getsockopt() and printed by the function
 * its kind names.  An option the kernel does not know prints why.
 *
 * usage: checkopts
 */
#include "lnp.h"

#include <netinet/ip.h>

enum kind { FLAG, INT, LINGER, TIMEVAL, TEXT };
enum sock { TCP4, UDP4, TCP6 };

/* include checkopts_table */
struct option_row {
	const char *name;
	int level, optname;
	enum kind kind;
	enum sock sock;         /* which kind of socket to ask */
};

#define ROW(level, opt, kind, sock) { #opt, level, opt, kind, sock }

static const struct option_row rows[] = {
	ROW(SOL_SOCKET, SO_BROADCAST, FLAG, UDP4),
	ROW(SOL_SOCKET, SO_DEBUG, FLAG, TCP4),
	ROW(SOL_SOCKET, SO_DONTROUTE, FLAG, TCP4),
	ROW(SOL_SOCKET, SO_ERROR, INT, TCP4),
	ROW(SOL_SOCKET, SO_KEEPALIVE, FLAG, TCP4),
	ROW(SOL_SOCKET, SO_LINGER, LINGER, TCP4),
	ROW(SOL_SOCKET, SO_OOBINLINE, FLAG, TCP4),
	ROW(SOL_SOCKET, SO_RCVBUF, INT, TCP4),
	ROW(SOL_SOCKET, SO_SNDBUF, INT, TCP4),
	ROW(SOL_SOCKET, SO_RCVBUF, INT, UDP4),
	ROW(SOL_SOCKET, SO_SNDBUF, INT, UDP4),
	ROW(SOL_SOCKET, SO_RCVLOWAT, INT, TCP4),
	ROW(SOL_SOCKET, SO_SNDLOWAT, INT, TCP4),
	ROW(SOL_SOCKET, SO_RCVTIMEO, TIMEVAL, TCP4),
	ROW(SOL_SOCKET, SO_SNDTIMEO, TIMEVAL, TCP4),
	ROW(SOL_SOCKET, SO_REUSEADDR, FLAG, TCP4),
	ROW(SOL_SOCKET, SO_REUSEPORT, FLAG, TCP4),
	ROW(SOL_SOCKET, SO_TYPE, INT, TCP4),
	ROW(IPPROTO_IP, IP_TOS, INT, TCP4),
	ROW(IPPROTO_IP, IP_TTL, INT, TCP4),
	ROW(IPPROTO_IPV6, IPV6_UNICAST_HOPS, INT, TCP6),
	ROW(IPPROTO_IPV6, IPV6_V6ONLY, FLAG, TCP6),
	ROW(IPPROTO_TCP, TCP_MAXSEG, INT, TCP4),
	ROW(IPPROTO_TCP, TCP_NODELAY, FLAG, TCP4),
	ROW(IPPROTO_TCP, TCP_KEEPIDLE, INT, TCP4),
	ROW(IPPROTO_TCP, TCP_KEEPINTVL, INT, TCP4),
	ROW(IPPROTO_TCP, TCP_KEEPCNT, INT, TCP4),
	ROW(IPPROTO_TCP, TCP_USER_TIMEOUT, INT, TCP4),
	ROW(IPPROTO_TCP, TCP_CONGESTION, TEXT, TCP4),
};
/* end checkopts_table */

static const char *sock_names[] = { "tcp", "udp", "tcp6" };

static int open_socket(enum sock which)
{
	switch (which) {
	case UDP4:
		return Socket(AF_INET, SOCK_DGRAM, 0);
	case TCP6:
		return Socket(AF_INET6, SOCK_STREAM, 0);
	default:
		return Socket(AF_INET, SOCK_STREAM, 0);
	}
}

/* include checkopts_print */
/* Formats the value getsockopt() returned, by its kind. */
static void print_value(enum kind kind, const void *val, socklen_t len)
{
	const struct linger *lg = val;
	const struct timeval *tv = val;

	switch (kind) {
	case FLAG:
		printf("%s\n", *(const int *)val ? "on" : "off");
		break;
	case INT:
		printf("%d\n", *(const int *)val);
		break;
	case LINGER:
		printf("l_onoff = %d, l_linger = %d\n", lg->l_onoff,
		       lg->l_linger);
		break;
	case TIMEVAL:
		printf("%ld.%06ld s\n", (long)tv->tv_sec, (long)tv->tv_usec);
		break;
	case TEXT:
		printf("%.*s\n", (int)strnlen(val, len), (const char *)val);
		break;
	}
}
/* end checkopts_print */

/* include checkopts_main */
int main(void)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct option_row *r = &rows[i];
		union {
			int i;
			struct linger lg;
			struct timeval tv;
			char text[64];
		} val;
		socklen_t len = sizeof(val);
		int fd = open_socket(r->sock);

		memset(&val, 0, sizeof(val));
		printf("%-18s %-5s ", r->name, sock_names[r->sock]);
		if (getsockopt(fd, r->level, r->optname, &val, &len) < 0)
			printf("(getsockopt: %s)\n", strerror(errno));
		else
			print_value(r->kind, &val, len);
		Close(fd);
	}
	return 0;
}
/* end checkopts_main */
