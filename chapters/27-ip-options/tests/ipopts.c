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

/* Every host of the chain accepts source routes. */
static void all_accept(struct chain *c)
{
	for (int h = 0; h < 4; h++)
		accept_srr(c, path[h], 1);
}

/* A transcript NAME of the command lines and outputs in TEXT (the
 * prompts, client$ or server$, written in it). */
static void transcript(const char *name, const char *text)
{
	FILE *tr = tk_transcript_open();

	fputs(text, tr);
	tk_transcript_close(tr, CH, name);
}

/* OUT with the client's port (the kernel's choice) made "PORT". */
static char *port_scrubbed(const char *out)
{
	return tk_scrub(strdup(out), CLIENT ":[0-9]+", CLIENT ":PORT");
}

/* The server's lines about the first connection, once they are all
 * there (NLINES of them, the first "connection from"). */
static char *optserv_said(struct chain *c, int nlines)
{
	for (int i = 0; i < nlines; i++) {
		char *line = hn_next_line(c->optserv, i == 0 ?
					  "connection from" : "", 2000);

		TK_EXPECT(line != NULL, "optserv printed %d line(s) of the "
			  "%d expected: %s", i, nlines,
			  tk_shown(hn_stdout(c->optserv)));
		free(line);
	}
	return port_scrubbed(hn_stdout(c->optserv));
}

/* optserv's output OUT as a transcript. */
static void server_transcript(const char *name, const char *out)
{
	char *text;

	if (asprintf(&text, "server$ optserv 9877\n%s", out) < 0)
		abort();
	transcript(name, text);
	free(text);
}

static void server_gets_the_route_back(void **state)
{
	struct chain c;
	unsigned char opt[40];
	hn_proc *p;
	char *out;
	int len, ptr = 0;

	(void)state;
	chain_up(&c);
	all_accept(&c);
	p = srcrtcli(&c, "hello\n", "-g", R1_LEFT, "-g", R2_LEFT, SERVER,
		     "9877", NULL);
	TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 0 &&
		  strcmp(hn_stdout(p), "hello\n") == 0, "srcrtcli failed: "
		  "%s", hn_stderr(p));
	transcript("srcrt-client", "client$ srcrtcli -g " R1_LEFT " -g "
		   R2_LEFT " " SERVER " 9877\n" TK_TYPED "hello\nhello\n"
		   TK_TYPED "^D\n");
	out = optserv_said(&c, 2);
	TK_EXPECT(strstr(out, "loose source route, pointer 4:\n    " R2_RIGHT
			 " " R1_RIGHT "\n") != NULL, "optserv should show the "
		  "route back, r2 then r1: %s", tk_shown(out));
	server_transcript("srcrt-server", out);
	free(out);

	/* on the wire: sent to r1, the rest in the option; at the server
	 * each router's outgoing address has taken the place of its own */
	len = cap_ipopts(c.cli, WITH_OPTS " and src " CLIENT, 0, opt);
	TK_EXPECT(len == 12 && strcmp(route_of(opt, len, &ptr), R2_LEFT " "
				      SERVER) == 0 && ptr == 4,
		  "the SYN should leave with the route \"" R2_LEFT " " SERVER
		  "\", pointer 4; it had \"%s\", pointer %d", route_of(opt,
		  len, &ptr), ptr);
	TK_EXPECT(hn_cap_count(c.cli, WITH_OPTS " and dst " R1_LEFT) > 0,
		  "the SYN was not addressed to r1");
	/* the final destination given as a hop too, as for BSD: the
	 * route visits it twice */
	p = srcrtcli(&c, "hello\n", "-g", R1_LEFT, "-g", R2_LEFT, "-g",
		     SERVER, SERVER, "9877", NULL);
	TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 0,
		  "srcrtcli with the server as a hop failed: %s",
		  hn_stderr(p));
	len = cap_ipopts(c.cli, WITH_OPTS " and src " CLIENT, 0, opt);
	TK_EXPECT(len == 12, "the first SYN's option changed");
	for (int i = 1; (len = cap_ipopts(c.cli, WITH_OPTS " and src "
					  CLIENT, i, opt)) == 12; i++)
		;
	TK_EXPECT(len == 16 && strcmp(route_of(opt, len, &ptr), R2_LEFT " "
				      SERVER " " SERVER) == 0,
		  "with the server named as a hop too the SYN should carry "
		  "\"" R2_LEFT " " SERVER " " SERVER "\"; it had \"%s\"",
		  route_of(opt, len, &ptr));
	len = cap_ipopts(c.srv, WITH_OPTS " and src " CLIENT, 0, opt);
	TK_EXPECT(len == 12 && strcmp(route_of(opt, len, &ptr), R1_RIGHT
				      " " R2_RIGHT) == 0 && ptr == 12,
		  "at the server the route should read \"" R1_RIGHT " "
		  R2_RIGHT "\", pointer 12; it read \"%s\", pointer %d",
		  route_of(opt, len, &ptr), ptr);
	hn_down(c.net);
}

static void strict_route_needs_neighbours(void **state)
{
	struct chain c;
	hn_proc *p;
	char *out;

	(void)state;
	chain_up(&c);
	all_accept(&c);
	/* every hop a neighbour of the one before: it works */
	p = srcrtcli(&c, "hello\n", "-G", R1_LEFT, "-G", R2_LEFT, SERVER,
		     "9877", NULL);
	TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 0,
		  "srcrtcli -G r1 -G r2 failed: %s", hn_stderr(p));
	out = optserv_said(&c, 2);
	TK_EXPECT(strstr(out, "strict source route, pointer 4:\n    " R2_RIGHT
			 " " R1_RIGHT "\n") != NULL, "optserv should show "
		  "the strict route back: %s", tk_shown(out));
	server_transcript("ssrr-server", out);
	free(out);
	/* r1 is the client's neighbour, but the server is not r1's: r1
	 * answers "source route failed" (ICMP type 3, code 5) */
	p = srcrtcli(&c, "hello\n", "-G", R1_LEFT, SERVER, "9877", NULL);
	TK_EXPECT(hn_cap_wait(c.cli, "icmp[0] = 3 and icmp[1] = 5 and src "
			      R1_LEFT, 1, 2000) == 1, "r1 should answer a "
		  "strict route to a host that is not its neighbour with "
		  "ICMP source route failed: %s", hn_cap_summary(c.cli, ""));
	TK_EXPECT(hn_exit_status(p) == -1, "srcrtcli ended at once: %s",
		  hn_stderr(p));
	hn_kill(p);
	/* r2 is not the client's neighbour: nothing leaves the client, and
	 * connect() waits for its timeout */
	int before = hn_cap_count(c.cli, WITH_OPTS);
	p = srcrtcli(&c, "hello\n", "-G", R2_LEFT, SERVER, "9877", NULL);
	marker(&c);
	TK_EXPECT(hn_cap_count(c.cli, WITH_OPTS) == before, "a packet left "
		  "the client with a strict route whose first hop is not "
		  "its neighbour: %s", hn_cap_summary(c.cli, WITH_OPTS));
	TK_EXPECT(hn_exit_status(p) == -1, "srcrtcli -G r2 ended at once: "
		  "%s", hn_stderr(p));
	hn_kill(p);
	hn_down(c.net);
}

static void record_route_there_and_back(void **state)
{
	struct chain c;
	unsigned char opt[40];
	hn_proc *p;
	char *out;
	int len, ptr = 0;

	(void)state;
	chain_up(&c);		/* the kernel's defaults: no sysctl */
	p = srcrtcli(&c, "hello\n", "-r", SERVER, "9877", NULL);
	TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 0,
		  "srcrtcli -r failed: %s", hn_stderr(p));
	out = optserv_said(&c, 2);
	TK_EXPECT(strstr(out, "record route, pointer 20:\n    " CLIENT " "
			 R1_RIGHT " " R2_RIGHT " " SERVER "\n    0.0.0.0")
		  != NULL, "optserv should show the four addresses "
		  "recorded on the way: %s", tk_shown(out));
	server_transcript("rr-server", out);
	free(out);
	len = cap_ipopts(c.cli, WITH_OPTS " and src " CLIENT, 0, opt);
	TK_EXPECT(len == 40 && strncmp(route_of(opt, len, &ptr), CLIENT
				       " 0.0.0.0", 16) == 0 && ptr == 8,
		  "the SYN should leave with the client's own address "
		  "recorded (pointer 8): \"%s\", pointer %d",
		  route_of(opt, len, &ptr), ptr);
	len = cap_ipopts(c.cli, WITH_OPTS " and src " SERVER, 0, opt);
	TK_EXPECT(len == 40 && strncmp(route_of(opt, len, &ptr), CLIENT " "
				       R1_RIGHT " " R2_RIGHT " " SERVER " "
				       SERVER " " R2_LEFT " " R1_LEFT,
				       strlen(CLIENT) * 7 + 6) == 0 &&
		  ptr == 32, "the SYN-ACK should come back with the way "
		  "there and the way back (pointer 32): \"%s\", pointer %d",
		  route_of(opt, len, &ptr), ptr);
	hn_down(c.net);
}

static void rrcli_prints_the_round_trip(void **state)
{
	struct chain c;
	hn_proc *s, *p;
	char *out;

	(void)state;
	chain_up(&c);
	s = hn_run(c.net, "server", tk_prog(CH, "rrserv"), "9878", NULL);
	TK_EXPECT(tk_listening_port(s, 2000) == 9878, "rrserv did not "
		  "start: %s", hn_stderr(s));
	p = hn_run(c.net, "client", tk_path("lab-27/ref/rrcli"), SERVER,
		   "9878", NULL);
	TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 0,
		  "rrcli failed: %s", hn_stderr(p));
	TK_EXPECT(strstr(hn_stdout(p), "hop 8 " CLIENT "\n") != NULL,
		  "rrcli should print 8 hops, the last the client: %s",
		  tk_shown(hn_stdout(p)));
	out = NULL;
	if (asprintf(&out, "server$ rrserv 9878\nlistening on port 9878\n"
		     "client$ rrcli " SERVER " 9878\n%s", hn_stdout(p)) < 0)
		abort();
	transcript("rrcli", out);
	free(out);
	TK_EXPECT(tk_saw(s, "7 bytes from " CLIENT, 2000), "rrserv did not "
		  "print the datagram");
	hn_down(c.net);
}

/* ---- 27.5: IPv6 extension headers ----------------------------------- */

static void ipv6_options_cross_the_routers(void **state)
{
	struct chain c;
	hn_proc *s, *p;
	const char *srv6;
	char *cmd, *out = NULL;

	(void)state;
	chain_up(&c);
	srv6 = hn_addr(c.net, "server", AF_INET6);
	TK_EXPECT(hn_sh(c.net, "r1", 2000, &out, "cat /proc/sys/net/ipv6/"
			"conf/all/accept_source_route /proc/sys/net/ipv6/"
			"conf/all/seg6_enabled") == 0 &&
		  strcmp(out, "0\n0\n") == 0, "a new namespace should have "
		  "IPv6 accept_source_route 0 and seg6_enabled 0; saw %s",
		  tk_shown(out));
	free(out);
	s = hn_run(c.net, "server", tk_prog(CH, "ip6optsrv"), "9879", NULL);
	TK_EXPECT(tk_listening_port(s, 2000) == 9879, "ip6optsrv did not "
		  "start: %s", hn_stderr(s));
	p = hn_run(c.net, "client", tk_prog(CH, "ip6optcli"), "-H", "-D",
		   srv6, "9879", NULL);
	TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 0,
		  "ip6optcli failed: %s", hn_stderr(p));
	TK_EXPECT(tk_saw(s, "destination header", 2000), "ip6optsrv did "
		  "not show the destination options: %s",
		  tk_shown(hn_stdout(s)));
	/* hop-by-hop (0) first, then destination options (60), each with
	 * the experimental option 0x1e, at the far end of the chain */
	TK_EXPECT(hn_cap_count(c.srv, "ip6 and ip6[6] = 0 and ip6[40] = 60 "
			       "and ip6[42] = 0x1e and ip6[48] = 17 and "
			       "ip6[50] = 0x1e") == 1, "the datagram should "
		  "reach the server with both headers: %s",
		  hn_cap_summary(c.srv, "ip6"));
	if (asprintf(&cmd, "server$ ip6optsrv 9879\nlistening on port 9879\n"
		     "client$ ip6optcli -H -D %s 9879\n%s%s", srv6,
		     hn_stdout(p), strchr(hn_stdout(s), '\n') + 1) < 0)
		abort();
	cmd = tk_scrub(cmd, "\\]:[0-9]+", "]:PORT");
	transcript("ip6opts", cmd);
	free(cmd);
	/* without CAP_NET_RAW the kernel refuses both headers */
	for (int i = 0; i < 2; i++) {
		p = hn_run(c.net, "client", "setpriv", "--bounding-set",
			   "-net_raw", tk_prog(CH, "ip6optcli"),
			   i ? "-D" : "-H", srv6, "9879", NULL);
		TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 1 &&
			  strstr(hn_stderr(p), "Operation not permitted"),
			  "ip6optcli %s without CAP_NET_RAW should fail with "
			  "EPERM: %s", i ? "-D" : "-H", hn_stderr(p));
	}
	hn_down(c.net);
}

static void routing_header_type0_refused(void **state)
{
	struct chain c;
	unsigned char rth[24] = { 0 };
	hn_proc *p;
	int fd, rc, err;
	char *cmd;

	(void)state;
	chain_up(&c);
	p = hn_run(c.net, "client", tk_prog(CH, "ip6optcli"), "-0",
		   hn_addr_on(c.net, "r1", "client", AF_INET6),
		   hn_addr(c.net, "server", AF_INET6), "9879", NULL);
	TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 1 &&
		  strstr(hn_stderr(p), "Invalid argument") != NULL,
		  "sendmsg() with a type 0 routing header should fail with "
		  "EINVAL: %s", hn_stderr(p));
	if (asprintf(&cmd, "client$ ip6optcli -0 %s %s 9879\n%s",
		     hn_addr_on(c.net, "r1", "client", AF_INET6),
		     hn_addr(c.net, "server", AF_INET6), hn_stderr(p)) < 0)
		abort();
	transcript("rthdr0", cmd);
	free(cmd);
	TK_EXPECT(hn_cap_count(c.cli, "ip6 and udp") == 0, "a datagram "
		  "left the client: %s", hn_cap_summary(c.cli, "ip6"));
	/* the sticky option is refused the same way */
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	rth[1] = 2;			/* length: 2 * 8 + 8 bytes */
	rth[2] = 0;			/* type 0 */
	rth[3] = 1;			/* segments left */
	rc = setsockopt(fd, IPPROTO_IPV6, IPV6_RTHDR, rth, sizeof(rth));
	err = errno;
	close(fd);
	TK_EXPECT(rc == -1 && err == EINVAL, "setsockopt(IPV6_RTHDR) with "
		  "type 0 returned %d (%s), not EINVAL", rc, strerror(err));
	hn_down(c.net);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(source_route_dropped_until_all_accept),
		TK_TEST(server_gets_the_route_back),
		TK_TEST(strict_route_needs_neighbours),
		TK_TEST(record_route_there_and_back),
		TK_TEST(rrcli_prints_the_round_trip),
		TK_TEST(ipv6_options_cross_the_routers),
		TK_TEST(routing_header_type0_refused),
	};
	return TK_RUN("ipopts", tests);
}
