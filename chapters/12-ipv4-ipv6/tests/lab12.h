/*
 * lab12.h - how lab 12's tests (public and hidden) run the student's
 * whoserv in a dual-stack host, connect to it from either family, and
 * say in words what went wrong.
 */
#ifndef LAB12_H
#define LAB12_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

/* Two dual-stack hosts: client 192.0.2.1 and 2001:db8:1::1, server
 * 192.0.2.2 and 2001:db8:1::2.  The kernel's own net.ipv6.bindv6only
 * (0) unless EXTRA says otherwise. */
static inline hn_net *lab_net(const char *extra)
{
	char spec[512];

	snprintf(spec, sizeof(spec), "host client server\n"
		 "link client server 192.0.2.0/24 2001:db8:1::/64\n%s",
		 extra != NULL ? extra : "");
	return hn_up(spec);
}

/* Starts whoserv (the student's, next to the test binary) in HOST with
 * up to three options, on port 0, and returns the port it announced;
 * fails the test, naming 12.4, if it never listens. */
static inline int who_start(hn_net *net, const char *host, hn_proc **pp,
			    const char *o1, const char *o2)
{
	static char *prog;
	char *argv[6];
	int n = 0, port;
	hn_proc *p;

	if (prog == NULL)
		prog = tk_sibling("whoserv");
	argv[n++] = prog;
	if (o1 != NULL)
		argv[n++] = (char *)o1;
	if (o2 != NULL)
		argv[n++] = (char *)o2;
	argv[n++] = "0";
	argv[n] = NULL;
	p = hn_spawn(net, host, argv, NULL);
	if (!tk_saw(p, "listening on port", 2000)) {
		hn_exited_within(p, 200);
		TK_FAIL("whoserv %s%s%s0 never said \"listening on port N\"; "
			"it wrote \"%s\" (sections 12.2 and 12.4: "
			"listen_dual())", o1 != NULL ? o1 : "",
			o1 != NULL ? " " : "", o2 != NULL ? "-m " : "",
			tk_chomp(hn_stderr(p)));
	}
	port = -1;
	*pp = p;
	sscanf(strstr(hn_stdout(p), "listening on port"),
	       "listening on port %d", &port);
	return port;
}

/* What one connection from HOST to ADDR and PORT saw. */
struct who_answer {
	int err;                        /* connect()'s errno, or 0 */
	char line[512];                 /* what the server sent */
	char expect[512];               /* what it should have sent */
};

/* The address and port of one end as "A port P", from the test's own
 * socket (an IPv4-mapped address written as IPv4, as whoserv must). */
static inline void lab_end_text(const struct sockaddr_storage *ss,
				char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;

	if (ss->ss_family == AF_INET6 &&
	    IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], host,
			  sizeof(host));
		snprintf(buf, size, "%s port %d", host, ntohs(s6->sin6_port));
	} else if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "%s port %d", host, ntohs(s6->sin6_port));
	} else {
		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s port %d", host, ntohs(s4->sin_port));
	}
}

/* Connects from HOST (NULL: where the thread is) to ADDR and PORT with
 * a socket of ADDR's family, reads the server's line, and writes in
 * a->expect what whoserv should have said about this connection. */
static inline void who_ask(hn_net *net, const char *host, const char *addr,
			   int port, struct who_answer *a)
{
	struct sockaddr_storage ss, local, peer;
	socklen_t len, llen = sizeof(local), plen = sizeof(peer);
	char ltext[128], ptext[128], sport[16];
	bool v4;
	int fd;

	memset(a, 0, sizeof(*a));
	snprintf(sport, sizeof(sport), "%d", port);
	if (sock_parse(addr, sport, &ss, &len) < 0)
		TK_FAIL("the test's own address %s is bad", addr);
	if (net != NULL && hn_enter(net, host) < 0)
		TK_FAIL("the test cannot enter host %s", host);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (net != NULL)
		hn_leave(net);
	if (fd < 0)
		TK_FAIL("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		a->err = errno;
		close(fd);
		return;
	}
	getsockname(fd, (struct sockaddr *)&local, &llen);
	getpeername(fd, (struct sockaddr *)&peer, &plen);
	lab_end_text(&local, ltext, sizeof(ltext));
	lab_end_text(&peer, ptext, sizeof(ptext));
	v4 = local.ss_family == AF_INET ||
	     IN6_IS_ADDR_V4MAPPED(&((struct sockaddr_in6 *)&local)->sin6_addr);
	snprintf(a->expect, sizeof(a->expect), "client %s to %s over %s\n",
		 ltext, ptext, v4 ? "IPv4" : "IPv6");
	tk_read_line(fd, a->line, sizeof(a->line), 2000);
	close(fd);
}

/* Why a line is wrong, in a student's words, with the section. */
static inline const char *who_diagnosis(const struct who_answer *a)
{
	if (a->line[0] == '\0')
		return " Nothing came back: did describe() fail?  Look at "
		       "whoserv's stderr (addr_text(), section 12.2).";
	if (strstr(a->line, "::ffff:") != NULL)
		return " An IPv4 client reached the IPv6 socket as an "
		       "IPv4-mapped address (::ffff:a.b.c.d); unmap it, "
		       "both ends (section 12.2).";
	if (strstr(a->line, " port 0 ") != NULL)
		return " A port of 0: the port was lost on the way "
		       "(section 12.2).";
	if (strstr(a->expect, "over IPv4") != NULL &&
	    strstr(a->line, "over IPv6") != NULL)
		return " The client came over IPv4: the family of the "
		       "unmapped address, not the socket's (section 12.2).";
	return " (section 12.2)";
}

/* Expects the line whoserv should send for this connection, and the same
 * line on its stdout. */
static inline void who_expect(hn_proc *srv, const struct who_answer *a,
			      const char *what)
{
	char needle[512];

	TK_EXPECT(a->err == 0, "%s: connect failed with %s (section 12.4: "
		  "a dual-stack socket takes both families)", what,
		  strerror(a->err));
	TK_EXPECT(strcmp(a->line, a->expect) == 0, "%s: whoserv sent "
		  "\"%s\", expected \"%s\".%s", what, tk_chomp(a->line),
		  tk_chomp(a->expect), who_diagnosis(a));
	snprintf(needle, sizeof(needle), "%s", a->expect);
	needle[strcspn(needle, "\n")] = '\0';
	TK_EXPECT(tk_saw(srv, needle, 1000), "%s: whoserv sent the right "
		  "line but did not print it on stdout (\"%s\")", what,
		  needle);
}

/* whoserv in the server host of a dual-stack network (lab_net(NULL));
 * one client in the client host connects to TO, and whoserv's line
 * about it must be right.  WHAT names the client for the message. */
static inline void who_check(const char *to, const char *what)
{
	hn_net *net = lab_net(NULL);
	struct who_answer a;
	hn_proc *srv;
	int port = who_start(net, "server", &srv, NULL, NULL);

	who_ask(net, "client", to, port, &a);
	who_expect(srv, &a, what);
}

#endif /* LAB12_H */
