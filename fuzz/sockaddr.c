/*
 * fuzz/sockaddr.c - libFuzzer target for the address functions of
 * lib/sock_ntop.c: formatting (sock_ntop, sock_ntop_host), ports
 * (sock_get_port, sock_set_port) and comparison (sock_cmp_addr,
 * sock_cmp_port).
 *
 * Each address lives in a heap block of exactly the length claimed, so
 * AddressSanitizer catches a function reading past salen.  Checks:
 *   - a formatted address fits the buffer, or the call fails with
 *     EINVAL, EAFNOSUPPORT or ENOSPC;
 *   - "host:port" parses back to the address and port it came from;
 *   - an address equals itself; comparison is symmetric; addresses that
 *     compare equal are printed the same.
 *
 * Input layout: [salen][buflen][family][port: 2][address a][address b]
 */
#include "lnp.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#define ROOM sizeof(struct sockaddr_storage)
#define BIG SOCK_NTOP_LEN

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len);

/* The family byte picks a real family most of the time, so the fuzzer
 * spends its effort inside them; 0 keeps the input's own bytes. */
static const int families[] = { 0, AF_INET, AF_INET6, AF_UNIX };

static struct sockaddr *make_addr(const uint8_t *bytes, size_t avail,
				  socklen_t salen, int family)
{
	uint8_t *a = malloc(salen > 0 ? salen : 1);
	size_t n = avail < salen ? avail : salen;

	CHECK(a != NULL);
	memset(a, 0, salen);
	memcpy(a, bytes, n);
	if (family != 0 && salen >= sizeof(sa_family_t)) {
		sa_family_t f = (sa_family_t)family;

		memcpy(a + offsetof(struct sockaddr, sa_family), &f,
		       sizeof(f));
	}
	return (struct sockaddr *)a;
}

static bool expected_errno(void)
{
	return errno == EINVAL || errno == EAFNOSUPPORT || errno == ENOSPC;
}

/* "192.0.2.1:7" or "[2001:db8::1%2]:7" must say what sa holds. */
static void check_round_trip(const struct sockaddr *sa, socklen_t salen,
			     const char *text, const char *host)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
	const char *colon = strrchr(text, ':'), *scope;
	struct in6_addr a6;
	struct in_addr a4;
	char copy[BIG];

	CHECK(colon != NULL);
	CHECK(atoi(colon + 1) == sock_get_port(sa, salen));
	if (sa->sa_family == AF_INET) {
		CHECK((size_t)(colon - text) == strlen(host));
		CHECK(inet_pton(AF_INET, host, &a4) == 1);
		CHECK(memcmp(&a4, &((const struct sockaddr_in *)sa)->sin_addr,
			     sizeof(a4)) == 0);
		return;
	}
	CHECK(text[0] == '[' && colon[-1] == ']');
	snprintf(copy, sizeof(copy), "%s", host);
	copy[strcspn(copy, "%")] = '\0';        /* drop the scope */
	CHECK(inet_pton(AF_INET6, copy, &a6) == 1);
	CHECK(memcmp(&a6, &sin6->sin6_addr, sizeof(a6)) == 0);
	scope = strchr(host, '%');
	CHECK(scope == NULL ? sin6->sin6_scope_id == 0 :
	      strtoul(scope + 1, NULL, 10) == sin6->sin6_scope_id);
}

/* Formats sa both ways; returns the host text in host (or "" if it
 * cannot be formatted). */
static void check_format(const struct sockaddr *sa, socklen_t salen,
			 size_t buflen, char host[BIG])
{
	char *small = malloc(buflen > 0 ? buflen : 1);
	char text[BIG];
	char *r;

	CHECK(small != NULL);
	errno = 0;
	r = sock_ntop(sa, salen, small, buflen);
	CHECK(r == NULL ? expected_errno() : r == small &&
	      strlen(small) < buflen);
	free(small);
	host[0] = '\0';
	if (sock_ntop(sa, salen, text, sizeof(text)) == NULL) {
		CHECK(expected_errno() && errno != ENOSPC);
		CHECK(sock_ntop_host(sa, salen, host, BIG) == NULL);
		host[0] = '\0';
		return;
	}
	CHECK(sock_ntop_host(sa, salen, host, BIG) == host);
	if (sa->sa_family == AF_UNIX)
		CHECK(strcmp(text, host) == 0);
	else
		check_round_trip(sa, salen, text, host);
}

static void check_ports(struct sockaddr *sa, socklen_t salen, int port)
{
	int before = sock_get_port(sa, salen);

	CHECK(before >= -1 && before <= 65535);
	if (sock_set_port(sa, salen, port) == 0)
		CHECK(sock_get_port(sa, salen) == port);
	else
		CHECK(sock_get_port(sa, salen) == before);
}

static void check_compare(const struct sockaddr *a,
			  const struct sockaddr *b, socklen_t salen,
			  const char *host_a, const char *host_b)
{
	int ab = sock_cmp_addr(a, b, salen), ba = sock_cmp_addr(b, a, salen);
	int pab = sock_cmp_port(a, b, salen);

	CHECK(ab >= -1 && ab <= 1 && ab == ba);
	CHECK(pab >= -1 && pab <= 1 && pab == sock_cmp_port(b, a, salen));
	if (host_a[0] != '\0')
		CHECK(sock_cmp_addr(a, a, salen) == 0);
	if (ab == 0)
		CHECK(strcmp(host_a, host_b) == 0);
	if (pab == 0)
		CHECK(sock_get_port(a, salen) == sock_get_port(b, salen));
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	socklen_t salen;
	size_t buflen, rest;
	int family, port;
	struct sockaddr *a, *b;
	char host_a[BIG], host_b[BIG];

	if (len < 5)
		return 0;
	salen = in[0] % (ROOM + 2);
	buflen = in[1] % (BIG + 2);
	family = families[in[2] % 4];
	port = (in[3] | in[4] << 8) - 1;        /* -1..65534 */
	in += 5;
	rest = len - 5;
	a = make_addr(in, rest, salen, family);
	b = make_addr(in + (rest < salen ? rest : salen),
		      rest < salen ? 0 : rest - salen, salen, family);
	check_format(a, salen, buflen, host_a);
	check_format(b, salen, buflen, host_b);
	check_compare(a, b, salen, host_a, host_b);
	check_ports(a, salen, port);
	free(a);
	free(b);
	return 0;
}
