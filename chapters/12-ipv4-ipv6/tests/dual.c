/*
 * Chapter 12's suite: the half-ported server that reports every client
 * as 0.0.0.0 (watch it break), the dual-stack whoserv (lab 12's
 * reference), an IPv6 client talking IPv4, IPV6_V6ONLY both ways,
 * net.ipv6.bindv6only in one host's namespace only, the two-socket
 * server and its EADDRINUSE, and the table of which client reaches
 * which server, every cell from a real run.  Two dual-stack hosts:
 * client 192.0.2.1 / 2001:db8:1::1, server 192.0.2.2 / 2001:db8:1::2.
 */
#include "lab12.h"

#define CH "12-ipv4-ipv6"

/* A dual-stack network of two hosts, EXTRA lines added. */
static hn_net *net_of(const char *extra)
{
	return lab_net(extra);
}

/* The path of a program: the chapter's, or whoserv (lab 12's ref). */
static const char *prog_of(const char *name)
{
	if (strcmp(name, "whoserv") == 0)
		return tk_path("lab-12/ref/whoserv");
	return tk_prog(CH, name);
}

/* Client ports change from run to run; the server's (9000...) do not. */
static char *scrub(char *text)
{
	text = tk_scrub(text, ":[3-6][0-9][0-9][0-9][0-9]", ":N");
	return tk_scrub(text, "port [3-6][0-9][0-9][0-9][0-9]", "port N");
}

/* Appends TEXT to the transcript, ports scrubbed. */
static void put(FILE *tr, const char *text)
{
	char *t = scrub(strdup(text));

	fputs(t, tr);
	free(t);
}

/* One story told in a transcript: the network, the server running in
 * the server host, and how much of its output the transcript shows. */
struct scene {
	FILE *tr;
	hn_net *net;
	hn_proc *srv;
	size_t shown;
	const char *cli_err;            /* the last whocli's stderr */
};

/* A scene on a dual-stack network (EXTRA lines added to it). */
static struct scene scene_of(const char *extra)
{
	struct scene sc = { .tr = tk_transcript_open(),
			    .net = net_of(extra) };

	return sc;
}

/* Prints the server's lines not yet shown. */
static void server_says(struct scene *sc)
{
	const char *out = hn_stdout(sc->srv);

	if (strlen(out) > sc->shown) {
		put(sc->tr, out + sc->shown);
		sc->shown = strlen(out);
	}
}

/* Starts a server in the server host (up to 3 arguments) as
 * "server$ PROG ARGS &", and shows what it says once it listens (or has
 * ended, as twoserv -n does). */
static void server(struct scene *sc, const char *name, const char *a1,
		   const char *a2, const char *a3)
{
	sc->srv = hn_run(sc->net, "server", prog_of(name), a1, a2, a3, NULL);
	sc->shown = 0;
	fprintf(sc->tr, "server$ %s%s%s%s%s%s%s &\n", name, a1 ? " " : "",
		a1 ? a1 : "", a2 ? " " : "", a2 ? a2 : "", a3 ? " " : "",
		a3 ? a3 : "");
	if (!tk_saw(sc->srv, "listening on port", 2000))
		TK_EXPECT(hn_exited_within(sc->srv, 2000) >= 0, "%s neither "
			  "listens nor ends: %s", name, hn_stderr(sc->srv));
	server_says(sc);
	put(sc->tr, hn_stderr(sc->srv));
}

/* Runs whocli in the client host against ADDR and PORT ("-6" first if
 * v6only), writes it to the transcript; returns its exit code. */
static int client(struct scene *sc, bool v6only, const char *addr,
		  const char *port)
{
	hn_proc *p = v6only ?
		hn_run(sc->net, "client", prog_of("whocli"), "-6", addr, port,
		       NULL) :
		hn_run(sc->net, "client", prog_of("whocli"), addr, port, NULL);

	TK_EXPECT(tk_exited(p, 3000), "whocli %s %s did not end", addr,
		  port);
	fprintf(sc->tr, "client$ whocli %s%s %s\n", v6only ? "-6 " : "",
		addr, port);
	put(sc->tr, hn_stdout(p));
	put(sc->tr, hn_stderr(p));
	sc->cli_err = hn_stderr(p);
	return tk_exit_code(p);
}

/* whocli reaches the server at ADDR and PORT, and the server then says
 * a line holding NEEDLE (shown after the client's). */
static void served(struct scene *sc, const char *addr, const char *port,
		   const char *needle)
{
	TK_EXPECT(client(sc, false, addr, port) == 0, "whocli could not "
		  "reach the server at %s port %s", addr, port);
	TK_EXPECT(tk_saw(sc->srv, needle, 2000), "the server did not say "
		  "\"%s\"; it said: %s", needle, hn_stdout(sc->srv));
	server_says(sc);
}

/* whocli (with -6 if v6only) fails to connect to ADDR and PORT, and
 * says ERR ("Connection refused"...); WHY says what went wrong if not. */
static void not_served(struct scene *sc, bool v6only, const char *addr,
		       const char *port, const char *err, const char *why)
{
	TK_EXPECT(client(sc, v6only, addr, port) == 1 &&
		  strstr(sc->cli_err, err) != NULL, "%s (whocli said: %s)",
		  why, sc->cli_err);
}

static void scene_end(struct scene *sc, const char *name)
{
	tk_transcript_close(sc->tr, CH, name);
	sc->tr = NULL;
}

/* ---- 12.2: the half-ported server, then whoserv ------------------------ */

static void halfport_reports_0000(void **state)
{
	struct scene sc = scene_of(NULL);

	(void)state;
	server(&sc, "halfport", "9000", NULL, NULL);
	served(&sc, "192.0.2.2", "9000", "connection from 0.0.0.0 port ");
	served(&sc, "2001:db8:1::2", "9000", "connection from 0.0.0.0 port ");
	TK_EXPECT(strstr(hn_stdout(sc.srv), "(28 bytes of address, room for "
			 "16)") != NULL, "accept() should report the 28 bytes "
		  "of a sockaddr_in6 even when it stored only 16: %s",
		  hn_stdout(sc.srv));
	scene_end(&sc, "halfport");
}

static void whoserv_reports_both_families(void **state)
{
	struct scene sc = scene_of(NULL);

	(void)state;
	server(&sc, "whoserv", "9000", NULL, NULL);
	served(&sc, "192.0.2.2", "9000", "to 192.0.2.2 port 9000 over IPv4");
	served(&sc, "2001:db8:1::2", "9000",
	       "to 2001:db8:1::2 port 9000 over IPv6");
	scene_end(&sc, "whoserv");

	sc.tr = tk_transcript_open();
	server(&sc, "whoserv", "-m", "9001", NULL);
	served(&sc, "192.0.2.2", "9001", "client ::ffff:192.0.2.1 port ");
	scene_end(&sc, "whoserv-m");
}

/* ---- 12.3: an IPv6 socket that talks IPv4 ------------------------------- */

static void ipv6_client_reaches_ipv4_server(void **state)
{
	struct scene sc = scene_of(NULL);

	(void)state;
	server(&sc, "twoserv", "-4", "9000", NULL);
	served(&sc, "::ffff:192.0.2.2", "9000",
	       "client 192.0.2.1 port ");
	not_served(&sc, false, "2001:db8:1::2", "9000", "Connection refused",
		   "an IPv6 address reached an IPv4-only server");
	not_served(&sc, true, "::ffff:192.0.2.2", "9000",
		   "Network is unreachable", "an IPV6_V6ONLY socket "
		   "connected to a mapped address");
	scene_end(&sc, "mapped-client");
}

/* ---- 12.4: IPV6_V6ONLY, net.ipv6.bindv6only ---------------------------- */

static void v6only_refuses_ipv4_clients(void **state)
{
	struct scene sc = scene_of(NULL);

	(void)state;
	server(&sc, "whoserv", "-6", "9000", NULL);
	not_served(&sc, false, "192.0.2.2", "9000", "Connection refused",
		   "whoserv -6 took an IPv4 client");
	served(&sc, "2001:db8:1::2", "9000", "over IPv6");
	scene_end(&sc, "v6only");
}

/* "HOST$ cat /proc/sys/net/ipv6/bindv6only" and what it said. */
static void show_bindv6only(struct scene *sc, const char *host)
{
	hn_proc *p = hn_run(sc->net, host, "/bin/cat",
			    "/proc/sys/net/ipv6/bindv6only", NULL);

	TK_EXPECT(tk_exited(p, 2000), "cat did not end");
	fprintf(sc->tr, "%s$ cat /proc/sys/net/ipv6/bindv6only\n%s", host,
		hn_stdout(p));
}

static void bindv6only_is_per_namespace(void **state)
{
	struct scene sc = scene_of("sysctl server net.ipv6.bindv6only 1\n");

	(void)state;
	show_bindv6only(&sc, "server");
	show_bindv6only(&sc, "client");
	server(&sc, "halfport", "9000", NULL, NULL);
	not_served(&sc, false, "192.0.2.2", "9000", "Connection refused",
		   "with bindv6only 1, halfport (which leaves IPV6_V6ONLY "
		   "alone) took an IPv4 client");
	server(&sc, "whoserv", "9001", NULL, NULL);
	served(&sc, "192.0.2.2", "9001", "over IPv4");
	server(&sc, "twoserv", "-n", "9002", NULL);
	TK_EXPECT(strstr(hn_stdout(sc.srv), "IPV6_V6ONLY 1\nIPv4 socket "
			 "bound") != NULL, "with bindv6only 1, twoserv -n "
		  "should bind both: %s%s", hn_stdout(sc.srv),
		  hn_stderr(sc.srv));
	scene_end(&sc, "bindv6only");
}

/* ---- 12.5: two sockets ------------------------------------------------- */

static void two_sockets_and_eaddrinuse(void **state)
{
	struct scene sc = scene_of(NULL);

	(void)state;
	server(&sc, "twoserv", "9000", NULL, NULL);
	served(&sc, "192.0.2.2", "9000", "on the IPv4 socket");
	served(&sc, "2001:db8:1::2", "9000", "on the IPv6 socket");
	scene_end(&sc, "twoserv");

	sc.tr = tk_transcript_open();
	for (int i = 0; i < 2; i++) {
		server(&sc, "twoserv", "-n", i == 0 ? "9001" : "-r",
		       i == 0 ? NULL : "9001");
		TK_EXPECT(hn_exited_within(sc.srv, 2000) >= 0 &&
			  tk_exit_code(sc.srv) == 1 &&
			  strstr(hn_stderr(sc.srv), "Address already in use"),
			  "twoserv -n%s should fail with EADDRINUSE: %s",
			  i == 0 ? "" : " -r", hn_stderr(sc.srv));
	}
	scene_end(&sc, "twoserv-n");
}

/* ---- what the text says without a program of its own ------------------ */

/* A socket of FAMILY and TYPE made in HOST. */
static int socket_in_host(hn_net *net, const char *host, int family,
			  int type)
{
	int fd;

	TK_EXPECT(hn_enter(net, host) == 0, "cannot enter host %s", host);
	fd = socket(family, type | SOCK_CLOEXEC, 0);
	hn_leave(net);
	TK_EXPECT(fd >= 0, "socket: %s", strerror(errno));
	return fd;
}

/* 12.2: UDP too: an AF_INET6 socket bound to [::]:9000 receives an IPv4
 * datagram from an ::ffff: address, and a reply sent to that address
 * goes back over IPv4 to the AF_INET sender. */
static void udp_ipv4_sender_is_mapped(void **state)
{
	hn_net *net = net_of(NULL);
	int s6 = socket_in_host(net, "server", AF_INET6, SOCK_DGRAM);
	int c4 = socket_in_host(net, "client", AF_INET, SOCK_DGRAM);
	struct sockaddr_in6 any = { .sin6_family = AF_INET6,
				    .sin6_port = htons(9000) };
	struct sockaddr_storage from;
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(9000) };
	socklen_t len = sizeof(from);
	char text[SOCK_NTOP_LEN], buf[16];
	ssize_t n;

	(void)state;
	any.sin6_addr = in6addr_any;
	inet_pton(AF_INET, "192.0.2.2", &to.sin_addr);
	TK_EXPECT(bind(s6, (struct sockaddr *)&any, sizeof(any)) == 0,
		  "bind [::]:9000: %s", strerror(errno));
	TK_EXPECT(sendto(c4, "hi", 2, 0, (struct sockaddr *)&to,
			 sizeof(to)) == 2, "sendto: %s", strerror(errno));
	TK_EXPECT(tk_readable(s6, 2000), "no datagram came");
	n = recvfrom(s6, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		     &len);
	TK_EXPECT(n == 2 && from.ss_family == AF_INET6 &&
		  len == sizeof(struct sockaddr_in6), "recvfrom: %zd bytes, "
		  "family %d, length %u", n, from.ss_family, (unsigned)len);
	sock_ntop_host((struct sockaddr *)&from, len, text, sizeof(text));
	TK_EXPECT(strcmp(text, "::ffff:192.0.2.1") == 0, "the IPv4 sender "
		  "is %s", text);
	TK_EXPECT(sendto(s6, "ho", 2, 0, (struct sockaddr *)&from, len) == 2,
		  "a reply to %s: %s", text, strerror(errno));
	TK_EXPECT(tk_readable(c4, 2000) && recv(c4, buf, sizeof(buf), 0) == 2,
		  "the AF_INET sender got no reply");
	close(s6);
	close(c4);
}

/* 12.4: IPV6_V6ONLY is decided before bind(): after it, Linux refuses
 * to change it (EINVAL), either way; before it, any number of times. */
static void v6only_is_fixed_at_bind(void **state)
{
	hn_net *net = net_of(NULL);
	struct sockaddr_in6 any = { .sin6_family = AF_INET6 };
	int on = 1, off = 0;

	(void)state;
	any.sin6_addr = in6addr_any;
	for (int i = 0; i < 2; i++) {
		int fd = socket_in_host(net, "server", AF_INET6, SOCK_STREAM);
		int *first = i == 0 ? &on : &off, *then = i == 0 ? &off : &on;

		TK_EXPECT(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, then,
				     sizeof(int)) == 0 &&
			  setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, first,
				     sizeof(int)) == 0,
			  "IPV6_V6ONLY before bind(): %s", strerror(errno));
		TK_EXPECT(bind(fd, (struct sockaddr *)&any, sizeof(any)) == 0,
			  "bind: %s", strerror(errno));
		errno = 0;
		TK_EXPECT(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, then,
				     sizeof(int)) < 0 && errno == EINVAL,
			  "IPV6_V6ONLY %d after bind(): %s", *then,
			  errno == 0 ? "accepted" : strerror(errno));
		TK_EXPECT(tk_sockopt_int(fd, IPPROTO_IPV6, IPV6_V6ONLY) ==
			  *first, "IPV6_V6ONLY changed after bind()");
		close(fd);
	}
}

/* ---- 12.5: real servers choose too ---------------------------------- */

/* What nginx serves: one server on [::]:8080 as nginx's default makes
 * it, one on [::]:8081 with ipv6only=off; each answers any request
 * with one line. */
static const char nginx_http[] =
	"  default_type text/plain;\n"
	"  server { listen [::]:8080; return 200 \"default\\n\"; }\n"
	"  server { listen [::]:8081 ipv6only=off; return 200 \"off\\n\"; }\n";

/* connect()'s errno from the client host to ADDR and PORT (0: it
 * connected), with a socket of ADDR's family. */
static int connect_errno(hn_net *net, const char *addr, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char sport[16];
	int fd, err = 0;

	snprintf(sport, sizeof(sport), "%d", port);
	TK_EXPECT(sock_parse(addr, sport, &ss, &len) == 0, "bad %s", addr);
	fd = socket_in_host(net, "client", ss.ss_family, SOCK_STREAM);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		err = errno;
	close(fd);
	return err;
}

static void real_servers_choose_too(void **state)
{
	FILE *tr = tk_transcript_open();
	hn_net *net = net_of(NULL);
	hn_proc *ss;

	(void)state;
	hn_inetd(net, "server", "daytime");
	tk_nginx(net, "server", nginx_http, 8081);
	TK_EXPECT(hn_wait_port(hn_run(net, "server", prog_of("whoserv"),
				      "9000", NULL), IPPROTO_TCP, 9000,
			       2000) == 0 &&
		  hn_wait_port(hn_run(net, "server", prog_of("twoserv"),
				      "9001", NULL), IPPROTO_TCP, 9001,
			       2000) == 0 &&
		  hn_wait_port(hn_run(net, "server", prog_of("whoserv"), "-6",
				      "9002", NULL), IPPROTO_TCP, 9002,
			       2000) == 0, "the servers did not listen");
	ss = hn_run(net, "server", "/bin/sh", "-c",
		    "ss -Hltn | LC_ALL=C sort -k4", NULL);
	TK_EXPECT(tk_exited(ss, 2000) && tk_exit_code(ss) == 0, "ss: %s",
		  hn_stderr(ss));
	fprintf(tr, "server$ ss -Hltn | LC_ALL=C sort -k4\n%s",
		hn_stdout(ss));
	tk_transcript_close(tr, CH, "ss");
	TK_EXPECT(connect_errno(net, "192.0.2.2", 13) == 0 &&
		  connect_errno(net, "2001:db8:1::2", 13) == 0,
		  "inetd's daytime should take both families, on two sockets");
	TK_EXPECT(connect_errno(net, "192.0.2.2", 8080) == ECONNREFUSED,
		  "nginx's listen [::]:8080 took an IPv4 client: its "
		  "ipv6only should be on by default");
	TK_EXPECT(connect_errno(net, "2001:db8:1::2", 8080) == 0,
		  "nginx's listen [::]:8080 refused an IPv6 client");
	TK_EXPECT(connect_errno(net, "192.0.2.2", 8081) == 0 &&
		  connect_errno(net, "2001:db8:1::2", 8081) == 0,
		  "nginx's listen [::]:8081 ipv6only=off should take both");
}

/* ---- 12.6: which client reaches which server ---------------------------- */

/* One cell: what the server saw of this client, or why it failed. */
static void cell(hn_net *net, hn_proc *srv, bool v6only,
		 const char *addr, char *out, size_t size)
{
	hn_proc *p = v6only ?
		hn_run(net, "client", prog_of("whocli"), "-6", addr, "9000",
		       NULL) :
		hn_run(net, "client", prog_of("whocli"), addr, "9000", NULL);
	char *got, *line, *end;

	TK_EXPECT(tk_exited(p, 3000), "whocli %s did not end", addr);
	if (strstr(hn_stderr(p), "Connection refused") != NULL) {
		snprintf(out, size, "ECONNREFUSED");
		return;
	}
	if (strstr(hn_stderr(p), "Network is unreachable") != NULL) {
		snprintf(out, size, "ENETUNREACH");
		return;
	}
	got = hn_next_line(srv, "client ", 2000);
	TK_EXPECT(got != NULL, "whocli %s: %s%s", addr, hn_stdout(p),
		  hn_stderr(p));
	line = got + strlen("client ");
	end = strstr(line, " port ");
	TK_EXPECT(end != NULL, "cannot read \"%s\"", line);
	snprintf(out, size, "%.*s%s", (int)(end - line), line,
		 strstr(line, "IPv4 socket") ? " (v4 socket)" :
		 strstr(line, "IPv6 socket") ? " (v6 socket)" : "");
	free(got);
}

static void which_client_reaches_which_server(void **state)
{
	static const struct { const char *name, *a1, *a2; } servers[] = {
		{ "twoserv", "-4", "9000" },
		{ "twoserv", "-6", "9000" },
		{ "whoserv", "-m", "9000" },
		{ "twoserv", "9000", NULL },
	};
	static const char *const titles[] = {
		"IPv4 socket", "IPv6 V6ONLY", "IPv6 dual", "two sockets",
	};
	static const struct { bool v6only; const char *addr, *title; }
	clients[] = {
		{ false, "192.0.2.2", "AF_INET to 192.0.2.2" },
		{ false, "2001:db8:1::2", "AF_INET6 to 2001:db8:1::2" },
		{ false, "::ffff:192.0.2.2", "AF_INET6 to ::ffff:192.0.2.2" },
		{ true, "::ffff:192.0.2.2", "V6ONLY to ::ffff:192.0.2.2" },
	};
	char cells[4][4][64];
	FILE *tr = tk_transcript_open();

	(void)state;
	for (int s = 0; s < 4; s++) {
		hn_net *net = net_of(NULL);
		hn_proc *srv = hn_run(net, "server", prog_of(servers[s].name),
				      servers[s].a1, servers[s].a2, NULL);

		TK_EXPECT(tk_saw(srv, "listening on port", 2000), "%s did "
			  "not listen: %s", servers[s].name, hn_stderr(srv));
		for (int c = 0; c < 4; c++)
			cell(net, srv, clients[c].v6only, clients[c].addr,
			     cells[c][s], sizeof(cells[c][s]));
		hn_down(net);
	}
	fprintf(tr, "%-28s", "client socket, to");
	for (int s = 0; s < 4; s++)
		fprintf(tr, s < 3 ? "|%-25s" : "|%s\n", titles[s]);
	for (int c = 0; c < 4; c++) {
		fprintf(tr, "%-28s", clients[c].title);
		for (int s = 0; s < 4; s++)
			fprintf(tr, s < 3 ? "|%-25s" : "|%s\n", cells[c][s]);
	}
	tk_transcript_close(tr, CH, "reach");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(halfport_reports_0000),
		TK_TEST(whoserv_reports_both_families),
		TK_TEST(ipv6_client_reaches_ipv4_server),
		TK_TEST(v6only_refuses_ipv4_clients),
		TK_TEST(bindv6only_is_per_namespace),
		TK_TEST(two_sockets_and_eaddrinuse),
		TK_TEST(udp_ipv4_sender_is_mapped),
		TK_TEST(v6only_is_fixed_at_bind),
		TK_TEST(real_servers_choose_too),
		TK_TEST(which_client_reaches_which_server),
	};

	hn_init();
	return TK_RUN("dual", tests);
}
