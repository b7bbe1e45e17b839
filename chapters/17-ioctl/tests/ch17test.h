/*
 * ch17test.h - what chapter 17's tests share: `ip -j addr` read with
 * json-c into a table of interfaces and addresses, the same table read
 * from the lab's output (iflist's format, LAB.md), and the field by
 * field comparison of the two.
 */
#ifndef CH17TEST_H
#define CH17TEST_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#include "tkjson.h"

#define IF_MAX 16
#define ADDR_MAX 16

struct t_addr {
	char family[64];         /* "inet", "inet6" */
	char local[64];
	int prefixlen;
	char brd[64];           /* "" when none */
	char peer[64];          /* "" when none */
	char label[64];         /* "" when none, or the interface's name */
	bool seen;
};

struct t_if {
	int index, mtu;
	char name[64];
	bool up;
	int naddr;
	struct t_addr addr[ADDR_MAX];
	bool seen;
};

/* `ip -j addr` in HOST (NET NULL: here), read into IFS.  Returns the
 * number of interfaces. */
static inline int ip_addrs(hn_net *net, const char *host, struct t_if *ifs)
{
	char *out = NULL;
	json_object *all, *flags, *info;
	int n = 0;

	TK_EXPECT(hn_sh(net, host, 3000, &out, "ip -j addr") == 0,
		  "the test could not run ip -j addr");
	all = json_tokener_parse(out);
	TK_EXPECT(all != NULL && json_object_is_type(all, json_type_array),
		  "ip -j addr printed no JSON array: %s", tk_shown(out));
	for (size_t i = 0; i < json_object_array_length(all) && n < IF_MAX;
	     i++) {
		json_object *o = json_object_array_get_idx(all, i);
		struct t_if *f = &ifs[n++];

		memset(f, 0, sizeof(*f));
		f->index = j_int(o, "ifindex");
		f->mtu = j_int(o, "mtu");
		snprintf(f->name, sizeof(f->name), "%s", j_str(o, "ifname"));
		if (json_object_object_get_ex(o, "flags", &flags))
			for (size_t k = 0; k < json_object_array_length(flags);
			     k++)
				if (strcmp(json_object_get_string(
				      json_object_array_get_idx(flags, k)),
				      "UP") == 0)
					f->up = true;
		if (!json_object_object_get_ex(o, "addr_info", &info))
			continue;
		for (size_t k = 0; k < json_object_array_length(info) &&
		     f->naddr < ADDR_MAX; k++) {
			json_object *a = json_object_array_get_idx(info, k);
			struct t_addr *t = &f->addr[f->naddr++];

			snprintf(t->family, sizeof(t->family), "%s",
				 j_str(a, "family"));
			snprintf(t->local, sizeof(t->local), "%s",
				 j_str(a, "local"));
			t->prefixlen = j_int(a, "prefixlen");
			snprintf(t->brd, sizeof(t->brd), "%s",
				 j_str(a, "broadcast"));
			snprintf(t->peer, sizeof(t->peer), "%s",
				 j_str(a, "address"));
			if (strcmp(t->peer, t->local) == 0)
				t->peer[0] = '\0';
			snprintf(t->label, sizeof(t->label), "%s",
				 j_str(a, "label"));
		}
	}
	json_object_put(all);
	free(out);
	return n;
}

/* The interface called NAME in IFS, or NULL. */
static inline struct t_if *if_named(struct t_if *ifs, int n,
				    const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(ifs[i].name, name) == 0)
			return &ifs[i];
	return NULL;
}

/* The address LOCAL of family FAM on F, or NULL. */
static inline struct t_addr *addr_on(struct t_if *f, const char *fam,
				     const char *local)
{
	for (int i = 0; i < f->naddr; i++)
		if (strcmp(f->addr[i].family, fam) == 0 &&
		    strcmp(f->addr[i].local, local) == 0)
			return &f->addr[i];
	return NULL;
}

/* Reads one address line of iflist ("    inet A/P brd B label L",
 * "    inet A peer B/P", "    inet6 A/P") into T; false if it is not
 * one. */
static inline bool read_addr_line(const char *line, struct t_addr *t)
{
	char w[6][64] = { "" };
	int n = sscanf(line, " %7s %63s %63s %63s %63s %63s", w[0], w[1],
		       w[2], w[3], w[4], w[5]);
	char *slash;

	memset(t, 0, sizeof(*t));
	if (n < 2 || (strcmp(w[0], "inet") != 0 &&
		      strcmp(w[0], "inet6") != 0))
		return false;
	snprintf(t->family, sizeof(t->family), "%s", w[0]);
	if (n >= 3 && strcmp(w[2], "peer") == 0) {
		snprintf(t->local, sizeof(t->local), "%s", w[1]);
		if (n < 4 || (slash = strchr(w[3], '/')) == NULL)
			return false;
		*slash = '\0';
		snprintf(t->peer, sizeof(t->peer), "%s", w[3]);
		t->prefixlen = atoi(slash + 1);
		return n == 4;
	}
	if ((slash = strchr(w[1], '/')) == NULL)
		return false;
	*slash = '\0';
	snprintf(t->local, sizeof(t->local), "%s", w[1]);
	t->prefixlen = atoi(slash + 1);
	for (int i = 2; i + 1 < n; i += 2) {
		if (strcmp(w[i], "brd") == 0)
			snprintf(t->brd, sizeof(t->brd), "%s", w[i + 1]);
		else if (strcmp(w[i], "label") == 0)
			snprintf(t->label, sizeof(t->label), "%s", w[i + 1]);
		else
			return false;
	}
	return n % 2 == 0;
}

/* iflist's output read into IFS; returns the number of interfaces, or
 * -1 with the line it could not read in *bad (a static copy). */
static inline int read_iflist(const char *text, struct t_if *ifs,
			      const char **bad)
{
	static char badline[200];
	const char *p = text;
	int n = 0;

	while (*p != '\0') {
		const char *end = strchrnul(p, '\n');
		char line[200];
		int len = (int)(end - p) < 199 ? (int)(end - p) : 199;
		char state[8] = "";

		memcpy(line, p, (size_t)len);
		line[len] = '\0';
		p = *end ? end + 1 : end;
		if (line[0] == '\0')
			continue;
		if (line[0] != ' ' && n < IF_MAX) {
			struct t_if *f = &ifs[n];

			memset(f, 0, sizeof(*f));
			if (sscanf(line, "%d: %63s mtu %d %7s", &f->index,
				   f->name, &f->mtu, state) == 4 &&
			    (strcmp(state, "UP") == 0 ||
			     strcmp(state, "DOWN") == 0)) {
				f->up = strcmp(state, "UP") == 0;
				n++;
				continue;
			}
		} else if (line[0] == ' ' && n > 0 &&
			   ifs[n - 1].naddr < ADDR_MAX &&
			   read_addr_line(line, &ifs[n - 1].addr[
				   ifs[n - 1].naddr])) {
			ifs[n - 1].naddr++;
			continue;
		}
		snprintf(badline, sizeof(badline), "%s", line);
		*bad = badline;
		return -1;
	}
	return n;
}

/* The expected form of an address, as iflist prints it. */
static inline const char *addr_text(const struct t_addr *t,
				    const char *ifname)
{
	static char buf[4][400];
	static int next;
	char *b = buf[next++ % 4];

	if (t->peer[0] != '\0')
		snprintf(b, 400, "%s %s peer %s/%d", t->family, t->local,
			 t->peer, t->prefixlen);
	else
		snprintf(b, 400, "%s %s/%d%s%s%s%s", t->family, t->local,
			 t->prefixlen, t->brd[0] ? " brd " : "", t->brd,
			 t->label[0] && strcmp(t->label, ifname) != 0 ?
			 " label " : "",
			 t->label[0] && strcmp(t->label, ifname) != 0 ?
			 t->label : "");
	return b;
}

#endif
