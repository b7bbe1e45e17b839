/*
 * Chapter 27's examples, run on a chain of two routers (client - r1 -
 * r2 - server): a loose source route through both routers, where it
 * dies host by host as accept_source_route is turned on, and the route
 * back the server is given; record route filled in by every host; IPv6
 * hop-by-hop and destination options across the routers, and a type 0
 * routing header refused.  Every claim is checked in the captures.
 */
#include "ch27.h"

/* The hosts in the order a source-routed SYN and its SYN-ACK meet
 * them (the client sends without looking at the option). */
static const char *const path[] = { "r1", "r2", "server", "client" };

/* The chain with captures at the client's end of its link, at r2's end
 * of the link from r1 and at the server's end of its link. */
struct chain {
	hn_net *net;
	hn_cap *cli, *mid, *srv;
	hn_proc *optserv;
};

static void chain_up(struct chain *c)
{
	c->net = hn_chain(2);
	c->cli = hn_capture(c->net, "client", "r1");
	c->mid = hn_capture(c->net, "r2", "r1");
	c->srv = hn_capture(c->net, "server", "r2");
	c->optserv = hn_run(c->net, "server", tk_prog(CH, "optserv"),
			    "9877", NULL);
	TK_EXPECT(tk_listening_port(c->optserv, 2000) == 9877,
		  "optserv did not start: %s", hn_stderr(c->optserv));
}

/* net.ipv4.conf.all.accept_source_route in HOST; its interfaces keep
 * the kernel's default, 1, and the two are ANDed. */
static void accept_srr(struct chain *c, const char *host, int on)
{
	TK_EXPECT(hn_sh(c->net, host, 2000, NULL, "echo %d > /proc/sys/net/"
			"ipv4/conf/all/accept_source_route", on) == 0,
		  "cannot set accept_source_route in %s", host);
}

/* srcrtcli with ARGS (NULL-ended) in the client host, one line on its
 * standard input. */
static hn_proc *srcrtcli(struct chain *c, const char *line, ...)
{
	struct hn_spawn_opts o = { .stdin_data = line };
	char *argv[16];
	const char *a;
	int n = 0;
	va_list ap;

	argv[n++] = (char *)tk_prog(CH, "srcrtcli");
	va_start(ap, line);
	while ((a = va_arg(ap, const char *)) != NULL && n < 15)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	return hn_spawn(c->net, "client", argv, &o);
}

/* A plain connection along the same path, after the one under test:
 * when its echo is back, every packet sent before it on each link has
 * been taken in, or dropped, by the host at the far end. */
static void marker(struct chain *c)
{
	hn_proc *p = srcrtcli(c, "marker\n", SERVER, "9877", NULL);

	TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 0 &&
		  strcmp(hn_stdout(p), "marker\n") == 0, "a connection "
		  "without options failed: %s", hn_stderr(p));
}

/* ---- 27.3: who drops a source-routed packet -------------------------- */

/* Where the source-routed SYN (or its SYN-ACK) died with the first
 * NACCEPT hosts of path[] accepting source routes: "r1", "r2",
 * "server", "client" (the host that dropped it) or "" (connected). */
static const char *srr_fate(struct chain *c, int naccept)
{
	int before[3], after[3];
	hn_cap *caps[3] = { c->cli, c->mid, c->srv };
	const char *from_client = WITH_OPTS " and src " CLIENT;
	const char *from_server = WITH_OPTS " and src " SERVER;
	hn_proc *p;
	const char *fate;

	for (int h = 0; h < 4; h++)
		accept_srr(c, path[h], h < naccept);
	for (int i = 0; i < 3; i++)
		before[i] = hn_cap_count(caps[i], from_client);
	int back0 = hn_cap_count(c->cli, from_server);
	p = srcrtcli(c, "hello\n", "-g", R1_LEFT, "-g", R2_LEFT, SERVER,
		     "9877", NULL);
	TK_EXPECT(hn_cap_wait(c->cli, from_client, before[0] + 1, 2000) > 0,
		  "the source-routed SYN did not leave the client");
	if (naccept == 4) {
		TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 0 &&
			  strcmp(hn_stdout(p), "hello\n") == 0,
			  "srcrtcli failed with every host accepting source "
			  "routes: %s", hn_stderr(p));
		return "";
	}
	marker(c);
	for (int i = 0; i < 3; i++)
		after[i] = hn_cap_count(caps[i], from_client) - before[i];
	int back = hn_cap_count(c->cli, from_server) - back0;
	fate = after[1] == 0 ? "r1" : after[2] == 0 ? "r2" :
	       back == 0 ? "server" : "client";
	TK_EXPECT(hn_exit_status(p) == -1, "srcrtcli ended (%s) though its "
		  "SYN was dropped at %s", hn_stderr(p), fate);
	hn_kill(p);
	return fate;
}

static void source_route_dropped_until_all_accept(void **state)
{
	/* the first host on the way there and back that does not accept
	 * source routes drops the packet */
	static const char *const expect[] = { "r1", "r2", "server", "client",
					      "" };
	struct chain c;
	char *out = NULL;

	(void)state;
	chain_up(&c);
	TK_EXPECT(hn_sh(c.net, "r1", 2000, &out, "cat /proc/sys/net/ipv4/"
			"conf/all/accept_source_route /proc/sys/net/ipv4/"
			"conf/eth0/accept_source_route") == 0 &&
		  strcmp(out, "0\n1\n") == 0, "a new namespace should have "
		  "all/accept_source_route 0 and eth0's 1; saw %s",
		  tk_shown(out));
	free(out);
	for (int n = 0; n <= 4; n++) {
		const char *got;

		got = srr_fate(&c, n);
		TK_EXPECT(strcmp(got, expect[n]) == 0, "with %d host(s) "
			  "accepting source routes the SYN died at \"%s\", "
			  "not \"%s\"", n, got, expect[n]);
	}
	/* r1 drops in silence: no ICMP error */
	TK_EXPECT(hn_cap_count(c.cli, "icmp") == 0, "a host sent an ICMP "
		  "error about the source route: %s",
		  hn_cap_summary(c.cli, "icmp"));
	hn_down(c.net);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(source_route_dropped_until_all_accept),
	};
	return TK_RUN("ipopts", tests);
}
