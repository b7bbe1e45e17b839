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


int main(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		err_quit("usage: iflist");
	// TODO (sections 17.4 to 17.7): for every interface (if_nameindex),
	// print "INDEX: NAME mtu MTU UP" (or DOWN), the MTU and the flags
	// from SIOCGIFMTU and SIOCGIFFLAGS; then one line for each of its
	// IPv4 and IPv6 addresses (getifaddrs), in the form LAB.md shows.
	return 0;
}
