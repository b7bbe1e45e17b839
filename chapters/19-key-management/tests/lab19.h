/*
 * lab19.h - what lab 19's public and hidden tests share: the student's
 * pfkey run in host a, its SA lines compared field by field with what
 * `ip xfrm state` shows there.
 */
#ifndef LAB19_H
#define LAB19_H

#include "ch19test.h"

#define S_MSG "19.3 Messages: a header and extensions"
#define S_REG "19.4 Registering: the algorithms the kernel supports"
#define S_ADD "19.5 Adding, getting and deleting an SA"
#define S_SEQ "19.6 Whose answer is it? Sequence and process ID"
#define S_DUMP "19.7 Dumping the SA database"
/* In the VM a wait ends once nothing has run there for this long
 * (harness.h, hn_give_up_when_idle): every answer these tests wait for
 * follows at once, so a missing one fails in a second, not at the
 * deadline sized for a busy machine. */
#define LAB_IDLE_MS 1000

/* The student's pfkey with its arguments, run in host a to its end. */
#define PFKEY(net, section, ...) \
	ch19_run(net, section, tk_lab_prog("pfkey"), __VA_ARGS__, NULL)

/* pfkey's stdout must hold, on its last line, one SA that equals WANT;
 * WHAT names the command for messages. */
static inline void lab_sa_line(hn_proc *p, const char *what,
			       const struct t_sa *want, const char *section)
{
	const char *all = hn_stdout(p), *out = all;
	struct t_sa got;

	/* the last line (pfkey - prints one a command) */
	for (const char *l = all; *l != '\0'; l++)
		if (l[0] == '\n' && l[1] != '\0')
			out = l + 1;

	TK_EXPECT(hn_wait_exit(p, 0) == 0, "pfkey %s failed: it said "
		  "\"%s\"%s: see %s", what, tk_shown(hn_stderr(p)),
		  hn_stderr_has(p, "Invalid argument", 0) ||
		  hn_stderr_has(p, "too long", 0) ? " (the kernel refused "
		  "the message's form)" : "", section);
	TK_EXPECT(read_pfkey_sa(out, &got), "pfkey %s printed \"%s\", not "
		  "one SA line \"esp spi 0x.. src .. dst .. mode .. auth ALG "
		  "0xKEY enc ALG 0xKEY\" (LAB.md): see %s", what,
		  tk_shown(out), section);
	TK_EXPECT(sa_differs(&got, want)[0] == '\0', "pfkey %s printed the "
		  "%s wrong:\n  printed:  %s\n  expected: %s\nsee %s%s", what,
		  sa_differs(&got, want), sa_text(&got), sa_text(want),
		  section, strcmp(sa_differs(&got, want), "SPI") == 0 &&
		  __builtin_bswap32((uint32_t)strtoul(got.spi, NULL, 0)) ==
		  strtoul(want->spi, NULL, 0) ? " (byte order?)" : "");
}

/* ip xfrm state must show exactly the SAs in WANT (N of them, in any
 * order). */
static inline void lab_ip_shows(hn_net *net, const struct t_sa *want,
				int n, const char *section)
{
	struct t_sa ip[64];
	const char *text;
	int m = ip_states(net, ip, 64, &text);

	TK_EXPECT(m == n, "ip xfrm state shows %d SAs, not %d:\n%s\nsee %s",
		  m, n, tk_shown(text), section);
	for (int i = 0; i < n; i++) {
		int j = 0;

		while (j < m && strcmp(ip[j].spi, want[i].spi) != 0)
			j++;
		TK_EXPECT(j < m, "ip xfrm state has no SA with SPI %s; it "
			  "shows:\n%s\nsee %s (the SPI's byte order?)",
			  want[i].spi, tk_shown(text), section);
		TK_EXPECT(sa_differs(&ip[j], &want[i])[0] == '\0', "ip xfrm "
			  "state shows the %s wrong:\n  ip:       %s\n  "
			  "expected: %s\nsee %s", sa_differs(&ip[j], &want[i]),
			  sa_text(&ip[j]), sa_text(&want[i]), section);
	}
}

/* The two SAs the tests add (see ch19test.h). */
static const struct t_sa SA_V4 = {
	.spi = "0x00001000", .src = "192.0.2.1", .dst = "192.0.2.2",
	.mode = "transport", .aalg = "hmac(sha256)", .akey = KEY_SHA256,
	.ealg = "cbc(aes)", .ekey = KEY_AES128 };
static const struct t_sa SA_V6 = {
	.spi = "0x00002001", .src = "2001:db8::1", .dst = "2001:db8::2",
	.mode = "transport", .aalg = "hmac(sha1)", .akey = KEY_SHA1,
	.ealg = "cbc(aes)", .ekey = KEY_AES256 };

/* Adds S with ip (the SPI written as a number). */
static inline void lab_ip_add(hn_net *net, const struct t_sa *s)
{
	ip_add_sa(net, s->src, s->dst, s->spi, s->aalg, s->akey, s->ealg,
		  s->ekey);
}

/* An SA like BASE with another SPI (its text in SPI) and address. */
static inline struct t_sa lab_sa_like(const struct t_sa *base,
				      unsigned spi, const char *dst)
{
	struct t_sa s = *base;

	snprintf(s.spi, sizeof(s.spi), "0x%08x", spi);
	snprintf(s.dst, sizeof(s.dst), "%s", dst);
	return s;
}

#endif
