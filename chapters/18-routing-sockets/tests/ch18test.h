/*
 * ch18test.h - what chapter 18's tests share: the network of routers
 * they run in, and `ip -j route get` read with json-c (harness/tkjson.h)
 * into the four fields routeget prints.
 */
#ifndef CH18TEST_H
#define CH18TEST_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include "tkjson.h"

/* A client with two routers in front of it, r1 and r2, joined to each
 * other; the server is behind r2.  The client has a route to every
 * prefix, some through r1, some through r2. */
#define CH18_NET \
	"host client server\n" \
	"router r1 r2\n" \
	"link client r1 192.0.2.0/26 2001:db8:1::/64\n" \
	"link client r2 192.0.2.64/26 2001:db8:2::/64\n" \
	"link r1 r2 198.51.100.0/30 2001:db8:12::/64\n" \
	"link r2 server 203.0.113.0/24 2001:db8:3::/64\n"

struct t_route {
	char dst[64], gw[64], dev[64], src[64];
};

/* `ip -j route get DST` in HOST, into R; false (and R's dst the error
 * ip printed) if ip found no route. */
static inline bool ip_route_get(hn_net *net, const char *host,
				const char *dst, struct t_route *r)
{
	char *out = NULL, cmd[200];
	json_object *all, *o;
	bool ok;

	memset(r, 0, sizeof(*r));
	snprintf(cmd, sizeof(cmd), "ip -j route get %s 2>&1", dst);
	ok = hn_sh(net, host, 3000, &out, "%s", cmd) == 0;
	if (!ok) {
		snprintf(r->dst, sizeof(r->dst), "%s", tk_chomp(out));
		free(out);
		return false;
	}
	all = json_tokener_parse(out);
	TK_EXPECT(all != NULL && json_object_is_type(all, json_type_array) &&
		  json_object_array_length(all) == 1, "ip -j route get %s "
		  "printed no JSON array of one route: %s", dst,
		  tk_shown(out));
	o = json_object_array_get_idx(all, 0);
	snprintf(r->dst, sizeof(r->dst), "%s", j_str(o, "dst"));
	snprintf(r->gw, sizeof(r->gw), "%s", j_str(o, "gateway"));
	snprintf(r->dev, sizeof(r->dev), "%s", j_str(o, "dev"));
	snprintf(r->src, sizeof(r->src), "%s", j_str(o, "prefsrc"));
	json_object_put(all);
	free(out);
	return true;
}

/* The line routeget prints for R. */
static inline const char *route_text(const struct t_route *r)
{
	static char buf[4][300];
	static int next;
	char *b = buf[next++ % 4];

	snprintf(b, 300, "%s%s%s dev %s%s%s", r->dst, r->gw[0] ? " via " : "",
		 r->gw, r->dev, r->src[0] ? " src " : "", r->src);
	return b;
}

#endif
