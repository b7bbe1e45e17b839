/*
 * ifconf.c - the interface list as the old ioctls give it (sections
 * 17.3 to 17.6): SIOCGIFCONF for the IPv4 addresses, then one request a
 * fact for each entry (flags, MTU, index, hardware address, netmask,
 * broadcast or peer address).
 *
 * Each request is asked "4.4BSD style": the ifreq carries the entry's
 * address as well as its name, so that Linux answers about that
 * address.  With -n only the name goes in (the way many programs do
 * it), and an unlabelled second address gets the first one's netmask
 * and broadcast (section 17.6).
 *
 * usage: ifconf [-n]
 */
#include "lnp.h"

#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>

/* include ifi_info */
/* One IPv4 address of an interface, as the ioctls describe it. */
struct ifi_info {
	char name[IFNAMSIZ];            /* "eth0", or a label "eth0:1" */
	int index, mtu;
	unsigned short flags;           /* IFF_UP, IFF_BROADCAST ... */
	unsigned char hwaddr[6];
	int hwlen;                      /* 0: no Ethernet address */
	struct sockaddr_in addr, netmask;
	struct sockaddr_in brdaddr;     /* when IFF_BROADCAST */
	struct sockaddr_in dstaddr;     /* when IFF_POINTOPOINT */
	struct ifi_info *next;
};
/* end ifi_info */

/* include get_ifconf */
/* SIOCGIFCONF into a buffer big enough: Linux says how big when asked
 * with a NULL buffer (netdevice(7)).  Returns the buffer; *n entries. */
static struct ifreq *get_ifconf(int fd, int *n)
{
	struct ifconf ifc = { .ifc_len = 0, .ifc_buf = NULL };

	if (ioctl(fd, SIOCGIFCONF, &ifc) < 0)
		err_sys("SIOCGIFCONF (size)");
	for (;;) {
		int want = ifc.ifc_len + (int)sizeof(struct ifreq);

		ifc.ifc_buf = Malloc((size_t)want);
		ifc.ifc_len = want;
		if (ioctl(fd, SIOCGIFCONF, &ifc) < 0)
			err_sys("SIOCGIFCONF");
		if (ifc.ifc_len < want)         /* room to spare: all in */
			break;
		free(ifc.ifc_buf);              /* it grew meanwhile */
	}
	*n = ifc.ifc_len / (int)sizeof(struct ifreq);
	return ifc.ifc_req;
}
/* end get_ifconf */

/* include ask */
/* One SIOCGIF* request about the entry FROM: its name, and its address
 * unless by_name_only.  Returns the answer, or fails the program. */
static struct ifreq ask(int fd, unsigned long req, const char *what,
			const struct ifreq *from, bool by_name_only)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, from->ifr_name, IFNAMSIZ);
	if (!by_name_only)
		ifr.ifr_addr = from->ifr_addr;  /* which address: ours */
	if (ioctl(fd, req, &ifr) < 0)
		err_sys("%s for %s", what, from->ifr_name);
	return ifr;
}
/* end ask */

static struct sockaddr_in sin_of(const struct ifreq *ifr, int which)
{
	struct sockaddr_in sin;
	const struct sockaddr *sa = which == 0 ? &ifr->ifr_addr :
		which == 1 ? &ifr->ifr_netmask :
		which == 2 ? &ifr->ifr_broadaddr : &ifr->ifr_dstaddr;

	memcpy(&sin, sa, sizeof(sin));
	return sin;
}

/* include get_ifi_info */
/* The IPv4 addresses of every interface, one ifi_info each, in the
 * order SIOCGIFCONF gives them.  Free with free_ifi_info(). */
static struct ifi_info *get_ifi_info(bool by_name_only)
{
	int fd = Socket(AF_INET, SOCK_DGRAM, 0), n;
	struct ifreq *conf = get_ifconf(fd, &n), r;
	struct ifi_info *head = NULL, **tail = &head;

	for (int i = 0; i < n; i++) {
		struct ifreq *e = &conf[i];
		struct ifi_info *ifi = calloc(1, sizeof(*ifi));

		if (ifi == NULL)
			err_sys("calloc");
		memcpy(ifi->name, e->ifr_name, IFNAMSIZ);
		ifi->addr = sin_of(e, 0);
		r = ask(fd, SIOCGIFFLAGS, "SIOCGIFFLAGS", e, by_name_only);
		ifi->flags = (unsigned short)r.ifr_flags;
		r = ask(fd, SIOCGIFMTU, "SIOCGIFMTU", e, by_name_only);
		ifi->mtu = r.ifr_mtu;
		r = ask(fd, SIOCGIFINDEX, "SIOCGIFINDEX", e, by_name_only);
		ifi->index = r.ifr_ifindex;
		r = ask(fd, SIOCGIFHWADDR, "SIOCGIFHWADDR", e, by_name_only);
		if (r.ifr_hwaddr.sa_family == ARPHRD_ETHER) {
			memcpy(ifi->hwaddr, r.ifr_hwaddr.sa_data, 6);
			ifi->hwlen = 6;
		}
		r = ask(fd, SIOCGIFNETMASK, "SIOCGIFNETMASK", e,
			by_name_only);
		ifi->netmask = sin_of(&r, 1);
		if (ifi->flags & IFF_BROADCAST) {
			r = ask(fd, SIOCGIFBRDADDR, "SIOCGIFBRDADDR", e,
				by_name_only);
			ifi->brdaddr = sin_of(&r, 2);
		}
		if (ifi->flags & IFF_POINTOPOINT) {
			r = ask(fd, SIOCGIFDSTADDR, "SIOCGIFDSTADDR", e,
				by_name_only);
			ifi->dstaddr = sin_of(&r, 3);
		}
		*tail = ifi;
		tail = &ifi->next;
	}
	free(conf);
	close(fd);
	return head;
}
/* end get_ifi_info */

static void free_ifi_info(struct ifi_info *ifi)
{
	while (ifi != NULL) {
		struct ifi_info *next = ifi->next;

		free(ifi);
		ifi = next;
	}
}

static const char *ip4(const struct sockaddr_in *sin)
{
	static char buf[4][INET_ADDRSTRLEN];
	static int next;
	char *b = buf[next++ % 4];

	return Inet_ntop(AF_INET, &sin->sin_addr, b, INET_ADDRSTRLEN);
}

/* include show_flags */
static void show_flags(unsigned short flags)
{
	static const struct { unsigned short bit; const char *name; } f[] = {
		{ IFF_UP, "UP" }, { IFF_BROADCAST, "BROADCAST" },
		{ IFF_LOOPBACK, "LOOPBACK" },
		{ IFF_POINTOPOINT, "POINTOPOINT" },
		{ IFF_RUNNING, "RUNNING" }, { IFF_NOARP, "NOARP" },
		{ IFF_MULTICAST, "MULTICAST" },
	};
	const char *sep = "";

	printf("<");
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (flags & f[i].bit) {
			printf("%s%s", sep, f[i].name);
			sep = ",";
		}
	printf(">");
}
/* end show_flags */

int main(int argc, char **argv)
{
	bool by_name_only = argc == 2 && strcmp(argv[1], "-n") == 0;
	struct ifi_info *list;

	if (argc > 2 || (argc == 2 && !by_name_only))
		err_quit("usage: ifconf [-n]");
	list = get_ifi_info(by_name_only);
	for (struct ifi_info *p = list; p != NULL; p = p->next) {
		printf("%s: index %d mtu %d ", p->name, p->index, p->mtu);
		show_flags(p->flags);
		printf("\n");
		if (p->hwlen == 6)
			printf("  ether %02x:%02x:%02x:%02x:%02x:%02x\n",
			       p->hwaddr[0], p->hwaddr[1], p->hwaddr[2],
			       p->hwaddr[3], p->hwaddr[4], p->hwaddr[5]);
		printf("  inet %s netmask %s", ip4(&p->addr),
		       ip4(&p->netmask));
		if (p->flags & IFF_BROADCAST)
			printf(" broadcast %s", ip4(&p->brdaddr));
		if (p->flags & IFF_POINTOPOINT)
			printf(" peer %s", ip4(&p->dstaddr));
		printf("\n");
	}
	free_ifi_info(list);
	return 0;
}
