/*
 * nfqrule.c - the one nftables rule libnftables cannot write here: this
 * kernel has no native nft "queue" expression (CONFIG_NFT_QUEUE is off),
 * but it has nft_compat and the xt NFQUEUE target, which is what
 * iptables-nft uses.  We add that rule by hand through nfnetlink.
 */
#include "hn_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <string.h>
#include <time.h>

static struct nlmsghdr *batch_msg(struct mnl_nlmsg_batch *b, int type,
				  int flags, int family, int res_id,
				  unsigned seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(
		mnl_nlmsg_batch_current(b));
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = (uint8_t)family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons((uint16_t)res_id);
	return nlh;
}

static void put_queue_rule(struct nlmsghdr *nlh, const char *table,
			   const char *chain, int num)
{
	struct xt_NFQ_info_v3 info = {
		.queuenum = (uint16_t)num,
		.queues_total = 1,
		.flags = NFQ_FLAG_BYPASS,
	};
	struct nlattr *exprs, *elem, *data;

	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, chain);
	exprs = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "target");
	data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	mnl_attr_put_strz(nlh, NFTA_TARGET_NAME, "NFQUEUE");
	mnl_attr_put_u32(nlh, NFTA_TARGET_REV, htonl(3));
	mnl_attr_put(nlh, NFTA_TARGET_INFO, sizeof(info), &info);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, elem);
	mnl_attr_nest_end(nlh, exprs);
}

/* Appends the queue rule to CHAIN of TABLE (family FAMILY) in the current
 * namespace. */
static int nfq_rule(int family, const char *table, const char *chain,
		    int num)
{
	static char buf[32768];
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER,
						 SOCK_CLOEXEC);
	struct mnl_nlmsg_batch *b;
	unsigned seq = (unsigned)time(NULL);
	struct nlmsghdr *nlh;
	ssize_t n;
	int rc;

	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return hn_err("cannot open nfnetlink: %s", strerror(errno));
	b = mnl_nlmsg_batch_start(buf, sizeof(buf));
	batch_msg(b, NFNL_MSG_BATCH_BEGIN, 0, AF_UNSPEC,
		  NFNL_SUBSYS_NFTABLES, seq);
	mnl_nlmsg_batch_next(b);
	nlh = batch_msg(b, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE,
			NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, family, 0,
			seq + 1);
	put_queue_rule(nlh, table, chain, num);
	mnl_nlmsg_batch_next(b);
	batch_msg(b, NFNL_MSG_BATCH_END, 0, AF_UNSPEC, NFNL_SUBSYS_NFTABLES,
		  seq + 2);
	mnl_nlmsg_batch_next(b);
	rc = (int)mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b),
				    mnl_nlmsg_batch_size(b));
	mnl_nlmsg_batch_stop(b);
	n = rc < 0 ? -1 : mnl_socket_recvfrom(nl, buf, sizeof(buf));
	rc = n < 0 ? -1 : mnl_cb_run(buf, (size_t)n, 0,
				     mnl_socket_get_portid(nl), NULL, NULL);
	mnl_socket_close(nl);
	if (rc < 0)
		return hn_err("the kernel refused the NFQUEUE rule (%s): it "
			      "needs CONFIG_NETFILTER_XT_TARGET_NFQUEUE and "
			      "CONFIG_NFT_COMPAT", strerror(errno));
	return 0;
}

int hn_nfq_rule(const char *table, const char *chain, int num)
{
	if (nfq_rule(NFPROTO_IPV4, table, chain, num) < 0 ||
	    nfq_rule(NFPROTO_IPV6, table, chain, num) < 0)
		return -1;
	return 0;
}

