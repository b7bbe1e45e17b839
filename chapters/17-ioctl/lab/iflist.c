/*
 * iflist.c - lab 17: every interface with its index, MTU, state and
 * addresses, IPv4 and IPv6, as `ip addr` knows them (LAB.md).
 *
 *   3: eth0 mtu 1500 UP
 *       inet 192.0.2.1/24 brd 192.0.2.255
 *       inet 192.0.2.100/24 brd 192.0.2.255 label eth0:1
 *       inet6 2001:db8:1::1/64
 *   4: tun0 mtu 1400 DOWN
 *       inet 203.0.113.5 peer 203.0.113.9/32
 *
 * The interfaces come from if_nameindex(), the MTU and flags from
 * SIOCGIFMTU and SIOCGIFFLAGS, the addresses from getifaddrs().
 *
 * usage: iflist
 */
#include "lnp.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <sys/ioctl.h>

/* BEGIN SOLUTION */
/* The number of one bits in a netmask of LEN bytes. */
static int prefix_len(const struct sockaddr *mask)
{
	const unsigned char *m;
	size_t len;
	int n = 0;

	if (mask->sa_family == AF_INET6) {
		m = ((const struct sockaddr_in6 *)mask)->sin6_addr.s6_addr;
		len = 16;
	} else {
		m = (const unsigned char *)
			&((const struct sockaddr_in *)mask)->sin_addr;
		len = 4;
	}
	for (size_t i = 0; i < len; i++)
		n += __builtin_popcount(m[i]);
	return n;
}

/* The address of SA as text, in BUF of INET6_ADDRSTRLEN bytes. */
static const char *host(const struct sockaddr *sa, char *buf)
{
	const void *a = sa->sa_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)sa)->sin_addr;

	return Inet_ntop(sa->sa_family, a, buf, INET6_ADDRSTRLEN);
}

/* Whether the address entry IFA belongs to interface NAME: its name is
 * NAME, or a label "NAME:something" (section 17.6). */
static bool belongs(const struct ifaddrs *ifa, const char *name)
{
	size_t n = strlen(name);

	return strncmp(ifa->ifa_name, name, n) == 0 &&
	       (ifa->ifa_name[n] == '\0' || ifa->ifa_name[n] == ':');
}

/* One address line.  glibc puts the address itself where an IPv4
 * address has no broadcast or peer address of its own (section 17.5):
 * only a different one is printed. */
static void show_addr(const struct ifaddrs *ifa, const char *name)
{
	const struct sockaddr *sa = ifa->ifa_addr;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN] = "";
	int plen = prefix_len(ifa->ifa_netmask);

	host(sa, a);
	if (sa->sa_family == AF_INET && ifa->ifa_broadaddr != NULL &&
	    strcmp(host(ifa->ifa_broadaddr, b), a) == 0)
		b[0] = '\0';                   /* the address itself */
	if (b[0] != '\0' && (ifa->ifa_flags & IFF_POINTOPOINT)) {
		printf("    inet %s peer %s/%d\n", a, b, plen);
		return;
	}
	printf("    %s %s/%d", sa->sa_family == AF_INET ? "inet" : "inet6",
	       a, plen);
	if (b[0] != '\0' && (ifa->ifa_flags & IFF_BROADCAST))
		printf(" brd %s", b);
	if (sa->sa_family == AF_INET && strcmp(ifa->ifa_name, name) != 0)
		printf(" label %s", ifa->ifa_name);
	printf("\n");
}

/* The line of one interface, then its addresses. */
static void show_if(int fd, const struct if_nameindex *ni,
		    const struct ifaddrs *list)
{
	struct ifreq ifr;
	int mtu;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ni->if_name);
	if (ioctl(fd, SIOCGIFMTU, &ifr) < 0)
		err_sys("SIOCGIFMTU %s", ni->if_name);
	mtu = ifr.ifr_mtu;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		err_sys("SIOCGIFFLAGS %s", ni->if_name);
	printf("%u: %s mtu %d %s\n", ni->if_index, ni->if_name, mtu,
	       (ifr.ifr_flags & IFF_UP) ? "UP" : "DOWN");
	for (const struct ifaddrs *ifa = list; ifa != NULL;
	     ifa = ifa->ifa_next)
		if (ifa->ifa_addr != NULL && belongs(ifa, ni->if_name) &&
		    (ifa->ifa_addr->sa_family == AF_INET ||
		     ifa->ifa_addr->sa_family == AF_INET6))
			show_addr(ifa, ni->if_name);
}
/* END SOLUTION */

int main(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		err_quit("usage: iflist");
	/* BEGIN SOLUTION */
	struct if_nameindex *names = if_nameindex();
	struct ifaddrs *list;
	int fd = Socket(AF_INET, SOCK_DGRAM, 0);

	if (names == NULL)
		err_sys("if_nameindex");
	if (getifaddrs(&list) < 0)
		err_sys("getifaddrs");
	for (struct if_nameindex *ni = names; ni->if_index != 0; ni++)
		show_if(fd, ni, list);
	freeifaddrs(list);
	if_freenameindex(names);
	close(fd);
	/* END SOLUTION */
	/* STARTER
	// TODO (sections 17.4 to 17.7): for every interface (if_nameindex),
	// print "INDEX: NAME mtu MTU UP" (or DOWN), the MTU and the flags
	// from SIOCGIFMTU and SIOCGIFFLAGS; then one line for each of its
	// IPv4 and IPv6 addresses (getifaddrs), in the form LAB.md shows.
	STARTER */
	return 0;
}
