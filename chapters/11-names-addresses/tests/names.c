/*
 * names.c - chapter 11's examples against a real DNS server: dnsmasq
 * in host dns serves the zone names.test (tests/names11.h), and the
 * sandbox's own /etc/resolv.conf points the resolver at it, nothing
 * else (tk_resolver).  Every lookup below crosses the test network.
 */
#include "names11.h"

#include <netdb.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>

static hn_proc *dns;            /* the zone's dnsmasq */

static hn_net *names_up(const char *extra)
{
	char *spec;
	hn_net *net;

	if (asprintf(&spec, "%s%s", NAMES11_TOPO, extra) < 0)
		abort();
	net = hn_up(spec);
	free(spec);
	dns = tk_dnsmasq(net, "dns", NAMES11_ZONE);
	tk_resolver(NAMES11_RESOLV, NAMES11_HOSTS, NULL);
	return net;
}

/* Runs one of the chapter's programs in the client (or HOST), writes
 * the command and what it printed to the transcript TR (NULL: none),
 * and returns it ended (or still running after ms). */
static hn_proc *show(FILE *tr, hn_net *net, const char *host, int ms,
		     const char *prog, ...)
{
	const char *argv[8];
	va_list ap;
	int n = 0;
	hn_proc *p;

	va_start(ap, prog);
	while (n < 7 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	p = hn_run(net, host, tk_prog(CH11, prog), argv[0], argv[1],
		   argv[2], argv[3], argv[4], argv[5], argv[6], NULL);
	hn_exited_within(p, ms);
	if (tr != NULL) {
		fprintf(tr, "%s$ %s", host, prog);
		for (int i = 0; i < n; i++)
			fprintf(tr, " %s", argv[i]);
		fprintf(tr, "\n%s%s", hn_stdout(p), hn_stderr(p));
	}
	return p;
}

/* cat FILE in the client, into the transcript: what the file holds as
 * the programs there read it. */
static void show_file(FILE *tr, hn_net *net, const char *file)
{
	hn_proc *p = hn_run(net, "client", "/bin/cat", file, NULL);

	TK_EXPECT(hn_exited_within(p, 3000) == 0, "cat %s: %s", file,
		  hn_stderr(p));
	fprintf(tr, "client$ cat %s\n%s", file, hn_stdout(p));
}

static bool said(hn_proc *p, const char *text)
{
	return strstr(hn_stdout(p), text) != NULL ||
	       strstr(hn_stderr(p), text) != NULL;
}

/* 11.4, 11.5: what each name of the zone gives, and the two errors. */
static void zone_answers(void **state)
{
	hn_net *net = names_up("");
	FILE *tr = tk_transcript_open();
	hn_proc *p;
	long long t;

	(void)state;
	p = show(tr, net, "client", 3000, "gai", "www.names.test", "http",
		 NULL);
	TK_EXPECT(said(p, "IPv6 [" WEB6 "]:80") && said(p, "IPv4 " WEB4
		  ":80"), "gai www.names.test: %s", tk_shown(hn_stdout(p)));
	p = show(tr, net, "client", 3000, "gai", "alias.names.test", NULL);
	TK_EXPECT(said(p, "canonical name: www.names.test"),
		  "a CNAME's canonical name: %s", tk_shown(hn_stdout(p)));
	p = show(tr, net, "client", 3000, "gai", "v6only.names.test", NULL);
	TK_EXPECT(said(p, WEB6) && !said(p, "IPv4"), "AAAA only: %s",
		  tk_shown(hn_stdout(p)));
	p = show(tr, net, "client", 3000, "gai", "multi.names.test", NULL);
	TK_EXPECT(strstr(hn_stdout(p), DEAD4) != NULL &&
		  strstr(hn_stdout(p), DEAD4) < strstr(hn_stdout(p), WEB4),
		  "two A records, the dead one first: %s",
		  tk_shown(hn_stdout(p)));
	p = show(tr, net, "client", 3000, "gai", "nosuch.names.test", NULL);
	TK_EXPECT(said(p, "Name or service not known"), "NXDOMAIN: %s",
		  tk_shown(hn_stderr(p)));
	t = tk_now_ms();
	p = show(tr, net, "client", 3000, "gai", "www.example.com", NULL);
	TK_EXPECT(said(p, "Temporary failure in name resolution") &&
		  tk_now_ms() - t < 900, "a name outside the zone (dnsmasq "
		  "refuses it) took %lld ms: %s", tk_now_ms() - t,
		  tk_shown(hn_stderr(p)));
	TK_EXPECT(strstr(hn_stderr(dns), "query[A] www.example.com") &&
		  strstr(hn_stderr(dns), "is REFUSED")
		  != NULL, "dnsmasq did not refuse www.example.com: %s",
		  tk_shown(hn_stderr(dns)));
	p = show(tr, net, "client", 3000, "gai", "www.names.test", "htp",
		 NULL);
	TK_EXPECT(said(p, "Servname not supported for ai_socktype"),
		  "a service that /etc/services does not know: %s",
		  tk_shown(hn_stderr(p)));
	tk_transcript_close(tr, CH11, "gai-zone");
}

/* 11.6: the order, from RFC 6724's default table and from a gai.conf
 * that puts IPv4 first; the passive list for a server. */
static void order_and_gai_conf(void **state)
{
	hn_net *net = names_up("");
	FILE *tr = tk_transcript_open();
	hn_proc *p;
	char *v6, *v4;

	(void)state;
	show_file(tr, net, "/etc/gai.conf");
	p = show(tr, net, "client", 3000, "gai", "www.names.test", NULL);
	v6 = strstr(hn_stdout(p), "IPv6");
	v4 = strstr(hn_stdout(p), "IPv4");
	TK_EXPECT(v6 != NULL && v4 != NULL && v6 < v4, "with no gai.conf, "
		  "IPv6 should come first: %s", tk_shown(hn_stdout(p)));
	tk_resolver(NAMES11_RESOLV, NAMES11_HOSTS, GAI_V4_FIRST);
	show_file(tr, net, "/etc/gai.conf");
	p = show(tr, net, "client", 3000, "gai", "www.names.test", NULL);
	v6 = strstr(hn_stdout(p), "IPv6");
	v4 = strstr(hn_stdout(p), "IPv4");
	TK_EXPECT(v6 != NULL && v4 != NULL && v4 < v6, "with \"%s\" in "
		  "gai.conf, IPv4 should come first: %s", GAI_V4_FIRST,
		  tk_shown(hn_stdout(p)));
	tk_resolver(NAMES11_RESOLV, NAMES11_HOSTS, NULL);
	p = show(tr, net, "client", 3000, "gai", "-p", "-", "9877", NULL);
	v6 = strstr(hn_stdout(p), "IPv6 [::]:9877");
	v4 = strstr(hn_stdout(p), "IPv4 0.0.0.0:9877");
	TK_EXPECT(v6 != NULL && v4 != NULL, "the passive wildcards: %s",
		  tk_shown(hn_stdout(p)));
	tk_transcript_close(tr, CH11, "gai-order");
}

/* 11.2: glibc reads /etc/hosts at each lookup and re-reads
 * resolv.conf when it changes, in a process that keeps running. */
static void glibc_rereads_its_files(void **state)
{
	hn_net *net = names_up("");
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	char text[SOCK_NTOP_LEN];
	int n;

	(void)state;
	hn_enter(net, "client");
	n = getaddrinfo("www.names.test", "80", &hints, &res);
	TK_EXPECT(n == 0, "www.names.test: %s", gai_strerror(n));
	freeaddrinfo(res);
	tk_resolver(NAMES11_RESOLV, "192.0.2.77 www.names.test\n", NULL);
	n = getaddrinfo("www.names.test", "80", &hints, &res);
	TK_EXPECT(n == 0 && res->ai_family == AF_INET,
		  "after /etc/hosts changed: %s", gai_strerror(n));
	sock_ntop_host(res->ai_addr, res->ai_addrlen, text, sizeof(text));
	freeaddrinfo(res);
	TK_EXPECT(strcmp(text, "192.0.2.77") == 0, "glibc did not read the "
		  "new /etc/hosts: www.names.test is %s", text);
	/* a server that is not there: port unreachable, at once */
	tk_resolver("nameserver " WEB4 "\n", "", NULL);
	n = getaddrinfo("v6only.names.test", "80", &hints, &res);
	TK_EXPECT(n == EAI_AGAIN, "glibc did not re-read resolv.conf: it "
		  "still found v6only.names.test (%s)", gai_strerror(n));
	tk_resolver(NAMES11_RESOLV, "", NULL);
	n = getaddrinfo("v6only.names.test", "80", &hints, &res);
	TK_EXPECT(n == 0, "resolv.conf put back: %s", gai_strerror(n));
	freeaddrinfo(res);
	hn_leave(net);
}

/* 11.12: the server's program is gone (port unreachable: at once) and
 * the server's host is gone (silence: the resolver's timeout). */
static void dns_server_down(void **state)
{
	hn_net *net = names_up("");
	hn_proc *p, *srv, *cli;
	long long t, gone_ms, dead_ms;
	char port[16];

	(void)state;
	hn_kill(dns);
	t = tk_now_ms();
	p = show(NULL, net, "client", 3000, "gai", "www.names.test", NULL);
	gone_ms = tk_now_ms() - t;
	TK_EXPECT(said(p, "Temporary failure in name resolution") &&
		  gone_ms < 900, "dnsmasq killed: %lld ms, %s", gone_ms,
		  tk_shown(hn_stderr(p)));
	srv = hn_run(net, "web", tk_prog(CH11, "daytimesrv"), "0", NULL);
	snprintf(port, sizeof(port), "%d", tk_listening_port(srv, 3000));
	hn_crash(net, "dns");
	t = tk_now_ms();
	cli = hn_run(net, "client", tk_prog(CH11, "daytimecli"), WEB4, port,
		     NULL);           /* meanwhile: no lookup on this side */
	p = show(NULL, net, "client", 4000, "gai", "www.names.test", NULL);
	dead_ms = tk_now_ms() - t;
	TK_EXPECT(said(p, "Temporary failure in name resolution") &&
		  dead_ms >= 1000 && dead_ms < 2500, "dns host silent, "
		  "timeout:1 attempts:1: %lld ms, %s", dead_ms,
		  tk_shown(hn_stderr(p)));
	/* 11.7: getnameinfo without NI_NAMEREQD still fails: EAI_AGAIN */
	TK_EXPECT(tk_saw(srv, "connection from ::ffff:192.0.2.1 port", 3000)
		  && strstr(hn_stdout(srv), "(no name: Temporary failure in "
			    "name resolution)") != NULL && tk_exited(cli, 2000),
		  "daytimesrv with the DNS server silent: %s",
		  tk_shown(hn_stdout(srv)));
	if (getenv("TK_BENCH") != NULL)
		printf("BENCH ch11.dns_gone_ms %lld\nBENCH ch11.dns_silent_ms "
		       "%lld\n", gone_ms, dead_ms);
}

/* A validating resolver (unbound) in the client, on 127.0.0.1, that
 * forwards names.test to dnsmasq and holds a trust anchor saying the
 * zone is signed.  dnsmasq's answers carry no signatures, so unbound
 * calls them bogus and answers SERVFAIL. */
#define UNBOUND_CONF \
	"server:\n" \
	"  interface: 127.0.0.1\n" \
	"  username: \"\"\n" \
	"  chroot: \"\"\n" \
	"  directory: \"%DIR%\"\n" \
	"  pidfile: \"\"\n" \
	"  use-syslog: no\n" \
	"  logfile: \"\"\n" \
	"  val-log-level: 1\n" \
	"  trust-anchor-signaling: no\n" \
	"  num-threads: 1\n" \
	"  so-reuseport: no\n" \
	"  module-config: \"validator iterator\"\n" \
	"  local-zone: \"test.\" nodefault\n" \
	"  trust-anchor: \"names.test. DS 11 13 2 " \
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"\n" \
	"forward-zone:\n" \
	"  name: \"names.test.\"\n" \
	"  forward-addr: " DNS_ADDR "\n"

/* 11.5: SERVFAIL, from a real validating resolver: EAI_AGAIN at once,
 * as for REFUSED; asking dnsmasq directly, the same name resolves. */
static void validating_resolver_says_servfail(void **state)
{
	hn_net *net = names_up("");
	static const char *const args[] = { "-d", "-c", "%CONF%", NULL };
	struct hn_peer unbound = {
		.package = "unbound", .program = "/usr/sbin/unbound",
		.config_name = "unbound.conf", .config = UNBOUND_CONF,
		.args = args, .ready_proto = IPPROTO_UDP, .ready_port = 53,
	};
	FILE *tr = tk_transcript_open();
	hn_proc *val, *p;
	long long t, ms;

	(void)state;
	val = hn_peer_start(net, "client", &unbound);
	tk_resolver("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n",
		    NAMES11_HOSTS, NULL);
	show_file(tr, net, "/etc/resolv.conf");
	t = tk_now_ms();
	p = show(tr, net, "client", 3000, "gai", "www.names.test", NULL);
	ms = tk_now_ms() - t;
	TK_EXPECT(said(p, "Temporary failure in name resolution") && ms < 900,
		  "through a validating resolver that finds no signatures: "
		  "%lld ms, %s", ms, tk_shown(hn_stderr(p)));
	TK_EXPECT(hn_stderr_has(val, "validation failure www.names.test. A",
				2000), "unbound did not reject the answer as "
		  "bogus: %s", tk_shown(hn_stderr(val)));
	tk_resolver(NAMES11_RESOLV, NAMES11_HOSTS, NULL);
	show_file(tr, net, "/etc/resolv.conf");
	p = show(tr, net, "client", 3000, "gai", "www.names.test", NULL);
	TK_EXPECT(said(p, WEB4), "straight from dnsmasq: %s",
		  tk_shown(hn_stdout(p)));
	tk_transcript_close(tr, CH11, "gai-servfail");
	if (getenv("TK_BENCH") != NULL)
		printf("BENCH ch11.servfail_ms %lld\n", ms);
}

/* 11.12: a slow server: 400 ms is slow, 1500 ms is down. */
static void slow_dns_server(void **state)
{
	hn_net *net = names_up("");
	struct hn_impair slow = { .delay_ms = 400 };
	hn_proc *p;
	long long t, ms;

	(void)state;
	hn_impair(net, "dns", "r", HN_OUT, &slow);
	t = tk_now_ms();
	p = show(NULL, net, "client", 3000, "gai", "v4only.names.test", NULL);
	ms = tk_now_ms() - t;
	TK_EXPECT(said(p, WEB4) && ms >= 400, "answers 400 ms late: %lld "
		  "ms, %s%s", ms, hn_stdout(p), hn_stderr(p));
	hn_clear(net, "dns", "r");
	slow.delay_ms = 1500;
	hn_impair(net, "dns", "r", HN_OUT, &slow);
	t = tk_now_ms();
	p = show(NULL, net, "client", 4000, "gai", "v6only.names.test", NULL);
	ms = tk_now_ms() - t;
	TK_EXPECT(said(p, "Temporary failure in name resolution") &&
		  ms >= 1000 && ms < 1500, "answers 1.5 s late, timeout:1: "
		  "%lld ms, %s%s", ms, hn_stdout(p), hn_stderr(p));
	TK_EXPECT(strstr(hn_stderr(dns), "v6only.names.test is") != NULL,
		  "dnsmasq never saw the query: %s", tk_shown(hn_stderr(dns)));
}

/* 11.9: multi.names.test, the first address silent: tcp_connect tries
 * the second after its bounded try; the naive loop waits on. */
static void first_address_dead(void **state)
{
	hn_net *net = names_up("timing kernel\n");
	hn_proc *good, *naive;
	long long t, ms;
	char *shown;
	FILE *tr = tk_transcript_open();

	(void)state;
	hn_inetd(net, "web", "daytime");
	hn_crash(net, "dead");
	t = tk_now_ms();
	naive = hn_run(net, "client", tk_prog(CH11, "naivecli"),
		       "multi.names.test", NULL);
	good = show(NULL, net, "client", 4000, "daytimecli",
		    "multi.names.test", NULL);
	ms = tk_now_ms() - t;
	TK_EXPECT(tk_exit_code(good) == 0 && said(good, "connected to "
		  WEB4 ":13"), "daytimecli multi.names.test (%lld ms): %s%s",
		  ms, hn_stdout(good), hn_stderr(good));
	shown = tk_scrub(strdup(hn_stdout(good)), "\n[A-Z][a-z]{2} .*\n",
			 "\n(the server's date and time)\n");
	fprintf(tr, "client$ daytimecli multi.names.test\n%s", shown);
	free(shown);
	TK_EXPECT(ms >= TCP_CONNECT_TRY_MS, "connected after %lld ms, "
		  "before the first address's try ran out?", ms);
	TK_EXPECT(hn_exited_within(naive, 500) == -1, "naivecli ended "
		  "(%s%s): its blocking connect to %s should still wait",
		  hn_stdout(naive), hn_stderr(naive), DEAD4);
	fprintf(tr, "client$ naivecli multi.names.test\n%s",
		hn_stdout(naive));
	tk_transcript_close(tr, CH11, "daytimecli-multi");
}

/* 11.7, 11.10: a server on tcp_listen(NULL, ...) takes IPv4 and IPv6
 * clients and names them with getnameinfo. */
static void server_names_its_clients(void **state)
{
	hn_net *net = names_up("");
	hn_proc *srv = hn_run(net, "web", tk_prog(CH11, "daytimesrv"), "0",
			      NULL);
	char port[16];
	hn_proc *c6, *c4;
	char *out;
	FILE *tr;

	(void)state;
	snprintf(port, sizeof(port), "%d", tk_listening_port(srv, 3000));
	c6 = show(NULL, net, "client", 3000, "daytimecli", "www.names.test",
		  port, NULL);
	TK_EXPECT(said(c6, "connected to [" WEB6 "]"), "%s%s",
		  hn_stdout(c6), hn_stderr(c6));
	TK_EXPECT(tk_saw(srv, "connection from client.names.test", 2000),
		  "daytimesrv: %s", tk_shown(hn_stdout(srv)));
	c4 = show(NULL, net, "client", 3000, "daytimecli",
		  "v4only.names.test", port, NULL);
	TK_EXPECT(said(c4, "connected to " WEB4), "%s%s", hn_stdout(c4),
		  hn_stderr(c4));
	TK_EXPECT(tk_saw(srv, "connection from client.names.test", 2000),
		  "daytimesrv: %s", tk_shown(hn_stdout(srv)));
	out = tk_scrub(strdup(hn_stdout(srv)), "port [0-9]+", "port N");
	tr = tk_transcript_open();
	fprintf(tr, "web$ daytimesrv 0\n%s", out);
	tk_transcript_close(tr, CH11, "daytimesrv");
	free(out);
}

/* 11.11: udp_client for a name with only an AAAA record. */
static void udp_client_any_family(void **state)
{
	hn_net *net = names_up("");
	FILE *tr = tk_transcript_open();
	hn_proc *p;

	(void)state;
	hn_inetd(net, "web", "echo");
	p = show(tr, net, "client", 3000, "udpcli", "v6only.names.test",
		 "echo", "hello", NULL);
	TK_EXPECT(said(p, "sending to [" WEB6 "]:7") &&
		  said(p, "answer: hello"), "%s%s", hn_stdout(p),
		  hn_stderr(p));
	tk_transcript_close(tr, CH11, "udpcli");
}

/* 11.7: getnameinfo with and without a name to find. */
static void getnameinfo_names(void **state)
{
	hn_net *net = names_up("");
	FILE *tr = tk_transcript_open();
	hn_proc *p;

	(void)state;
	p = show(tr, net, "client", 3000, "gni", "192.0.2.1", "13", NULL);
	TK_EXPECT(said(p, "host client.names.test, service daytime"), "%s%s",
		  hn_stdout(p), hn_stderr(p));
	p = show(tr, net, "client", 3000, "gni", "2001:db8:1::1", "80",
		 NULL);
	TK_EXPECT(said(p, "host client.names.test, service http"), "%s%s",
		  hn_stdout(p), hn_stderr(p));
	p = show(tr, net, "client", 3000, "gni", "-n", "192.0.2.1", "13",
		 NULL);
	TK_EXPECT(said(p, "host 192.0.2.1, service 13"), "%s%s",
		  hn_stdout(p), hn_stderr(p));
	p = show(tr, net, "client", 3000, "gni", "192.0.2.99", "13", NULL);
	TK_EXPECT(said(p, "host 192.0.2.99, service daytime"), "%s%s",
		  hn_stdout(p), hn_stderr(p));
	p = show(tr, net, "client", 3000, "gni", "-r", "192.0.2.99", NULL);
	TK_EXPECT(said(p, "Name or service not known"), "%s%s",
		  hn_stdout(p), hn_stderr(p));
	tk_transcript_close(tr, CH11, "gni");
}

static void bad_command_lines(void **state)
{
	static const struct tk_bad_args cases[] = {
		{ "gai", { NULL }, "usage: gai" },
		{ "gni", { "-x", "192.0.2.1", NULL }, "usage: gni" },
		{ "gni", { "nonsense", NULL }, "nonsense" },
		{ "daytimecli", { NULL }, "usage: daytimecli" },
		{ "naivecli", { NULL }, "usage: naivecli" },
		{ "daytimesrv", { NULL }, "usage: daytimesrv" },
		{ "udpcli", { "a", NULL }, "usage: udpcli" },
		{ "daytimesrv", { "nosuchservice", NULL },
		  "Servname not supported" },
	};

	(void)state;
	tk_expect_bad_args(CH11, cases, sizeof(cases) / sizeof(cases[0]));
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(zone_answers),
		TK_TEST(order_and_gai_conf),
		TK_TEST(glibc_rereads_its_files),
		TK_TEST(validating_resolver_says_servfail),
		TK_TEST(dns_server_down),
		TK_TEST(slow_dns_server),
		TK_TEST(first_address_dead),
		TK_TEST(server_names_its_clients),
		TK_TEST(udp_client_any_family),
		TK_TEST(getnameinfo_names),
		TK_TEST(bad_command_lines),
	};
	return TK_RUN("names", tests);
}
