/*
 * Chapter 18's examples, run on the harness: afroute (what AF_ROUTE is
 * here), ifnames beside `ip -j link`, rtdump (a dump of the main table)
 * beside `ip -j route`, rtroute's acknowledgements and errors, rtmon
 * watching a more specific route come and go (subscribed before the
 * change: it says so first), and /proc/sys on a router and a host.
 */
#include "ch18test.h"

#define CH "18-routing-sockets"

static hn_proc *run_in(hn_net *net, const char *host, const char *name,
		       ...)
{
	const char *argv[8] = { NULL };
	va_list ap;
	int n = 0;
	hn_proc *p;

	va_start(ap, name);
	while (n < 7 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	p = hn_run(net, host, tk_prog(CH, name), argv[0], argv[1], argv[2],
		   argv[3], argv[4], argv[5], NULL);
	TK_EXPECT(hn_exited_within(p, 3000) != -1, "%s did not end", name);
	return p;
}

/* The transcript NAME: the command CMD (with its prompt) and OUT. */
static void shown(const char *ch, const char *name, const char *cmd,
		  const char *out)
{
	char *text;

	TK_EXPECT(asprintf(&text, "%s\n%s", cmd, out) > 0, "no memory");
	tk_transcript(ch, name, text);
	free(text);
}

/* "$ CMD" and its output, appended to TR. */
static const char *said(FILE *tr, hn_proc *p, const char *cmd)
{
	fprintf(tr, "%s\n%s", cmd, hn_stdout(p));
	return hn_stdout(p);
}

static void af_route_is_netlink(void **state)
{
	hn_proc *p = run_in(NULL, NULL, "afroute", NULL);
	const char *out = hn_stdout(p);

	(void)state;
	TK_EXPECT(tk_exit_code(p) == 0, "afroute failed: %s", hn_stderr(p));
	TK_EXPECT(AF_ROUTE == AF_NETLINK, "AF_ROUTE is %d, AF_NETLINK %d",
		  AF_ROUTE, AF_NETLINK);
	TK_EXPECT(strstr(out, "family 16, protocol 0 (NETLINK_ROUTE)") !=
		  NULL, "afroute said: %s", tk_shown(out));
	tk_transcript_of(CH, "afroute", "afroute", out);
}

/* ifnames in the client: every interface ip shows, by index. */
static void names_and_indexes(void **state)
{
	hn_net *net = hn_up(CH18_NET);
	hn_proc *p = run_in(net, "client", "ifnames", "eth1", "1000", "eth9",
			    "99", NULL);
	const char *out = hn_stdout(p);
	char *ip = NULL, line[100];
	json_object *all;

	(void)state;
	TK_EXPECT(hn_sh(net, "client", 3000, &ip, "ip -j link") == 0,
		  "ip -j link failed");
	all = json_tokener_parse(ip);
	TK_EXPECT(all != NULL, "ip -j link printed no JSON: %s",
		  tk_shown(ip));
	for (size_t i = 0; i < json_object_array_length(all); i++) {
		json_object *o = json_object_array_get_idx(all, i);

		snprintf(line, sizeof(line), "%d %s\n", j_int(o, "ifindex"),
			 j_str(o, "ifname"));
		TK_EXPECT(strstr(out, line) != NULL, "ip shows \"%s\" but "
			  "ifnames printed: %s", tk_chomp(strdup(line)),
			  tk_shown(out));
	}
	TK_EXPECT(strstr(out, "eth9: No such device\n") != NULL &&
		  strstr(out, "index 99: No such device or address\n") !=
		  NULL, "ifnames said: %s", tk_shown(out));
	json_object_put(all);
	free(ip);
	shown(CH, "ifnames", "client$ ifnames eth1 1000 eth9 99", out);
}

/* rtdump's main table in the client against `ip -j route`. */
static void dump_like_ip(void **state)
{
	hn_net *net = hn_up(CH18_NET);
	hn_proc *p = run_in(net, "client", "rtdump", NULL);
	const char *out = hn_stdout(p);
	char *ip = NULL, line[200];
	json_object *all;
	size_t n;

	(void)state;
	TK_EXPECT(tk_exit_code(p) == 0, "rtdump failed: %s", hn_stderr(p));
	TK_EXPECT(hn_sh(net, "client", 3000, &ip, "ip -j route") == 0,
		  "ip -j route failed");
	all = json_tokener_parse(ip);
	n = json_object_array_length(all);
	TK_EXPECT(n >= 4, "ip shows %zu routes in the client", n);
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(all, i);
		const char *gw = j_str(o, "gateway");

		snprintf(line, sizeof(line), "%s%s%s dev %s\n",
			 j_str(o, "dst"), gw[0] ? " via " : "", gw,
			 j_str(o, "dev"));
		TK_EXPECT(strstr(out, line) != NULL, "ip shows the route "
			  "\"%s\" but rtdump printed: %s",
			  tk_chomp(strdup(line)), tk_shown(out));
	}
	TK_EXPECT(strstr(out, "NLMSG_DONE: ") != NULL, "rtdump said: %s",
		  tk_shown(out));
	json_object_put(all);
	free(ip);
	shown(CH, "rtdump", "client$ rtdump", out);
}

/* Acknowledgements: 0, or a negated errno the kernel chose. */
static void acks_and_errors(void **state)
{
	hn_net *net = hn_up(CH18_NET);
	FILE *tr = tk_transcript_open();
	struct {
		const char *args[5], *want;
	} steps[] = {
		{ { "add", "192.0.2.128/25", "via", "198.51.100.9" },
		  "NLMSG_ERROR -101: ENETUNREACH" },
		{ { "add", "192.0.2.128/25", "via", "192.0.2.2" },
		  "NLMSG_ERROR 0: done" },
		{ { "add", "192.0.2.128/25", "via", "192.0.2.66" },
		  "NLMSG_ERROR -17: EEXIST" },
		{ { "del", "192.0.2.128/25" }, "NLMSG_ERROR 0: done" },
		{ { "del", "192.0.2.128/25" }, "NLMSG_ERROR -3: ESRCH" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		const char **a = steps[i].args;
		hn_proc *p = run_in(net, "client", "rtroute", a[0], a[1], a[2],
				    a[3], NULL);
		char cmd[200];

		snprintf(cmd, sizeof(cmd), "client$ rtroute %s %s%s%s%s%s",
			 a[0], a[1], a[2] ? " " : "", a[2] ? a[2] : "",
			 a[3] ? " " : "", a[3] ? a[3] : "");
		TK_EXPECT(strstr(said(tr, p, cmd), steps[i].want) != NULL,
			  "%s: expected \"%s\", got %s", cmd, steps[i].want,
			  tk_shown(hn_stdout(p)));
	}
	tk_transcript_close(tr, CH, "rtroute");
}

/* rtmon subscribed first; then a more specific route through r1, the
 * lookup that changes with it, the route deleted, and a link down. */
static void monitor_sees_more_specific(void **state)
{
	hn_net *net = hn_up(CH18_NET);
	hn_proc *mon = hn_run(net, "client", tk_prog(CH, "rtmon"), NULL);
	hn_proc *get = NULL;
	FILE *tr = tk_transcript_open();
	char *l;
	const char *out;
	struct t_route r;

	(void)state;
	l = hn_next_line(mon, "subscribed", 3000);
	TK_EXPECT(l != NULL, "rtmon never said it had subscribed: %s",
		  tk_shown(hn_stderr(mon)));
	free(l);
	get = run_in(net, "client", "../../lab-18/ref/routeget",
		     "203.0.113.200", NULL);
	said(tr, get, "client$ routeget 203.0.113.200");
	TK_EXPECT(strstr(hn_stdout(get), "via 192.0.2.66 dev eth1") != NULL,
		  "the server's prefix is not through r2: %s",
		  tk_shown(hn_stdout(get)));
	said(tr, run_in(net, "client", "rtroute", "add", "203.0.113.128/25",
			"via", "192.0.2.2", NULL),
	     "client$ rtroute add 203.0.113.128/25 via 192.0.2.2");
	l = hn_next_line(mon, "NEWROUTE", 3000);
	TK_EXPECT(l != NULL && strstr(l, "NEWROUTE 203.0.113.128/25 via "
		  "192.0.2.2 dev eth0") != NULL, "rtmon printed %s",
		  tk_shown(l ? l : "nothing"));
	free(l);
	get = run_in(net, "client", "../../lab-18/ref/routeget",
		     "203.0.113.200", NULL);
	said(tr, get, "client$ routeget 203.0.113.200");
	TK_EXPECT(ip_route_get(net, "client", "203.0.113.200", &r) &&
		  strcmp(r.gw, "192.0.2.2") == 0, "ip route get says %s",
		  route_text(&r));
	said(tr, run_in(net, "client", "rtroute", "del", "203.0.113.128/25",
			NULL), "client$ rtroute del 203.0.113.128/25");
	l = hn_next_line(mon, "DELROUTE", 3000);
	TK_EXPECT(l != NULL && strstr(l, "DELROUTE 203.0.113.128/25") != NULL,
		  "rtmon printed %s", tk_shown(l ? l : "nothing"));
	free(l);
	TK_EXPECT(hn_sh(net, "client", 3000, NULL, "ip link set eth0 down")
		  == 0, "the test could not take eth0 down");
	fprintf(tr, "client$ ip link set eth0 down\n");
	l = hn_next_line(mon, "NEWLINK", 3000);
	TK_EXPECT(l != NULL && strstr(l, "eth0 DOWN") != NULL,
		  "rtmon printed %s", tk_shown(l ? l : "nothing"));
	free(l);
	/* IPv4's routes through eth0 go silently, IPv6's are announced:
	 * a route added after the link went down is the marker that every
	 * message sent before it has arrived. */
	said(tr, run_in(net, "client", "rtroute", "add", "192.0.2.128/25",
			"via", "192.0.2.66", NULL),
	     "client$ rtroute add 192.0.2.128/25 via 192.0.2.66");
	l = hn_next_line(mon, "NEWROUTE 192.0.2.128/25", 3000);
	TK_EXPECT(l != NULL, "rtmon did not see the marker route: %s",
		  tk_shown(hn_stdout(mon)));
	free(l);
	out = hn_stdout(mon);
	TK_EXPECT(strstr(out, "DELROUTE 2001:db8:1::/64 dev eth0") != NULL &&
		  strstr(out, "DELROUTE 192.0.2.0/26") == NULL &&
		  strstr(out, "DELROUTE 198.51.100.0/30") == NULL,
		  "expected IPv6's routes through eth0 announced gone and "
		  "IPv4's not; rtmon printed: %s", tk_shown(out));
	TK_EXPECT(hn_sh(net, "client", 3000, NULL, "ip route | "
			"grep -q '192.0.2.0/26\\|198.51.100.0/30'") == 1,
		  "ip route still shows IPv4 routes through eth0");
	tk_transcript_close(tr, CH, "story");
	shown(CH, "rtmon", "client$ rtmon", hn_stdout(mon));
}

/* /proc/sys: forwarding on in a router, off in a host. */
static void proc_sys(void **state)
{
	hn_net *net = hn_up(CH18_NET);
	char *a = NULL, *b = NULL, text[400];

	(void)state;
	TK_EXPECT(hn_sh(net, "r1", 3000, &a,
			"cat /proc/sys/net/ipv4/ip_forward") == 0 &&
		  hn_sh(net, "client", 3000, &b,
			"cat /proc/sys/net/ipv4/ip_forward") == 0,
		  "cat failed");
	TK_EXPECT(strcmp(a, "1\n") == 0 && strcmp(b, "0\n") == 0,
		  "ip_forward is %s in r1 and %s in client", tk_shown(a),
		  tk_shown(b));
	snprintf(text, sizeof(text),
		 "r1$ cat /proc/sys/net/ipv4/ip_forward\n%s"
		 "client$ cat /proc/sys/net/ipv4/ip_forward\n%s", a, b);
	tk_transcript(CH, "ip_forward", text);
	free(a);
	free(b);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(af_route_is_netlink),
		TK_TEST(names_and_indexes),
		TK_TEST(dump_like_ip),
		TK_TEST(acks_and_errors),
		TK_TEST(monitor_sees_more_specific),
		TK_TEST(proc_sys),
	};
	return TK_RUN("ch18", tests);
}
