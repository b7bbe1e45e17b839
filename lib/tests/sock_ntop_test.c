/*
 * sock_ntop_test.c - unit tests of lib/sock_ntop.c, table-driven.
 *
 * Each address under test is copied into a heap block of exactly salen
 * bytes, so that with SAN=1 a function that reads past the length it was
 * given is caught by AddressSanitizer.
 */
#include "lnp.h"
#include "testkit.h"

#define UNKNOWN_FAMILY 12345

/* One address, described in words a table can hold. */
struct addr {
	int family;             /* AF_INET, AF_INET6, AF_UNIX or other */
	const char *text;       /* IP, path, "@abstract"; NULL: unnamed */
	int port;
	uint32_t scope;         /* IPv6 scope id */
	int salen_delta;        /* added to the proper length */
};

static socklen_t proper_len(const struct addr *a)
{
	switch (a->family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	case AF_UNIX:
		if (a->text == NULL)
			return offsetof(struct sockaddr_un, sun_path);
		return offsetof(struct sockaddr_un, sun_path) +
		       strlen(a->text) + (a->text[0] != '@');
	default:
		return sizeof(struct sockaddr_storage);
	}
}

static void fill_unix(struct sockaddr_un *un, const char *text)
{
	if (text == NULL)
		return;
	if (text[0] == '@')
		memcpy(un->sun_path + 1, text + 1, strlen(text) - 1);
	else
		memcpy(un->sun_path, text, strlen(text));
}

/* Builds the address in a heap block of exactly its salen bytes. */
static struct sockaddr *build(const struct addr *a, socklen_t *salen)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr *copy;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)a->family;
	if (a->family == AF_INET) {
		assert_int_equal(inet_pton(AF_INET, a->text, &in->sin_addr),
				 1);
		in->sin_port = htons((uint16_t)a->port);
	} else if (a->family == AF_INET6) {
		assert_int_equal(inet_pton(AF_INET6, a->text,
					   &in6->sin6_addr), 1);
		in6->sin6_port = htons((uint16_t)a->port);
		in6->sin6_scope_id = a->scope;
	} else if (a->family == AF_UNIX) {
		fill_unix((struct sockaddr_un *)&ss, a->text);
	}
	*salen = (socklen_t)((int)proper_len(a) + a->salen_delta);
	assert_true(*salen <= sizeof(ss));
	copy = malloc(*salen > 0 ? *salen : 1);
	assert_non_null(copy);
	memcpy(copy, &ss, *salen);
	return copy;
}

/* ---- sock_ntop and sock_ntop_host ------------------------------------ */

struct ntop_case {
	const char *what;
	struct addr a;
	size_t buflen;          /* 0: SOCK_NTOP_LEN */
	const char *want;       /* NULL: must fail with want_errno */
	const char *want_host;  /* sock_ntop_host's answer, if it differs */
	int want_errno;
};

#define LONG_PATH \
	"/tmp/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaxxx"   /* 108 bytes */

static const struct ntop_case ntop_cases[] = {
	{ "IPv4 address and port", { AF_INET, "192.0.2.1", 7, 0, 0 }, 0,
	  "192.0.2.1:7", "192.0.2.1", 0 },
	{ "IPv4 wildcard, port 0", { AF_INET, "0.0.0.0", 0, 0, 0 }, 0,
	  "0.0.0.0:0", "0.0.0.0", 0 },
	{ "IPv4 highest values", { AF_INET, "255.255.255.255", 65535, 0, 0 },
	  0, "255.255.255.255:65535", "255.255.255.255", 0 },
	{ "IPv4 in a sockaddr_storage-sized length",
	  { AF_INET, "203.0.113.9", 9877, 0, 112 }, 0,
	  "203.0.113.9:9877", "203.0.113.9", 0 },
	{ "IPv6 address in brackets", { AF_INET6, "2001:db8::1", 7, 0, 0 }, 0,
	  "[2001:db8::1]:7", "2001:db8::1", 0 },
	{ "IPv6 wildcard", { AF_INET6, "::", 0, 0, 0 }, 0, "[::]:0", "::", 0 },
	{ "IPv4-mapped IPv6", { AF_INET6, "::ffff:192.0.2.1", 80, 0, 0 }, 0,
	  "[::ffff:192.0.2.1]:80", "::ffff:192.0.2.1", 0 },
	{ "IPv6 link-local with its scope id",
	  { AF_INET6, "fe80::1", 22, 3, 0 }, 0, "[fe80::1%3]:22",
	  "fe80::1%3", 0 },
	{ "IPv6 with no run of zeros",
	  { AF_INET6, "2001:db8:1:2:3:4:5:6", 65535, 0, 0 }, 0,
	  "[2001:db8:1:2:3:4:5:6]:65535", "2001:db8:1:2:3:4:5:6", 0 },
	{ "IPv6 widest text", { AF_INET6,
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535, 4294967295u, 0 },
	  0, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535",
	  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295", 0 },
	{ "Unix path", { AF_UNIX, "/tmp/lnp.sock", 0, 0, 0 }, 0,
	  "/tmp/lnp.sock", NULL, 0 },
	{ "Unix abstract name", { AF_UNIX, "@lnp-demo", 0, 0, 0 }, 0,
	  "@lnp-demo", NULL, 0 },
	{ "Unix unnamed (socketpair)", { AF_UNIX, NULL, 0, 0, 0 }, 0,
	  "(unnamed)", NULL, 0 },
	{ "Unix path filling sun_path, no NUL",
	  { AF_UNIX, LONG_PATH, 0, 0, -1 }, 0, LONG_PATH, NULL, 0 },
	{ "IPv4 one byte too short", { AF_INET, "192.0.2.1", 7, 0, -1 }, 0,
	  NULL, NULL, EINVAL },
	{ "IPv6 in an IPv4-sized length", { AF_INET6, "2001:db8::1", 7, 0,
	  (int)sizeof(struct sockaddr_in) -
	  (int)sizeof(struct sockaddr_in6) }, 0, NULL, NULL, EINVAL },
	{ "length 0", { AF_INET, "192.0.2.1", 7, 0, -16 }, 0,
	  NULL, NULL, EINVAL },
	{ "length 1, shorter than the family field",
	  { AF_INET, "192.0.2.1", 7, 0, -15 }, 0, NULL, NULL, EINVAL },
	{ "unknown family", { UNKNOWN_FAMILY, NULL, 0, 0, 0 }, 0,
	  NULL, NULL, EAFNOSUPPORT },
	{ "AF_UNSPEC", { AF_UNSPEC, NULL, 0, 0, 0 }, 0,
	  NULL, NULL, EAFNOSUPPORT },
	{ "AF_PACKET, not handled", { AF_PACKET, NULL, 0, 0, 0 }, 0,
	  NULL, NULL, EAFNOSUPPORT },
	{ "IPv4 into a buffer exactly one byte short",
	  { AF_INET, "192.0.2.1", 7, 0, 0 }, 11, NULL, NULL, ENOSPC },
	{ "IPv4 into a buffer just big enough",
	  { AF_INET, "192.0.2.1", 7, 0, 0 }, 12, "192.0.2.1:7",
	  "192.0.2.1", 0 },
	{ "IPv6 into a buffer one byte short",
	  { AF_INET6, "2001:db8::1", 7, 0, 0 }, 15, NULL, NULL, ENOSPC },
	{ "Unix path into a buffer one byte short",
	  { AF_UNIX, "/tmp/lnp.sock", 0, 0, 0 }, 13, NULL, NULL, ENOSPC },
	{ "Unix abstract name into a buffer one byte short",
	  { AF_UNIX, "@lnp-demo", 0, 0, 0 }, 9, NULL, NULL, ENOSPC },
	{ "a buffer of 1 byte", { AF_INET, "192.0.2.1", 7, 0, 0 }, 1,
	  NULL, NULL, ENOSPC },
};

/* Checks one call's outcome against the expectation. */
static void check_ntop(const char *fn, const char *what, const char *got,
		       const char *want, int want_errno, int err)
{
	if (want == NULL) {
		TK_EXPECT(got == NULL, "%s(%s) returned \"%s\"; expected an "
			  "error (%s)", fn, what, got, strerror(want_errno));
		TK_EXPECT(err == want_errno, "%s(%s) set errno to \"%s\"; "
			  "expected \"%s\"", fn, what, strerror(err),
			  strerror(want_errno));
		return;
	}
	TK_EXPECT(got != NULL, "%s(%s) failed (%s); expected \"%s\"", fn,
		  what, strerror(err), want);
	TK_EXPECT(strcmp(got, want) == 0, "%s(%s) returned \"%s\"; "
		  "expected \"%s\"", fn, what, got, want);
}

static void sock_ntop_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ntop_cases) / sizeof(ntop_cases[0]); i++) {
		const struct ntop_case *c = &ntop_cases[i];
		size_t buflen = c->buflen ? c->buflen : SOCK_NTOP_LEN;
		char *buf = malloc(buflen);
		socklen_t salen;
		struct sockaddr *sa = build(&c->a, &salen);
		char *got;

		errno = 0;
		got = sock_ntop(sa, salen, buf, buflen);
		check_ntop("sock_ntop", c->what, got, c->want, c->want_errno,
			   errno);
		TK_EXPECT(got == NULL || got == buf, "sock_ntop(%s) did not "
			  "return the caller's buffer", c->what);
		free(sa);
		free(buf);
	}
}

static void sock_ntop_host_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ntop_cases) / sizeof(ntop_cases[0]); i++) {
		const struct ntop_case *c = &ntop_cases[i];
		const char *want = c->want_host ? c->want_host : c->want;
		char buf[SOCK_NTOP_LEN];
		socklen_t salen;
		struct sockaddr *sa;
		char *got;

		if (c->buflen != 0)
			continue;       /* buffer sizes: their own test */
		sa = build(&c->a, &salen);
		errno = 0;
		got = sock_ntop_host(sa, salen, buf, sizeof(buf));
		check_ntop("sock_ntop_host", c->what, got, want,
			   c->want_errno, errno);
		free(sa);
	}
}

static void sock_ntop_host_small_buffers(void **state)
{
	static const struct addr v4 = { AF_INET, "192.0.2.1", 7, 0, 0 };
	static const struct addr v6 = { AF_INET6, "fe80::1", 7, 12, 0 };
	socklen_t salen;
	struct sockaddr *a4 = build(&v4, &salen);
	struct sockaddr *a6 = build(&v6, &salen);
	char buf[16];

	(void)state;
	/* "192.0.2.1" needs 10 bytes with its NUL; "fe80::1%12" 11. */
	assert_non_null(sock_ntop_host(a4, sizeof(struct sockaddr_in),
				       buf, 10));
	assert_string_equal(buf, "192.0.2.1");
	errno = 0;
	assert_null(sock_ntop_host(a4, sizeof(struct sockaddr_in), buf, 9));
	assert_int_equal(errno, ENOSPC);
	assert_non_null(sock_ntop_host(a6, salen, buf, 11));
	assert_string_equal(buf, "fe80::1%12");
	errno = 0;
	assert_null(sock_ntop_host(a6, salen, buf, 10));
	assert_int_equal(errno, ENOSPC);
	errno = 0;
	assert_null(sock_ntop_host(a6, salen, buf, 7));
	assert_int_equal(errno, ENOSPC);
	free(a4);
	free(a6);
}

static void null_address_is_einval(void **state)
{
	char buf[SOCK_NTOP_LEN];

	(void)state;
	errno = 0;
	assert_null(sock_ntop(NULL, 16, buf, sizeof(buf)));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(sock_ntop_host(NULL, 16, buf, sizeof(buf)));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(sock_get_port(NULL, 16), -1);
	assert_int_equal(errno, EINVAL);
}

/* ---- ports ------------------------------------------------------------ */

struct port_case {
	const char *what;
	struct addr a;
	int want;               /* -1: fails with want_errno */
	int want_errno;
};

static const struct port_case get_port_cases[] = {
	{ "IPv4 port 7", { AF_INET, "192.0.2.1", 7, 0, 0 }, 7, 0 },
	{ "IPv4 port 65535", { AF_INET, "192.0.2.1", 65535, 0, 0 },
	  65535, 0 },
	{ "IPv6 port 9877", { AF_INET6, "2001:db8::2", 9877, 0, 0 },
	  9877, 0 },
	{ "IPv6 port 0", { AF_INET6, "::", 0, 0, 0 }, 0, 0 },
	{ "Unix path: no port", { AF_UNIX, "/tmp/x", 0, 0, 0 },
	  -1, EAFNOSUPPORT },
	{ "IPv4 too short", { AF_INET, "192.0.2.1", 7, 0, -1 }, -1, EINVAL },
	{ "IPv6 too short", { AF_INET6, "::1", 7, 0, -1 }, -1, EINVAL },
	{ "unknown family", { UNKNOWN_FAMILY, NULL, 0, 0, 0 },
	  -1, EAFNOSUPPORT },
};

static void sock_get_port_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(get_port_cases) / sizeof(get_port_cases[0]);
	     i++) {
		const struct port_case *c = &get_port_cases[i];
		socklen_t salen;
		struct sockaddr *sa = build(&c->a, &salen);
		int got;

		errno = 0;
		got = sock_get_port(sa, salen);
		TK_EXPECT(got == c->want, "sock_get_port(%s) returned %d; "
			  "expected %d", c->what, got, c->want);
		TK_EXPECT(c->want >= 0 || errno == c->want_errno,
			  "sock_get_port(%s) set errno to \"%s\"; expected "
			  "\"%s\"", c->what, strerror(errno),
			  strerror(c->want_errno));
		free(sa);
	}
}

/* The port is stored in network byte order: 9877 is 0x2695, so the
 * bytes in memory are 0x26 then 0x95 on every machine. */
static void ports_are_in_network_byte_order(void **state)
{
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	const unsigned char *p4 = (const unsigned char *)&in.sin_port;
	const unsigned char *p6 = (const unsigned char *)&in6.sin6_port;

	(void)state;
	memset(&in, 0, sizeof(in));
	memset(&in6, 0, sizeof(in6));
	in.sin_family = AF_INET;
	in6.sin6_family = AF_INET6;
	assert_int_equal(sock_set_port((struct sockaddr *)&in, sizeof(in),
				       9877), 0);
	assert_int_equal(sock_set_port((struct sockaddr *)&in6, sizeof(in6),
				       9877), 0);
	assert_int_equal(p4[0], 0x26);
	assert_int_equal(p4[1], 0x95);
	assert_int_equal(p6[0], 0x26);
	assert_int_equal(p6[1], 0x95);
	p4 = (const unsigned char[]){ 0x01, 0x02 };
	memcpy(&in.sin_port, p4, 2);
	assert_int_equal(sock_get_port((struct sockaddr *)&in, sizeof(in)),
			 0x0102);
}

struct set_port_case {
	const char *what;
	struct addr a;
	int port;
	int want_errno;         /* 0: must succeed */
};

static const struct set_port_case set_port_cases[] = {
	{ "IPv4 to 80", { AF_INET, "192.0.2.1", 7, 0, 0 }, 80, 0 },
	{ "IPv4 to 0", { AF_INET, "192.0.2.1", 7, 0, 0 }, 0, 0 },
	{ "IPv6 to 65535", { AF_INET6, "2001:db8::1", 7, 0, 0 }, 65535, 0 },
	{ "IPv4 to -1", { AF_INET, "192.0.2.1", 7, 0, 0 }, -1, EINVAL },
	{ "IPv6 to 65536", { AF_INET6, "2001:db8::1", 7, 0, 0 }, 65536,
	  EINVAL },
	{ "Unix path", { AF_UNIX, "/tmp/x", 0, 0, 0 }, 80, EAFNOSUPPORT },
	{ "IPv4 too short", { AF_INET, "192.0.2.1", 7, 0, -1 }, 80, EINVAL },
	{ "unknown family", { UNKNOWN_FAMILY, NULL, 0, 0, 0 }, 80,
	  EAFNOSUPPORT },
};

static void sock_set_port_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(set_port_cases) / sizeof(set_port_cases[0]);
	     i++) {
		const struct set_port_case *c = &set_port_cases[i];
		socklen_t salen;
		struct sockaddr *sa = build(&c->a, &salen);
		struct sockaddr *before = build(&c->a, &salen);
		int r;

		errno = 0;
		r = sock_set_port(sa, salen, c->port);
		if (c->want_errno == 0) {
			TK_EXPECT(r == 0, "sock_set_port(%s) failed: %s",
				  c->what, strerror(errno));
			TK_EXPECT(sock_get_port(sa, salen) == c->port,
				  "after sock_set_port(%s) the port reads "
				  "back as %d", c->what,
				  sock_get_port(sa, salen));
		} else {
			TK_EXPECT(r == -1 && errno == c->want_errno,
				  "sock_set_port(%s) returned %d, errno "
				  "\"%s\"; expected -1 and \"%s\"", c->what,
				  r, strerror(errno), strerror(c->want_errno));
			TK_EXPECT(memcmp(sa, before, salen) == 0,
				  "sock_set_port(%s) failed but changed the "
				  "address", c->what);
		}
		free(sa);
		free(before);
	}
}

/* ---- sock_set_addr and sock_set_wild --------------------------------- */

static void sock_set_addr_ipv4_ipv6(void **state)
{
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct in_addr a4;
	struct in6_addr a6;
	char buf[SOCK_NTOP_LEN];

	(void)state;
	memset(&in, 0, sizeof(in));
	memset(&in6, 0, sizeof(in6));
	in.sin_family = AF_INET;
	in.sin_port = htons(7);
	in6.sin6_family = AF_INET6;
	in6.sin6_port = htons(7);
	assert_int_equal(inet_pton(AF_INET, "198.51.100.20", &a4), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::20", &a6), 1);
	assert_int_equal(sock_set_addr((struct sockaddr *)&in, sizeof(in),
				       &a4), 0);
	assert_int_equal(sock_set_addr((struct sockaddr *)&in6, sizeof(in6),
				       &a6), 0);
	assert_string_equal(sock_ntop((struct sockaddr *)&in, sizeof(in),
				      buf, sizeof(buf)), "198.51.100.20:7");
	assert_string_equal(sock_ntop((struct sockaddr *)&in6, sizeof(in6),
				      buf, sizeof(buf)), "[2001:db8::20]:7");
	errno = 0;
	assert_int_equal(sock_set_addr((struct sockaddr *)&in,
				       sizeof(in) - 1, &a4), -1);
	assert_int_equal(errno, EINVAL);
}

struct set_path_case {
	const char *what;
	socklen_t salen;        /* the room the caller says it has */
	const char *path;
	int want_errno;
};

static const struct set_path_case set_path_cases[] = {
	{ "a short path", sizeof(struct sockaddr_un), "/tmp/a.sock", 0 },
	{ "107 characters: fits with its NUL", sizeof(struct sockaddr_un),
	  LONG_PATH + 1, 0 },
	{ "108 characters: no room for the NUL",
	  sizeof(struct sockaddr_un), LONG_PATH, ENAMETOOLONG },
	{ "a length with room for 4 bytes of path",
	  offsetof(struct sockaddr_un, sun_path) + 4, "/tmp/a.sock",
	  ENAMETOOLONG },
	{ "a length with exactly enough room",
	  offsetof(struct sockaddr_un, sun_path) + 4, "/ab", 0 },
	{ "a length larger than sockaddr_un",
	  sizeof(struct sockaddr_storage), "/tmp/b.sock", 0 },
};

static void sock_set_addr_unix_paths(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(set_path_cases) / sizeof(set_path_cases[0]);
	     i++) {
		const struct set_path_case *c = &set_path_cases[i];
		struct sockaddr_storage ss, before;
		struct sockaddr_un *un = (struct sockaddr_un *)&ss;
		int r;

		memset(&ss, 0x55, sizeof(ss));
		un->sun_family = AF_UNIX;
		before = ss;
		errno = 0;
		r = sock_set_addr((struct sockaddr *)&ss, c->salen, c->path);
		if (c->want_errno == 0) {
			TK_EXPECT(r == 0, "sock_set_addr(%s) failed: %s",
				  c->what, strerror(errno));
			TK_EXPECT(strcmp(un->sun_path, c->path) == 0,
				  "sock_set_addr(%s) stored \"%.108s\"",
				  c->what, un->sun_path);
		} else {
			TK_EXPECT(r == -1 && errno == c->want_errno,
				  "sock_set_addr(%s) returned %d (%s); "
				  "expected -1 (%s)", c->what, r,
				  strerror(errno), strerror(c->want_errno));
			TK_EXPECT(memcmp(&ss, &before, sizeof(ss)) == 0,
				  "sock_set_addr(%s) failed but changed the "
				  "address", c->what);
		}
	}
}

static void sock_set_wild_by_family(void **state)
{
	static const struct addr v4 = { AF_INET, "192.0.2.1", 7, 0, 0 };
	static const struct addr v6 = { AF_INET6, "2001:db8::1", 7, 0, 0 };
	static const struct addr un = { AF_UNIX, "/tmp/x", 0, 0, 0 };
	static const struct addr bad = { UNKNOWN_FAMILY, NULL, 0, 0, 0 };
	char buf[SOCK_NTOP_LEN];
	socklen_t l4, l6, lu, lb;
	struct sockaddr *a4 = build(&v4, &l4), *a6 = build(&v6, &l6);
	struct sockaddr *au = build(&un, &lu), *ab = build(&bad, &lb);

	(void)state;
	assert_int_equal(sock_set_wild(a4, l4), 0);
	assert_string_equal(sock_ntop(a4, l4, buf, sizeof(buf)), "0.0.0.0:7");
	assert_int_equal(sock_set_wild(a6, l6), 0);
	assert_string_equal(sock_ntop(a6, l6, buf, sizeof(buf)), "[::]:7");
	errno = 0;
	assert_int_equal(sock_set_wild(au, lu), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	errno = 0;
	assert_int_equal(sock_set_wild(ab, lb), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	errno = 0;
	assert_int_equal(sock_set_wild(a4, l4 - 1), -1);
	assert_int_equal(errno, EINVAL);
	free(a4);
	free(a6);
	free(au);
	free(ab);
}

/* ---- comparisons ------------------------------------------------------ */

struct cmp_case {
	const char *what;
	struct addr a, b;
	socklen_t salen;        /* 0: the larger proper length */
	int want_addr;          /* sock_cmp_addr: 0, 1 or -1 */
	int want_port;          /* sock_cmp_port: 0, 1 or -1 */
	int want_errno;         /* when -1 */
};

#define V4(ip, port) { AF_INET, ip, port, 0, 0 }
#define V6(ip, port, scope) { AF_INET6, ip, port, scope, 0 }
#define UN(path) { AF_UNIX, path, 0, 0, 0 }

static const struct cmp_case cmp_cases[] = {
	{ "same IPv4 address and port", V4("192.0.2.1", 7),
	  V4("192.0.2.1", 7), 0, 0, 0, 0 },
	{ "same IPv4 address, other port", V4("192.0.2.1", 7),
	  V4("192.0.2.1", 8), 0, 0, 1, 0 },
	{ "other IPv4 address, same port", V4("192.0.2.1", 7),
	  V4("192.0.2.2", 7), 0, 1, 0, 0 },
	{ "IPv4 and IPv6, same port", V4("192.0.2.1", 7),
	  V6("::ffff:192.0.2.1", 7, 0), 0, 1, 1, 0 },
	{ "same IPv6 address", V6("2001:db8::1", 7, 0),
	  V6("2001:db8::1", 9, 0), 0, 0, 1, 0 },
	{ "other IPv6 address", V6("2001:db8::1", 7, 0),
	  V6("2001:db8::2", 7, 0), 0, 1, 0, 0 },
	{ "IPv6 link-local on two interfaces", V6("fe80::1", 7, 2),
	  V6("fe80::1", 7, 3), 0, 1, 0, 0 },
	{ "same Unix path", UN("/tmp/a.sock"), UN("/tmp/a.sock"),
	  0, 0, -1, EAFNOSUPPORT },
	{ "other Unix path", UN("/tmp/a.sock"), UN("/tmp/b.sock"),
	  0, 1, -1, EAFNOSUPPORT },
	{ "same abstract name", UN("@lnp"), UN("@lnp"), 0, 0, -1,
	  EAFNOSUPPORT },
	{ "abstract name and path alike", UN("@lnp"), UN("/lnp"), 0, 1, -1,
	  EAFNOSUPPORT },
	{ "IPv4, length too short", V4("192.0.2.1", 7), V4("192.0.2.1", 7),
	  sizeof(struct sockaddr_in) - 1, -1, -1, EINVAL },
	{ "IPv6 compared with an IPv4 length", V6("2001:db8::1", 7, 0),
	  V6("2001:db8::1", 7, 0), sizeof(struct sockaddr_in), -1, -1,
	  EINVAL },
	{ "unknown family", { UNKNOWN_FAMILY, NULL, 0, 0, 0 },
	  V4("192.0.2.1", 7), 0, -1, -1, EAFNOSUPPORT },
};

/* Builds both into blocks of the case's salen (so neither is read past
 * the length the caller claims). */
static void build_pair(const struct cmp_case *c, struct sockaddr **a,
		       struct sockaddr **b, socklen_t *salen)
{
	struct addr ca = c->a, cb = c->b;
	socklen_t la = proper_len(&ca), lb = proper_len(&cb);

	*salen = c->salen ? c->salen : (la > lb ? la : lb);
	ca.salen_delta = (int)*salen - (int)la;
	cb.salen_delta = (int)*salen - (int)lb;
	*a = build(&ca, &la);
	*b = build(&cb, &lb);
}

static void check_cmp(const char *fn, const struct cmp_case *c, int got,
		      int swapped, int want)
{
	TK_EXPECT(got == want, "%s(%s) returned %d; expected %d", fn,
		  c->what, got, want);
	TK_EXPECT(swapped == got, "%s(%s) is not symmetric: %d one way, %d "
		  "the other", fn, c->what, got, swapped);
	TK_EXPECT(want != -1 || errno == c->want_errno, "%s(%s) set errno "
		  "\"%s\"; expected \"%s\"", fn, c->what, strerror(errno),
		  strerror(c->want_errno));
}

static void sock_cmp_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cmp_cases) / sizeof(cmp_cases[0]); i++) {
		const struct cmp_case *c = &cmp_cases[i];
		struct sockaddr *a, *b;
		socklen_t salen;
		int got, swapped;

		build_pair(c, &a, &b, &salen);
		swapped = sock_cmp_addr(b, a, salen);
		errno = 0;
		got = sock_cmp_addr(a, b, salen);
		check_cmp("sock_cmp_addr", c, got, swapped, c->want_addr);
		swapped = sock_cmp_port(b, a, salen);
		errno = 0;
		got = sock_cmp_port(a, b, salen);
		check_cmp("sock_cmp_port", c, got, swapped, c->want_port);
		free(a);
		free(b);
	}
}

/* A path is the text up to its NUL: what lies after it in sun_path
 * (left over from an earlier use of the buffer) must not matter. */
static void unix_paths_compare_up_to_nul(void **state)
{
	struct sockaddr_un a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0x7f, sizeof(b));
	a.sun_family = b.sun_family = AF_UNIX;
	strcpy(a.sun_path, "/tmp/lnp.sock");
	strcpy(b.sun_path, "/tmp/lnp.sock");
	assert_int_equal(sock_cmp_addr((struct sockaddr *)&a,
				       (struct sockaddr *)&b, sizeof(a)), 0);
	b.sun_path[5] = 'X';
	assert_int_equal(sock_cmp_addr((struct sockaddr *)&a,
				       (struct sockaddr *)&b, sizeof(a)), 1);
}

/* ---- sock_bind_wild ---------------------------------------------------- */

static void check_bind_wild(int family, const char *want_host)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char buf[SOCK_NTOP_LEN];
	int fd = socket(family, SOCK_DGRAM, 0);
	int port;

	if (fd < 0 && errno == EAFNOSUPPORT)
		skip();         /* this kernel has no IPv6 */
	assert_true(fd >= 0);
	port = sock_bind_wild(fd, family);
	TK_EXPECT(port > 0, "sock_bind_wild(%s) returned %d (%s)", want_host,
		  port, strerror(errno));
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	TK_EXPECT(sock_get_port((struct sockaddr *)&ss, len) == port,
		  "sock_bind_wild returned port %d but the socket is bound "
		  "to %s", port, sock_ntop((struct sockaddr *)&ss, len, buf,
					  sizeof(buf)));
	assert_string_equal(sock_ntop_host((struct sockaddr *)&ss, len, buf,
					   sizeof(buf)), want_host);
	/* a second bind of the same socket is refused by the kernel */
	errno = 0;
	assert_int_equal(sock_bind_wild(fd, family), -1);
	assert_int_equal(errno, EINVAL);
	close(fd);
}

static void sock_bind_wild_ipv4(void **state)
{
	(void)state;
	check_bind_wild(AF_INET, "0.0.0.0");
}

static void sock_bind_wild_ipv6(void **state)
{
	(void)state;
	check_bind_wild(AF_INET6, "::");
}

static void sock_bind_wild_bad_input(void **state)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	(void)state;
	errno = 0;
	assert_int_equal(sock_bind_wild(fd, AF_UNIX), -1);
	assert_int_equal(errno, EAFNOSUPPORT);
	close(fd);
	errno = 0;
	assert_int_equal(sock_bind_wild(fd, AF_INET), -1);
	assert_int_equal(errno, EBADF);         /* fd is closed now */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(sock_ntop_table),
		TK_TEST(sock_ntop_host_table),
		TK_TEST(sock_ntop_host_small_buffers),
		TK_TEST(null_address_is_einval),
		TK_TEST(sock_get_port_table),
		TK_TEST(ports_are_in_network_byte_order),
		TK_TEST(sock_set_port_table),
		TK_TEST(sock_set_addr_ipv4_ipv6),
		TK_TEST(sock_set_addr_unix_paths),
		TK_TEST(sock_set_wild_by_family),
		TK_TEST(sock_cmp_table),
		TK_TEST(unix_paths_compare_up_to_nul),
		TK_TEST(sock_bind_wild_ipv4),
		TK_TEST(sock_bind_wild_ipv6),
		TK_TEST(sock_bind_wild_bad_input),
	};
	return TK_RUN("lib sock_ntop", tests);
}
