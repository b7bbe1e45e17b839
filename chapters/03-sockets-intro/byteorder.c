/*
 * byteorder.c - how this machine stores integers in memory, and what
 * htons()/htonl() do to them.
 *
 * Prints the bytes of a 16-bit and a 32-bit value as they lie in memory,
 * before and after conversion to network byte order (big-endian: the
 * most significant byte first, at the lowest address).
 */
#include "lnp.h"

/* Prints the n bytes at p in the order they lie in memory. */
static void print_bytes(const char *label, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	printf("  %-22s", label);
	for (i = 0; i < n; i++)
		printf(" %02x", b[i]);
	printf("\n");
}

/* include byteorder_probe */
/* Which byte of a 16-bit value comes first in memory? */
static const char *host_order(void)
{
	union {
		uint16_t value;
		unsigned char bytes[2];
	} probe = { .value = 0x0102 };

	if (probe.bytes[0] == 0x01 && probe.bytes[1] == 0x02)
		return "big-endian";
	if (probe.bytes[0] == 0x02 && probe.bytes[1] == 0x01)
		return "little-endian";
	return "unknown";
}
/* end byteorder_probe */

/* include byteorder_convert */
static void show_port(uint16_t port)
{
	uint16_t net = htons(port);

	printf("port %u (0x%04x)\n", port, port);
	print_bytes("host order:", &port, sizeof(port));
	print_bytes("network order (htons):", &net, sizeof(net));
	printf("  ntohs() gives back %u\n", ntohs(net));
}

static void show_address(uint32_t addr)
{
	uint32_t net = htonl(addr);
	char text[INET_ADDRSTRLEN];

	printf("IPv4 address 0x%08x\n", addr);
	print_bytes("host order:", &addr, sizeof(addr));
	print_bytes("network order (htonl):", &net, sizeof(net));
	/* inet_ntop expects network order: the bytes of a struct in_addr */
	printf("  as text: %s\n", inet_ntop(AF_INET, &net, text,
					    sizeof(text)));
}
/* end byteorder_convert */

int main(void)
{
	printf("this host is %s\n", host_order());
	show_port(SERV_PORT);
	show_address(0xc0000201);       /* 192.0.2.1 */
	return 0;
}
