/*
 * ch19test.h - what chapter 19's suite and lab 19's tests share: a host
 * whose SA database they fill, `ip xfrm state` run there and read SA by
 * SA, and pfkey's one-line SAs read into the same fields to compare.
 *
 * Every suite that includes it runs in the VM where this kernel has no
 * PF_KEY (ch19_main: hn_require("pf_key"), with iproute2's ip shipped).
 * XFRM state belongs to a network namespace: the tests use the suite's
 * own (the sandbox's), and each starts by emptying it.
 */
#ifndef CH19TEST_H
#define CH19TEST_H

#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/ipsec.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>

#define CH19 "19-key-management"
#define RUN_MS 8000             /* one program in the (emulated) VM */

/* One SA, as pfkey prints it and as ip xfrm state shows it. */
struct t_sa {
	char spi[16], src[48], dst[48], mode[16];
	char aalg[24], akey[160], ealg[24], ekey[160];
	char sel_src[56], sel_dst[56];   /* ip only */
};

/* The SAs the tests add: IPv4 with SHA-256 and AES-128; IPv6 with SHA-1
 * (a 20-byte key, so its extension needs padding) and AES-256. */
#define KEY_SHA256 "0x000102030405060708090a0b0c0d0e0f" \
		   "101112131415161718191a1b1c1d1e1f"
#define KEY_AES128 "0xa0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
#define KEY_SHA1 "0x4142434445464748494a4b4c4d4e4f5051525354"
#define KEY_AES256 "0xb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" \
		   "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"

/* The SA database the test fills: the sandbox's own network namespace
 * ("local" in messages; NULL for hn_run), emptied first with one
 * XFRM_MSG_FLUSHSA, as `ip xfrm state flush` does.  A harness host of
 * its own would cost each test a namespace and a set of sysctls, which
 * the emulated VM makes slow. */
static inline hn_net *ch19_host(void)
{
	struct {
		struct nlmsghdr nh;
		struct xfrm_usersa_flush f;
	} req = { .nh = { .nlmsg_len = sizeof(req),
			  .nlmsg_type = XFRM_MSG_FLUSHSA,
			  .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK },
		  .f = { .proto = IPSEC_PROTO_ANY } };
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr e;
	} ack;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_XFRM);

	TK_EXPECT(fd >= 0 && send(fd, &req, sizeof(req), 0) > 0 &&
		  recv(fd, &ack, sizeof(ack), 0) > 0 &&
		  ack.nh.nlmsg_type == NLMSG_ERROR && ack.e.error == 0,
		  "the test could not empty the SA database: %s",
		  strerror(errno));
	close(fd);
	return NULL;
}

/* A program run in host a to its end; fails the test if it does not
 * end in RUN_MS, naming SECTION. */
static inline hn_proc *ch19_vrun(hn_net *net, const char *section,
				 const char *prog, va_list ap)
{
	hn_proc *p = hn_vrun(net, "a", prog, ap);

	TK_EXPECT(hn_exited_within(p, RUN_MS) != -1, "%s did not end "
		  "within %d s%s (it waits for an answer that never "
		  "comes?); it printed \"%s\" and said \"%s\": see %s", prog,
		  RUN_MS / 1000, hn_idle_note(), tk_shown(hn_stdout(p)),
		  tk_shown(hn_stderr(p)), section);
	return p;
}

static inline hn_proc *ch19_run(hn_net *net, const char *section,
				const char *prog, ...)
	__attribute__((sentinel));
static inline hn_proc *ch19_run(hn_net *net, const char *section,
				const char *prog, ...)
{
	va_list ap;
	hn_proc *p;

	va_start(ap, prog);
	p = ch19_vrun(net, section, prog, ap);
	va_end(ap);
	return p;
}

/* Appends to the request at NH an XFRM attribute TYPE: an xfrm_algo
 * named NAME with the key given in hexadecimal ("0x...") in HEX. */
static inline void xfrm_alg_attr(struct nlmsghdr *nh, int type,
				 const char *name, const char *hex)
{
	struct nlattr *a = (void *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));
	struct xfrm_algo *alg = (void *)(a + 1);
	size_t n = (strlen(hex) - 2) / 2;

	memset(alg, 0, sizeof(*alg));
	snprintf(alg->alg_name, sizeof(alg->alg_name), "%s", name);
	alg->alg_key_len = (unsigned)(n * 8);
	for (size_t i = 0; i < n; i++)
		sscanf(hex + 2 + 2 * i, "%2hhx",
		       (unsigned char *)&alg->alg_key[i]);
	a->nla_type = (unsigned short)type;
	a->nla_len = (unsigned short)(sizeof(*a) + sizeof(*alg) + n);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Adds an ESP SA in transport mode to the test's SA database the way
 * `ip xfrm state add` does (XFRM_MSG_NEWSA, section 19.8), from the
 * test itself: in the emulated VM every program started costs time. */
static inline void ip_add_sa(hn_net *net, const char *src, const char *dst,
			     const char *spi, const char *aalg,
			     const char *akey, const char *ealg,
			     const char *ekey)
{
	struct {
		struct nlmsghdr nh;
		struct xfrm_usersa_info sa;
		char attrs[512];
	} req = { .nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(req.sa)),
			  .nlmsg_type = XFRM_MSG_NEWSA,
			  .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK } };
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr e;
	} ack;
	int fam = strchr(src, ':') != NULL ? AF_INET6 : AF_INET, fd;

	(void)net;
	TK_EXPECT(inet_pton(fam, src, &req.sa.saddr) == 1 &&
		  inet_pton(fam, dst, &req.sa.id.daddr) == 1,
		  "the test's SA has bad addresses %s, %s", src, dst);
	req.sa.id.spi = htonl((uint32_t)strtoul(spi, NULL, 0));
	req.sa.id.proto = IPPROTO_ESP;
	req.sa.family = (uint16_t)fam;
	req.sa.mode = XFRM_MODE_TRANSPORT;
	req.sa.lft.soft_byte_limit = req.sa.lft.hard_byte_limit = XFRM_INF;
	req.sa.lft.soft_packet_limit = XFRM_INF;
	req.sa.lft.hard_packet_limit = XFRM_INF;
	xfrm_alg_attr(&req.nh, XFRMA_ALG_AUTH, aalg, akey);
	xfrm_alg_attr(&req.nh, XFRMA_ALG_CRYPT, ealg, ekey);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_XFRM);
	TK_EXPECT(fd >= 0 && send(fd, &req, req.nh.nlmsg_len, 0) > 0 &&
		  recv(fd, &ack, sizeof(ack), 0) > 0 &&
		  ack.nh.nlmsg_type == NLMSG_ERROR && ack.e.error == 0,
		  "the test could not add the SA %s > %s spi %s: %s", src,
		  dst, spi, strerror(ack.nh.nlmsg_type == NLMSG_ERROR ?
				     -ack.e.error : errno));
	close(fd);
}

static inline void copy_word(char *to, size_t size, const char *w)
{
	size_t i = 0;

	for (; w != NULL && w[i] != '\0' && i + 1 < size; i++)
		to[i] = w[i];
	to[i] = '\0';
}

/* Reads one SA line of pfkey ("[added|deleted] esp spi 0x.. src .. dst
 * .. [mode ..] [auth ALG 0xKEY] [enc ALG 0xKEY]") into SA. */
static inline bool read_pfkey_sa(const char *line, struct t_sa *sa)
{
	char buf[1024], *w[32];
	int n = 0;

	memset(sa, 0, sizeof(*sa));
	copy_word(buf, sizeof(buf), line);
	for (char *t = strtok(buf, " \n"); t != NULL && n < 32;
	     t = strtok(NULL, " \n"))
		w[n++] = t;
	int i = n > 0 && (strcmp(w[0], "added") == 0 ||
			  strcmp(w[0], "deleted") == 0) ? 1 : 0;
	if (i >= n || strcmp(w[i], "esp") != 0)
		return false;
	for (i++; i + 1 < n; i += 2) {
		if (strcmp(w[i], "spi") == 0)
			copy_word(sa->spi, sizeof(sa->spi), w[i + 1]);
		else if (strcmp(w[i], "src") == 0)
			copy_word(sa->src, sizeof(sa->src), w[i + 1]);
		else if (strcmp(w[i], "dst") == 0)
			copy_word(sa->dst, sizeof(sa->dst), w[i + 1]);
		else if (strcmp(w[i], "mode") == 0)
			copy_word(sa->mode, sizeof(sa->mode), w[i + 1]);
		else if (strcmp(w[i], "auth") == 0 && i + 2 < n) {
			copy_word(sa->aalg, sizeof(sa->aalg), w[i + 1]);
			copy_word(sa->akey, sizeof(sa->akey), w[++i + 1]);
		} else if (strcmp(w[i], "enc") == 0 && i + 2 < n) {
			copy_word(sa->ealg, sizeof(sa->ealg), w[i + 1]);
			copy_word(sa->ekey, sizeof(sa->ekey), w[++i + 1]);
		} else
			return false;
	}
	return i == n && sa->spi[0] != '\0' && sa->src[0] != '\0' &&
	       sa->dst[0] != '\0';
}

/* Reads the SAs of `ip xfrm state` (OUT) into SAS: each starts with a
 * line "src A dst B"; the lines after it are indented.  Returns how
 * many (at most MAX). */
static inline int read_ip_states(const char *out, struct t_sa *sas,
				 int max)
{
	char buf[256];
	int n = 0;

	for (const char *l = out; *l != '\0' && n <= max;) {
		size_t len = strcspn(l, "\n");
		char w[6][160] = { "" };
		struct t_sa *sa = n > 0 ? &sas[n - 1] : NULL;

		snprintf(buf, sizeof(buf), "%.*s", (int)len, l);
		l += len + (l[len] == '\n');
		sscanf(buf, "%159s %159s %159s %159s %159s %159s", w[0],
		       w[1], w[2], w[3], w[4], w[5]);
		if (buf[0] == 's' && strcmp(w[0], "src") == 0) {
			if (n == max)
				break;
			sa = &sas[n++];
			memset(sa, 0, sizeof(*sa));
			copy_word(sa->src, sizeof(sa->src), w[1]);
			copy_word(sa->dst, sizeof(sa->dst), w[3]);
		} else if (sa == NULL) {
			continue;
		} else if (strcmp(w[0], "proto") == 0) {
			copy_word(sa->spi, sizeof(sa->spi), w[3]);
			char *m = strstr(buf, " mode ");
			if (m != NULL)
				sscanf(m + 6, "%15s", sa->mode);
		} else if (strncmp(w[0], "auth", 4) == 0) {
			copy_word(sa->aalg, sizeof(sa->aalg), w[1]);
			copy_word(sa->akey, sizeof(sa->akey), w[2]);
		} else if (strcmp(w[0], "enc") == 0) {
			copy_word(sa->ealg, sizeof(sa->ealg), w[1]);
			copy_word(sa->ekey, sizeof(sa->ekey), w[2]);
		} else if (strcmp(w[0], "sel") == 0) {
			copy_word(sa->sel_src, sizeof(sa->sel_src), w[2]);
			copy_word(sa->sel_dst, sizeof(sa->sel_dst), w[4]);
		}
	}
	return n;
}

/* `ip xfrm state` in host a, read into SAS; *TEXT (if not NULL) gets
 * what ip printed (valid until the test ends).  Returns how many. */
static inline int ip_states(hn_net *net, struct t_sa *sas, int max,
			    const char **text)
{
	hn_proc *p = ch19_run(net, "19.8 XFRM netlink", "ip", "xfrm",
			      "state", NULL);

	TK_EXPECT(hn_wait_exit(p, 0) == 0, "the test's ip xfrm state "
		  "failed: %s", tk_shown(hn_stderr(p)));
	if (text != NULL)
		*text = hn_stdout(p);
	return read_ip_states(hn_stdout(p), sas, max);
}

/* An SA as one line, for messages. */
static inline const char *sa_text(const struct t_sa *s)
{
	char *t;

	if (asprintf(&t, "spi %s src %s dst %s mode %s auth %s %s enc %s %s",
		     s->spi, s->src, s->dst, s->mode[0] ? s->mode : "?",
		     s->aalg, s->akey, s->ealg, s->ekey) < 0)
		abort();
	return t;   /* a few bytes a failure message: not freed */
}

/* The first field in which A and B differ ("" if none). */
static inline const char *sa_differs(const struct t_sa *a,
				     const struct t_sa *b)
{
	return strcmp(a->spi, b->spi) != 0 ? "SPI" :
	       strcmp(a->src, b->src) != 0 ? "source address" :
	       strcmp(a->dst, b->dst) != 0 ? "destination address" :
	       strcmp(a->mode, b->mode) != 0 ? "mode" :
	       strcmp(a->aalg, b->aalg) != 0 ? "authentication algorithm" :
	       strcmp(a->akey, b->akey) != 0 ? "authentication key" :
	       strcmp(a->ealg, b->ealg) != 0 ? "encryption algorithm" :
	       strcmp(a->ekey, b->ekey) != 0 ? "encryption key" : "";
}

/* The start of main() for every chapter 19 suite: the VM, with ip. */
static inline void ch19_main(void)
{
	hn_init();
	hn_vm_ship("ip");
	hn_require("pf_key");
}

#endif
