/*
 * sockntop.c - the sock_ntop family at work on IPv4, IPv6 and Unix-domain
 * addresses: addresses built by hand, addresses the kernel fills in
 * (getsockname, a value-result call), and the errors for bad input.
 */
#include "lnp.h"

/* Prints what sock_ntop and sock_ntop_host make of an address. */
static void show(const char *what, const struct sockaddr *sa,
		 socklen_t salen)
{
	char full[SOCK_NTOP_LEN], host[SOCK_NTOP_LEN];

	if (sock_ntop(sa, salen, full, sizeof(full)) == NULL ||
	    sock_ntop_host(sa, salen, host, sizeof(host)) == NULL) {
		printf("%-22s error: %s\n", what, strerror(errno));
		return;
	}
	printf("%-22s %-26s host %s\n", what, full, host);
}

/* include sockntop_build */
static void by_hand(void)
{
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
	struct sockaddr_un un;

	memset(&in4, 0, sizeof(in4));
	in4.sin_family = AF_INET;
	in4.sin_port = htons(7);
	Inet_pton(AF_INET, "192.0.2.1", &in4.sin_addr);
	show("IPv4", (struct sockaddr *)&in4, sizeof(in4));

	memset(&in6, 0, sizeof(in6));
	in6.sin6_family = AF_INET6;
	in6.sin6_port = htons(SERV_PORT);
	Inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr);
	show("IPv6", (struct sockaddr *)&in6, sizeof(in6));
	Inet_pton(AF_INET6, "fe80::1", &in6.sin6_addr);
	in6.sin6_scope_id = 1;          /* interface 1, normally lo */
	show("IPv6 link-local", (struct sockaddr *)&in6, sizeof(in6));

	memset(&un, 0, sizeof(un));
	un.sun_family = AF_UNIX;
	strcpy(un.sun_path, "/tmp/lnp-demo.sock");
	show("Unix path", (struct sockaddr *)&un, SUN_LEN(&un));
	/* an abstract name starts with a NUL byte; its length is salen */
	memcpy(un.sun_path, "\0lnp-demo", 9);
	show("Unix abstract name", (struct sockaddr *)&un,
	     offsetof(struct sockaddr_un, sun_path) + 9);
}
/* end sockntop_build */

/* include sockntop_valueresult */
/* getsockname is a value-result call: len goes in as the room we have
 * and comes back as the length of the address the kernel stored. */
static void ask_kernel(const char *what, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	Getsockname(fd, (struct sockaddr *)&ss, &len);
	printf("%-22s getsockname: len %zu in, %u out\n", what, sizeof(ss),
	       (unsigned)len);
	show("", (struct sockaddr *)&ss, len);
}
/* end sockntop_valueresult */

static void from_the_kernel(void)
{
	int udp = Socket(AF_INET, SOCK_DGRAM, 0);
	int sv[2];

	if (sock_bind_wild(udp, AF_INET) < 0)
		err_sys("sock_bind_wild");
	ask_kernel("UDP, bound by kernel", udp);
	Socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	ask_kernel("socketpair end", sv[0]);
	Close(udp);
	Close(sv[0]);
	Close(sv[1]);
}

/* include sockntop_errors */
static void bad_input(void)
{
	struct sockaddr_in in4;
	struct sockaddr_storage odd;
	char tiny[8];

	memset(&in4, 0, sizeof(in4));
	in4.sin_family = AF_INET;
	show("IPv4, salen 8", (struct sockaddr *)&in4, 8);
	memset(&odd, 0, sizeof(odd));
	odd.ss_family = AF_APPLETALK;
	show("AppleTalk", (struct sockaddr *)&odd, sizeof(odd));
	if (sock_ntop((struct sockaddr *)&in4, sizeof(in4), tiny,
		      sizeof(tiny)) == NULL)
		printf("%-22s error: %s\n", "IPv4 into 8 bytes",
		       strerror(errno));
}
/* end sockntop_errors */

static void compare(void)
{
	struct sockaddr_in a, b;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	Inet_pton(AF_INET, "198.51.100.7", &a.sin_addr);
	a.sin_port = htons(80);
	b = a;
	b.sin_port = htons(8080);
	printf("198.51.100.7:80 and :8080: same address %s, same port %s\n",
	       sock_cmp_addr((struct sockaddr *)&a, (struct sockaddr *)&b,
			     sizeof(a)) == 0 ? "yes" : "no",
	       sock_cmp_port((struct sockaddr *)&a, (struct sockaddr *)&b,
			     sizeof(a)) == 0 ? "yes" : "no");
}

int main(void)
{
	by_hand();
	from_the_kernel();
	bad_input();
	compare();
	return 0;
}
