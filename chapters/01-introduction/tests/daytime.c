/*
 * daytime.c - chapter 1's examples on a network of two hosts: client a
 * (192.0.2.1, 2001:db8:1::1) and server b (192.0.2.2, 2001:db8:1::2).
 */
#include "ch01test.h"

/* Starts a daytime server of ours in host b and waits until it listens
 * on port 13. */
static hn_proc *start_server(hn_net *net, const char *name)
{
	hn_proc *srv = hn_run(net, "b", ch_prog(name), NULL);

	hn_wait_port(srv, IPPROTO_TCP, 13, WAIT_MS);
	return srv;
}

/* Runs a client in host a against ADDR; expects it to print one daytime
 * line and exit 0.  Returns its output. */
static const char *daytime_from(hn_net *net, const char *client,
				const char *addr)
{
	hn_proc *cli = hn_run(net, "a", ch_prog(client), addr, NULL);
	int status = exit_status(cli, client);

	TK_EXPECT(status == 0, "%s %s exited with status %d: %s", client,
		  addr, status, tk_chomp(hn_stderr(cli)));
	TK_EXPECT(matches(hn_stdout(cli), DAYTIME_RE),
		  "%s %s printed \"%s\", not one daytime line", client, addr,
		  tk_shown(hn_stdout(cli)));
	return hn_stdout(cli);
}

/* "$ command\noutput", the time scrubbed, for the book. */
static void transcript(const char *name, const char *command,
		       const char *output)
{
	char *clean = scrub_time(output);

	tk_transcript_of(CH01, name, command, clean);
	free(clean);
}

static void checked_client_and_server_ipv4(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *srv = start_server(net, "daytimetcpsrv0");
	const char *out = daytime_from(net, "daytimetcpcli0", "192.0.2.2");

	(void)state;
	transcript("cli0", "daytimetcpcli0 192.0.2.2", out);
	TK_EXPECT(strcmp(hn_stdout(srv), "listening on 0.0.0.0:13\n") == 0,
		  "the server announced \"%s\"", tk_shown(hn_stdout(srv)));
	hn_down(net);
}

static void wrapped_client_and_server_ipv4(void **state)
{
	hn_net *net = hn_two_hosts();
	int i;

	(void)state;
	start_server(net, "daytimetcpsrv");
	for (i = 0; i < 3; i++)        /* one after another, each served */
		daytime_from(net, "daytimetcpcli", "192.0.2.2");
	hn_down(net);
}

static void ipv6_client_and_server(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *srv = start_server(net, "daytimetcpsrvv6");
	const char *out = daytime_from(net, "daytimetcpcliv6",
				       "2001:db8:1::2");
	hn_proc *v4;

	(void)state;
	transcript("cliv6", "daytimetcpcliv6 2001:db8:1::2", out);
	TK_EXPECT(strcmp(hn_stdout(srv), "listening on [::]:13\n") == 0,
		  "the server announced \"%s\"", tk_shown(hn_stdout(srv)));
	/* IPV6_V6ONLY: an IPv4 client finds nobody listening. */
	v4 = hn_run(net, "a", ch_prog("daytimetcpcli"), "192.0.2.2", NULL);
	TK_EXPECT(exit_status(v4, "daytimetcpcli") == 1 &&
		  strstr(hn_stderr(v4), "Connection refused") != NULL,
		  "an IPv4 client of the IPv6-only server got: %s%s",
		  tk_shown(hn_stdout(v4)), tk_chomp(hn_stderr(v4)));
	hn_down(net);
}

/* The reply the test's server sends in two pieces. */
static const char *const pieces[] = {
	"Tue Mar  4 ", "10:11:12 2025\r\n",
};

/* Runs CLIENT against the test's server, which sends the two pieces
 * and waits for each to be read; returns the client's output. */
static const char *read_pieces(hn_net *net, const char *client)
{
	int listenfd = tk_listen(net, "b", "192.0.2.2", 13, LISTENQ);
	hn_proc *cli = hn_run(net, "a", ch_prog(client), "192.0.2.2", NULL);
	int status;

	TK_EXPECT(serve_in_pieces(net, listenfd, "a", pieces, 2) == 0,
		  "%s never connected: %s", client, tk_chomp(hn_stderr(cli)));
	close(listenfd);
	status = exit_status(cli, client);
	TK_EXPECT(status == 0, "%s exited with status %d: %s", client,
		  status, tk_chomp(hn_stderr(cli)));
	return hn_stdout(cli);
}

static void one_read_gets_only_the_first_piece(void **state)
{
	hn_net *net = hn_two_hosts();
	const char *out = read_pieces(net, "daytimetcpcli1read");

	(void)state;
	/* The naive client's known failure, asserted. */
	TK_EXPECT(strcmp(out, pieces[0]) == 0,
		  "daytimetcpcli1read printed \"%s\"; the book says one read "
		  "returns only the first piece, \"%s\"", out, pieces[0]);
	/* The next shell prompt lands right after the cut-off line. */
	transcript("oneread", "daytimetcpcli1read 192.0.2.2", out);
	hn_down(net);
}

static void read_loop_gets_every_piece(void **state)
{
	static const char *const clients[] = {
		"daytimetcpcli0", "daytimetcpcli",
	};
	hn_net *net = hn_two_hosts();
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		const char *out = read_pieces(net, clients[i]);

		TK_EXPECT(strcmp(out, "Tue Mar  4 10:11:12 2025\r\n") == 0,
			  "%s printed \"%s\" for a reply sent in two pieces",
			  clients[i], out);
	}
	hn_down(net);
}

static void server_absent_connection_refused(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "a", "b");
	hn_proc *cli = hn_run(net, "a", ch_prog("daytimetcpcli0"), "192.0.2.2",
			      NULL);
	int status = exit_status(cli, "daytimetcpcli0");
	char *text;

	(void)state;
	TK_EXPECT(status == 1 && strcmp(hn_stderr(cli),
		  "daytimetcpcli0: connect error: Connection refused\n") == 0,
		  "with no server on b, the client exited %d and said: %s",
		  status, tk_chomp(hn_stderr(cli)));
	/* b's kernel answered the SYN with a RST: that is ECONNREFUSED. */
	TK_EXPECT(hn_cap_wait(cap, HN_SYN " and dst host 192.0.2.2", 1,
			      WAIT_MS) >= 1 &&
		  hn_cap_wait(cap, HN_RST " and src host 192.0.2.2", 1,
			      WAIT_MS) >= 1,
		  "expected a SYN and a RST on the wire, saw:\n%s",
		  hn_cap_summary(cap, NULL));
	if (asprintf(&text, "$ daytimetcpcli0 192.0.2.2\n%s$ echo $?\n%d\n",
		     hn_stderr(cli), status) < 0)
		abort();
	tk_transcript(CH01, "refused", text);
	free(text);
	hn_down(net);
}

/* Runs PROGRAM with up to two arguments; expects exit status 1 and a
 * message containing WANT on stderr. */
static void expect_refusal(hn_net *net, const char *program,
			   const char *arg1, const char *arg2,
			   const char *want)
{
	hn_proc *p = hn_run(net, "a", ch_prog(program), arg1, arg2, NULL);
	int status = exit_status(p, program);

	TK_EXPECT(status == 1 && strstr(hn_stderr(p), want) != NULL,
		  "%s %s %s exited %d and said \"%s\"; expected status 1 and "
		  "a message with \"%s\"", program, arg1 ? arg1 : "",
		  arg2 ? arg2 : "", status, tk_chomp(hn_stderr(p)), want);
	TK_EXPECT(hn_stdout(p)[0] == '\0', "%s printed \"%s\" on bad input",
		  program, tk_shown(hn_stdout(p)));
}

static void clients_reject_bad_input(void **state)
{
	static const char *const v4[] = {
		"daytimetcpcli0", "daytimetcpcli", "daytimetcpcli1read",
	};
	hn_net *net = hn_two_hosts();
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		expect_refusal(net, v4[i], NULL, NULL, "usage:");
		expect_refusal(net, v4[i], "192.0.2", NULL,
			       "\"192.0.2\" is not");
		expect_refusal(net, v4[i], "2001:db8:1::2", NULL, "not");
		expect_refusal(net, v4[i], "192.0.2.2", "70000",
			       "\"70000\" is not a port number");
		expect_refusal(net, v4[i], "192.0.2.2", "13x",
			       "\"13x\" is not a port number");
	}
	expect_refusal(net, "daytimetcpcliv6", "192.0.2.2", NULL, "not");
	expect_refusal(net, "daytimetcpcliv6", "::1", "0", "port number");
	hn_down(net);
}

static void servers_reject_bad_input(void **state)
{
	static const char *const servers[] = {
		"daytimetcpsrv0", "daytimetcpsrv", "daytimetcpsrvv6",
	};
	hn_net *net = hn_two_hosts();
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		expect_refusal(net, servers[i], "x", NULL,
			       "\"x\" is not a port number");
		expect_refusal(net, servers[i], "-1", NULL,
			       "\"-1\" is not a port number");
		expect_refusal(net, servers[i], "13", "14", "usage:");
	}
	hn_down(net);
}

static void inetd_daytime_ipv4_and_ipv6(void **state)
{
	hn_net *net = hn_two_hosts();
	const char *out;

	(void)state;
	hn_inetd(net, "b", "daytime");
	out = daytime_from(net, "daytimetcpcli", "192.0.2.2");
	transcript("inetd", "daytimetcpcli 192.0.2.2", out);
	daytime_from(net, "daytimetcpcliv6", "2001:db8:1::2");
	hn_down(net);
}

int main(void)
{
	hn_init();
	own_name_files();
	const struct CMUnitTest tests[] = {
		TK_TEST(checked_client_and_server_ipv4),
		TK_TEST(wrapped_client_and_server_ipv4),
		TK_TEST(ipv6_client_and_server),
		TK_TEST(one_read_gets_only_the_first_piece),
		TK_TEST(read_loop_gets_every_piece),
		TK_TEST(server_absent_connection_refused),
		TK_TEST(clients_reject_bad_input),
		TK_TEST(servers_reject_bad_input),
		TK_TEST(inetd_daytime_ipv4_and_ipv6),
	};
	return TK_RUN("ch01 daytime", tests);
}
