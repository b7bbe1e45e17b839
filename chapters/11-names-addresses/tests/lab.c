/*
 * Lab 11 public tests: the student's lib/names.c (host_serv,
 * tcp_connect, tcp_listen, udp_client, udp_connect, udp_server), called
 * in the client or web host of the chapter's network, whose names come
 * from a real dnsmasq (tests/names11.h), with the kernel's own timers.
 */
#include "lab11.h"

/* 11.8: host_serv asks for the canonical name, any family. */
static void host_serv_gives_every_address(void **state)
{
	struct addrinfo *res, *ai;
	int err = 0, n6 = 0, n4 = 0;

	(void)state;
	lab_up();
	hn_enter(lab_net, "client");
	res = host_serv("alias.names.test", "http", AF_UNSPEC, SOCK_STREAM,
			&err);
	hn_leave(lab_net);
	TK_EXPECT(res != NULL, "host_serv(\"alias.names.test\", \"http\", "
		  "AF_UNSPEC, SOCK_STREAM) returned NULL (%s)",
		  gai_strerror(err));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		TK_EXPECT(ai->ai_socktype == SOCK_STREAM, "an address of type "
			  "%d: the socktype asked for is SOCK_STREAM",
			  ai->ai_socktype);
		n6 += ai->ai_family == AF_INET6;
		n4 += ai->ai_family == AF_INET;
	}
	TK_EXPECT(n6 == 1 && n4 == 1, "alias.names.test has one IPv6 and "
		  "one IPv4 address; host_serv gave %d and %d", n6, n4);
	TK_EXPECT(res->ai_canonname != NULL &&
		  strcmp(res->ai_canonname, "www.names.test") == 0,
		  "alias.names.test is a CNAME for www.names.test, but the "
		  "canonical name came back as %s (AI_CANONNAME asks for it)",
		  res->ai_canonname ? res->ai_canonname : "NULL");
	freeaddrinfo(res);
	hn_enter(lab_net, "client");
	res = host_serv("nosuch.names.test", "http", AF_UNSPEC, SOCK_STREAM,
			&err);
	hn_leave(lab_net);
	TK_EXPECT(res == NULL && err == EAI_NONAME, "host_serv for a name "
		  "that does not exist: expected NULL and EAI_NONAME, got %s "
		  "and %s", res ? "a list" : "NULL", gai_strerror(err));
}

/* 11.9: one address, of whichever family the name has. */
static void tcp_connect_any_family(void **state)
{
	struct call c;

	(void)state;
	lab_up();
	tk_listen(lab_net, "web", "::", PORTN, 8);
	c = lab_call("client", DO_TCP_CONNECT, "v6only.names.test", PORT,
		     3000);
	TK_CALLED(c, "tcp_connect(\"v6only.names.test\", \"9877\")");
	TK_EXPECT(c.rc >= 0 && c.family == AF_INET6, "tcp_connect to a "
		  "name with only an AAAA record gave %d (%s): every family "
		  "getaddrinfo returns must be tried", c.rc, c.text);
	TK_EXPECT(c.type == SOCK_STREAM && !c.nonblock, "tcp_connect's "
		  "socket is %s: the caller expects a blocking TCP socket",
		  c.nonblock ? "still non-blocking" : "not SOCK_STREAM");
	c = lab_call("client", DO_TCP_CONNECT, "www.names.test", PORT, 3000);
	TK_CALLED(c, "tcp_connect(\"www.names.test\", \"9877\")");
	TK_EXPECT(c.rc >= 0 && strcmp(c.text, "[" WEB6 "]:9877") == 0,
		  "tcp_connect to www.names.test (IPv6 first, then IPv4) "
		  "gave %d (%s), not [" WEB6 "]:9877", c.rc, c.text);
	TK_EXPECT(!c.nonblock, "tcp_connect's socket for www.names.test's "
		  "first address (of two, so a bounded try) is still "
		  "non-blocking: put its flags back once connected");
	c = lab_call("client", DO_TCP_CONNECT, "v4only.names.test", PORT,
		     3000);
	TK_CALLED(c, "tcp_connect(\"v4only.names.test\", \"9877\")");
	TK_EXPECT(c.rc >= 0 && c.family == AF_INET && strcmp(c.text, WEB4
		  ":9877") == 0, "tcp_connect to v4only.names.test: %d (%s)",
		  c.rc, c.text);
	TK_EXPECT(c.leaked == 0, "tcp_connect left %d descriptors open "
		  "besides the one it returned", c.leaked);
}

/* 11.9: the first address refuses (RST): the second is tried. */
static void tcp_connect_tries_the_next(void **state)
{
	struct call c;

	(void)state;
	lab_up();
	tk_listen(lab_net, "web", "::", PORTN, 8);
	c = lab_call("client", DO_TCP_CONNECT, "multi.names.test", PORT, 3000);
	TK_CALLED(c, "tcp_connect(\"multi.names.test\", \"9877\")");
	TK_EXPECT(c.rc >= 0 && strcmp(c.text, WEB4 ":9877") == 0,
		  "multi.names.test is " DEAD4 " (nothing listens: RST) then "
		  WEB4 " (listening); tcp_connect gave %d (%s): it must try "
		  "the next address when one fails", c.rc, c.text);
	TK_EXPECT(c.leaked == 0, "tcp_connect left %d descriptors open "
		  "besides the one it returned (the refused socket?)",
		  c.leaked);
}

/* 11.9: the first address is silent: a bounded try, then the next. */
static void tcp_connect_first_address_silent(void **state)
{
	struct call c;

	(void)state;
	lab_up();
	tk_listen(lab_net, "web", "::", PORTN, 8);
	hn_crash(lab_net, "dead");
	c = lab_call("client", DO_TCP_CONNECT, "multi.names.test", PORT,
		     TCP_CONNECT_TRY_MS + 2000);
	TK_EXPECT(c.finished, "multi.names.test's first address, " DEAD4
		  ", answers nothing; tcp_connect was still waiting for it "
		  "after %lld ms: with the kernel's timers a blocking "
		  "connect() waits over two minutes.  Give each address but "
		  "the last at most TCP_CONNECT_TRY_MS", c.ms);
	TK_EXPECT(c.rc >= 0 && strcmp(c.text, WEB4 ":9877") == 0,
		  "after " DEAD4 " stayed silent, tcp_connect gave %d (%s), "
		  "not a connection to " WEB4, c.rc, c.text);
	TK_EXPECT(!c.nonblock, "tcp_connect's socket is still "
		  "non-blocking: put its flags back once connected");
	TK_EXPECT(c.leaked == 0, "tcp_connect left %d descriptors open "
		  "besides the one it returned (the timed-out socket?)",
		  c.leaked);
}

/* 11.5, 11.9: what the caller is told when it fails. */
static void tcp_connect_reports_failures(void **state)
{
	struct call c;

	(void)state;
	lab_up();
	c = lab_call("client", DO_TCP_CONNECT, "nosuch.names.test", PORT,
		     3000);
	TK_CALLED(c, "tcp_connect(\"nosuch.names.test\", \"9877\")");
	TK_EXPECT(c.rc < 0 && strcmp(c.text, gai_strerror(EAI_NONAME)) == 0,
		  "tcp_connect for a name that does not exist returned %d, "
		  "which name_strerror() says is \"%s\": return "
		  "getaddrinfo's own code (EAI_NONAME: \"%s\"; see 11.5)",
		  c.rc, c.text, gai_strerror(EAI_NONAME));
	c = lab_call("client", DO_TCP_CONNECT, "multi.names.test", PORT, 3000);
	TK_CALLED(c, "tcp_connect(\"multi.names.test\", \"9877\")");
	TK_EXPECT(c.rc == EAI_SYSTEM && c.err == ECONNREFUSED,
		  "every address refused: expected EAI_SYSTEM with errno "
		  "ECONNREFUSED, got %d (%s), errno %s", c.rc, c.text,
		  strerror(c.err));
	TK_EXPECT(c.leaked == 0, "tcp_connect failed and left %d "
		  "descriptors open", c.leaked);
}

/* Connects from the client to ADDR:port; true if accepted by lfd. */
static bool reaches(int lfd, const char *addr, int port)
{
	int fd = tk_connect(lab_net, "client", addr, port), afd;
	bool ok = tk_readable(lfd, 2000) && (afd = accept(lfd, NULL,
							  NULL)) >= 0;

	if (ok)
		close(afd);
	close(fd);
	return ok;
}

/* 11.10: NULL host: every address of the host, both families. */
static void tcp_listen_wildcard(void **state)
{
	struct call c;
	int port;

	(void)state;
	lab_up();
	c = lab_call("web", DO_TCP_LISTEN, NULL, "0", 0);
	TK_EXPECT(c.rc >= 0, "tcp_listen(NULL, \"0\", &len) failed: %s",
		  c.text);
	port = sock_get_port_of(c.rc);
	TK_EXPECT(c.family == AF_INET6 && c.len ==
		  sizeof(struct sockaddr_in6), "tcp_listen(NULL, ...) gave a "
		  "socket on %s with length %u: glibc lists 0.0.0.0 before "
		  "::, so take the IPv6 wildcard first (one socket, both "
		  "families) and give its length (%zu)", c.text,
		  (unsigned)c.len, sizeof(struct sockaddr_in6));
	TK_EXPECT(reaches(c.rc, WEB6, port) && reaches(c.rc, WEB4, port),
		  "a client could not reach tcp_listen(NULL, ...)'s socket "
		  "on %s and %s: it must listen on the wildcard address "
		  "(AI_PASSIVE), not on %s", WEB6, WEB4, c.text);
	close(c.rc);
}

/* 11.10: a server restarted at once while its old connection is in
 * TIME_WAIT. */
static void tcp_listen_restarts(void **state)
{
	struct call c;
	int fd, afd;
	char byte;

	(void)state;
	lab_up();
	c = lab_call("web", DO_TCP_LISTEN, WEB4, PORT, 0);
	TK_EXPECT(c.rc >= 0 && c.len == sizeof(struct sockaddr_in) &&
		  strcmp(c.text, WEB4 ":9877") == 0, "tcp_listen(\"" WEB4
		  "\", \"9877\") gave %d, %s, length %u", c.rc, c.text,
		  (unsigned)c.len);
	fd = tk_connect(lab_net, "client", WEB4, PORTN);
	afd = accept(c.rc, NULL, NULL);
	close(afd);                          /* the server closes first */
	TK_EXPECT(tk_readable(fd, 2000) && read(fd, &byte, 1) == 0,
		  "no end of file from the server");
	close(fd);
	close(c.rc);
	c = lab_call("web", DO_TCP_LISTEN, WEB4, PORT, 0);
	TK_EXPECT(c.rc >= 0, "restarted at once, tcp_listen(\"" WEB4 "\", "
		  "\"9877\") failed: %s (the old connection is in TIME_WAIT: "
		  "SO_REUSEADDR before bind)", c.text);
	close(c.rc);
}

/* 11.11: udp_client for an AAAA-only name: the address to send to. */
static void udp_client_gives_the_address(void **state)
{
	struct call c;
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[64];
	ssize_t n;

	(void)state;
	lab_up();
	hn_inetd(lab_net, "web", "echo");
	c = lab_call("client", DO_UDP_CLIENT, "v6only.names.test", "echo", 0);
	TK_EXPECT(c.rc >= 0 && c.type == SOCK_DGRAM, "udp_client(\"v6only."
		  "names.test\", \"echo\") gave %d (%s)", c.rc, c.text);
	TK_EXPECT(c.len == sizeof(struct sockaddr_in6) &&
		  strcmp(c.addr, "[" WEB6 "]:7") == 0, "udp_client's address "
		  "is %s, length %u; expected [" WEB6 "]:7, length %zu",
		  c.addr, (unsigned)c.len, sizeof(struct sockaddr_in6));
	len = sizeof(ss);
	sock_parse(WEB6, "7", &ss, &len);
	TK_EXPECT(sendto(c.rc, "ping", 4, 0, (struct sockaddr *)&ss, len)
		  == 4, "sendto on udp_client's socket: %s", strerror(errno));
	n = tk_readable(c.rc, 2000) ? recv(c.rc, buf, sizeof(buf), 0) : -1;
	TK_EXPECT(n == 4, "no echo came back to udp_client's socket");
	close(c.rc);
}

/* 11.11: udp_connect: a connected datagram socket. */
static void udp_connect_connects(void **state)
{
	struct call c;
	char buf[64];
	ssize_t n;

	(void)state;
	lab_up();
	hn_inetd(lab_net, "web", "echo");
	c = lab_call("client", DO_UDP_CONNECT, "www.names.test", "echo", 0);
	TK_EXPECT(c.rc >= 0 && c.type == SOCK_DGRAM, "udp_connect(\"www."
		  "names.test\", \"echo\") gave %d (%s), type %s", c.rc,
		  c.text, c.type == SOCK_STREAM ? "SOCK_STREAM (socktype "
		  "left 0 in the hints?)" : "not SOCK_DGRAM");
	TK_EXPECT(strcmp(c.text, "[" WEB6 "]:7") == 0, "udp_connect's "
		  "socket is connected to %s, not to www.names.test's first "
		  "address [" WEB6 "]:7", c.text);
	TK_EXPECT(send(c.rc, "ping", 4, 0) == 4, "send: %s",
		  strerror(errno));
	n = tk_readable(c.rc, 2000) ? recv(c.rc, buf, sizeof(buf), 0) : -1;
	TK_EXPECT(n == 4, "no echo came back to udp_connect's socket");
	close(c.rc);
}

/* 11.11: udp_server(NULL, ...): datagrams from both families. */
static void udp_server_wildcard(void **state)
{
	struct call c;
	int port, fd;
	char buf[64];
	const char *to[] = { WEB4, WEB6 };

	(void)state;
	lab_up();
	c = lab_call("web", DO_UDP_SERVER, NULL, "0", 0);
	TK_EXPECT(c.rc >= 0 && c.type == SOCK_DGRAM, "udp_server(NULL, "
		  "\"0\", &len) gave %d (%s)", c.rc, c.text);
	TK_EXPECT(c.family == AF_INET6 && c.len ==
		  sizeof(struct sockaddr_in6), "udp_server(NULL, ...) is on "
		  "%s, length %u: the IPv6 wildcard first, and its length",
		  c.text, (unsigned)c.len);
	port = sock_get_port_of(c.rc);
	for (int i = 0; i < 2; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		char p[8];

		snprintf(p, sizeof(p), "%d", port);
		sock_parse(to[i], p, &ss, &len);
		hn_enter(lab_net, "client");
		fd = socket(ss.ss_family, SOCK_DGRAM, 0);
		hn_leave(lab_net);
		TK_EXPECT(sendto(fd, "hi", 2, 0, (struct sockaddr *)&ss, len)
			  == 2, "sendto %s: %s", to[i], strerror(errno));
		TK_EXPECT(tk_readable(c.rc, 2000) &&
			  recv(c.rc, buf, sizeof(buf), 0) == 2,
			  "udp_server(NULL, ...)'s socket got nothing sent "
			  "to %s", to[i]);
		close(fd);
	}
	close(c.rc);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(host_serv_gives_every_address),
		TK_TEST(tcp_connect_any_family),
		TK_TEST(tcp_connect_tries_the_next),
		TK_TEST(tcp_connect_first_address_silent),
		TK_TEST(tcp_connect_reports_failures),
		TK_TEST(tcp_listen_wildcard),
		TK_TEST(tcp_listen_restarts),
		TK_TEST(udp_client_gives_the_address),
		TK_TEST(udp_connect_connects),
		TK_TEST(udp_server_wildcard),
	};
	return TK_RUN("lab11", tests);
}
