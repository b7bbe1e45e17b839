/*
 * arpget.c - one entry of the ARP cache, asked with SIOCGARP (section
 * 17.8).  Linux wants the interface's name in arp_dev (without it:
 * ENODEV); an address with no entry gives ENXIO.
 *
 * usage: arpget IPV4ADDR [IFNAME]
 */
#include "lnp.h"

#include <net/if_arp.h>
#include <sys/ioctl.h>

/* include arp_get */
/* Asks the ARP cache about ADDR on interface DEV ("" for none). */
static int arp_get(int fd, const char *addr, const char *dev,
		   struct arpreq *ar)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&ar->arp_pa;

	memset(ar, 0, sizeof(*ar));
	sin->sin_family = AF_INET;
	Inet_pton(AF_INET, addr, &sin->sin_addr);
	snprintf(ar->arp_dev, sizeof(ar->arp_dev), "%s", dev);
	return ioctl(fd, SIOCGARP, ar);
}
/* end arp_get */

int main(int argc, char **argv)
{
	struct arpreq ar;
	int fd;

	if (argc < 2 || argc > 3)
		err_quit("usage: arpget IPV4ADDR [IFNAME]");
	fd = Socket(AF_INET, SOCK_DGRAM, 0);
	/* include show */
	if (arp_get(fd, argv[1], argc == 3 ? argv[2] : "", &ar) < 0) {
		printf("%s: SIOCGARP: %s\n", argv[1], strerrorname_np(errno));
		return 1;
	}
	printf("%s at", argv[1]);
	for (int i = 0; i < 6; i++)
		printf("%c%02x", i == 0 ? ' ' : ':',
		       (unsigned char)ar.arp_ha.sa_data[i]);
	printf(" on %s flags%s%s%s\n", ar.arp_dev,
	       ar.arp_flags & ATF_COM ? " COM" : "",
	       ar.arp_flags & ATF_PERM ? " PERM" : "",
	       ar.arp_flags & ATF_PUBL ? " PUBL" : "");
	/* end show */
	close(fd);
	return 0;
}
