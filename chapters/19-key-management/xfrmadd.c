/*
 * xfrmadd - adds an ESP security association in transport mode through
 * XFRM netlink (NETLINK_XFRM, XFRM_MSG_NEWSA), as ip xfrm state add
 * does, and prints the kernel's acknowledgement.
 * Usage: xfrmadd SRC DST SPI AUTH-ALG AUTH-KEY ENC-ALG ENC-KEY
 *   e.g. xfrmadd 192.0.2.1 192.0.2.2 0x2000 'hmac(sha256)' 0x...
 *                'cbc(aes)' 0x...
 */
#include "lnp.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>

/* include xfrmadd_req */
struct request {
	struct nlmsghdr nh;
	struct xfrm_usersa_info sa;
	char attrs[512];
};

/* Appends attribute TYPE: an xfrm_algo named NAME with the key given
 * in hexadecimal, "0x" first, in TEXT. */
static void add_alg(struct request *req, int type, const char *name,
		    const char *text)
{
	struct rtattr *a;
	struct xfrm_algo *alg;
	size_t n = 0, keylen = (strlen(text) - 2) / 2;

	if (strncmp(text, "0x", 2) != 0 || keylen > 64)
		err_quit("a key is 0x and at most 64 hex pairs");
	a = (void *)((char *)req + NLMSG_ALIGN(req->nh.nlmsg_len));
	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(sizeof(*alg) + keylen);
	alg = RTA_DATA(a);
	memset(alg, 0, sizeof(*alg));
	snprintf(alg->alg_name, sizeof(alg->alg_name), "%s", name);
	alg->alg_key_len = (unsigned)(keylen * 8);       /* in bits */
	for (text += 2; n < keylen; text += 2, n++)
		if (sscanf(text, "%2hhx", (unsigned char *)&alg->alg_key[n])
		    != 1)
			err_quit("bad hex digits in %s", text);
	req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) +
			    RTA_ALIGN(a->rta_len);
}

/* Fills in the SA: its identity (DST, SPI, ESP), SRC, the mode, and
 * lifetimes without limits (0 would be a limit of 0 bytes). */
static void fill_sa(struct xfrm_usersa_info *sa, int family,
		    const void *src, const void *dst, uint32_t spi)
{
	size_t alen = family == AF_INET ? 4 : 16;

	memset(sa, 0, sizeof(*sa));
	memcpy(&sa->id.daddr, dst, alen);
	memcpy(&sa->saddr, src, alen);
	sa->id.spi = htonl(spi);
	sa->id.proto = IPPROTO_ESP;
	sa->family = (uint16_t)family;
	sa->mode = XFRM_MODE_TRANSPORT;
	sa->lft.soft_byte_limit = sa->lft.hard_byte_limit = XFRM_INF;
	sa->lft.soft_packet_limit = sa->lft.hard_packet_limit = XFRM_INF;
}
/* end xfrmadd_req */

/* include xfrmadd */
int main(int argc, char **argv)
{
	static struct request req;
	char buf[4096];
	unsigned char src[16], dst[16];
	int fd, family = AF_INET;
	ssize_t n;
	struct nlmsghdr *nh = (void *)buf;

	if (argc != 8)
		err_quit("usage: xfrmadd SRC DST SPI AUTH-ALG AUTH-KEY "
			 "ENC-ALG ENC-KEY");
	if (inet_pton(AF_INET, argv[1], src) != 1) {
		family = AF_INET6;
		Inet_pton(AF_INET6, argv[1], src);
	}
	Inet_pton(family, argv[2], dst);
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.sa));
	req.nh.nlmsg_type = XFRM_MSG_NEWSA;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.nh.nlmsg_seq = 1;
	fill_sa(&req.sa, family, src, dst,
		(uint32_t)strtoul(argv[3], NULL, 0));
	add_alg(&req, XFRMA_ALG_AUTH, argv[4], argv[5]);
	add_alg(&req, XFRMA_ALG_CRYPT, argv[6], argv[7]);

	fd = Socket(AF_NETLINK, SOCK_RAW, NETLINK_XFRM);
	Send(fd, &req, req.nh.nlmsg_len, 0);
	if ((n = Recv(fd, buf, sizeof(buf), 0)) < (ssize_t)NLMSG_LENGTH(
	    sizeof(struct nlmsgerr)) || nh->nlmsg_type != NLMSG_ERROR)
		err_quit("no acknowledgement from the kernel");
	struct nlmsgerr *e = NLMSG_DATA(nh);
	printf("NLMSG_ERROR %d: %s\n", e->error,
	       e->error == 0 ? "added" : strerror(-e->error));
	return e->error == 0 ? 0 : 1;
}
/* end xfrmadd */
