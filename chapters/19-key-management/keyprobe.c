/*
 * keyprobe - asks the kernel for the two kinds of key management socket
 * Linux has: PF_KEY (RFC 2367, the af_key module) and XFRM netlink
 * (NETLINK_XFRM, the xfrm_user module), and says which it got.
 * Usage: keyprobe
 */
#include "lnp.h"

#include <linux/netlink.h>
#include <linux/pfkeyv2.h>

/* include keyprobe */
static void probe(const char *what, int family, int type, int protocol)
{
	int fd = socket(family, type, protocol);

	if (fd < 0) {
		printf("%-34s %s (errno %d)\n", what, strerror(errno),
		       errno);
		return;
	}
	printf("%-34s a socket\n", what);
	close(fd);
}

int main(void)
{
	probe("socket(PF_KEY, SOCK_RAW, 2)", PF_KEY, SOCK_RAW, PF_KEY_V2);
	probe("socket(AF_NETLINK, .., XFRM)", AF_NETLINK, SOCK_RAW,
	      NETLINK_XFRM);
	return 0;
}
/* end keyprobe */
