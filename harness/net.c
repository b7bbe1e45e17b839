/*
 * net.c - bringing a topology up and down; hosts, their timers,
 * addresses and routes; the one-call shapes; acting inside a host.
 */
#include "hn_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <libmnl/libmnl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct hn_timing fast_timing = {
	.tcp_retries2 = 1,
	.tcp_syn_retries = 1,
	.tcp_synack_retries = 1,
	.keepalive_time_s = 1,
	.keepalive_intvl_s = 1,
	.keepalive_probes = 2,
	.rto_min_ms = 5,
	.icmp_ratelimit = 0,
	.dad = 0,
};

static hn_net *live_nets;    /* every network up, for hn_down_all() */

const struct hn_timing *hn_timing(void)
{
	return &fast_timing;
}

/* ---- a host's settings ------------------------------------------------- */

struct knob {
	const char *key;
	int value;
};

/* Sets and checks one knob; a refusal skips the test, naming it. */
static int knob(const char *key, int value)
{
	char text[16];

	snprintf(text, sizeof(text), "%d", value);
	if (hn_sysctl_set(key, text, true) < 0)
		return hn_skip("%s: this kernel cannot give hosts the fast "
			       "timers the failure stories need", hn_error());
	return 0;
}

static int set_timers(void)
{
	const struct hn_timing *t = &fast_timing;
	const struct knob knobs[] = {
		{ "net.ipv4.tcp_retries2", t->tcp_retries2 },
		{ "net.ipv4.tcp_syn_retries", t->tcp_syn_retries },
		{ "net.ipv4.tcp_synack_retries", t->tcp_synack_retries },
		{ "net.ipv4.tcp_keepalive_time", t->keepalive_time_s },
		{ "net.ipv4.tcp_keepalive_intvl", t->keepalive_intvl_s },
		{ "net.ipv4.tcp_keepalive_probes", t->keepalive_probes },
		{ "net.ipv4.tcp_orphan_retries", t->tcp_retries2 },
		{ "net.ipv4.icmp_ratelimit", t->icmp_ratelimit },
		{ "net.ipv6.icmp.ratelimit", t->icmp_ratelimit },
	};
	size_t i;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (knob(knobs[i].key, knobs[i].value) < 0)
			return -1;
	return 0;
}

/* Settings every host needs, fast timers or not. */
static int set_basics(bool router)
{
	const struct knob knobs[] = {
		{ "net.ipv6.conf.all.accept_dad", 0 },
		{ "net.ipv6.conf.default.accept_dad", 0 },
		{ "net.ipv6.conf.all.keep_addr_on_down", 1 },
		{ "net.ipv6.conf.default.keep_addr_on_down", 1 },
		{ "net.ipv6.conf.default.router_solicitations", 0 },
		{ "net.ipv4.tcp_invalid_ratelimit", 0 },
		{ "net.ipv4.ip_forward", router },
		{ "net.ipv6.conf.all.forwarding", router },
	};
	size_t i;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (knob(knobs[i].key, knobs[i].value) < 0)
			return -1;
	return 0;
}

static int set_spec_sysctls(const struct hn_topo *t, int h)
{
	int i;

	for (i = 0; i < t->nsysctls; i++) {
		const struct hn_sysctl *s = &t->sysctls[i];

		if ((s->host == -1 || s->host == h) &&
		    hn_sysctl_set(s->key, s->value, true) < 0)
			return -1;
	}
	return 0;
}

/* Inside the host's namespace: sysctls and the loopback. */
static int prepare_ns(hn_net *net, int h)
{
	struct mnl_socket *nl;
	int rc;

	rc = set_basics(net->t.hosts[h].router);
	if (rc == 0 && !net->t.kernel_timing)
		rc = set_timers();
	if (rc == 0)
		rc = set_spec_sysctls(&net->t, h);
	if (rc < 0)
		return -1;
	nl = hn_nl_open();
	if (nl == NULL)
		return -1;
	rc = hn_nl_link_set(nl, "lo", 1, -1, 0, -1);
	hn_nl_close(nl);
	return rc;
}

static int new_host_ns(hn_net *net, int h)
{
	int fd = hn_ns_new(), rc;

	if (fd < 0)
		return -1;
	if (hn_ns_enter(fd) < 0) {
		close(fd);
		return -1;
	}
	rc = prepare_ns(net, h);
	hn_ns_leave();
	if (rc < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int rto_min(const hn_net *net)
{
	return net->t.kernel_timing ? 0 : fast_timing.rto_min_ms;
}

int hn_host_routes(hn_net *net, int h, struct mnl_socket *nl)
{
	struct hn_topo *t = &net->t;
	struct hn_host *host = &t->hosts[h];
	int k, ifn, gw, i;

	for (i = 0; i < host->nifs; i++) {
		struct hn_link *l = &t->links[host->ifs[i].link];

		if (host->ifs[i].local_down)
			continue;
		if (l->net4.family && hn_nl_route(nl, &l->net4, NULL,
				host->ifs[i].name, rto_min(net)) < 0)
			return -1;
		if (l->net6.family && hn_nl_route(nl, &l->net6, NULL,
				host->ifs[i].name, rto_min(net)) < 0)
			return -1;
	}
	for (k = 0; k < t->nlinks; k++) {
		struct hn_link *l = &t->links[k];
		struct hn_if *out, *gwif;

		gw = hn_route_via(t, h, k, &ifn);
		if (gw < 0 || host->ifs[ifn].local_down)
			continue;
		out = &host->ifs[ifn];
		gwif = hn_if_find(t, gw, t->links[out->link].lan ?
				  t->links[out->link].name : host->name);
		if (l->net4.family && gwif->addr4.family &&
		    hn_nl_route(nl, &l->net4, &gwif->addr4, out->name,
				rto_min(net)) < 0)
			return -1;
		if (l->net6.family && gwif->addr6.family &&
		    hn_nl_route(nl, &l->net6, &gwif->addr6, out->name,
				rto_min(net)) < 0)
			return -1;
	}
	return 0;
}

/* Inside the host: offloads off, addresses, interfaces up, routes. */
static int configure_ifs(hn_net *net, int h)
{
	struct hn_host *host = &net->t.hosts[h];
	struct mnl_socket *nl = hn_nl_open();
	int i, rc = nl == NULL ? -1 : 0;

	for (i = 0; i < host->nifs && rc == 0; i++) {
		struct hn_if *ifp = &host->ifs[i];

		rc = hn_offloads_off(ifp->name);
		if (rc == 0 && ifp->addr4.family)
			rc = hn_nl_addr(nl, ifp->name, &ifp->addr4);
		if (rc == 0 && ifp->addr6.family)
			rc = hn_nl_addr(nl, ifp->name, &ifp->addr6);
		if (rc == 0)
			rc = hn_nl_link_set(nl, ifp->name, !ifp->local_down,
					    -1, 0, -1);
	}
	if (rc == 0)
		rc = hn_host_routes(net, h, nl);
	hn_nl_close(nl);
	return rc;
}

int hn_host_wait_links(hn_net *net, int h)
{
	const struct hn_host *host = &net->t.hosts[h];
	const char *names[HN_MAX_IFS];
	int i, n = 0;

	for (i = 0; i < host->nifs; i++)
		if (!host->ifs[i].local_down)
			names[n++] = host->ifs[i].name;
	return hn_nl_wait_up(names, n, 5000);
}

int hn_in_host(hn_net *net, int h, int (*fn)(hn_net *, int))
{
	int rc;

	if (hn_ns_enter(net->t.hosts[h].nsfd) < 0)
		return -1;
	rc = fn(net, h);
	hn_ns_leave();
	return rc;
}

/* Moves host H's interfaces from namespace OLDFD into its (new) one. */
static int move_ifs(hn_net *net, int h, int oldfd)
{
	struct hn_host *host = &net->t.hosts[h];
	struct mnl_socket *nl;
	int i, rc = 0;

	if (hn_ns_enter(oldfd) < 0)
		return -1;
	nl = hn_nl_open();
	for (i = 0; i < host->nifs && nl != NULL && rc == 0; i++)
		rc = hn_nl_link_set(nl, host->ifs[i].name, -1, -1, 0,
				    host->nsfd);
	hn_nl_close(nl);
	hn_ns_leave();
	return nl == NULL ? -1 : rc;
}

/* Waits until every end of link K is operationally up: the hosts' and
 * the LAN's bridge ports.  A link end whose peer went away and came back
 * (a reboot, a link brought up) drops what it is given until then. */
int hn_link_wait_up(hn_net *net, int k)
{
	const struct hn_link *l = &net->t.links[k];
	char port[IFNAMSIZ];
	const char *name[1];
	int i, rc = 0;

	for (i = 0; i < l->nmembers && rc == 0; i++) {
		const struct hn_host *m = &net->t.hosts[l->members[i]];

		if (m->ifs[l->ifidx[i]].local_down)
			continue;
		name[0] = m->ifs[l->ifidx[i]].name;
		rc = hn_ns_enter(m->nsfd);
		if (rc == 0) {
			rc = hn_nl_wait_up(name, 1, 5000);
			hn_ns_leave();
		}
		if (rc == 0 && l->lan) {
			hn_port_name(port, k, i);
			name[0] = port;
			rc = hn_ns_enter(net->fabric_nsfd);
			if (rc == 0) {
				rc = hn_nl_wait_up(name, 1, 5000);
				hn_ns_leave();
			}
		}
	}
	return rc;
}

int hn_host_configure(hn_net *net, int h)
{
	struct hn_host *host = &net->t.hosts[h];
	int oldfd = host->nsfd, rc, i;

	host->nsfd = new_host_ns(net, h);
	if (host->nsfd < 0) {
		host->nsfd = oldfd;
		return -1;
	}
	rc = move_ifs(net, h, oldfd);
	close(oldfd);
	if (rc == 0)
		rc = hn_in_host(net, h, configure_ifs);
	for (i = 0; i < net->t.hosts[h].nifs && rc == 0; i++)
		rc = hn_link_wait_up(net, net->t.hosts[h].ifs[i].link);
	return rc;
}

/* ---- links -------------------------------------------------------------- */

/* Interface indexes: distinct for the two ends of every veth, and unique
 * in each namespace (see struct hn_veth). */
static int veth_index(int link, int end)
{
	return 1000 + 64 * link + end;
}

static int make_p2p(hn_net *net, struct mnl_socket *nl, int k)
{
	struct hn_link *l = &net->t.links[k];
	struct hn_host *a = &net->t.hosts[l->members[0]];
	struct hn_host *b = &net->t.hosts[l->members[1]];
	struct hn_veth v = {
		.name = a->ifs[l->ifidx[0]].name, .nsfd = a->nsfd,
		.peer = b->ifs[l->ifidx[1]].name, .peer_nsfd = b->nsfd,
		.index = veth_index(k, 0), .peer_index = veth_index(k, 1),
		.mtu = l->mtu,
	};

	return hn_nl_veth(nl, &v);
}

/* A LAN: a bridge in the fabric namespace, a veth from each member. */
static int make_lan(hn_net *net, struct mnl_socket *nl, int k)
{
	struct hn_link *l = &net->t.links[k];
	struct mnl_socket *fab;
	char br[IFNAMSIZ], port[IFNAMSIZ];
	int i, rc = 0;

	for (i = 0; i < l->nmembers && rc == 0; i++) {
		struct hn_host *h = &net->t.hosts[l->members[i]];
		struct hn_veth v = {
			.name = h->ifs[l->ifidx[i]].name, .nsfd = h->nsfd,
			.peer = port, .peer_nsfd = net->fabric_nsfd,
			.index = veth_index(k, 2 * i),
			.peer_index = veth_index(k, 2 * i + 1),
			.mtu = l->mtu,
		};

		hn_port_name(port, k, i);
		rc = hn_nl_veth(nl, &v);
	}
	if (rc < 0 || hn_ns_enter(net->fabric_nsfd) < 0)
		return -1;
	snprintf(br, sizeof(br), "br%d", k);
	fab = hn_nl_open();
	rc = fab == NULL ? -1 : hn_nl_bridge(fab, br);
	for (i = 0; i < l->nmembers && rc == 0; i++) {
		hn_port_name(port, k, i);
		rc = hn_offloads_off(port);
		if (rc == 0)
			rc = hn_nl_link_set(fab, port, 1,
					    (int)if_nametoindex(br), 0, -1);
	}
	if (rc == 0)
		rc = hn_nl_link_set(fab, br, 1, -1, 0, -1);
	hn_nl_close(fab);
	hn_ns_leave();
	return rc;
}

static int make_links(hn_net *net)
{
	struct mnl_socket *nl = hn_nl_open();
	int k, rc = nl == NULL ? -1 : 0;

	for (k = 0; k < net->t.nlinks && rc == 0; k++) {
		if (net->t.links[k].lan && net->fabric_nsfd < 0)
			net->fabric_nsfd = hn_ns_new();
		if (net->t.links[k].lan)
			rc = net->fabric_nsfd < 0 ? -1 : make_lan(net, nl, k);
		else
			rc = make_p2p(net, nl, k);
	}
	hn_nl_close(nl);
	return rc;
}

/* The LANs' bridge ports came up before the hosts' ends: wait for them
 * too. */
static int wait_fabric(hn_net *net)
{
	static char names[HN_MAX_LINKS * HN_MAX_LAN][IFNAMSIZ];
	const char *list[HN_MAX_LINKS * HN_MAX_LAN];
	int k, i, n = 0, rc;

	for (k = 0; k < net->t.nlinks; k++)
		for (i = 0; net->t.links[k].lan &&
		     i < net->t.links[k].nmembers; i++) {
			hn_port_name(names[n], k, i);
			list[n] = names[n];
			n++;
		}
	if (hn_ns_enter(net->fabric_nsfd) < 0)
		return -1;
	rc = hn_nl_wait_up(list, n, 5000);
	hn_ns_leave();
	return rc;
}

static int build(hn_net *net)
{
	int h;

	for (h = 0; h < net->t.nhosts; h++) {
		net->t.hosts[h].nsfd = new_host_ns(net, h);
		if (net->t.hosts[h].nsfd < 0)
			return -1;
	}
	if (make_links(net) < 0)
		return -1;
	for (h = 0; h < net->t.nhosts; h++)
		if (hn_in_host(net, h, configure_ifs) < 0)
			return -1;
	for (h = 0; h < net->t.nhosts; h++)
		if (hn_in_host(net, h, hn_host_wait_links) < 0)
			return -1;
	return net->fabric_nsfd < 0 ? 0 : wait_fabric(net);
}

/* ---- up and down -------------------------------------------------------- */

static void release(hn_net *net)
{
	int h;

	hn_procs_free(net);
	hn_caps_close_all(net);
	hn_impairers_stop(net, -1, -1, false);
	for (h = 0; h < net->t.nhosts; h++) {
		if (net->t.hosts[h].nsfd < 0)
			continue;
		hn_host_kill_all(net, h, SIGKILL);
		close(net->t.hosts[h].nsfd);
	}
	if (net->fabric_nsfd >= 0)
		close(net->fabric_nsfd);
	free(net->spec);
	free(net);
}

hn_net *hn_up(const char *spec)
{
	hn_net *net;

	if (!hn_sandboxed()) {
		hn_err("hn_up: call hn_init() first, at the top of main(), so "
		       "the test has its own namespaces");
		return hn_check_ptr(NULL);
	}
	net = calloc(1, sizeof(*net));
	net->fabric_nsfd = -1;
	if (hn_topo_parse(&net->t, spec) < 0) {
		free(net);
		return hn_check_ptr(NULL);
	}
	net->spec = strdup(spec);
	if (build(net) < 0) {
		char keep[1024];

		snprintf(keep, sizeof(keep), "%s", hn_error());
		release(net);
		hn_err("%s", keep);
		return hn_check_ptr(NULL);
	}
	net->next_live = live_nets;
	live_nets = net;
	return net;
}

void hn_down(hn_net *net)
{
	hn_net **pp;

	if (net == NULL)
		return;
	for (pp = &live_nets; *pp != NULL; pp = &(*pp)->next_live)
		if (*pp == net) {
			*pp = net->next_live;
			break;
		}
	release(net);
}

void hn_down_all(void)
{
	hn_ns_leave();       /* a failed test may have left us in a host */
	while (live_nets != NULL)
		hn_down(live_nets);
	hn_local_procs_free();  /* and the programs it ran here */
}

const char *hn_spec(const hn_net *net)
{
	return net->spec;
}

/* ---- the shapes --------------------------------------------------------- */

hn_net *hn_two_hosts(void)
{
	return hn_up("host a b\n"
		     "link a b 192.0.2.0/24 2001:db8:1::/64\n");
}

hn_net *hn_lan(int nhosts)
{
	char spec[512];
	int n = 0, i;

	if (nhosts < 1 || nhosts > HN_MAX_LAN) {
		hn_err("hn_lan: %d hosts (1..%d)", nhosts, HN_MAX_LAN);
		return hn_check_ptr(NULL);
	}
	n += snprintf(spec + n, sizeof(spec) - (size_t)n, "host");
	for (i = 1; i <= nhosts; i++)
		n += snprintf(spec + n, sizeof(spec) - (size_t)n, " h%d", i);
	n += snprintf(spec + n, sizeof(spec) - (size_t)n, "\nlan lan0");
	for (i = 1; i <= nhosts; i++)
		n += snprintf(spec + n, sizeof(spec) - (size_t)n, " h%d", i);
	snprintf(spec + n, sizeof(spec) - (size_t)n,
		 " 203.0.113.0/24 2001:db8:3::/64\n");
	return hn_up(spec);
}

hn_net *hn_chain(int nrouters)
{
	char spec[1024], left[HN_NAME_MAX], right[HN_NAME_MAX];
	int n = 0, i;

	if (nrouters < 0 || nrouters > 7) {
		hn_err("hn_chain: %d routers (0..7)", nrouters);
		return hn_check_ptr(NULL);
	}
	n += snprintf(spec, sizeof(spec), "host client server\n");
	for (i = 1; i <= nrouters; i++)
		n += snprintf(spec + n, sizeof(spec) - (size_t)n,
			      "router r%d\n", i);
	for (i = 0; i <= nrouters; i++) {
		snprintf(left, sizeof(left), i == 0 ? "client" : "r%d", i);
		snprintf(right, sizeof(right), i == nrouters ? "server" :
			 "r%d", i + 1);
		n += snprintf(spec + n, sizeof(spec) - (size_t)n,
			      "link %s %s 198.51.100.%d/27 2001:db8:1%d::/64\n",
			      left, right, 32 * i, i);
	}
	return hn_up(spec);
}

hn_net *hn_multihomed(void)
{
	return hn_up("host client server\n"
		     "router r1 r2\n"
		     "link client r1 192.0.2.0/26 2001:db8:1::/64\n"
		     "link client r2 192.0.2.64/26 2001:db8:2::/64\n"
		     "lan core r1 r2 server 203.0.113.0/24 2001:db8:3::/64\n");
}

/* ---- addresses ---------------------------------------------------------- */

static int fam_index(int family)
{
	return family == AF_INET6 ? 1 : 0;
}

const char *hn_addr(hn_net *net, const char *host, int family)
{
	int h = net == NULL ? -1 : hn_host_find(&net->t, host), i;

	if (h < 0) {
		hn_no_host(net, host);
		return hn_check_ptr(NULL);
	}
	for (i = 0; i < net->t.hosts[h].nifs; i++)
		if (net->t.hosts[h].ifs[i].text[fam_index(family)][0])
			return net->t.hosts[h].ifs[i].text[fam_index(family)];
	hn_err("host %s has no %s address", host,
	       family == AF_INET6 ? "IPv6" : "IPv4");
	return hn_check_ptr(NULL);
}

const char *hn_addr_on(hn_net *net, const char *host, const char *peer,
		       int family)
{
	struct hn_if *ifp;
	int h;

	if (hn_end_find(net, host, peer, &h, &ifp) < 0)
		return hn_check_ptr(NULL);
	if (ifp->text[fam_index(family)][0] == '\0') {
		hn_err("host %s has no %s address towards %s", host,
		       family == AF_INET6 ? "IPv6" : "IPv4", peer);
		return hn_check_ptr(NULL);
	}
	return ifp->text[fam_index(family)];
}

int hn_sockaddr(hn_net *net, const char *host, int family, int port,
		struct sockaddr_storage *ss, socklen_t *len)
{
	const char *text = hn_addr(net, host, family);
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	if (text == NULL)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, text, &sin->sin_addr);
		*len = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, text, &sin6->sin6_addr);
		*len = sizeof(*sin6);
	}
	return 0;
}

const char *hn_ifname(hn_net *net, const char *host, const char *peer)
{
	struct hn_if *ifp;
	int h;

	if (hn_end_find(net, host, peer, &h, &ifp) < 0)
		return hn_check_ptr(NULL);
	return ifp->name;
}

/* ---- acting inside a host --------------------------------------------- */

int hn_netns_fd(hn_net *net, const char *host)
{
	int h = net == NULL ? -1 : hn_host_find(&net->t, host);

	if (h < 0)
		return hn_check(hn_no_host(net, host));
	return net->t.hosts[h].nsfd;
}

int hn_enter(hn_net *net, const char *host)
{
	int fd = hn_netns_fd(net, host);

	if (fd < 0)
		return -1;
	return hn_check(hn_ns_enter(fd));
}

int hn_leave(hn_net *net)
{
	(void)net;
	hn_ns_leave();
	return 0;
}
