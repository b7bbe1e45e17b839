/*
 * Chapter 21's suite: multicast on a LAN of four hosts and a router,
 * with members, non-members and a host behind the router; what the
 * kernel does with TTL, loopback, source-specific joins and IPv6; SAP
 * announcements; and sntpc against a real chronyd, held against
 * chrony's own measurement, by unicast, broadcast and multicast.
 */
#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include "chrony21.h"

#include <math.h>

#define CH "21-multicasting"
#define GROUP "239.1.2.3"
#define PORT "9999"
#define MRT_INIT 200    /* linux/mroute.h: MRT_BASE, the first MRT_ */

/* The chapter's network (netlab.txt): h1..h4 and r1 on a LAN, far
 * behind r1. */
static const char spec[] =
	"host h1 h2 h3 h4 far\n"
	"router r1\n"
	"lan lan0 h1 h2 h3 h4 r1 203.0.113.0/24 2001:db8:3::/64\n"
	"link r1 far 198.51.100.0/24 2001:db8:4::/64\n";

static void ip_cmd(hn_net *net, const char *host, const char *a,
		   const char *b)
{
	hn_proc *p = hn_run(net, host, "ip", "route", "add", a, "dev", b,
			    NULL);

	TK_EXPECT(hn_exited_within(p, 2000) == 0, "ip route add %s in %s:"
		  " %s", a, host, hn_stderr(p));
}

/* The network, each host with a route for 224.0.0.0/4 (as a default
 * route would give it), unless BARE. */
static hn_net *net_up(bool bare)
{
	hn_net *net = hn_up(spec);

	if (!bare) {
		for (int i = 1; i <= 4; i++) {
			char h[16];

			snprintf(h, sizeof(h), "h%d", i);
			ip_cmd(net, h, "224.0.0.0/4", "eth0");
		}
		ip_cmd(net, "far", "224.0.0.0/4", "eth0");
	}
	return net;
}

/* mcastrecv in HOST with the arguments given, ready (joined). */
static hn_proc *receiver(hn_net *net, const char *host, ...)
{
	char *argv[12];
	int n = 0;
	va_list ap;
	hn_proc *p;

	argv[n++] = (char *)tk_prog(CH, "mcastrecv");
	va_start(ap, host);
	while (n < 11 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	p = hn_spawn(net, host, argv, NULL);
	TK_EXPECT(tk_saw(p, "joined", 2000), "mcastrecv in %s did not "
		  "join: %s", host, tk_shown(hn_stderr(p)));
	return p;
}

/* mcastsend in HOST sends TEXT's lines; it must end well. */
static hn_proc *send_lines(hn_net *net, const char *host, const char *text,
			   ...)
{
	char *argv[12];
	int n = 0;
	va_list ap;
	struct hn_spawn_opts o = { .stdin_data = text };
	hn_proc *p;

	argv[n++] = (char *)tk_prog(CH, "mcastsend");
	va_start(ap, text);
	while (n < 11 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	p = hn_spawn(net, host, argv, &o);
	TK_EXPECT(hn_exited_within(p, 2000) == 0, "mcastsend in %s failed:"
		  " %s", host, tk_shown(hn_stderr(p)));
	return p;
}

/* A transcript of one command typed in HOST's prompt ("h1$ ..."). */
static void transcript1(const char *name, const char *cmd, const char *out)
{
	FILE *tr = tk_transcript_open();

	fprintf(tr, "%s\n%s", cmd, out);
	tk_transcript_close(tr, CH, name);
}

/* A unicast datagram TEXT from the test, in host FROM, to TO:PORT. */
static void marker(hn_net *net, const char *from, const char *to,
		   const char *text)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	Sock_parse(hn_addr(net, to, AF_INET), PORT, &ss, &len);
	hn_enter(net, from);
	fd = Socket(AF_INET, SOCK_DGRAM, 0);
	hn_leave(net);
	Sendto(fd, text, strlen(text), 0, (struct sockaddr *)&ss, len);
	close(fd);
}

/* Without a route for the group and without -i, the join fails: the
 * kernel picks the interface by the route to the group.  IPv6 has its
 * ff00::/8 routes on every interface. */
static void join_needs_a_route_or_an_interface(void **state)
{
	hn_net *net = net_up(true);
	hn_proc *p = hn_run(net, "h2", tk_prog(CH, "mcastrecv"), GROUP,
			    PORT, NULL);
	FILE *tr = tk_transcript_open();

	(void)state;
	TK_EXPECT(tk_exited(p, 2000) && tk_exit_code(p) == 1 &&
		  strstr(hn_stderr(p), "No such device"), "a join with no "
		  "route and no interface: mcastrecv said \"%s\"",
		  tk_shown(hn_stderr(p)));
	fprintf(tr, "h2$ mcastrecv %s %s\n%s", GROUP, PORT, hn_stderr(p));
	p = receiver(net, "h2", "-i", "eth0", GROUP, PORT, NULL);
	fprintf(tr, "h2$ mcastrecv -i eth0 %s %s\n%s" TK_TYPED "^C\n", GROUP,
		PORT, hn_stdout(p));
	p = receiver(net, "h2", "ff15::1:2", PORT, NULL);
	fprintf(tr, "h2$ mcastrecv ff15::1:2 %s\n%s" TK_TYPED "^C\n", PORT,
		hn_stdout(p));
	tk_transcript_close(tr, CH, "join-route");
}

/* h2 and h3 join; h4 listens on the port without joining.  h1 sends.
 * The members print it; h4's capture shows the datagram reached its
 * interface (the bridge floods), yet h4's program, which does print a
 * unicast datagram sent after it, never sees it. */
static void members_hear_non_members_do_not(void **state)
{
	hn_net *net = net_up(false);
	hn_cap *c4 = hn_capture(net, "h4", "lan0");
	hn_cap *cfar = hn_capture(net, "far", "r1");
	hn_proc *m2 = receiver(net, "h2", GROUP, PORT, NULL);
	hn_proc *m3 = receiver(net, "h3", GROUP, PORT, NULL);
	hn_proc *n4 = receiver(net, "h4", "-n", "-w", GROUP, PORT, NULL);
	hn_proc *s;
	FILE *tr = tk_transcript_open();

	(void)state;
	s = send_lines(net, "h1", "hello, group\n", GROUP, PORT, NULL);
	TK_EXPECT(tk_saw(m2, "from 203.0.113.1: hello, group", 2000) &&
		  tk_saw(m3, "from 203.0.113.1: hello, group", 2000),
		  "a member did not hear h1: h2 \"%s\", h3 \"%s\"",
		  tk_shown(hn_stdout(m2)), tk_shown(hn_stdout(m3)));
	TK_EXPECT(hn_cap_wait(c4, "udp and dst host " GROUP, 1, 2000) == 1,
		  "the datagram did not reach h4's interface");
	TK_EXPECT(hn_cap_count(c4, "udp and dst host " GROUP
			       " and ip[8] = 1") == 1, "the datagram left "
		  "with a TTL other than 1");
	marker(net, "h1", "h4", "unicast marker");
	TK_EXPECT(tk_saw(n4, "marker", 2000), "h4 did not get the unicast "
		  "marker: %s", tk_shown(hn_stdout(n4)));
	TK_EXPECT(!strstr(hn_stdout(n4), "hello"), "h4, not a member, got "
		  "the group's datagram: \"%s\"", tk_shown(hn_stdout(n4)));
	/* IGMP: each member reported its group, h4 never */
	TK_EXPECT(hn_cap_count(c4, "igmp and src host 203.0.113.2") > 0 &&
		  hn_cap_count(c4, "igmp and src host 203.0.113.3") > 0,
		  "no IGMP report from the members");
	TK_EXPECT(hn_cap_count(c4, "igmp and src host 203.0.113.4") == 0,
		  "h4 sent IGMP without joining");
	TK_EXPECT(hn_cap_count(cfar, "dst host " GROUP) == 0, "the group's "
		  "datagram crossed r1 with TTL 1");
	fprintf(tr, "h1$ mcastsend %s %s\n%s" TK_TYPED "hello, group\n"
		TK_TYPED "^D\n", GROUP, PORT, hn_stdout(s));
	fprintf(tr, "h2$ mcastrecv %s %s\n%s", GROUP, PORT, hn_stdout(m2));
	fprintf(tr, "h4$ mcastrecv -n -w %s %s\n%s", GROUP, PORT,
		hn_stdout(n4));
	tk_transcript_close(tr, CH, "members");
}

/* Linux's IP_MULTICAST_ALL (on by default): a socket bound to the
 * wildcard address gets the datagrams of every group any socket of
 * the host joined on that port, not only its own. */
static void wildcard_socket_hears_other_groups(void **state)
{
	hn_net *net = net_up(false);
	hn_proc *w = receiver(net, "h3", "-w", GROUP, PORT, NULL);
	hn_proc *g = receiver(net, "h3", GROUP, PORT, NULL);
	hn_proc *o = receiver(net, "h3", "239.9.9.9", PORT, NULL);

	(void)state;
	send_lines(net, "h1", "for 239.9.9.9\n", "239.9.9.9", PORT, NULL);
	TK_EXPECT(tk_saw(o, "for 239.9.9.9", 2000), "the member of "
		  "239.9.9.9 did not hear it");
	TK_EXPECT(tk_saw(w, "for 239.9.9.9", 2000), "the wildcard-bound "
		  "member of " GROUP " did not get 239.9.9.9's datagram "
		  "(IP_MULTICAST_ALL): %s", tk_shown(hn_stdout(w)));
	send_lines(net, "h1", "for " GROUP "\n", GROUP, PORT, NULL);
	TK_EXPECT(tk_saw(g, "for " GROUP, 2000), "the member bound to "
		  GROUP " did not hear its group");
	TK_EXPECT(!strstr(hn_stdout(g), "239.9.9.9"), "the socket bound "
		  "to " GROUP " got 239.9.9.9's datagram: %s",
		  tk_shown(hn_stdout(g)));
	transcript1("multicast-all", "h3$ mcastrecv -w " GROUP
			 " " PORT, hn_stdout(w));
}

/* TTL 8 does not help: r1 forwards no multicast at all.  This kernel
 * has no multicast routing (MRT_INIT is refused), so nothing can ask
 * it to. */
static void router_does_not_forward(void **state)
{
	hn_net *net = net_up(false);
	hn_cap *lan = hn_capture(net, "r1", "lan0");
	hn_cap *cfar = hn_capture(net, "far", "r1");
	hn_proc *f = receiver(net, "far", GROUP, PORT, NULL);
	FILE *tr = tk_transcript_open();
	int fd, one = 1, rc, err;

	(void)state;
	send_lines(net, "h1", "ttl 8\n", "-t", "8", GROUP, PORT, NULL);
	TK_EXPECT(hn_cap_wait(lan, "udp and dst host " GROUP
			      " and ip[8] = 8", 1, 2000) == 1, "r1 did not "
		  "receive the TTL 8 datagram");
	marker(net, "h1", "far", "after");
	TK_EXPECT(hn_cap_wait(cfar, "udp and dst port " PORT, 1, 2000) == 1,
		  "the unicast marker did not reach far");
	TK_EXPECT(hn_cap_count(cfar, "dst host " GROUP) == 0, "r1 "
		  "forwarded the group's datagram");
	TK_EXPECT(!strstr(hn_stdout(f), "ttl 8"), "far heard the group");
	hn_enter(net, "r1");
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_IGMP);
	hn_leave(net);
	TK_EXPECT(fd >= 0, "no raw IGMP socket in r1: %s", strerror(errno));
	rc = setsockopt(fd, IPPROTO_IP, MRT_INIT, &one, sizeof(one));
	err = errno;
	close(fd);
	TK_EXPECT(rc < 0, "this kernel accepted MRT_INIT: it can route "
		  "multicast, and the chapter says it cannot");
	fprintf(tr, "r1: setsockopt(MRT_INIT) on a raw IGMP socket: %s "
		"(%s)\n", strerrorname_np(err), strerror(err));
	fprintf(tr, "r1: TTL 8 datagrams to %s received: %d, forwarded: "
		"%d\n", GROUP, hn_cap_count(lan, "udp and dst host " GROUP),
		hn_cap_count(cfar, "dst host " GROUP));
	tk_transcript_close(tr, CH, "no-mroute");
}

/* IP_MULTICAST_LOOP on (the default): the sender's own host gets a
 * copy; off (-L): it does not. */
static void loopback_copy(void **state)
{
	hn_net *net = net_up(false);
	hn_proc *m = receiver(net, "h1", GROUP, PORT, NULL);

	(void)state;
	send_lines(net, "h1", "quiet\n", "-L", GROUP, PORT, NULL);
	send_lines(net, "h1", "loud\n", GROUP, PORT, NULL);
	TK_EXPECT(tk_saw(m, "loud", 2000), "h1's own member did not get "
		  "the looped-back copy: %s", tk_shown(hn_stdout(m)));
	TK_EXPECT(!strstr(hn_stdout(m), "quiet"), "IP_MULTICAST_LOOP off, "
		  "and h1's member got a copy: %s", tk_shown(hn_stdout(m)));
}

/* A source-specific join: h2 wants 232.1.1.1 from h3 only; h1 sends
 * first, h3 after. */
static void source_specific_join(void **state)
{
	hn_net *net = net_up(false);
	hn_cap *c2 = hn_capture(net, "h2", "lan0");
	hn_proc *m = receiver(net, "h2", "-s", "203.0.113.3", "232.1.1.1",
			      PORT, NULL);

	(void)state;
	send_lines(net, "h1", "from h1\n", "232.1.1.1", PORT, NULL);
	TK_EXPECT(hn_cap_wait(c2, "src host 203.0.113.1 and udp", 1, 2000)
		  == 1, "h1's datagram did not reach h2's interface");
	send_lines(net, "h3", "from h3\n", "232.1.1.1", PORT, NULL);
	TK_EXPECT(tk_saw(m, "from 203.0.113.3: from h3", 2000), "h2 did "
		  "not hear h3: %s", tk_shown(hn_stdout(m)));
	TK_EXPECT(!strstr(hn_stdout(m), "from h1"), "h2 heard h1 through "
		  "a join for h3 only: %s", tk_shown(hn_stdout(m)));
	/* the capture may not have taken the report in yet: wait for it */
	TK_EXPECT(hn_cap_wait(c2, "igmp and igmp[0] = 0x22", 1, 2000) >= 1,
		  "no IGMPv3 report from h2");
	transcript1("ssm", "h2$ mcastrecv -s 203.0.113.3 "
			 "232.1.1.1 " PORT, hn_stdout(m));
}

static void ipv6_group(void **state)
{
	hn_net *net = net_up(false);
	hn_cap *c3 = hn_capture(net, "h3", "lan0");
	hn_proc *m = receiver(net, "h2", "ff15::1:2", PORT, NULL);

	(void)state;
	send_lines(net, "h1", "six\n", "ff15::1:2", PORT, NULL);
	TK_EXPECT(tk_saw(m, "from 2001:db8:3::1: six", 2000), "h2 did not "
		  "hear h1 over IPv6: %s", tk_shown(hn_stdout(m)));
	TK_EXPECT(hn_cap_wait(c3, "ip6 and udp and ip6[7] = 1", 1, 2000)
		  == 1, "the IPv6 datagram did not cross with hop limit 1");
	/* the report may wait for h2's link-local address (its source) */
	TK_EXPECT(hn_cap_wait(c3, "ip6[6] = 0 and ip6[48] = 143", 1, 2000)
		  >= 1, "no MLDv2 report on the LAN");
}

static void sap_announcements(void **state)
{
	hn_net *net = net_up(false);
	hn_proc *l = hn_run(net, "h2", tk_prog(CH, "saplisten"), "-i",
			    "eth0", NULL);
	hn_proc *s;
	FILE *tr = tk_transcript_open();

	(void)state;
	TK_EXPECT(tk_saw(l, "listening", 2000), "saplisten: %s",
		  tk_shown(hn_stderr(l)));
	s = hn_run(net, "h1", tk_prog(CH, "sapsend"), "Workbook seminar",
		   NULL);
	TK_EXPECT(hn_exited_within(s, 2000) == 0, "sapsend: %s",
		  hn_stderr(s));
	fprintf(tr, "h1$ sapsend 'Workbook seminar'\n%s", hn_stdout(s));
	TK_EXPECT(tk_saw(l, "\"Workbook seminar\" at 239.255.1.1/1 port "
			 "5004", 2000), "saplisten did not print the "
		  "announcement: %s", tk_shown(hn_stdout(l)));
	s = hn_run(net, "h1", tk_prog(CH, "sapsend"), "-d",
		   "Workbook seminar", NULL);
	TK_EXPECT(hn_exited_within(s, 2000) == 0, "sapsend -d: %s",
		  hn_stderr(s));
	fprintf(tr, "h1$ sapsend -d 'Workbook seminar'\n%s", hn_stdout(s));
	TK_EXPECT(tk_saw(l, "delete from 203.0.113.1", 2000), "saplisten "
		  "did not print the deletion: %s", tk_shown(hn_stdout(l)));
	fprintf(tr, "h2$ saplisten -i eth0\n%s" TK_TYPED "^C\n", hn_stdout(l));
	tk_transcript_close(tr, CH, "sap");
}

/* sntpc against chronyd 2.5 s ahead in h2, and chrony's own view from
 * the same host on the same run: within 10 ms of each other. */
static void sntpc_agrees_with_chrony(void **state)
{
	hn_net *net = net_up(false);
	hn_proc *c;
	double mine, theirs, delay = 1;
	char *t;

	(void)state;
	chrony21_start(net, "h2", "+2.5", NULL);
	c = hn_run(net, "h1", tk_prog(CH, "sntpc"), "-n", "4", "-v",
		   "203.0.113.2", NULL);
	TK_EXPECT(hn_exited_within(c, 3000) == 0, "sntpc: %s",
		  tk_shown(hn_stderr(c)));
	TK_EXPECT(sscanf(strstr(hn_stdout(c), "offset ") ?
			 strstr(hn_stdout(c), "offset ") : "", "offset %lf",
			 &mine) == 1, "sntpc printed \"%s\"",
		  tk_shown(hn_stdout(c)));
	if (strstr(hn_stdout(c), "delay "))
		sscanf(strstr(hn_stdout(c), "delay "), "delay %lf", &delay);
	theirs = chrony21_view(net, "h1", "203.0.113.2");
	TK_EXPECT(fabs(mine - 2.5) < 0.05 + delay / 2, "sntpc measured "
		  "%+.6f s for a "
		  "server 2.5 s ahead", mine);
	/* one exchange's offset is off by at most half its delay */
	TK_EXPECT(fabs(mine - theirs) < 0.01 + delay / 2, "sntpc measured "
		  "%+.6f s (delay %.6f s), chronyd -Q %+.6f s", mine, delay,
		  theirs);
	t = strdup(hn_stdout(c));
	t = tk_scrub(t, "[0-9]\\.[0-9]{6} s", "N.NNNNNN s");
	t = tk_scrub(t, "[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}",
		     "hh:mm:ss.uuuuuu");
	transcript1("sntpc", "h1$ sntpc -n 4 -v 203.0.113.2", t);
	free(t);
	printf("# sntpc %+.6f s, chronyd -Q %+.6f s\n", mine, theirs);
}

/* chronyd's broadcast directive, to the LAN's broadcast address and
 * to the multicast group 224.0.1.1 (NTP's); sntpc -l hears both. */
static void chrony_broadcast_and_multicast(void **state)
{
	hn_net *net = net_up(false);
	hn_cap *c4 = hn_capture(net, "h4", "lan0");
	hn_proc *b = hn_run(net, "h3", tk_prog(CH, "sntpc"), "-l", "-t",
			    "3000", NULL);
	hn_proc *m = hn_run(net, "h4", tk_prog(CH, "sntpc"), "-l", "-g",
			    "224.0.1.1", "-t", "3000", NULL);
	double off;
	char *p, *t;

	(void)state;
	TK_EXPECT(tk_saw(b, "listening", 2000) && tk_saw(m, "listening",
		  2000), "sntpc -l did not start: %s %s",
		  hn_stderr(b), hn_stderr(m));
	chrony21_start(net, "h2", "+2.5", "broadcast 1 203.0.113.255\n"
		       "broadcast 1 224.0.1.1\n");
	TK_EXPECT(tk_exited(b, 3500) && tk_exit_code(b) == 0, "no "
		  "broadcast heard in h3: %s", tk_shown(hn_stderr(b)));
	TK_EXPECT(tk_exited(m, 3500) && tk_exit_code(m) == 0, "no "
		  "multicast heard in h4: %s", tk_shown(hn_stderr(m)));
	p = strstr(hn_stdout(m), "offset ");
	TK_EXPECT(p && sscanf(p, "offset %lf", &off) == 1 &&
		  fabs(off - 2.5) < 0.05, "the multicast offset: %s",
		  hn_stdout(m));
	TK_EXPECT(hn_cap_count(c4, "dst host 224.0.1.1 and ip[8] = 1") > 0,
		  "chrony's multicast did not cross with TTL 1");
	t = tk_scrub(strdup(hn_stdout(m)), "[0-9]\\.[0-9]{6} s",
		     "N.NNNNNN s");
	transcript1("ntp-multicast", "h4$ sntpc -l -g 224.0.1.1", t);
	free(t);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(join_needs_a_route_or_an_interface),
		TK_TEST(members_hear_non_members_do_not),
		TK_TEST(wildcard_socket_hears_other_groups),
		TK_TEST(router_does_not_forward),
		TK_TEST(loopback_copy),
		TK_TEST(source_specific_join),
		TK_TEST(ipv6_group),
		TK_TEST(sap_announcements),
		TK_TEST(sntpc_agrees_with_chrony),
		TK_TEST(chrony_broadcast_and_multicast),
	};
	return TK_RUN("mcast", tests);
}
