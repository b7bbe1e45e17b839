/*
 * lab6net.h - how lab 6's tests (public and hidden) start the student's
 * server: on host b of a two-host harness network (with small send
 * buffers), with a capture of the link that the report names when a
 * scenario fails; the test's own clients connect from host a.
 */
#ifndef LAB6NET_H
#define LAB6NET_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

static hn_proc *server;
static const char *server_ip;   /* host b's address */

/* Starts mux_echo on host b; returns its port. */
static int start_mux_echo(void)
{
	static char *prog;
	char *argv[] = { NULL, "0", NULL };
	hn_net *net = hn_two_hosts();

	if (prog == NULL)
		prog = tk_sibling("mux_echo");  /* kept for the next test */
	argv[0] = prog;
	hn_capture(net, "a", "b");      /* kept for Wireshark on failure */
	/* Small send buffers in the server's host (at most 32 kB, below
	 * the 64 kB of echoes a client may have waiting), so that the
	 * server's writes are often short, as on a busy host: a write that
	 * must take everything blocks, or loses the rest. */
	TK_EXPECT(hn_sh(net, "b", 2000, NULL, "echo '4096 8192 32768' > "
			"/proc/sys/net/ipv4/tcp_wmem") == 0,
		  "could not set tcp_wmem in the server's host");
	server = hn_spawn(net, "b", argv, NULL);
	hn_enter(net, "a");             /* the test's clients live in a */
	server_ip = hn_addr(net, "b", AF_INET);
	return tk_listening_port(server, 2000);
}

#endif
