/*
 * fault.c - faults made of nftables rules: loss, "drop the Nth", the far
 * kind of link down, partitions, crashes, ICMP unreachable; and the local
 * kind of link down, reboot, shutdown and MTU through netlink.
 *
 * Packets lost on a link are dropped at the egress hook of the sending
 * device (netdev family), before any capture on that device sees them:
 * the packet left the sender's stack and never reached the other end.
 */
#include "hn_int.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <math.h>
#include <nftables/libnftables.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- running nft ----------------------------------------------------- */

static int run_nft(const char *where, const char *cmds)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	const char *msg;
	int rc;

	if (ctx == NULL)
		return hn_err("cannot start libnftables in %s", where);
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	rc = nft_run_cmd_from_buffer(ctx, cmds);
	if (rc != 0) {
		msg = nft_ctx_get_error_buffer(ctx);
		hn_err("nftables refused the rules in %s: %.*s", where,
		       (int)strcspn(msg, "\n"), msg);
	}
	nft_ctx_free(ctx);
	return rc == 0 ? 0 : -1;
}

int hn_nft_in(hn_net *net, int h, int nsfd, const char *fmt, ...)
{
	char *cmds, where[64];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	if (vasprintf(&cmds, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (h >= 0)
		nsfd = net->t.hosts[h].nsfd;
	snprintf(where, sizeof(where), "%s%s", h >= 0 ? "host " : "",
		 h >= 0 ? net->t.hosts[h].name : "the LAN fabric");
	rc = hn_ns_enter(nsfd);
	if (rc == 0) {
		rc = run_nft(where, cmds);
		hn_ns_leave();
	}
	free(cmds);
	return rc;
}

int hn_nft(hn_net *net, const char *host, const char *ruleset)
{
	int h = net == NULL ? -1 : hn_host_find(&net->t, host);

	if (h < 0)
		return hn_check(hn_no_host(net, host));
	return hn_check(hn_nft_in(net, h, -1, "%s", ruleset));
}

/* ---- which device sends in a direction --------------------------------- */

struct wire {
	int host;                   /* -1: the LAN fabric */
	int nsfd;
	char dev[IFNAMSIZ];
};

static int member_index(const struct hn_link *l, int h)
{
	int i;

	for (i = 0; i < l->nmembers; i++)
		if (l->members[i] == h)
			return i;
	return -1;
}

/* The device that sends packets in direction D (HN_OUT or HN_IN) on
 * host H's interface IFP. */
static struct wire sender(hn_net *net, int h, const struct hn_if *ifp,
			  int d)
{
	const struct hn_link *l = &net->t.links[ifp->link];
	struct wire w = { .host = h, .nsfd = net->t.hosts[h].nsfd };
	int m;

	snprintf(w.dev, sizeof(w.dev), "%s", ifp->name);
	if (d == HN_OUT)
		return w;
	m = member_index(l, h);
	if (l->lan) {
		w.host = -1;
		w.nsfd = net->fabric_nsfd;
		hn_port_name(w.dev, ifp->link, m);
		return w;
	}
	w.host = l->members[1 - m];
	w.nsfd = net->t.hosts[w.host].nsfd;
	snprintf(w.dev, sizeof(w.dev), "%s",
		 net->t.hosts[w.host].ifs[l->ifidx[1 - m]].name);
	return w;
}

static int wire_nft(hn_net *net, const struct wire *w, const char *cmds)
{
	return hn_nft_in(net, w->host, w->nsfd, "%s", cmds);
}

/* Replaces netdev table NAME_DEV with an egress chain holding RULE
 * (RULE NULL: just removes it). */
static int egress_table(hn_net *net, const struct wire *w, const char *name,
			const char *rule)
{
	char cmds[8192];
	int n;

	n = snprintf(cmds, sizeof(cmds),
		     "add table netdev %s_%s\ndelete table netdev %s_%s\n",
		     name, w->dev, name, w->dev);
	if (rule != NULL)
		n += snprintf(cmds + n, sizeof(cmds) - (size_t)n,
			      "add table netdev %s_%s\n"
			      "add chain netdev %s_%s c { type filter hook "
			      "egress device \"%s\" priority 0; }\n"
			      "add rule netdev %s_%s c %s\n", name, w->dev,
			      name, w->dev, w->dev, name, w->dev, rule);
	if ((size_t)n >= sizeof(cmds))
		return hn_err("rule too long: %s", rule);
	return wire_nft(net, w, cmds);
}

/* ---- loss --------------------------------------------------------------- */

static unsigned next_random(unsigned *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* "numgen inc mod 100 { 3, 17, ... } drop": COUNT of every MOD packets,
 * picked by a seeded shuffle. */
static char *loss_rule(int count, int mod, unsigned seed)
{
	int order[1000], i;
	unsigned s = seed * 2654435761u + 1;
	char *rule;
	size_t len;
	FILE *f = open_memstream(&rule, &len);

	for (i = 0; i < mod; i++)
		order[i] = i;
	for (i = mod - 1; i > 0; i--) {
		int j = (int)(next_random(&s) % (unsigned)(i + 1));
		int t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	fprintf(f, "meta protocol { ip, ip6 } numgen inc mod %d { ", mod);
	for (i = 0; i < count; i++)
		fprintf(f, "%s%d", i ? ", " : "", order[i]);
	fprintf(f, " } drop");
	fclose(f);
	return rule;
}

static int each_dir(hn_net *net, const char *host, const char *peer,
		    int dir, int (*fn)(hn_net *, const struct wire *, void *),
		    void *arg)
{
	struct hn_if *ifp;
	struct wire w;
	int h;

	if (hn_end_find(net, host, peer, &h, &ifp) < 0)
		return -1;
	if (dir < HN_OUT || dir > HN_BOTH)
		return hn_err("bad direction %d (HN_OUT, HN_IN or HN_BOTH)",
			      dir);
	if (dir & HN_OUT) {
		w = sender(net, h, ifp, HN_OUT);
		if (fn(net, &w, arg) < 0)
			return -1;
	}
	if (dir & HN_IN) {
		w = sender(net, h, ifp, HN_IN);
		if (fn(net, &w, arg) < 0)
			return -1;
	}
	return 0;
}

static int set_loss(hn_net *net, const struct wire *w, void *arg)
{
	return egress_table(net, w, "hnloss", arg);
}

int hn_loss(hn_net *net, const char *host, const char *peer, int dir,
	    double percent, unsigned seed)
{
	bool whole = fabs(percent - round(percent)) < 1e-9;
	int mod = whole ? 100 : 1000;
	int count = (int)lround(percent * mod / 100.0);
	char *rule;
	int rc;

	if (percent < 0 || percent > 100)
		return hn_check(hn_err("loss of %g%% is not a percentage",
				       percent));
	rule = count > 0 ? loss_rule(count, mod, seed) : NULL;
	rc = each_dir(net, host, peer, dir, set_loss, rule);
	free(rule);
	return hn_check(rc);
}

/* ---- drop the Nth ------------------------------------------------------- */

static int add_drop(hn_net *net, const struct wire *w, void *arg)
{
	char cmds[2048];

	snprintf(cmds, sizeof(cmds),
		 "add table netdev hndrop_%s\n"
		 "add chain netdev hndrop_%s c { type filter hook egress "
		 "device \"%s\" priority -1; }\n"
		 "add rule netdev hndrop_%s c %s\n", w->dev, w->dev, w->dev,
		 w->dev, (const char *)arg);
	return wire_nft(net, w, cmds);
}

int hn_drop_nth(hn_net *net, const char *host, const char *peer, int dir,
		unsigned n, const char *match)
{
	char rule[1024];

	if (n < 1)
		return hn_check(hn_err("hn_drop_nth: packets count from 1"));
	/* numgen counts only the packets that got past MATCH */
	snprintf(rule, sizeof(rule), "meta protocol { ip, ip6 } %s numgen "
		 "inc mod 2000000000 %u drop", match != NULL ? match : "",
		 n - 1);
	return hn_check(each_dir(net, host, peer, dir, add_drop, rule));
}

/* ---- clearing a link ---------------------------------------------------- */

static int clear_wire(hn_net *net, const struct wire *w, void *arg)
{
	char cmds[1024];

	(void)arg;
	snprintf(cmds, sizeof(cmds),
		 "add table netdev hnloss_%s\ndelete table netdev hnloss_%s\n"
		 "add table netdev hndrop_%s\ndelete table netdev hndrop_%s\n"
		 "add table ip hnimp_%s_o\ndelete table ip hnimp_%s_o\n"
		 "add table ip6 hnimp_%s_o\ndelete table ip6 hnimp_%s_o\n"
		 "add table ip hnimp_%s_i\ndelete table ip hnimp_%s_i\n"
		 "add table ip6 hnimp_%s_i\ndelete table ip6 hnimp_%s_i\n",
		 w->dev, w->dev, w->dev, w->dev, w->dev, w->dev, w->dev,
		 w->dev, w->dev, w->dev, w->dev, w->dev);
	return wire_nft(net, w, cmds);
}

int hn_clear(hn_net *net, const char *host, const char *peer)
{
	struct hn_if *ifp;
	int h;

	if (hn_end_find(net, host, peer, &h, &ifp) < 0)
		return hn_check(-1);
	hn_impairers_stop(net, ifp->link, -1, true);
	return hn_check(each_dir(net, host, peer, HN_BOTH, clear_wire, NULL));
}

/* ---- partitions --------------------------------------------------------- */

/* Appends "{ addr, addr }" of every host named in SIDE, one family. */
static int side_addrs(hn_net *net, const char *side, int fam, FILE *out)
{
	char *copy = strdup(side), *name, *save = NULL;
	int n = 0, h, i;

	for (name = strtok_r(copy, " ,", &save); name != NULL;
	     name = strtok_r(NULL, " ,", &save)) {
		h = hn_host_find(&net->t, name);
		if (h < 0) {
			free(copy);
			return hn_err("partition: no host \"%s\"", name);
		}
		for (i = 0; i < net->t.hosts[h].nifs; i++) {
			const char *a = net->t.hosts[h].ifs[i].text[fam];

			if (*a)
				fprintf(out, "%s%s", n++ ? ", " : "{ ", a);
		}
	}
	free(copy);
	if (n > 0)
		fprintf(out, " }");
	return n;
}

/* Rules for HOST that drop what it sends to the hosts of OTHER, at the
 * egress of each of its interfaces: at once (a packet sent during the
 * partition is gone when send() returns) and silently (an egress drop
 * is not reported to the sender, as a drop on the way out of the stack
 * would be, with EPERM). */
static int partition_host(hn_net *net, int h, const char *other)
{
	const struct hn_host *host = &net->t.hosts[h];
	char *cmds, *set[2];
	size_t len, slen;
	FILE *f = open_memstream(&cmds, &len);
	int fam, i, n[2], rc = 0;

	for (fam = 0; fam < 2; fam++) {
		FILE *s = open_memstream(&set[fam], &slen);

		n[fam] = side_addrs(net, other, fam, s);
		fclose(s);
		rc = n[fam] < 0 ? -1 : rc;
	}
	for (i = 0; i < host->nifs; i++) {
		const char *dev = host->ifs[i].name;

		fprintf(f, "add table netdev hnpart_%s\n"
			"add chain netdev hnpart_%s c { type filter hook "
			"egress device \"%s\" priority -50; }\n", dev, dev,
			dev);
		for (fam = 0; fam < 2; fam++)
			if (n[fam] > 0)
				fprintf(f, "add rule netdev hnpart_%s c %s "
					"daddr %s drop\n", dev,
					fam ? "ip6" : "ip", set[fam]);
	}
	fclose(f);
	if (rc == 0)
		rc = hn_nft_in(net, h, -1, "%s", cmds);
	free(set[0]);
	free(set[1]);
	free(cmds);
	return rc;
}

static int partition_side(hn_net *net, const char *side, const char *other)
{
	char *copy = strdup(side), *name, *save = NULL;
	int rc = 0, h;

	for (name = strtok_r(copy, " ,", &save); name != NULL && rc == 0;
	     name = strtok_r(NULL, " ,", &save)) {
		h = hn_host_find(&net->t, name);
		rc = h < 0 ? hn_err("partition: no host \"%s\"", name)
			   : partition_host(net, h, other);
	}
	free(copy);
	return rc;
}

int hn_partition(hn_net *net, const char *side_a, const char *side_b)
{
	if (net == NULL)
		return hn_check(hn_err("hn_partition: no network"));
	if (partition_side(net, side_a, side_b) < 0 ||
	    partition_side(net, side_b, side_a) < 0)
		return hn_check(-1);
	return 0;
}

static int heal_host(hn_net *net, int h)
{
	const struct hn_host *host = &net->t.hosts[h];
	char *cmds;
	size_t len;
	FILE *f = open_memstream(&cmds, &len);
	int i, rc;

	for (i = 0; i < host->nifs; i++)
		fprintf(f, "add table netdev hnpart_%s\n"
			"delete table netdev hnpart_%s\n", host->ifs[i].name,
			host->ifs[i].name);
	fclose(f);
	rc = hn_nft_in(net, h, -1, "%s", cmds);
	free(cmds);
	return rc;
}

int hn_heal(hn_net *net)
{
	int h;

	for (h = 0; h < net->t.nhosts; h++)
		if (!net->t.hosts[h].crashed && heal_host(net, h) < 0)
			return hn_check(-1);
	return 0;
}

/* ---- link down and up --------------------------------------------------- */

static int set_if_up(hn_net *net, int h, struct hn_if *ifp, bool up)
{
	struct mnl_socket *nl;
	int rc;

	if (hn_ns_enter(net->t.hosts[h].nsfd) < 0)
		return -1;
	nl = hn_nl_open();
	rc = nl == NULL ? -1 : hn_nl_link_set(nl, ifp->name, up, -1, 0, -1);
	ifp->local_down = !up;
	if (rc == 0 && up)
		rc = hn_host_routes(net, h, nl);   /* down removed them */
	hn_nl_close(nl);
	hn_ns_leave();
	if (rc == 0 && up)
		rc = hn_link_wait_up(net, ifp->link);
	return rc;
}

int hn_link_down(hn_net *net, const char *host, const char *peer, int kind)
{
	struct hn_if *ifp;
	int h;

	if (hn_end_find(net, host, peer, &h, &ifp) < 0)
		return hn_check(-1);
	if (kind == HN_LOCAL)
		return hn_check(set_if_up(net, h, ifp, false));
	if (kind != HN_FAR)
		return hn_check(hn_err("link down: kind %d is neither "
				       "HN_LOCAL nor HN_FAR", kind));
	return hn_check(hn_nft_in(net, h, -1,
		"add table netdev hnfar_%s\n"
		"add chain netdev hnfar_%s in { type filter hook ingress "
		"device \"%s\" priority -500; policy drop; }\n"
		"add chain netdev hnfar_%s out { type filter hook egress "
		"device \"%s\" priority -500; policy drop; }\n",
		ifp->name, ifp->name, ifp->name, ifp->name, ifp->name));
}

int hn_link_up(hn_net *net, const char *host, const char *peer)
{
	struct hn_if *ifp;
	int h;

	if (hn_end_find(net, host, peer, &h, &ifp) < 0)
		return hn_check(-1);
	if (ifp->local_down && set_if_up(net, h, ifp, true) < 0)
		return hn_check(-1);
	return hn_check(hn_nft_in(net, h, -1, "add table netdev hnfar_%s\n"
				  "delete table netdev hnfar_%s\n", ifp->name,
				  ifp->name));
}

/* ---- crash, reboot, shutdown -------------------------------------------- */

static int host_index(hn_net *net, const char *host)
{
	int h = net == NULL ? -1 : hn_host_find(&net->t, host);

	if (h < 0)
		hn_no_host(net, host);
	return h;
}

static int crash(hn_net *net, int h)
{
	/* silence first, so nothing the dying processes' sockets send
	 * (FIN, RST) reaches the wire; neighbour discovery still answers */
	if (hn_nft_in(net, h, -1,
		"add table inet hncrash\n"
		"add chain inet hncrash in { type filter hook prerouting "
		"priority -500; policy drop; }\n"
		"add chain inet hncrash out { type filter hook output "
		"priority -500; policy drop; }\n"
		"add chain inet hncrash post { type filter hook postrouting "
		"priority -500; policy drop; }\n"
		"add rule inet hncrash in icmpv6 type { nd-neighbor-solicit, "
		"nd-neighbor-advert } accept\n"
		"add rule inet hncrash out icmpv6 type { nd-neighbor-solicit, "
		"nd-neighbor-advert } accept\n"
		"add rule inet hncrash post icmpv6 type { nd-neighbor-solicit, "
		"nd-neighbor-advert } accept\n") < 0)
		return -1;
	hn_impairers_stop(net, -1, h, false);
	hn_host_kill_all(net, h, SIGKILL);
	net->t.hosts[h].crashed = true;
	return 0;
}

int hn_crash(hn_net *net, const char *host)
{
	int h = host_index(net, host);

	if (h < 0)
		return hn_check(-1);
	if (net->t.hosts[h].crashed)
		return 0;
	return hn_check(crash(net, h));
}

int hn_reboot(hn_net *net, const char *host)
{
	int h = host_index(net, host);

	if (h < 0 || (!net->t.hosts[h].crashed && crash(net, h) < 0))
		return hn_check(-1);
	if (hn_host_configure(net, h) < 0)
		return hn_check(-1);
	net->t.hosts[h].crashed = false;
	hn_caps_reopen(net, h);
	return 0;
}

int hn_shutdown(hn_net *net, const char *host, int grace_ms)
{
	pid_t pids[256];
	long deadline = hn_now_ms() + grace_ms;
	int h = host_index(net, host), n, i;

	if (h < 0)
		return hn_check(-1);
	n = hn_pids_in_ns(net->t.hosts[h].nsfd, pids, 256);
	for (i = 0; i < n; i++)
		kill(pids[i], SIGTERM);
	for (i = 0; i < n; i++) {
		long left = deadline - hn_now_ms();

		hn_wait_pid_gone(pids[i], left > 0 ? (int)left : 0);
	}
	hn_host_kill_all(net, h, SIGKILL);
	return 0;
}

/* ---- ICMP unreachable --------------------------------------------------- */

static const char *reject_with(int kind, int fam)
{
	static const char *v4[] = { "", "net-unreachable", "host-unreachable",
				    "port-unreachable" };
	static const char *v6[] = { "", "no-route", "addr-unreachable",
				    "port-unreachable" };

	return fam ? v6[kind] : v4[kind];
}

int hn_unreachable(hn_net *net, const char *at, const char *dst, int kind,
		   int proto, int port)
{
	int a = host_index(net, at), d = a < 0 ? -1 : host_index(net, dst);
	char narrow[64] = "", *set, *cmds;
	size_t slen, clen;
	FILE *c;
	int fam;

	if (a < 0 || d < 0)
		return hn_check(-1);
	if (kind < HN_UNREACH_NET || kind > HN_UNREACH_PORT)
		return hn_check(hn_err("unreachable: bad kind %d", kind));
	if (proto != 0 || port != 0)
		snprintf(narrow, sizeof(narrow), "meta l4proto %s",
			 proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ?
			 "udp" : "{ tcp, udp }");
	if (port != 0)
		snprintf(narrow + strlen(narrow), sizeof(narrow) -
			 strlen(narrow), " th dport %d", port);
	c = open_memstream(&cmds, &clen);
	fprintf(c, "add table inet hnunreach\nadd chain inet hnunreach c { "
		"type filter hook %s priority -10; }\n",
		a == d ? "input" : "forward");
	for (fam = 0; fam < 2; fam++) {
		FILE *s = open_memstream(&set, &slen);
		int n = side_addrs(net, dst, fam, s);

		fclose(s);
		if (n > 0)
			fprintf(c, "add rule inet hnunreach c %s daddr %s %s "
				"reject with %s type %s\n", fam ? "ip6" : "ip",
				set, narrow, fam ? "icmpv6" : "icmp",
				reject_with(kind, fam));
		free(set);
	}
	fclose(c);
	fam = hn_nft_in(net, a, -1, "%s", cmds);
	free(cmds);
	return hn_check(fam);
}

int hn_reachable(hn_net *net, const char *at)
{
	int a = host_index(net, at);

	if (a < 0)
		return hn_check(-1);
	return hn_check(hn_nft_in(net, a, -1, "add table inet hnunreach\n"
				  "delete table inet hnunreach\n"));
}

/* ---- MTU ---------------------------------------------------------------- */

static int mtu_in(int nsfd, const char *dev, int mtu)
{
	struct mnl_socket *nl;
	int rc;

	if (hn_ns_enter(nsfd) < 0)
		return -1;
	nl = hn_nl_open();
	rc = nl == NULL ? -1 : hn_nl_link_set(nl, dev, -1, -1, mtu, -1);
	hn_nl_close(nl);
	hn_ns_leave();
	return rc;
}

int hn_mtu(hn_net *net, const char *host, const char *peer, int mtu)
{
	struct hn_if *ifp;
	struct hn_link *l;
	char dev[IFNAMSIZ];
	int h, i;

	if (hn_end_find(net, host, peer, &h, &ifp) < 0)
		return hn_check(-1);
	if (mtu < 68 || mtu > 65535)
		return hn_check(hn_err("MTU %d is out of range (68..65535)",
				       mtu));
	l = &net->t.links[ifp->link];
	for (i = 0; i < l->nmembers; i++) {
		struct hn_host *m = &net->t.hosts[l->members[i]];

		if (mtu_in(m->nsfd, m->ifs[l->ifidx[i]].name, mtu) < 0)
			return hn_check(-1);
		hn_port_name(dev, ifp->link, i);
		if (l->lan && mtu_in(net->fabric_nsfd, dev, mtu) < 0)
			return hn_check(-1);
	}
	l->mtu = mtu;
	return 0;
}
