/*
 * names11.h - chapter 11's test network: a client, a router, a DNS
 * server (dnsmasq) with the test zone, a web host that answers, and a
 * dead host whose address swallows every packet.
 */
#ifndef NAMES11_H
#define NAMES11_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#define CH11 "11-names-addresses"

/* client 192.0.2.1, dns 198.51.100.2, web 203.0.113.2, dead
 * 203.0.113.130: the client's resolver asks dns. */
#define NAMES11_TOPO \
	"host client dns web dead\n" \
	"router r\n" \
	"link client r 192.0.2.0/24 2001:db8:1::/64\n" \
	"link r dns 198.51.100.0/24 2001:db8:2::/64\n" \
	"link r web 203.0.113.0/25 2001:db8:3::/64\n" \
	"link r dead 203.0.113.128/25 2001:db8:4::/64\n"

#define DNS_ADDR "198.51.100.2"
#define WEB4 "203.0.113.2"
#define WEB6 "2001:db8:3::2"
#define DEAD4 "203.0.113.130"
#define DEAD6 "2001:db8:4::2"

/* The zone: names.test and what each name is for. */
#define NAMES11_ZONE \
	"local=/names.test/\n" \
	"local=/in-addr.arpa/\n" \
	"local=/ip6.arpa/\n" \
	"host-record=www.names.test," WEB4 "," WEB6 "\n" \
	"cname=alias.names.test,www.names.test\n" \
	"host-record=client.names.test,192.0.2.1,2001:db8:1::1\n" \
	"host-record=v4only.names.test," WEB4 "\n" \
	"host-record=v6only.names.test," WEB6 "\n" \
	"host-record=multi.names.test," DEAD4 "\n" \
	"host-record=multi.names.test," WEB4 "\n" \
	"host-record=mixed.names.test," WEB4 "," DEAD6 "\n"

#define NAMES11_RESOLV \
	"nameserver " DNS_ADDR "\n" \
	"options timeout:1 attempts:1\n"

#define NAMES11_HOSTS "127.0.0.1 localhost\n::1 localhost\n"

/* RFC 6724's table with IPv4 (as ::ffff:0:0/96) raised above IPv6. */
#define GAI_V4_FIRST "precedence ::ffff:0:0/96 100\n"

#endif
