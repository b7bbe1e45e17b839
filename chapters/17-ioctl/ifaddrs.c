/*
 * ifaddrs.c - the interface list as getifaddrs(3) gives it (section
 * 17.5): every address of every family, IPv6 too, and one AF_PACKET
 * entry an interface (its link-layer address), with the flags of the
 * interface on each.  glibc asks the kernel over rtnetlink.
 *
 * usage: ifaddrs
 */
#include "lnp.h"

#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>

/* include prefix_len */
/* The number of one bits in a netmask of LEN bytes. */
static int prefix_len(const unsigned char *mask, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len; i++)
		n += __builtin_popcount(mask[i]);
	return n;
}
/* end prefix_len */

static const char *host(const struct sockaddr *sa, char *buf, size_t n)
{
	const void *a = sa->sa_family == AF_INET ?
		(const void *)&((const struct sockaddr_in *)sa)->sin_addr :
		(const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;

	return Inet_ntop(sa->sa_family, a, buf, (socklen_t)n);
}

/* include show_one */
static void show_one(const struct ifaddrs *ifa)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	const struct sockaddr *sa = ifa->ifa_addr;

	if (sa->sa_family == AF_PACKET) {
		const struct sockaddr_ll *ll = (const void *)sa;

		printf("%-8s packet  index %d", ifa->ifa_name,
		       ll->sll_ifindex);
		for (int i = 0; i < ll->sll_halen; i++)
			printf("%c%02x", i == 0 ? ' ' : ':', ll->sll_addr[i]);
		printf("\n");
		return;
	}
	printf("%-8s %-7s %s/%d", ifa->ifa_name,
	       sa->sa_family == AF_INET ? "inet" : "inet6",
	       host(sa, a, sizeof(a)),
	       prefix_len(sa->sa_family == AF_INET ?
		  (const unsigned char *)&((const struct sockaddr_in *)
		      ifa->ifa_netmask)->sin_addr :
		  (const unsigned char *)&((const struct sockaddr_in6 *)
		      ifa->ifa_netmask)->sin6_addr,
		  sa->sa_family == AF_INET ? 4 : 16));
	if ((ifa->ifa_flags & IFF_BROADCAST) && ifa->ifa_broadaddr != NULL)
		printf(" brd %s", host(ifa->ifa_broadaddr, b, sizeof(b)));
	if ((ifa->ifa_flags & IFF_POINTOPOINT) && ifa->ifa_dstaddr != NULL)
		printf(" peer %s", host(ifa->ifa_dstaddr, b, sizeof(b)));
	printf("\n");
}
/* end show_one */

int main(int argc, char **argv)
{
	struct ifaddrs *list;

	(void)argv;
	if (argc != 1)
		err_quit("usage: ifaddrs");
	/* include walk */
	if (getifaddrs(&list) < 0)
		err_sys("getifaddrs");
	for (struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
		if (ifa->ifa_addr != NULL &&
		    (ifa->ifa_addr->sa_family == AF_INET ||
		     ifa->ifa_addr->sa_family == AF_INET6 ||
		     ifa->ifa_addr->sa_family == AF_PACKET))
			show_one(ifa);
	freeifaddrs(list);
	/* end walk */
	return 0;
}
