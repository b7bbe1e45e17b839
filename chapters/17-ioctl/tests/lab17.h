/*
 * lab17.h - what lab 17's public and hidden tests share: running the
 * student's iflist and reading its output, and the checks that compare
 * it with `ip -j addr` on the same host, one aspect a check.
 */
#ifndef LAB17_H
#define LAB17_H

#include "ch17test.h"

struct lab_view {
	struct t_if ip[IF_MAX], st[IF_MAX];
	int nip, nst;
	const char *out;        /* iflist's output, for messages */
};

/* Runs iflist in HOST (NET NULL: here) and ip -j addr there. */
static inline void lab_look(hn_net *net, const char *host,
			    struct lab_view *v)
{
	hn_proc *p = hn_run(net, host, tk_lab_prog("iflist"), NULL);
	const char *bad = NULL;

	int st = hn_exited_within(p, 3000);

	TK_EXPECT(st == 0, "iflist did not exit 0 within 3 s (status %d)%s; "
		  "it said: %s %s", st, hn_stderr_has(p, "inet_ntop", 0) ?
		  " because an address did not fit its text buffer (see 17.6 "
		  "Aliases and IPv6: an IPv6 address needs INET6_ADDRSTRLEN)"
		  : "", tk_shown(hn_stdout(p)), tk_shown(hn_stderr(p)));
	v->out = hn_stdout(p);
	v->nst = read_iflist(v->out, v->st, &bad);
	TK_EXPECT(v->nst >= 0, "iflist printed a line that is neither "
		  "\"INDEX: NAME mtu MTU UP|DOWN\" nor an address line "
		  "(\"    inet A/P ...\", LAB.md): \"%s\"; all it "
		  "printed:\n%s",
		  bad, v->out);
	v->nip = ip_addrs(net, host, v->ip);
}

/* The interface line of F must be as ip says (SECTION to reread). */
static inline void lab_same_if(struct lab_view *v, const struct t_if *f,
			       const char *section)
{
	struct t_if *s = if_named(v->st, v->nst, f->name);

	TK_EXPECT(s != NULL, "ip shows interface %s (index %d, %s), but "
		  "iflist did not list it: see %s.  iflist printed:\n%s",
		  f->name, f->index, f->up ? "UP" : "DOWN", section, v->out);
	TK_EXPECT(s->index == f->index, "iflist says %s has index %d; ip "
		  "says %d: see %s", f->name, s->index, f->index, section);
	TK_EXPECT(s->mtu == f->mtu, "iflist says %s has MTU %d; ip says "
		  "%d: see %s", f->name, s->mtu, f->mtu, section);
	TK_EXPECT(s->up == f->up, "iflist says %s is %s; ip says it is %s "
		  "(the IFF_UP flag): see %s", f->name, s->up ? "UP" : "DOWN",
		  f->up ? "UP" : "DOWN", section);
}

/* Address A of interface F must be in iflist's list, field by field. */
static inline void lab_same_addr(struct lab_view *v, const struct t_if *f,
				 const struct t_addr *a, const char *section)
{
	struct t_if *s = if_named(v->st, v->nst, f->name);
	struct t_addr *b = s != NULL ? addr_on(s, a->family, a->local) : NULL;
	char want[400], got[400];

	TK_EXPECT(s != NULL, "ip shows interface %s, but iflist did not "
		  "list it: see %s", f->name, section);
	snprintf(want, sizeof(want), "%s", addr_text(a, f->name));
	TK_EXPECT(b != NULL, "ip shows \"%s\" on %s, but iflist did not "
		  "list that address under %s: see %s.  iflist printed:\n%s",
		  want, f->name, f->name, section, v->out);
	snprintf(got, sizeof(got), "%s", addr_text(b, f->name));
	TK_EXPECT(strcmp(want, got) == 0, "on %s ip shows \"%s\" but iflist "
		  "printed \"%s\": see %s", f->name, want, got, section);
	b->seen = true;
}

/* Every address of the family FAM on F, as ip shows them, and nothing
 * more. */
static inline void lab_same_family(struct lab_view *v, const struct t_if *f,
				   const char *fam, const char *section)
{
	struct t_if *s = if_named(v->st, v->nst, f->name);

	for (int i = 0; i < f->naddr; i++)
		if (strcmp(f->addr[i].family, fam) == 0)
			lab_same_addr(v, f, &f->addr[i], section);
	for (int i = 0; s != NULL && i < s->naddr; i++)
		TK_EXPECT(strcmp(s->addr[i].family, fam) != 0 ||
			  addr_on((struct t_if *)f, fam, s->addr[i].local),
			  "iflist lists \"%s\" on %s, which ip does not show "
			  "there: see %s", addr_text(&s->addr[i], f->name),
			  f->name, section);
}

#endif
