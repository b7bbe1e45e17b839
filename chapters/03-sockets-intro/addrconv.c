/*
 * addrconv.c - text to binary addresses and back: inet_pton() and
 * inet_ntop(), compared with the old inet_aton().
 *
 *   addrconv TEXT...
 *
 * For each argument, says whether inet_pton() takes it as an IPv4 or an
 * IPv6 address, prints the bytes it stores (network byte order), and the
 * canonical text inet_ntop() makes of them.  For text that is not an
 * address, it shows what the obsolete inet_aton() would have made of it.
 */
#include "lnp.h"

static void print_bytes(const unsigned char *b, size_t n)
{
	size_t i;

	printf("    bytes:");
	for (i = 0; i < n; i++)
		printf(" %02x", b[i]);
	printf("\n");
}

/* include addrconv_convert */
/* Converts text with inet_pton, trying IPv4 first, then IPv6.  Returns
 * the family it parsed as, or AF_UNSPEC. */
static int parse(const char *text, unsigned char addr[16])
{
	if (inet_pton(AF_INET, text, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, text, addr) == 1)
		return AF_INET6;
	return AF_UNSPEC;
}

static void convert(const char *text)
{
	unsigned char addr[sizeof(struct in6_addr)];
	char back[INET6_ADDRSTRLEN];
	int family = parse(text, addr);

	printf("\"%s\"\n", text);
	if (family == AF_UNSPEC) {
		struct in_addr old;

		printf("    not an IPv4 or IPv6 address for inet_pton\n");
		if (inet_aton(text, &old))
			printf("    but inet_aton reads it as %s\n",
			       inet_ntoa(old));
		return;
	}
	printf("    %s\n", family == AF_INET ? "IPv4" : "IPv6");
	print_bytes(addr, family == AF_INET ? 4 : 16);
	if (inet_ntop(family, addr, back, sizeof(back)) == NULL)
		err_sys("inet_ntop");
	printf("    inet_ntop: %s\n", back);
}
/* end addrconv_convert */

/* include addrconv_small */
/* inet_ntop refuses a buffer too small for the answer (and says so),
 * where the old inet_ntoa used a static buffer of its own. */
static void too_small(void)
{
	struct in6_addr a6;
	char small[8];

	Inet_pton(AF_INET6, "2001:db8::1", &a6);
	if (inet_ntop(AF_INET6, &a6, small, sizeof(small)) == NULL)
		printf("inet_ntop into %zu bytes: %s\n", sizeof(small),
		       strerror(errno));
}
/* end addrconv_small */

int main(int argc, char **argv)
{
	int i;

	if (argc < 2)
		err_quit("usage: addrconv TEXT...");
	for (i = 1; i < argc; i++)
		convert(argv[i]);
	too_small();
	return 0;
}
