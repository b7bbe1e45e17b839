/*
 * lab18.h - what lab 18's public and hidden tests share: running the
 * student's routeget in a host and comparing its line, field by field,
 * with `ip -j route get` run in the same host.
 */
#ifndef LAB18_H
#define LAB18_H

#include "ch18test.h"

#define S_MSG "18.3 Messages and attributes"
#define S_GET "18.4 One question: RTM_GETROUTE"
#define S_DUMP "18.5 Dumps: NLM_F_DUMP and NLMSG_DONE"
#define S_ERR "18.6 Acknowledgements and errors"
#define S_MON "18.7 Change notifications: multicast groups"

/* The index of interface NAME in HOST, as ip says it. */
static inline unsigned if_index_in(hn_net *net, const char *host,
				   const char *name)
{
	char *out = NULL;
	unsigned idx = 0;

	TK_EXPECT(hn_sh(net, host, 3000, &out, "ip -o link show dev %s",
			name) == 0 && sscanf(out, "%u", &idx) == 1,
		  "the test could not read %s's index in %s", name, host);
	free(out);
	return idx;
}

/* Reads routeget's line "DEST [via GW] dev NAME [src ADDR]" into R. */
static inline bool read_route(const char *text, struct t_route *r)
{
	char w[8][64] = { "" }, extra[8];
	int n = sscanf(text, "%63s %63s %63s %63s %63s %63s %63s %7s", w[0],
		       w[1], w[2], w[3], w[4], w[5], w[6], extra);

	memset(r, 0, sizeof(*r));
	if (n < 3 || n > 7 || n % 2 == 0 ||
	    strchr(text, '\n') != text + strlen(text) - 1)
		return false;
	snprintf(r->dst, sizeof(r->dst), "%s", w[0]);
	for (int i = 1; i + 1 < n; i += 2) {
		char *f = strcmp(w[i], "via") == 0 ? r->gw :
			  strcmp(w[i], "dev") == 0 ? r->dev :
			  strcmp(w[i], "src") == 0 ? r->src : NULL;

		if (f == NULL || f[0] != '\0')
			return false;
		snprintf(f, 64, "%s", w[i + 1]);
	}
	return r->dev[0] != '\0';
}

/* routeget DST in HOST must print what ip route get prints there;
 * SECTION is where the test's lesson is. */
static inline void lab_same_route(hn_net *net, const char *host,
				  const char *dst, const char *section)
{
	hn_proc *p = hn_run(net, host, tk_lab_prog("routeget"), dst, NULL);
	struct t_route ip, st;
	const char *out;
	int status = hn_exited_within(p, 3000);

	TK_EXPECT(ip_route_get(net, host, dst, &ip), "ip route get %s in %s "
		  "failed: %s", dst, host, ip.dst);
	out = hn_stdout(p);
	TK_EXPECT(status != -1, "routeget %s in %s did not end within 3 s "
		  "(it waits for an answer that does not come?): see %s",
		  dst, host, section);
	TK_EXPECT(status == 0 || out[0] != '\0', "in %s, ip route get %s "
		  "says \"%s\", but routeget printed nothing and said: %s "
		  "(see %s%s)", host, dst, route_text(&ip),
		  tk_shown(hn_stderr(p)), section,
		  hn_stderr_has(p, "no route in the answer", 0) ? "; was the "
		  "answer cut short? see " S_MSG : "");
	TK_EXPECT(read_route(out, &st), "routeget %s printed \"%s\", which "
		  "is not one line \"DEST [via GATEWAY] dev NAME src "
		  "ADDRESS\" (LAB.md); ip says \"%s\": see %s", dst,
		  tk_chomp(strdup(out)), route_text(&ip), S_MSG);
	TK_EXPECT(strcmp(st.dst, ip.dst) == 0, "in %s routeget %s printed "
		  "\"%s\": the kernel answered for %s, not %s; was RTA_DST "
		  "sent (and counted in nlmsg_len)? see %s", host, dst,
		  route_text(&st), st.dst, dst, S_GET);
	TK_EXPECT(strcmp(route_text(&st), route_text(&ip)) == 0, "in %s "
		  "ip route get %s says \"%s\" but routeget printed \"%s\": "
		  "see %s (which attribute holds what)", host, dst,
		  route_text(&ip), route_text(&st), S_MSG);
}

#endif
