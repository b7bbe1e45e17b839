/*
 * bcast.c - chapter 20's programs on a LAN of three echo servers behind
 * a router: every method collects every reply; sendto() to a broadcast
 * address without SO_BROADCAST (EACCES); what the router does with a
 * directed and a limited broadcast, with bc_forwarding off and on; and
 * the SIGALRM race forced: the naive client asleep in recvfrom() for
 * ever, the four fixes finishing at once.
 */
#include "bcast20.h"

/* sysctl is in /usr/sbin, which an ordinary user's PATH may lack */
#define SYSCTL "PATH=$PATH:/usr/sbin:/sbin sysctl "
#define CH "20-broadcasting"

static const char *const methods[] = { "naive", "pselect", "jmp", "pipe",
				       "signalfd", "poll" };
#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

static hn_proc *cli(hn_net *net, const char *host, const char *race,
		    const char *method, const char *ms, const char *addr)
{
	char *argv[] = { (char *)tk_prog(CH, "bcastcli"), "-m",
			 (char *)method, "-t", (char *)ms, (char *)addr,
		   BC_PORT, NULL };

	return bc_run(net, host, race, argv);
}

/* A transcript: the command typed in HOST, the replies sorted (they
 * come in any order), then what stderr said, then the count. */
static void transcript(const char *name, const char *cmd, hn_proc *p)
{
	char *out = bc_sorted(hn_stdout(p), "from ");
	const char *tail = strstr(out, " replies\n");
	char *text;

	while (tail != NULL && tail > out && tail[-1] != '\n')
		tail--;
	if (tail == NULL)
		tail = out + strlen(out);
	if (asprintf(&text, "%s\n%.*s%s%s", cmd, (int)(tail - out), out,
		     hn_stderr(p), tail) < 0)
		TK_FAIL("out of memory");
	tk_transcript(CH, name, text);
	free(text);
	free(out);
}

static void every_method_hears_every_server(void **state)
{
	hn_net *net = bc_up();
	hn_proc *p[NMETHODS];

	(void)state;
	for (size_t i = 0; i < NMETHODS; i++)
		p[i] = cli(net, "h1", NULL, methods[i], "400", BC_BCAST);
	for (size_t i = 0; i < NMETHODS; i++) {
		TK_EXPECT(tk_exited(p[i], 3000) && tk_exit_code(p[i]) == 0,
			  "bcastcli -m %s did not end after its 400 ms: %s",
			  methods[i], hn_stderr(p[i]));
		TK_EXPECT(bc_lines(hn_stdout(p[i]), "from 203.0.113.") ==
			  BC_SERVERS && strstr(hn_stdout(p[i]), "3 replies"),
			  "bcastcli -m %s printed \"%s\", not one reply from "
			  "each of the 3 servers", methods[i],
			  tk_shown(hn_stdout(p[i])));
	}
	transcript("bcastcli", "h1$ bcastcli -t 400 " BC_BCAST
		   " " BC_PORT, p[1]);
}

/* The test's own socket in h1: sendto() a broadcast address without and
 * with SO_BROADCAST. */
static void sendto_broadcast_needs_so_broadcast(void **state)
{
	hn_net *net = bc_up();
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(9877) };
	int fd, on = 1, e1, e2, e3;
	ssize_t n;
	hn_proc *p;

	(void)state;
	hn_enter(net, "h1");
	fd = Socket(AF_INET, SOCK_DGRAM, 0);
	hn_leave(net);
	Inet_pton(AF_INET, BC_BCAST, &to.sin_addr);
	n = sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	e1 = errno;
	TK_EXPECT(n < 0 && e1 == EACCES, "sendto(%s) without SO_BROADCAST "
		  "gave %zd (%s), not EACCES", BC_BCAST, n, strerror(e1));
	to.sin_addr.s_addr = htonl(INADDR_BROADCAST);
	n = sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	e2 = errno;
	/* no route for 255.255.255.255 in the harness's hosts (no default
	 * route), so the route lookup fails before the broadcast check */
	TK_EXPECT(n < 0 && e2 == ENETUNREACH, "sendto(255.255.255.255) from "
		  "an unbound socket gave %zd (%s), not ENETUNREACH", n,
		  strerror(e2));
	Setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on));
	to.sin_addr.s_addr = inet_addr(BC_BCAST);
	n = sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to));
	e3 = errno;
	TK_EXPECT(n == 1, "sendto(%s) with SO_BROADCAST failed: %s",
		  BC_BCAST, strerror(e3));
	Close(fd);

	p = bc_run(net, "h1", NULL, (char *[]){ (char *)tk_prog(CH,
		   "bcastcli"), "-n", BC_BCAST, BC_PORT, NULL });
	TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 1 &&
		  strstr(hn_stderr(p), "Permission denied"),
		  "bcastcli -n should fail with EACCES: %s", hn_stderr(p));
	transcript("eacces", "h1$ bcastcli -n " BC_BCAST " "
		   BC_PORT, p);
}

/* A limited broadcast from h1 (bound to its address, which chooses the
 * interface) reaches the LAN and nothing beyond the router. */
static void limited_broadcast_stays_on_the_lan(void **state)
{
	hn_net *net = bc_up();
	hn_cap *lan = hn_capture(net, "r1", "lan0");
	hn_cap *far = hn_capture(net, "far", "r1");
	hn_proc *p = bc_run(net, "h1", NULL, (char *[]){
		(char *)tk_prog(CH, "bcastcli"), "-t", "300", "-b",
		"203.0.113.2", "255.255.255.255", BC_PORT, NULL });

	(void)state;
	TK_EXPECT(tk_exited(p, 3000) && tk_exit_code(p) == 0 &&
		  bc_lines(hn_stdout(p), "from ") == BC_SERVERS,
		  "bcastcli -b to 255.255.255.255 printed \"%s\" (%s)",
		  tk_shown(hn_stdout(p)), hn_stderr(p));
	TK_EXPECT(hn_cap_count(lan, "udp and dst host 255.255.255.255") == 1,
		  "r1 did not see the limited broadcast on the LAN");
	TK_EXPECT(hn_cap_count(far, "udp") == 0, "a UDP datagram crossed to "
		  "the far side: %s", hn_cap_summary(far, "udp"));
	transcript("limited", "h1$ bcastcli -t 300 -b 203.0.113.2"
		   " 255.255.255.255 " BC_PORT, p);
}

/* A directed broadcast from the far side: r1 drops it, until
 * bc_forwarding is on in "all" and on the interface it comes in by (on
 * the way out is not enough). */
static void router_forwards_directed_broadcast_only_if_told(void **state)
{
	hn_net *net = bc_up();
	hn_cap *lan = hn_capture(net, "r1", "lan0");
	hn_cap *far = hn_capture(net, "r1", "far");
	char *argv[] = { (char *)tk_prog(CH, "bcastcli"), "-n", "-t", "300",
		   BC_BCAST, BC_PORT, NULL };
	hn_proc *p = bc_run(net, "far", NULL, argv);
	const char *in = hn_ifname(net, "r1", "far");
	int rc;

	(void)state;
	TK_EXPECT(tk_exited(p, 3000) && tk_exit_code(p) == 0 &&
		  strstr(hn_stdout(p), "0 replies"), "far got replies "
		  "through a router that should drop a directed broadcast:"
		  " %s", tk_shown(hn_stdout(p)));
	TK_EXPECT(hn_cap_count(far, "udp and dst host " BC_BCAST) == 1,
		  "the datagram did not reach r1");
	TK_EXPECT(hn_cap_count(lan, "udp") == 0, "r1 forwarded it: %s",
		  hn_cap_summary(lan, "udp"));
	transcript("directed-off", "far$ bcastcli -n -t 300 "
		   BC_BCAST " " BC_PORT, p);

	/* on "all" and the outgoing interface: still dropped */
	rc = hn_sh(net, "r1", 2000, NULL, SYSCTL "-qw "
		   "net.ipv4.conf.all.bc_forwarding=1 "
		   "net.ipv4.conf.%s.bc_forwarding=1 && ip route flush cache",
		   hn_ifname(net, "r1", "lan0"));
	TK_EXPECT(rc == 0, "sysctl bc_forwarding in r1 failed (%d)", rc);
	p = bc_run(net, "far", NULL, argv);
	TK_EXPECT(tk_exited(p, 3000) && strstr(hn_stdout(p), "0 replies") &&
		  hn_cap_count(lan, "udp") == 0, "bc_forwarding on the "
		  "LAN side of r1 was enough: %s", tk_shown(hn_stdout(p)));

	/* on "all" and the incoming interface: forwarded */
	rc = hn_sh(net, "r1", 2000, NULL, SYSCTL "-qw "
		   "net.ipv4.conf.%s.bc_forwarding=1", in);
	TK_EXPECT(rc == 0, "sysctl bc_forwarding in r1 failed (%d)", rc);
	p = bc_run(net, "far", NULL, argv);
	TK_EXPECT(tk_exited(p, 3000) && bc_lines(hn_stdout(p), "from ") ==
		  BC_SERVERS, "with bc_forwarding on, far heard \"%s\"",
		  tk_shown(hn_stdout(p)));
	TK_EXPECT(hn_cap_count(lan, "udp and dst host " BC_BCAST) == 1,
		  "r1 did not forward it onto the LAN");
	transcript("directed-on", "far$ bcastcli -n -t 300 "
		   BC_BCAST " " BC_PORT, p);
}

/* The race forced: the timer expires after the third reply, before the
 * fourth recvfrom().  The naive client is then asleep in recvfrom(),
 * with nothing pending and no timer left: it will never end. */
static void naive_client_blocks_for_ever(void **state)
{
	hn_net *net = bc_up();
	hn_proc *p = cli(net, "h1", "3", "naive", "60000", BC_BCAST);
	pid_t pid = hn_pid(p);

	(void)state;
	TK_EXPECT(hn_stderr_has(p, "race:", 3000), "the forced race did not "
		  "happen: %s", hn_stderr(p));
	TK_EXPECT(bc_blocked_in(pid, SYS_recvfrom, 2000), "bcastcli -m "
		  "naive is not asleep in recvfrom() after the timer fired");
	TK_EXPECT(bc_nothing_pending(pid), "a signal is still pending");
	TK_EXPECT(bc_lines(hn_stdout(p), "from ") == BC_SERVERS &&
		  !strstr(hn_stdout(p), "replies"), "naive printed \"%s\"",
		  tk_shown(hn_stdout(p)));
	transcript("naive-race", "h1$ BCAST_RACE=3 bcastcli -m "
			 "naive " BC_BCAST " " BC_PORT, p);
}

static void fixes_survive_the_same_timing(void **state)
{
	hn_net *net = bc_up();
	hn_proc *p[NMETHODS];

	(void)state;
	/* 60 s: only the forced expiry can end them in time */
	for (size_t i = 1; i < NMETHODS; i++)
		p[i] = cli(net, "h1", "3", methods[i], "60000", BC_BCAST);
	for (size_t i = 1; i < NMETHODS; i++) {
		TK_EXPECT(hn_stderr_has(p[i], "race:", 3000), "-m %s: the "
			  "forced race did not happen", methods[i]);
		TK_EXPECT(tk_exited(p[i], 2000) && tk_exit_code(p[i]) == 0 &&
			  strstr(hn_stdout(p[i]), "3 replies"), "bcastcli -m "
			  "%s did not end when the timer fired before its "
			  "wait: %s", methods[i], tk_shown(hn_stdout(p[i])));
	}
	transcript("pselect-race", "h1$ BCAST_RACE=3 bcastcli -m "
			 "pselect " BC_BCAST " " BC_PORT, p[1]);
}

static void bad_arguments(void **state)
{
	static const struct tk_bad_args cases[] = {
		{ "bcastcli", { NULL }, "usage" },
		{ "bcastcli", { "-msleep", "127.0.0.1", "9", NULL },
		  "usage" },
		{ "bcastcli", { "-t0", "127.0.0.1", "9", NULL }, "usage" },
	};

	(void)state;
	tk_expect_bad_args(CH, cases, sizeof(cases) / sizeof(cases[0]));
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(every_method_hears_every_server),
		TK_TEST(sendto_broadcast_needs_so_broadcast),
		TK_TEST(limited_broadcast_stays_on_the_lan),
		TK_TEST(router_forwards_directed_broadcast_only_if_told),
		TK_TEST(naive_client_blocks_for_ever),
		TK_TEST(fixes_survive_the_same_timing),
		TK_TEST(bad_arguments),
	};
	return TK_RUN("bcast", tests);
}
