/*
 * topo.c - the topology language: parsing, checking, addresses, routes.
 *
 * Nothing here touches the kernel: a spec is parsed and checked in full
 * before anything is built, so a typo costs nothing to clean up.
 */
#include "hn_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 40

struct parser {
	struct hn_topo *t;
	int line;
	char *w[MAX_WORDS];
	int nw;
};

static int perr(struct parser *p, const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	return hn_err("topology line %d: %s", p->line, msg);
}

/* ---- prefixes ----------------------------------------------------------- */

int hn_prefix_parse(const char *text, struct hn_prefix *p)
{
	char addr[64], *slash, *end;
	long len;

	memset(p, 0, sizeof(*p));
	if (strlen(text) >= sizeof(addr))
		return -1;
	strcpy(addr, text);
	slash = strchr(addr, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0';
	p->family = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(p->family, addr, &p->a) != 1)
		return -1;
	len = strtol(slash + 1, &end, 10);
	if (*end != '\0' || slash[1] == '\0' || len < 1 ||
	    len > (p->family == AF_INET ? 30 : 126))
		return -1;
	p->len = (int)len;
	return 0;
}

static int prefix_bytes(const struct hn_prefix *p)
{
	return p->family == AF_INET ? 4 : 16;
}

/* Clears the host bits of a copy of P, keeping LEN bits. */
static struct hn_prefix masked(const struct hn_prefix *p, int len)
{
	struct hn_prefix m = *p;
	int i, nbytes = prefix_bytes(p);

	for (i = 0; i < nbytes; i++) {
		int keep = len - 8 * i;

		if (keep <= 0)
			m.a.bytes[i] = 0;
		else if (keep < 8)
			m.a.bytes[i] &= (unsigned char)(0xff << (8 - keep));
	}
	return m;
}

static bool prefixes_overlap(const struct hn_prefix *a,
			     const struct hn_prefix *b)
{
	int len = a->len < b->len ? a->len : b->len;
	struct hn_prefix ma = masked(a, len), mb = masked(b, len);

	return a->family == b->family &&
	       memcmp(ma.a.bytes, mb.a.bytes, 16) == 0;
}

struct hn_prefix hn_prefix_nth(const struct hn_prefix *net, int nth)
{
	struct hn_prefix p = masked(net, net->len);
	int i = prefix_bytes(net) - 1;
	unsigned carry = (unsigned)nth;

	for (; i >= 0 && carry != 0; i--) {
		unsigned sum = p.a.bytes[i] + (carry & 0xff);

		p.a.bytes[i] = (unsigned char)sum;
		carry = (carry >> 8) + (sum >> 8);
	}
	return p;
}

/* How many addresses the prefix has for hosts (capped). */
static long prefix_room(const struct hn_prefix *p)
{
	int host_bits = (p->family == AF_INET ? 32 : 128) - p->len;

	if (host_bits >= 20)
		return 1L << 20;
	return (1L << host_bits) - (p->family == AF_INET ? 2 : 1);
}

const char *hn_prefix_ntop(const struct hn_prefix *p, char *buf,
			   size_t len)
{
	if (inet_ntop(p->family, &p->a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

/* ---- names -------------------------------------------------------------- */

void hn_port_name(char name[IFNAMSIZ], int k, int m)
{
	snprintf(name, IFNAMSIZ, "l%up%u", (unsigned)k % HN_MAX_LINKS,
		 (unsigned)m % HN_MAX_LAN);
}

int hn_host_find(const struct hn_topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->nhosts; i++)
		if (strcmp(t->hosts[i].name, name) == 0)
			return i;
	return -1;
}

static int lan_find(const struct hn_topo *t, const char *name)
{
	int i;

	for (i = 0; i < t->nlinks; i++)
		if (t->links[i].lan && strcmp(t->links[i].name, name) == 0)
			return i;
	return -1;
}

const char *hn_host_names(const struct hn_topo *t)
{
	static char names[HN_MAX_HOSTS * HN_NAME_MAX + 1];
	size_t n = 0;
	int i;

	names[0] = '\0';
	for (i = 0; i < t->nhosts; i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, " %s",
				      t->hosts[i].name);
	return names;
}

int hn_no_host(const hn_net *net, const char *host)
{
	if (net == NULL)
		return hn_err("no network (did hn_up fail earlier?)");
	return hn_err("no host \"%s\" in this network (hosts:%s)", host,
		      hn_host_names(&net->t));
}

struct hn_if *hn_if_find(struct hn_topo *t, int h, const char *peer)
{
	struct hn_host *host = &t->hosts[h];
	int i, j;

	for (i = 0; i < host->nifs; i++) {
		struct hn_link *l = &t->links[host->ifs[i].link];

		if (l->lan) {
			if (strcmp(l->name, peer) == 0)
				return &host->ifs[i];
			continue;
		}
		for (j = 0; j < l->nmembers; j++)
			if (l->members[j] != h &&
			    strcmp(t->hosts[l->members[j]].name, peer) == 0)
				return &host->ifs[i];
	}
	return NULL;
}

int hn_end_find(hn_net *net, const char *host, const char *peer, int *h,
		struct hn_if **ifp)
{
	*h = net == NULL ? -1 : hn_host_find(&net->t, host);
	if (*h < 0)
		return hn_no_host(net, host);
	*ifp = hn_if_find(&net->t, *h, peer);
	if (*ifp == NULL)
		return hn_err("host %s has no link to \"%s\" (give the other "
			      "host's name, or the LAN's)", host, peer);
	return 0;
}

static bool valid_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= HN_NAME_MAX || !isalpha((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-')
			return false;
	return strcmp(s, "lan") != 0 && strcmp(s, "host") != 0;
}

/* ---- statements --------------------------------------------------------- */

static int add_hosts(struct parser *p, bool router)
{
	struct hn_topo *t = p->t;
	int i;

	if (p->nw < 2)
		return perr(p, "\"%s\" needs at least one name", p->w[0]);
	for (i = 1; i < p->nw; i++) {
		const char *name = p->w[i];
		struct hn_host *h;

		if (!valid_name(name))
			return perr(p, "bad name \"%s\" (a letter, then "
				    "letters, digits, - or _; at most 15)",
				    name);
		if (hn_host_find(t, name) >= 0 || lan_find(t, name) >= 0)
			return perr(p, "\"%s\" is declared twice", name);
		if (t->nhosts == HN_MAX_HOSTS)
			return perr(p, "too many hosts (at most %s)", "32");
		h = &t->hosts[t->nhosts++];
		memset(h, 0, sizeof(*h));
		snprintf(h->name, sizeof(h->name), "%s", name);
		h->router = router;
		h->nsfd = -1;
	}
	return 0;
}

/* Reads the prefixes at the end of a link or lan statement. */
static int take_prefixes(struct parser *p, int first, struct hn_link *l)
{
	int i;

	if (first >= p->nw)
		return perr(p, "%s needs an address prefix, e.g. "
			    "192.0.2.0/24 or 2001:db8:1::/64", p->w[0]);
	for (i = first; i < p->nw; i++) {
		struct hn_prefix pf;

		if (hn_prefix_parse(p->w[i], &pf) < 0)
			return perr(p, "\"%s\" is not an address prefix "
				    "(like 192.0.2.0/24 or 2001:db8:1::/64)",
				    p->w[i]);
		if ((pf.family == AF_INET ? l->net4 : l->net6).family != 0)
			return perr(p, "two prefixes of the same family: %s",
				    p->w[i]);
		if (pf.family == AF_INET)
			l->net4 = pf;
		else
			l->net6 = pf;
	}
	return 0;
}

static int attach(struct parser *p, int link, const char *name)
{
	struct hn_topo *t = p->t;
	struct hn_link *l = &t->links[link];
	int h = hn_host_find(t, name), i;
	struct hn_host *host;

	if (h < 0)
		return perr(p, "unknown host \"%s\" (declare it first with "
			    "\"host\" or \"router\")", name);
	for (i = 0; i < l->nmembers; i++)
		if (l->members[i] == h)
			return perr(p, "%s is named twice on one link", name);
	host = &t->hosts[h];
	if (host->nifs == HN_MAX_IFS || l->nmembers == HN_MAX_LAN)
		return perr(p, "too many links at %s", name);
	memset(&host->ifs[host->nifs], 0, sizeof(host->ifs[0]));
	snprintf(host->ifs[host->nifs].name, IFNAMSIZ, "eth%d", host->nifs);
	host->ifs[host->nifs].link = link;
	l->ifidx[l->nmembers] = host->nifs++;
	l->members[l->nmembers++] = h;
	return 0;
}

/* Finds the first word that looks like a prefix (contains '/'). */
static int first_prefix(struct parser *p, int from)
{
	int i;

	for (i = from; i < p->nw; i++)
		if (strchr(p->w[i], '/') != NULL)
			return i;
	return p->nw;
}

static int add_link(struct parser *p, bool lan)
{
	struct hn_topo *t = p->t;
	int first = lan ? 2 : 1, pre = first_prefix(p, first), i, k;
	struct hn_link *l;

	if (t->nlinks == HN_MAX_LINKS)
		return perr(p, "too many links (at most %s)", "64");
	if (lan && (p->nw < 3 || !valid_name(p->w[1])))
		return perr(p, "a LAN needs a name, e.g. lan lan0 a b c "
			    "203.0.113.0/24%s", "");
	if (lan && (hn_host_find(t, p->w[1]) >= 0 || lan_find(t, p->w[1])
		    >= 0))
		return perr(p, "\"%s\" is declared twice", p->w[1]);
	if (!lan && pre - first != 2)
		return perr(p, "a link joins exactly two hosts: link A B "
			    "PREFIX [PREFIX6]%s", "");
	if (lan && pre - first < 1)
		return perr(p, "LAN %s has no hosts", p->w[1]);
	k = t->nlinks++;
	l = &t->links[k];
	memset(l, 0, sizeof(*l));
	l->lan = lan;
	if (lan)
		snprintf(l->name, sizeof(l->name), "%s", p->w[1]);
	for (i = first; i < pre; i++)
		if (attach(p, k, p->w[i]) < 0)
			return -1;
	return take_prefixes(p, pre, l);
}

static struct hn_link *link_between(struct hn_topo *t, const char *a,
				    const char *b)
{
	int h = hn_host_find(t, a);
	struct hn_if *ifp = h < 0 ? NULL : hn_if_find(t, h, b);

	return ifp == NULL ? NULL : &t->links[ifp->link];
}

static int set_mtu(struct parser *p)
{
	struct hn_link *l;
	char *end;
	long mtu;

	if (p->nw != 4)
		return perr(p, "mtu takes two names and a size: mtu A B "
			    "1400%s", "");
	l = link_between(p->t, p->w[1], p->w[2]);
	if (l == NULL)
		return perr(p, "no link between %s and the other name "
			    "given to mtu", p->w[1]);
	mtu = strtol(p->w[3], &end, 10);
	if (*end != '\0' || mtu < 68 || mtu > 65535)
		return perr(p, "bad MTU \"%s\" (68..65535)", p->w[3]);
	l->mtu = (int)mtu;
	return 0;
}

static int add_sysctl(struct parser *p)
{
	struct hn_topo *t = p->t;
	struct hn_sysctl *s;
	int h = -1;

	if (p->nw != 4)
		return perr(p, "sysctl takes a host (or *), a key and a "
			    "value%s", "");
	if (strcmp(p->w[1], "*") != 0) {
		h = hn_host_find(t, p->w[1]);
		if (h < 0)
			return perr(p, "unknown host \"%s\"", p->w[1]);
	}
	if (strncmp(p->w[2], "net.", 4) != 0 || strchr(p->w[2], '/'))
		return perr(p, "only net.* sysctls belong to a host, not "
			    "\"%s\"", p->w[2]);
	if (t->nsysctls == HN_MAX_SYSCTLS || strlen(p->w[2]) >= 96 ||
	    strlen(p->w[3]) >= 32)
		return perr(p, "too many or too long sysctls at %s", p->w[2]);
	s = &t->sysctls[t->nsysctls++];
	s->host = h;
	snprintf(s->key, sizeof(s->key), "%s", p->w[2]);
	snprintf(s->value, sizeof(s->value), "%s", p->w[3]);
	return 0;
}

static int statement(struct parser *p)
{
	const char *kw = p->w[0];

	if (strcmp(kw, "host") == 0)
		return add_hosts(p, false);
	if (strcmp(kw, "router") == 0)
		return add_hosts(p, true);
	if (strcmp(kw, "link") == 0)
		return add_link(p, false);
	if (strcmp(kw, "lan") == 0)
		return add_link(p, true);
	if (strcmp(kw, "mtu") == 0)
		return set_mtu(p);
	if (strcmp(kw, "sysctl") == 0)
		return add_sysctl(p);
	if (strcmp(kw, "timing") == 0 && p->nw == 2 &&
	    (strcmp(p->w[1], "kernel") == 0 || strcmp(p->w[1], "fast") == 0)) {
		p->t->kernel_timing = strcmp(p->w[1], "kernel") == 0;
		return 0;
	}
	return perr(p, "unknown statement \"%s\" (expected host, router, "
		    "link, lan, mtu, sysctl or timing kernel)", kw);
}

/* ---- whole-topology checks --------------------------------------------- */

static int assign_addresses(struct hn_topo *t)
{
	int k, i;

	for (k = 0; k < t->nlinks; k++) {
		struct hn_link *l = &t->links[k];

		for (i = 0; i < l->nmembers; i++) {
			struct hn_if *ifp = &t->hosts[l->members[i]]
						.ifs[l->ifidx[i]];
			char buf[INET6_ADDRSTRLEN];

			if ((l->net4.family && prefix_room(&l->net4) <=
			     i) || (l->net6.family && prefix_room(&l->net6)
				    <= i))
				return hn_err("topology: prefix %s/%d is too "
					      "small for %d hosts",
					      hn_prefix_ntop(l->net4.family ?
					      &l->net4 : &l->net6, buf,
					      sizeof(buf)), l->net4.family ?
					      l->net4.len : l->net6.len,
					      l->nmembers);
			if (l->net4.family) {
				ifp->addr4 = hn_prefix_nth(&l->net4, i + 1);
				hn_prefix_ntop(&ifp->addr4, ifp->text[0],
					       sizeof(ifp->text[0]));
			}
			if (l->net6.family) {
				ifp->addr6 = hn_prefix_nth(&l->net6, i + 1);
				hn_prefix_ntop(&ifp->addr6, ifp->text[1],
					       sizeof(ifp->text[1]));
			}
		}
	}
	return 0;
}

static int check_overlaps(struct hn_topo *t)
{
	int a, b;
	char buf[INET6_ADDRSTRLEN];

	for (a = 0; a < t->nlinks; a++)
		for (b = a + 1; b < t->nlinks; b++) {
			struct hn_link *x = &t->links[a], *y = &t->links[b];

			if (x->net4.family && y->net4.family &&
			    prefixes_overlap(&x->net4, &y->net4))
				return hn_err("topology: duplicate addresses: "
					      "two links use prefix %s/%d "
					      "(give each link its own)",
					      hn_prefix_ntop(&y->net4, buf,
							     sizeof(buf)),
					      y->net4.len);
			if (x->net6.family && y->net6.family &&
			    prefixes_overlap(&x->net6, &y->net6))
				return hn_err("topology: duplicate addresses: "
					      "two links use prefix %s/%d "
					      "(give each link its own)",
					      hn_prefix_ntop(&y->net6, buf,
							     sizeof(buf)),
					      y->net6.len);
		}
	return 0;
}

static int split_words(struct parser *p, char *line)
{
	char *save = NULL, *w;

	p->nw = 0;
	line[strcspn(line, "#")] = '\0';
	for (w = strtok_r(line, " \t\r", &save); w != NULL;
	     w = strtok_r(NULL, " \t\r", &save)) {
		if (p->nw == MAX_WORDS)
			return perr(p, "too many words%s", "");
		p->w[p->nw++] = w;
	}
	return 0;
}

int hn_topo_parse(struct hn_topo *t, const char *spec)
{
	struct parser p = { .t = t };
	char *copy, *line, *next;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	if (spec == NULL)
		return hn_err("topology: no spec given");
	copy = strdup(spec);
	for (line = copy; line != NULL && rc == 0; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		p.line++;
		rc = split_words(&p, line);
		if (rc == 0 && p.nw > 0)
			rc = statement(&p);
	}
	free(copy);
	if (rc == 0 && t->nhosts == 0)
		rc = hn_err("topology: no hosts (start with e.g. "
			    "\"host a b\")");
	if (rc == 0)
		rc = check_overlaps(t);
	if (rc == 0)
		rc = assign_addresses(t);
	return rc;
}

/* ---- routes ------------------------------------------------------------- */

struct bfs {
	int order[HN_MAX_HOSTS], n;
	int hop_host[HN_MAX_HOSTS];     /* first hop towards each host */
	int hop_if[HN_MAX_HOSTS];       /* the start's interface for it */
	bool seen[HN_MAX_HOSTS];
};

/* Breadth-first from S; only routers pass traffic on. */
static void bfs_from(const struct hn_topo *t, int s, struct bfs *b)
{
	int head = 0, i, j;

	memset(b, 0, sizeof(*b));
	b->order[b->n++] = s;
	b->seen[s] = true;
	while (head < b->n) {
		int u = b->order[head++];
		const struct hn_host *hu = &t->hosts[u];

		if (u != s && !hu->router)
			continue;
		for (i = 0; i < hu->nifs; i++) {
			const struct hn_link *l = &t->links[hu->ifs[i].link];

			for (j = 0; j < l->nmembers; j++) {
				int v = l->members[j];

				if (b->seen[v])
					continue;
				b->seen[v] = true;
				b->order[b->n++] = v;
				b->hop_host[v] = u == s ? v : b->hop_host[u];
				b->hop_if[v] = u == s ? i : b->hop_if[u];
			}
		}
	}
}

static bool attached(const struct hn_topo *t, int h, int link)
{
	const struct hn_link *l = &t->links[link];
	int i;

	for (i = 0; i < l->nmembers; i++)
		if (l->members[i] == h)
			return true;
	return false;
}

int hn_route_via(const struct hn_topo *t, int host, int link, int *ifn)
{
	struct bfs b;
	int i;

	if (attached(t, host, link))
		return -1;
	bfs_from(t, host, &b);
	for (i = 1; i < b.n; i++) {
		int v = b.order[i];

		if (t->hosts[v].router && attached(t, v, link)) {
			*ifn = b.hop_if[v];
			return b.hop_host[v];
		}
	}
	return -1;
}
