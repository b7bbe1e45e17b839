/*
 * Lab 12 public tests: the student's whoserv, in the server host of a
 * dual-stack network (the kernel's default net.ipv6.bindv6only, 0,
 * except where a test says), must tell every client who it is and
 * which address it reached, written the way a person writes it,
 * whichever family the client used.
 */
#include "lab12.h"

/* ---- 12.2: one socket, two families ------------------------------------ */

static void ipv4_client_shown_as_ipv4(void **state)
{
	(void)state;
	who_check("192.0.2.2", "an IPv4 client (192.0.2.1)");
}

static void ipv6_client_shown_as_ipv6(void **state)
{
	(void)state;
	who_check("2001:db8:1::2", "an IPv6 client (2001:db8:1::1)");
}

static void loopback_clients_of_both_families(void **state)
{
	hn_net *net = lab_net(NULL);
	struct who_answer a;
	hn_proc *srv;
	int port = who_start(net, "server", &srv, NULL, NULL);

	(void)state;
	who_ask(net, "server", "127.0.0.1", port, &a);
	who_expect(srv, &a, "a client on 127.0.0.1");
	who_ask(net, "server", "::1", port, &a);
	who_expect(srv, &a, "a client on ::1 (an IPv6 address with 80 "
		   "zero bits too, but not mapped)");
}

static void raw_shows_the_kernels_view(void **state)
{
	hn_net *net = lab_net(NULL);
	struct who_answer a;
	hn_proc *srv;
	int port = who_start(net, "server", &srv, "-m", NULL);
	char peer[64], local[64], want[512];
	int pport, lport;

	(void)state;
	who_ask(net, "client", "192.0.2.2", port, &a);
	TK_EXPECT(a.err == 0, "connect failed: %s", strerror(a.err));
	/* the line whoserv must send, each address as the kernel gave it */
	sscanf(a.expect, "client %63s port %d to %63s port %d", peer, &pport,
	       local, &lport);
	snprintf(want, sizeof(want), "client ::ffff:%s port %d to ::ffff:%s "
		 "port %d over IPv4\n", peer, pport, local, lport);
	TK_EXPECT(strcmp(a.line, want) == 0, "whoserv -m (addresses as the "
		  "kernel gave them) sent \"%s\", expected \"%s\" (section "
		  "12.2)", tk_chomp(a.line), tk_chomp(want));
}

/* ---- 12.3: an IPv6 socket talking IPv4 --------------------------------- */

static void ipv6_socket_to_a_mapped_address(void **state)
{
	(void)state;
	who_check("::ffff:192.0.2.2", "a client's AF_INET6 socket connected to "
		  "::ffff:192.0.2.2 (IPv4 on the wire)");
}

/* ---- 12.4: IPV6_V6ONLY and net.ipv6.bindv6only ------------------------- */

static void dual_even_when_bindv6only_is_1(void **state)
{
	hn_net *net = lab_net("sysctl server net.ipv6.bindv6only 1\n");
	struct who_answer a;
	hn_proc *srv;
	int port = who_start(net, "server", &srv, NULL, NULL);

	(void)state;
	who_ask(net, "client", "192.0.2.2", port, &a);
	TK_EXPECT(a.err == 0, "with net.ipv6.bindv6only = 1 on the server "
		  "host, an IPv4 client was refused (%s): listen_dual() "
		  "must set IPV6_V6ONLY to 0 itself, not leave it to the "
		  "system (section 12.4)", strerror(a.err));
	who_expect(srv, &a, "an IPv4 client, with bindv6only 1");
}

static void v6only_refuses_ipv4(void **state)
{
	hn_net *net = lab_net(NULL);
	struct who_answer a;
	hn_proc *srv;
	int port = who_start(net, "server", &srv, "-6", NULL);

	(void)state;
	who_ask(net, "client", "192.0.2.2", port, &a);
	TK_EXPECT(a.err == ECONNREFUSED, "whoserv -6 should take IPv6 "
		  "clients only, so an IPv4 client's connect should be "
		  "refused; it %s (section 12.4: IPV6_V6ONLY)",
		  a.err == 0 ? "was accepted" : strerror(a.err));
	who_ask(net, "client", "2001:db8:1::2", port, &a);
	who_expect(srv, &a, "an IPv6 client of whoserv -6");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(ipv4_client_shown_as_ipv4),
		TK_TEST(ipv6_client_shown_as_ipv6),
		TK_TEST(loopback_clients_of_both_families),
		TK_TEST(raw_shows_the_kernels_view),
		TK_TEST(ipv6_socket_to_a_mapped_address),
		TK_TEST(dual_even_when_bindv6only_is_1),
		TK_TEST(v6only_refuses_ipv4),
	};

	hn_init();
	return TK_RUN("lab12", tests);
}
