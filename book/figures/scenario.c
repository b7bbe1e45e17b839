/*
 * scenario.c - the real runs behind the book's ladder diagrams.  Each
 * scenario builds a two-host network with the harness, captures the
 * client's link, makes one thing happen to a TCP connection and saves
 * the capture for ladder.c to draw.
 *
 *   scenario NAME OUT.pcap [NOTES]     run one scenario
 *   scenario --list                    name the scenarios
 *
 *   handshake     connect(): SYN, SYN-ACK, ACK
 *   close         the client closes, then the server: FIN, ACK, FIN, ACK
 *
 * and the failure stories, each played by its chapter's own programs
 * (built under build/ch/), the same lines typed as in the section:
 *
 *   host-crash    5.14: the same, but the host stays down: the line is
 *                 retransmitted until echocli gets ETIMEDOUT
 *   crash-reboot  5.15: echocli and echosrv_v3; "hello" is echoed, the
 *                 server's host crashes and reboots, then "another line"
 *                 is typed: the rebooted host answers it with RST
 *   child-killed  5.12: the server's child is killed (its FIN comes),
 *                 "another line" is typed and answered with RST
 *   sigpipe       5.13: the same with echocli_split, whose second write
 *                 after the RST is killed by SIGPIPE
 *   keepalive     7.5: keepalive_cli (1 s idle, 1 s apart, 2 probes)
 *                 against stallserv, whose host crashes
 *   nagle-stall   7.9: nagle (3 requests) against reqserv
 *   reuseaddr     7.5: restartserv -r closes first (TIME_WAIT), is
 *                 restarted at once and serves a second client
 *   udp-refused   8.9: udpcli, then udpcli_connect, send to a port where
 *                 nothing listens: ICMP port unreachable each time
 *   udp-lost      8.7: udpcli and udpserv; the second reply is dropped
 *   connect-black-hole  14.3: conntimeo -k 4000 300 to a silent host
 *   read-black-hole     14.2: readtimeo -o 300; the server goes silent
 *   stdio-deadlock      14.10: stdiocli_naive against lineserv
 *   epoll-edge-stall    14.11: 40 bytes to epollet -e, then one more
 *   connect-refused  16.4: connnb to a port where nothing listens
 *   connect-timeout  16.4: connnb, 300 ms, to a host gone silent
 *   accept-reset  16.6: nbaccept; the client resets during its pause
 *   accept-blocked  16.6: nbaccept -b; its rival takes the connection
 *                 during the pause and accept() sleeps until a second
 *                 client comes
 *   connect-fail  4.3: tcpconnect three times through router r1: nothing
 *                 listens (RST), r1 answers ICMP host unreachable, the
 *                 server's host has crashed (SYN retransmitted, timeout)
 *   halfport      12.2: whocli over IPv4 to halfport, which prints 0.0.0.0
 *   v6only-refused  12.4: whocli over IPv4 to an IPV6_V6ONLY socket: RST
 *   abort-before-accept
 *                 5.11: echosrv_v3 is stopped; a client connects and
 *                 aborts (RST); echosrv_v3 continues, accepts it, and
 *                 its child's read says "Connection reset by peer"
 *   host-shutdown 5.16: echocli and echosrv_v3; "hello" is echoed, the
 *                 server's host shuts down (SIGTERM: FIN), "another line"
 *                 is typed and answered with RST
 *   linger-abort  7.5: lingerclose, then lingerclose -z, against
 *                 stallserv: the first ends with a FIN, the second a RST
 *   urgent-pointer  24.2: oobsend to oobsel: "123", then "4" and "789"
 *                 with MSG_OOB (URG, the pointer one past the last byte)
 *   oob-overwrite 24.5: oobsend to oobmark: "12", "x" urgent, "34", "y"
 *                 urgent, "56": the second mark replaces the first
 *   heartbeat-crash  24.6: lab 24's hbcli and hbserv (100 ms, 3); the
 *                 server's host crashes and the heartbeat goes unanswered
 *   sigio-burst   25.6: sigioone is stopped while udpburst sends it 5
 *                 datagrams, then continued: one SIGIO, one echo
 *   sigio-race    25.7: sigioone echoes "one" and sleeps writing its
 *                 report to a full pipe; "two" arrives then and is left
 *                 queued; "three" wakes it, and it echoes "two"
 *   first-address-silent
 *                 11.9: daytimecli multi.names.test, whose first address
 *                 (host dead) is silent: one SYN to it, tcp_connect's
 *                 bounded try, then the second address (captured at
 *                 dead's end, so the ladder is client and 203.0.113.130)
 *   dns-slow      11.12: gai, the DNS server's replies delayed 1.5 s:
 *                 the resolver gives up at 1 s, the late replies meet a
 *                 closed port
 *   dns-silent    11.12: gai, the DNS server's host crashed
 *   traceroute-probes  28.6: lab 28's traceroute -q 1 -w 200 through r1
 *                 and r2, r2 silent: time exceeded from r1, nothing for
 *                 TTL 2, port unreachable from the server for TTL 3
 *   sctp-echo     9.2: sctpserv and sctpcli -s 3 -p 7, "hello" and
 *                 "world", ^D: four-way handshake, DATA, SACK, shutdown
 *   sctp-abort    9.8: sctpcli -a: "bye", then ^D: one ABORT
 *   sctp-heartbeat-crash
 *                 9.10: sctpserv -f; the client's host crashes and the
 *                 server's heartbeats go unanswered: SCTP_COMM_LOST
 *   (the SCTP ones run in the harness's VM when this kernel has no SCTP)
 *
 * NOTES receives "SECONDS LABEL" lines for the events that are not
 * packets (a crash, a line typed, a message), on the capture's clock
 * (ladder.c tells what "=right STATE" and a leading "+" mean).
 * Client 192.0.2.1, server 192.0.2.2 port 9877; the client's port is
 * the kernel's choice, and the ladder does not show it, so every run
 * draws the same picture.  Exit status 0, or 1 with a message.
 */
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/sock_diag.h>

#define CLIENT_PORT 50000
#define SERVER_PORT 9877
#define WAIT_MS 3000

/* The network: two hosts on one link.  The client keeps retrying for a
 * few seconds (tcp_retries2 8 with the harness's 5 ms minimum RTO), so
 * that the server has time to come back after its crash. */
static const char topology[] =
	"host client server\n"
	"link client server 192.0.2.0/24\n"
	"sysctl client net.ipv4.tcp_retries2 8\n";

/* Chapter 4's network (4.3): client and desktop on a LAN with router
 * r1, which links to server and to busy. */
static const char topology_router[] =
	"host client desktop server busy\n"
	"router r1\n"
	"lan lan0 client desktop r1 192.0.2.0/24\n"
	"link r1 server 198.51.100.0/24\n"
	"link r1 busy 203.0.113.0/24\n";

/* The harness's fast timers as they are (tcp_retries2 1). */
static const char topology_fast[] =
	"host client server\n"
	"link client server 192.0.2.0/24\n";

/* The kernel's own timers: the harness's 5 ms minimum RTO would also cap
 * the delayed ACK (Linux 6.7 on: delack_max follows rto_min). */
static const char topology_kernel[] =
	"host client server\n"
	"link client server 192.0.2.0/24\n"
	"timing kernel\n";

struct run {
	hn_net *net;
	hn_cap *cap;
	FILE *notes;
	int listener, client, server;   /* sockets; -1 when closed */
};

/* Prints what failed, with the harness's own message if it has one. */
static int failed(const char *what)
{
	const char *why = hn_error();

	fprintf(stderr, "scenario: %s%s%s\n", what, *why ? ": " : "", why);
	return -1;
}

static int failed_errno(const char *what)
{
	fprintf(stderr, "scenario: %s: %s\n", what, strerror(errno));
	return -1;
}

/* Marks an event in the notes, on the capture's clock. */
static void note(struct run *r, const char *label)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	if (r->notes != NULL)
		fprintf(r->notes, "%lld.%06ld %s\n", (long long)now.tv_sec,
			now.tv_nsec / 1000, label);
}

static int tcp_socket_in(struct run *r, const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, on = 1;

	if (hn_enter(r->net, host) < 0)
		return failed("cannot enter the host");
	fd = socket(AF_INET, SOCK_STREAM, 0);
	hn_leave(r->net);
	if (fd < 0)
		return failed_errno("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (hn_sockaddr(r->net, host, AF_INET, port, &ss, &len) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0) {
		close(fd);
		return failed_errno("bind");
	}
	return fd;
}

/* Listens on the server, connects from the client, accepts. */
static int connect_pair(struct run *r)
{
	struct sockaddr_storage ss;
	socklen_t len;

	r->listener = tcp_socket_in(r, "server", SERVER_PORT);
	if (r->listener < 0 || listen(r->listener, 4) < 0)
		return failed_errno("listen");
	r->client = tcp_socket_in(r, "client", CLIENT_PORT);
	if (r->client < 0)
		return -1;
	if (hn_sockaddr(r->net, "server", AF_INET, SERVER_PORT, &ss, &len) < 0)
		return failed("no server address");
	if (connect(r->client, (struct sockaddr *)&ss, len) < 0)
		return failed_errno("connect");
	r->server = accept(r->listener, NULL, NULL);
	if (r->server < 0)
		return failed_errno("accept");
	return 0;
}

/* Waits until the capture holds at least count packets matching filter. */
static int seen(struct run *r, const char *filter, int count)
{
	if (hn_cap_wait(r->cap, filter, count, WAIT_MS) < 0)
		return failed("the expected packets were not captured");
	return 0;
}

static int start_capture(struct run *r)
{
	r->cap = hn_capture(r->net, "client", "server");
	return r->cap ? 0 : failed("cannot capture");
}

/* ---- the scenarios --------------------------------------------------- */

static int handshake(struct run *r)
{
	if (start_capture(r) < 0 || connect_pair(r) < 0)
		return -1;
	return seen(r, "tcp", 3);
}

/* The server's kernel ACKs the client's FIN at once; waiting for that ACK
 * before the server closes keeps it apart from the server's FIN. */
static int four_segment_close(struct run *r)
{
	char byte;

	if (connect_pair(r) < 0 || start_capture(r) < 0)
		return -1;
	close(r->client);
	r->client = -1;
	if (seen(r, "tcp", 2) < 0)
		return -1;
	if (read(r->server, &byte, 1) != 0)
		return failed_errno("the server did not read end of file");
	close(r->server);
	r->server = -1;
	return seen(r, "tcp", 4);
}

/* ---- the chapters' own programs ----------------------------------------
 * The failure stories of chapters 5, 7 and 8, each played by the
 * chapter's programs in the two hosts, the same lines typed in the same
 * order as the section tells (and its transcript shows). */

#define CH4 "04-elementary-tcp"
#define CH5 "05-tcp-client-server"
#define CH7 "07-socket-options"
#define CH8 "08-elementary-udp"
#define LINE_LABEL 96
/* the server's pure ACKs: only the last of a close */
#define SERVER_ACK "tcp and src host 192.0.2.2 and tcp[tcpflags] == tcp-ack"
#define CLIENT_ACK "tcp and src host 192.0.2.1 and tcp[tcpflags] == tcp-ack"

/* Starts a chapter's program in host with the arguments listed (NULL
 * ended), or prints why it could not. */
#define RUN(r, host, ch, prog, ...) \
	hn_run((r)->net, host, tk_prog(ch, prog), __VA_ARGS__)

static int started(hn_proc *p, const char *what)
{
	if (p == NULL)
		return failed(what);
	return 0;
}

/* Starts a server and waits until it listens on port (TCP). */
static hn_proc *server_up(hn_proc *srv, int port)
{
	if (srv == NULL || hn_wait_port(srv, IPPROTO_TCP, port, WAIT_MS) < 0) {
		failed("the server did not start");
		return NULL;
	}
	return srv;
}

/* Types a line into the client (stdin is a pipe); the note names the
 * program if who is not NULL. */
static int type_line_into(struct run *r, hn_proc *cli, const char *line,
			  const char *who)
{
	char label[LINE_LABEL];

	snprintf(label, sizeof(label), "\"%.*s\" is typed%s%s",
		 (int)strcspn(line, "\n"), line, who ? " into " : "",
		 who ? who : "");
	note(r, label);
	if (hn_write_stdin(cli, line, strlen(line)) < 0)
		return failed("cannot type into the client");
	return 0;
}

static int type_line(struct run *r, hn_proc *cli, const char *line)
{
	return type_line_into(r, cli, line, NULL);
}

/* Types a line and waits for its echo. */
static int echo_line(struct run *r, hn_proc *cli, const char *line)
{
	char regex[LINE_LABEL];

	if (type_line(r, cli, line) < 0)
		return -1;
	snprintf(regex, sizeof(regex), "^%.*s$", (int)strcspn(line, "\n"),
		 line);
	if (hn_wait_line(cli, regex, WAIT_MS) < 0)
		return failed("no echo");
	return 0;
}

/* echosrv_v3 in the server, echocli (or echocli_split) in the client;
 * "hello" is echoed.  Returns the client, or NULL. */
static hn_proc *echo_session(struct run *r, const char *client)
{
	hn_proc *cli;

	if (server_up(RUN(r, "server", CH5, "echosrv_v3", "9877", NULL),
		      SERVER_PORT) == NULL || start_capture(r) < 0)
		return NULL;
	cli = RUN(r, "client", CH5, client, "192.0.2.2", NULL);
	if (started(cli, "cannot start the client") < 0 ||
	    seen(r, "tcp", 3) < 0 ||     /* connected */
	    echo_line(r, cli, "hello\n") < 0 ||
	    seen(r, "tcp", 6) < 0)      /* handshake, line, echo, ACKs */
		return NULL;
	return cli;
}

/* 5.12 and 5.13: the server's child is killed while the client waits
 * for input; its FIN is acknowledged. */
static hn_proc *child_killed_session(struct run *r, const char *client)
{
	hn_proc *cli = echo_session(r, client);

	if (cli == NULL)
		return NULL;
	int acks = hn_cap_count(r->cap, CLIENT_ACK);

	note(r, "kill -9: the server's child dies");
	if (hn_sh(r->net, "server", WAIT_MS, NULL,
		  "kill -9 $(pgrep -n -x echosrv_v3)") != 0) {
		failed("cannot kill the server's child");
		return NULL;
	}
	if (seen(r, HN_FIN " and src host 192.0.2.2", 1) < 0 ||
	    seen(r, CLIENT_ACK, acks + 1) < 0)         /* the FIN's ACK */
		return NULL;
	return cli;
}

static int client_exit(hn_proc *cli, int *status)
{
	*status = hn_wait_exit(cli, WAIT_MS);
	if (*status < 0)
		return failed("the client did not exit");
	return 0;
}

static int child_killed(struct run *r)
{
	hn_proc *cli = child_killed_session(r, "echocli");
	int status;

	if (cli == NULL || type_line(r, cli, "another line\n") < 0 ||
	    client_exit(cli, &status) < 0 || seen(r, HN_RST, 1) < 0)
		return -1;
	note(r, "echocli: server terminated prematurely");
	return 0;
}

static int sigpipe(struct run *r)
{
	hn_proc *cli = child_killed_session(r, "echocli_split");
	int status;

	if (cli == NULL || type_line(r, cli, "another line\n") < 0 ||
	    client_exit(cli, &status) < 0 || seen(r, HN_RST, 1) < 0)
		return -1;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGPIPE)
		return failed("the client was not killed by SIGPIPE");
	note(r, "the second write: SIGPIPE kills the client");
	return 0;
}

/* 5.14: the host crashes; the client's line is retransmitted until the
 * client gives up (the harness's tcp_retries2 1, as in the chapter's
 * test). */
static int echo_crash(struct run *r)
{
	hn_proc *cli = echo_session(r, "echocli");
	int status;

	if (cli == NULL)
		return -1;
	note(r, "the server's host crashes");
	if (hn_crash(r->net, "server") < 0)
		return failed("cannot crash the server");
	note(r, "=right (host down)");
	if (type_line(r, cli, "another line\n") < 0 ||
	    client_exit(cli, &status) < 0)
		return -1;
	note(r, "echocli: Connection timed out");
	return 0;
}

/* 5.15: the host crashes and reboots before the client sends. */
static int echo_reboot(struct run *r)
{
	hn_proc *cli = echo_session(r, "echocli");
	int status;

	if (cli == NULL)
		return -1;
	note(r, "the server's host crashes and reboots");
	if (hn_reboot(r->net, "server") < 0)
		return failed("cannot reboot the server");
	note(r, "=right (no socket)");
	if (type_line(r, cli, "another line\n") < 0 ||
	    client_exit(cli, &status) < 0 || seen(r, HN_RST, 1) < 0)
		return -1;
	note(r, "echocli: Connection reset by peer");
	return 0;
}

/* 7.5: keepalive_cli (idle 1 s, interval 1 s, 2 probes) against
 * stallserv, whose host crashes. */
static int keepalive(struct run *r)
{
	hn_proc *cli;

	if (server_up(RUN(r, "server", CH7, "stallserv", "9877", NULL),
		      SERVER_PORT) == NULL || start_capture(r) < 0)
		return -1;
	cli = RUN(r, "client", CH7, "keepalive_cli", "192.0.2.2", "9877",
		  "1", "1", "2", NULL);
	if (started(cli, "cannot start keepalive_cli") < 0 ||
	    hn_wait_line(cli, "waiting", WAIT_MS) < 0 || seen(r, "tcp", 3) < 0)
		return failed("keepalive_cli did not connect");
	note(r, "+the server's host crashes");
	if (hn_crash(r->net, "server") < 0)
		return failed("cannot crash the server");
	note(r, "=right (host down)");
	if (hn_wait_exit(cli, 3 * WAIT_MS) < 0)
		return failed("keepalive_cli did not give up");
	note(r, "keepalive_cli: read: Connection timed out");
	return 0;
}

/* 7.9: nagle (3 requests, Nagle on) against reqserv. */
static int nagle_stall(struct run *r)
{
	hn_proc *cli;

	if (server_up(RUN(r, "server", CH7, "reqserv", "9877", NULL),
		      SERVER_PORT) == NULL || start_capture(r) < 0)
		return -1;
	cli = RUN(r, "client", CH7, "nagle", "-c", "3", "192.0.2.2", "9877",
		  NULL);
	if (started(cli, "cannot start nagle") < 0 ||
	    hn_wait_exit(cli, 3 * WAIT_MS) < 0)
		return failed("nagle did not finish");
	return seen(r, HN_FIN, 2);
}

/* 7.5: restartserv -r says hello and closes first; the client closes;
 * the server is stopped and started again while that connection is in
 * TIME_WAIT, and serves a new client at once. */
static int reuseaddr_once(struct run *r, const char *label)
{
	char buf[16];

	note(r, label);
	r->client = tcp_socket_in(r, "client", 0);
	if (r->client < 0)
		return -1;
	struct sockaddr_storage ss;
	socklen_t len;

	if (hn_sockaddr(r->net, "server", AF_INET, SERVER_PORT, &ss, &len) < 0
	    || connect(r->client, (struct sockaddr *)&ss, len) < 0)
		return failed_errno("connect");
	while (read(r->client, buf, sizeof(buf)) > 0)
		;                       /* hello, then end of file */
	close(r->client);
	r->client = -1;
	return 0;
}

static int reuseaddr(struct run *r)
{
	hn_proc *srv;

	srv = server_up(RUN(r, "server", CH7, "restartserv", "-r", "9877",
			       NULL), SERVER_PORT);
	if (srv == NULL || start_capture(r) < 0 ||
	    reuseaddr_once(r, "a client connects") < 0 ||
	    seen(r, HN_FIN, 2) < 0 || seen(r, SERVER_ACK, 1) < 0)
		return -1;
	note(r, "restartserv -r is stopped, started again at once");
	if (hn_signal(srv, SIGTERM) < 0 || hn_wait_exit(srv, WAIT_MS) < 0 ||
	    server_up(RUN(r, "server", CH7, "restartserv", "-r", "9877",
			     NULL), SERVER_PORT) == NULL)
		return failed("restartserv -r did not restart");
	if (reuseaddr_once(r, "bind() succeeded: a new client connects") < 0 ||
	    seen(r, HN_FIN, 4) < 0 || seen(r, SERVER_ACK, 2) < 0)
		return -1;
	return 0;
}

/* 8.9: the same request from udpcli and from udpcli_connect to a port
 * where nothing listens. */
static int udp_refused(struct run *r)
{
	hn_proc *naive, *conn;

	if (start_capture(r) < 0)
		return -1;
	naive = RUN(r, "client", CH8, "udpcli", "192.0.2.2", "9877", NULL);
	if (started(naive, "cannot start udpcli") < 0 ||
	    type_line_into(r, naive, "anyone?\n", "udpcli") < 0 ||
	    seen(r, HN_ICMP_PORT_UNREACH, 1) < 0)
		return -1;
	if (hn_wait_exit(naive, 500) >= 0)
		return failed("udpcli should wait for ever");
	note(r, "udpcli waits on: the error never reaches it");
	conn = RUN(r, "client", CH8, "udpcli_connect", "192.0.2.2", "9877",
		   NULL);
	if (started(conn, "cannot start udpcli_connect") < 0 ||
	    type_line_into(r, conn, "anyone?\n", "udpcli_connect") < 0 ||
	    seen(r, HN_ICMP_PORT_UNREACH, 2) < 0 ||
	    hn_wait_exit(conn, WAIT_MS) < 0)
		return failed("udpcli_connect did not fail");
	note(r, "udpcli_connect: read: Connection refused");
	return 0;
}

/* 8.7: udpserv's reply to udpcli is lost on the link. */
static int udp_lost(struct run *r)
{
	hn_proc *srv, *cli;

	srv = RUN(r, "server", CH8, "udpserv", "9877", NULL);
	if (srv == NULL || hn_wait_port(srv, IPPROTO_UDP, SERVER_PORT,
					 WAIT_MS) < 0)
		return failed("udpserv did not start");
	if (start_capture(r) < 0)
		return -1;
	cli = RUN(r, "client", CH8, "udpcli", "192.0.2.2", "9877", NULL);
	if (started(cli, "cannot start udpcli") < 0 ||
	    echo_line(r, cli, "hello\n") < 0)
		return -1;
	if (hn_drop_nth(r->net, "server", "client", HN_OUT, 1,
			"meta l4proto udp") < 0)
		return failed("cannot drop the reply");
	if (type_line(r, cli, "another line\n") < 0 ||
	    seen(r, "udp", 3) < 0)
		return -1;
	note(r, "the server's reply is dropped on the link");
	if (hn_wait_exit(cli, 1000) >= 0)
		return failed("udpcli should wait for ever");
	note(r, "a second later, udpcli still waits in recvfrom()");
	return 0;
}

/* ---- chapter 12: IPv4 and IPv6 ---------------------------------------- */

#define CH12 "12-ipv4-ipv6"

/* 12.2: whocli connects over IPv4 to halfport, whose IPv6 socket
 * accepts into a struct sockaddr_in: the wire says 192.0.2.1, the
 * server prints 0.0.0.0. */
static int halfport_mapped(struct run *r)
{
	hn_proc *srv = server_up(RUN(r, "server", CH12, "halfport", "9877",
				     NULL), SERVER_PORT);
	hn_proc *cli;
	char *line;

	if (srv == NULL || start_capture(r) < 0)
		return -1;
	cli = RUN(r, "client", CH12, "whocli", "192.0.2.2", "9877", NULL);
	if (started(cli, "cannot start whocli") < 0 ||
	    (line = hn_next_line(srv, "connection from", WAIT_MS)) == NULL ||
	    hn_wait_exit(cli, WAIT_MS) < 0 || seen(r, HN_FIN, 2) < 0)
		return failed("halfport did not take the connection");
	note(r, "halfport has printed \"connection from 0.0.0.0\"");
	return 0;
}

/* 12.4: whocli connects over IPv4 to an IPv6 socket with IPV6_V6ONLY
 * (twoserv -6): nothing takes IPv4 on that port, so the SYN gets a RST. */
static int v6only_refused(struct run *r)
{
	hn_proc *cli;

	if (server_up(RUN(r, "server", CH12, "twoserv", "-6", "9877", NULL),
		      SERVER_PORT) == NULL || start_capture(r) < 0)
		return -1;
	cli = RUN(r, "client", CH12, "whocli", "192.0.2.2", "9877", NULL);
	if (started(cli, "cannot start whocli") < 0 ||
	    seen(r, HN_RST, 1) < 0 || hn_wait_exit(cli, WAIT_MS) < 0)
		return failed("whocli was not refused");
	note(r, "whocli: connect: Connection refused");
	return 0;
}

/* ---- chapter 14: timeouts, stdio, epoll --------------------------------
 * The failure stories of chapter 14, played by its programs.  The server's
 * host is a black hole: hn_crash drops everything it would receive, and no
 * process of its own answers. */

#define CH14 "14-advanced-io"
#define SERVER_PUSH \
	"tcp and src host 192.0.2.2 and tcp[tcpflags] & tcp-push != 0"

/* 14.3: conntimeo -k 4000 300 to a silent host: SIGALRM ends connect()
 * at 300 ms, the kernel's SYNs go on every second while the program
 * keeps its socket (the kernel's own timers). */
static int connect_black_hole(struct run *r)
{
	hn_proc *cli;

	if (start_capture(r) < 0)
		return -1;
	note(r, "the server's host is a black hole");
	if (hn_crash(r->net, "server") < 0)
		return failed("cannot silence the server");
	cli = RUN(r, "client", CH14, "conntimeo", "-k", "4000", "300",
		  "192.0.2.2", "9877", NULL);
	if (started(cli, "cannot start conntimeo") < 0 ||
	    seen(r, "tcp[tcpflags] & tcp-syn != 0", 1) < 0)
		return -1;
	note(r, "=right (black hole)");
	if (hn_wait_line(cli, "connect:", WAIT_MS) < 0)
		return failed("conntimeo did not time out");
	note(r, "conntimeo: connect: EINTR (SIGALRM, 300 ms)");
	if (hn_wait_exit(cli, 3 * WAIT_MS) < 0)
		return failed("conntimeo did not exit");
	note(r, "conntimeo exits: its socket is closed");
	return seen(r, "tcp[tcpflags] & tcp-syn != 0", 4);
}

/* 14.2: readtimeo -o 300 connected to lineserv; the server's host then
 * goes silent and "hello" is typed: the request is retransmitted, and
 * SO_RCVTIMEO ends the read with EAGAIN. */
static int read_black_hole(struct run *r)
{
	hn_proc *cli;
	int status;

	if (server_up(RUN(r, "server", CH14, "lineserv", "9877", NULL),
		      SERVER_PORT) == NULL || start_capture(r) < 0)
		return -1;
	cli = RUN(r, "client", CH14, "readtimeo", "-o", "300", "192.0.2.2",
		  "9877", NULL);
	if (started(cli, "cannot start readtimeo") < 0 ||
	    hn_wait_line(cli, "connected", WAIT_MS) < 0 ||
	    seen(r, "tcp", 3) < 0)
		return failed("readtimeo did not connect");
	note(r, "+the server's host becomes a black hole");
	if (hn_crash(r->net, "server") < 0)
		return failed("cannot silence the server");
	note(r, "=right (black hole)");
	if (type_line_into(r, cli, "hello\n", "readtimeo") < 0 ||
	    client_exit(cli, &status) < 0)
		return -1;
	note(r, "readtimeo: read: EAGAIN (SO_RCVTIMEO, 300 ms)");
	return seen(r, "tcp and src host 192.0.2.1 and tcp[tcpflags] & "
		    "tcp-push != 0", 3);        /* two retransmissions */
}

/* 14.10: stdiocli_naive against lineserv: connected, then nothing in
 * either direction for a second; then the client is killed. */
static int stdio_deadlock(struct run *r)
{
	hn_proc *cli;

	if (server_up(RUN(r, "server", CH14, "lineserv", "9877", NULL),
		      SERVER_PORT) == NULL || start_capture(r) < 0)
		return -1;
	cli = RUN(r, "client", CH14, "stdiocli_naive", "192.0.2.2", "9877",
		  "one", "two", NULL);
	if (started(cli, "cannot start stdiocli_naive") < 0 ||
	    seen(r, "tcp", 3) < 0)
		return failed("stdiocli_naive did not connect");
	note(r, "stdiocli_naive: \"one\" in its stdio buffer; waits in fgets");
	if (hn_exited_within(cli, 1000) != -1)
		return failed("stdiocli_naive ended");
	note(r, "+one second later: stdiocli_naive is killed");
	hn_kill(cli);
	return seen(r, HN_FIN, 2);
}

/* 14.11: epollet -e (edge-triggered, one 16-byte read per event); the
 * client writes 40 bytes, 16 come back and the rest stalls until one
 * more byte makes a new edge. */
static int epoll_edge_stall(struct run *r)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (server_up(RUN(r, "server", CH14, "epollet", "-e", "9877", NULL),
		      SERVER_PORT) == NULL || start_capture(r) < 0)
		return -1;
	r->client = tcp_socket_in(r, "client", CLIENT_PORT);
	if (r->client < 0 ||
	    hn_sockaddr(r->net, "server", AF_INET, SERVER_PORT, &ss, &len) ||
	    connect(r->client, (struct sockaddr *)&ss, len) < 0)
		return failed_errno("connect");
	note(r, "the client writes 40 bytes");
	if (write(r->client, "0123456789abcdefghijABCDEFGHIJklmnopqrst", 40)
	    != 40 || seen(r, SERVER_PUSH, 1) < 0)
		return failed("no echo");
	if (hn_cap_wait(r->cap, SERVER_PUSH, 2, 500) == 0)
		return failed("epollet -e echoed more than one read");
	note(r, "+half a second later: one more byte, a new edge");
	if (write(r->client, "!", 1) != 1 || seen(r, SERVER_PUSH, 2) < 0)
		return failed("no second echo");
	return 0;
}

/* ---- chapter 16: connect and accept without blocking ----------------- */

#define CH16 "16-nonblocking-io"

/* 16.4: connnb to a port where nothing listens: SYN, RST; the socket
 * turns readable and writable and SO_ERROR says ECONNREFUSED. */
static int connect_refused(struct run *r)
{
	hn_proc *cli;

	if (start_capture(r) < 0)
		return -1;
	note(r, "connnb: connect() returns EINPROGRESS");
	cli = RUN(r, "client", CH16, "connnb", "192.0.2.2", "9877", "1000",
		  NULL);
	if (started(cli, "cannot start connnb") < 0 ||
	    seen(r, HN_RST, 1) < 0 || hn_wait_exit(cli, WAIT_MS) < 0)
		return failed("connnb did not fail");
	note(r, "writable; SO_ERROR 111: Connection refused");
	return 0;
}

/* 16.4: connnb to a server whose host has gone silent (crashed), with a
 * limit of 300 ms: one SYN, no answer, our own timeout. */
static int connect_timeout(struct run *r)
{
	hn_proc *cli;

	if (start_capture(r) < 0 || hn_crash(r->net, "server") < 0)
		return failed("cannot silence the server");
	note(r, "connnb: connect() returns EINPROGRESS");
	cli = RUN(r, "client", CH16, "connnb", "192.0.2.2", "9877", "300",
		  NULL);
	if (started(cli, "cannot start connnb") < 0 ||
	    seen(r, HN_SYN, 1) < 0 || hn_wait_exit(cli, WAIT_MS) < 0)
		return failed("connnb did not time out");
	note(r, "select() times out after 300 ms: close()");
	return 0;
}

/* nbaccept in the server; the test's client connects and waits until
 * the server says the listener is readable. */
static hn_proc *nbaccept_readable(struct run *r, bool blocking, int *rival)
{
	hn_proc *srv = server_up(blocking ?
		RUN(r, "server", CH16, "nbaccept", "-b", "9877", NULL) :
		RUN(r, "server", CH16, "nbaccept", "9877", NULL), SERVER_PORT);
	char *line;

	if (srv == NULL || start_capture(r) < 0)
		return NULL;
	line = hn_next_line(srv, "rival is pid", WAIT_MS);
	if (line == NULL) {
		failed("nbaccept named no rival");
		return NULL;
	}
	*rival = atoi(line + strlen("rival is pid "));
	free(line);
	r->client = tcp_socket_in(r, "client", 0);
	if (r->client < 0)
		return NULL;
	if (connect(r->client, (struct sockaddr *)&(struct sockaddr_in){
		    .sin_family = AF_INET, .sin_port = htons(SERVER_PORT),
		    .sin_addr.s_addr = htonl(0xc0000202) },
		    sizeof(struct sockaddr_in)) < 0) {
		failed_errno("connect");
		return NULL;
	}
	if (hn_wait_line(srv, "listener readable", WAIT_MS) < 0) {
		failed("nbaccept never saw its listener readable");
		return NULL;
	}
	note(r, "select(): listener readable; the server pauses");
	return srv;
}

/* 16.6: the client resets its connection during the server's pause;
 * Linux's accept() still returns it, and the server's send fails. */
static int accept_reset(struct run *r)
{
	struct linger lin = { 1, 0 };
	int rival;
	hn_proc *srv = nbaccept_readable(r, false, &rival);

	if (srv == NULL)
		return -1;
	setsockopt(r->client, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
	note(r, "the client closes with SO_LINGER 0");
	close(r->client);
	r->client = -1;
	if (seen(r, HN_RST, 1) < 0)
		return -1;
	hn_signal(srv, SIGUSR1);
	if (hn_wait_line(srv, "accepted; send: Connection reset",
			 WAIT_MS) < 0)
		return failed("accept did not return the reset connection");
	note(r, "accept() returns it; send(): ECONNRESET");
	return 0;
}

/* 16.6, watch it break: the rival takes the connection during the
 * pause, and the server's blocking accept() sleeps until a second
 * client comes. */
static int accept_blocked(struct run *r)
{
	int rival, second;
	hn_proc *srv = nbaccept_readable(r, true, &rival);

	if (srv == NULL)
		return -1;
	kill(rival, SIGUSR2);
	if (hn_wait_line(srv, "rival: accept returned", WAIT_MS) < 0)
		return failed("the rival did not accept");
	note(r, "the rival's accept() takes the connection");
	if (seen(r, HN_FIN, 1) < 0)     /* the rival closes it */
		return -1;
	hn_signal(srv, SIGUSR1);
	note(r, "the server calls accept(): it blocks");
	if (hn_wait_line(srv, "accepted", 500) == 0)
		return failed("the blocking accept returned");
	second = tcp_socket_in(r, "client", 0);
	if (second < 0)
		return -1;
	note(r, "a second client connects");
	if (connect(second, (struct sockaddr *)&(struct sockaddr_in){
		    .sin_family = AF_INET, .sin_port = htons(SERVER_PORT),
		    .sin_addr.s_addr = htonl(0xc0000202) },
		    sizeof(struct sockaddr_in)) < 0)
		return failed_errno("connect");
	if (hn_wait_line(srv, "accepted; sent", WAIT_MS) < 0)
		return failed("the server did not wake up");
	note(r, "only now does accept() return");
	if (seen(r, HN_FIN, 2) < 0)
		return -1;
	while (read(second, &rival, sizeof(rival)) > 0)
		;                       /* "served", then end of file */
	close(second);
	return 0;
}

/* 4.3: tcpconnect to a port where nothing listens, then with r1
 * answering "host unreachable", then to the crashed host, each on its
 * own connection (the harness's SYN retries: 1); 5 ms each way on the
 * client's link, as in the chapter's test. */
static int connect_try(struct run *r, const char *why)
{
	char label[LINE_LABEL];
	hn_proc *p;
	const char *out;

	snprintf(label, sizeof(label), "tcpconnect 198.51.100.2 13: %s", why);
	note(r, label);
	p = RUN(r, "client", CH4, "tcpconnect", "198.51.100.2", "13", NULL);
	if (started(p, "cannot start tcpconnect") < 0 ||
	    hn_wait_exit(p, 3 * WAIT_MS) < 0)
		return failed("tcpconnect did not finish");
	out = hn_stdout(p);
	snprintf(label, sizeof(label), "%.*s", (int)strcspn(out, "(\n"), out);
	label[strcspn(label, "\n")] = '\0';
	if (label[0] != '\0' && label[strlen(label) - 1] == ' ')
		label[strlen(label) - 1] = '\0';
	note(r, label);
	return 0;
}

static int connect_fail(struct run *r)
{
	struct hn_impair delay = { .delay_ms = 5 };

	r->cap = hn_capture(r->net, "client", "lan0");
	if (r->cap == NULL)
		return failed("cannot capture");
	if (hn_impair(r->net, "client", "lan0", HN_BOTH, &delay) < 0)
		return failed("cannot delay the client's link");
	if (connect_try(r, "nothing listens") < 0 || seen(r, HN_RST, 1) < 0)
		return -1;
	if (hn_unreachable(r->net, "r1", "server", HN_UNREACH_HOST, 0, 0) < 0)
		return failed("cannot make r1 answer unreachable");
	if (connect_try(r, "r1 says host unreachable") < 0 ||
	    seen(r, "icmp", 1) < 0)
		return -1;
	if (hn_reachable(r->net, "r1") < 0 || hn_crash(r->net, "server") < 0)
		return failed("cannot crash the server");
	return connect_try(r, "its host has crashed");
}

/* 5.11: echosrv_v3 is stopped, so nobody calls accept(); the client
 * connects (the kernel does the handshake) and aborts with SO_LINGER
 * {1, 0}; echosrv_v3 continues and accepts the aborted connection. */
static int abort_before_accept(struct run *r)
{
	struct linger abort_now = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_storage ss;
	socklen_t len;
	hn_proc *srv;

	srv = server_up(RUN(r, "server", CH5, "echosrv_v3", "9877", NULL),
			SERVER_PORT);
	if (srv == NULL || start_capture(r) < 0)
		return -1;
	note(r, "echosrv_v3 is stopped (SIGSTOP): nobody calls accept()");
	if (hn_signal(srv, SIGSTOP) < 0)
		return failed("cannot stop the server");
	r->client = tcp_socket_in(r, "client", 0);
	if (r->client < 0 ||
	    hn_sockaddr(r->net, "server", AF_INET, SERVER_PORT, &ss, &len) < 0
	    || connect(r->client, (struct sockaddr *)&ss, len) < 0)
		return failed_errno("connect");
	if (seen(r, "tcp", 3) < 0)
		return -1;
	note(r, "the client closes with SO_LINGER {1, 0}");
	setsockopt(r->client, SOL_SOCKET, SO_LINGER, &abort_now,
		   sizeof(abort_now));
	close(r->client);
	r->client = -1;
	if (seen(r, HN_RST, 1) < 0)
		return -1;
	note(r, "echosrv_v3 continues (SIGCONT): accept() returns it");
	if (hn_signal(srv, SIGCONT) < 0 ||
	    hn_wait_line(srv, "str_echo: Connection reset by peer",
			 WAIT_MS) < 0)
		return failed("the server's child did not see the reset");
	note(r, "its child's read(): Connection reset by peer");
	return 0;
}

/* 5.16: the server's host shuts down: SIGTERM to every process, so the
 * child's socket sends its FIN; the next line draws a RST. */
static int host_shutdown(struct run *r)
{
	hn_proc *cli = echo_session(r, "echocli");
	int acks, status;

	if (cli == NULL)
		return -1;
	acks = hn_cap_count(r->cap, CLIENT_ACK);
	note(r, "the server's host shuts down: SIGTERM to every process");
	if (hn_shutdown(r->net, "server", 1000) < 0)
		return failed("cannot shut the server down");
	if (seen(r, HN_FIN " and src host 192.0.2.2", 1) < 0 ||
	    seen(r, CLIENT_ACK, acks + 1) < 0)
		return -1;
	if (type_line(r, cli, "another line\n") < 0 ||
	    client_exit(cli, &status) < 0 || seen(r, HN_RST, 1) < 0)
		return -1;
	note(r, "echocli: server terminated prematurely");
	return 0;
}

/* 7.5: lingerclose closes normally (FIN), lingerclose -z aborts with
 * SO_LINGER {1, 0} (RST); stallserv accepts and never reads. */
static int linger_abort(struct run *r)
{
	hn_proc *p;

	if (server_up(RUN(r, "server", CH7, "stallserv", "9877", NULL),
		      SERVER_PORT) == NULL || start_capture(r) < 0)
		return -1;
	note(r, "lingerclose: write, then close()");
	p = RUN(r, "client", CH7, "lingerclose", "192.0.2.2", "9877", NULL);
	if (started(p, "cannot start lingerclose") < 0 ||
	    hn_wait_exit(p, WAIT_MS) < 0 || seen(r, HN_FIN, 1) < 0 ||
	    seen(r, SERVER_ACK, 2) < 0)
		return failed("lingerclose did not close");
	note(r, "lingerclose -z: write, SO_LINGER {1, 0}, close()");
	p = RUN(r, "client", CH7, "lingerclose", "-z", "192.0.2.2", "9877",
		NULL);
	if (started(p, "cannot start lingerclose -z") < 0 ||
	    hn_wait_exit(p, WAIT_MS) < 0 || seen(r, HN_RST, 1) < 0)
		return failed("lingerclose -z did not abort");
	return 0;
}

/* ---- chapter 24: urgent data ----------------------------------------- */

#define CH24 "24-out-of-band"

/* oobsend in the client, connected to the receiver NAME in the server
 * (its argument opt, if not NULL); the capture starts first. */
static hn_proc *oob_pair(struct run *r, const char *name, const char *opt,
			 hn_proc **rcv)
{
	hn_proc *snd;

	if (start_capture(r) < 0)
		return NULL;
	*rcv = server_up(opt ? RUN(r, "server", CH24, name, opt, "9877", NULL)
			     : RUN(r, "server", CH24, name, "9877", NULL),
			 SERVER_PORT);
	if (*rcv == NULL)
		return NULL;
	snd = RUN(r, "client", CH24, "oobsend", "192.0.2.2", "9877", NULL);
	if (started(snd, "cannot start oobsend") < 0 ||
	    seen(r, CLIENT_ACK, 1) < 0)     /* the handshake's last */
		return NULL;
	return snd;
}

/* Types a line into oobsend and waits until the receiver says so. */
static int oob_line(struct run *r, hn_proc *snd, hn_proc *rcv,
		    const char *line, const char *said)
{
	if (type_line_into(r, snd, line, "oobsend") < 0)
		return -1;
	if (said != NULL && hn_wait_line(rcv, said, WAIT_MS) < 0)
		return failed("the receiver did not say what was expected");
	if (said == NULL && hn_wait_line(snd, "^sent", WAIT_MS) < 0)
		return failed("oobsend sent nothing");
	return 0;
}

/* 24.2: ordinary data, then one urgent byte, then three with MSG_OOB:
 * each urgent segment carries URG, its pointer one past its last byte. */
static int urgent_pointer(struct run *r)
{
	hn_proc *rcv, *snd = oob_pair(r, "oobsel", NULL, &rcv);

	if (snd == NULL ||
	    oob_line(r, snd, rcv, "123\n", "read 3 bytes: 123") < 0 ||
	    oob_line(r, snd, rcv, "!4\n", "MSG_OOB 1 byte: 4") < 0)
		return -1;
	note(r, "oobsel: exception; recv(MSG_OOB) gives 4");
	if (oob_line(r, snd, rcv, "!789\n", "read 2 bytes: 78") < 0)
		return -1;
	note(r, "oobsel: MSG_OOB gives 9; read() gives 78");
	return 0;
}

/* 24.5: two urgent bytes before the receiver reads: the second mark
 * replaces the first, whose byte joins the ordinary data. */
static int oob_overwrite(struct run *r)
{
	hn_proc *rcv, *snd = oob_pair(r, "oobmark", NULL, &rcv);

	if (snd == NULL || oob_line(r, snd, rcv, "12\n", NULL) < 0 ||
	    oob_line(r, snd, rcv, "!x\n", NULL) < 0 ||
	    oob_line(r, snd, rcv, "34\n", NULL) < 0 ||
	    oob_line(r, snd, rcv, "!y\n", NULL) < 0 ||
	    oob_line(r, snd, rcv, "56\n", NULL) < 0)
		return -1;
	if (hn_feed(snd, "", 0, WAIT_MS) < 0 ||
	    hn_wait_line(rcv, "end of file", WAIT_MS) < 0)
		return failed("oobmark did not read to the end");
	note(r, "oobmark: urgent byte y; reads 12x34, then 56");
	return 0;
}

/* 24.6: lab 24's client and server, a heartbeat every 100 ms; after two
 * answered, the server's host crashes; after 3 periods without an
 * answer, hbcli gives up (TCP itself would go on retransmitting the
 * heartbeat for many minutes). */
static int heartbeat_crash(struct run *r)
{
	hn_proc *srv, *cli;

	if (start_capture(r) < 0)
		return -1;
	srv = server_up(hn_run(r->net, "server", tk_path("lab-24/ref/hbserv"),
			       "9877", "100", "3", NULL), SERVER_PORT);
	if (srv == NULL)
		return -1;
	cli = hn_run(r->net, "client", tk_path("lab-24/ref/hbcli"),
		     "192.0.2.2", "9877", "100", "3", NULL);
	if (started(cli, "cannot start hbcli") < 0 ||
	    seen(r, CLIENT_ACK, 1) < 0 ||    /* the handshake's last */
	    echo_line(r, cli, "hello\n") < 0 ||
	    seen(r, "tcp[13] & 0x20 != 0 and src host 192.0.2.2", 2) < 0)
		return -1;
	note(r, "the server's host crashes");
	if (hn_crash(r->net, "server") < 0)
		return failed("cannot crash the server");
	if (hn_wait_exit(cli, WAIT_MS) < 0)
		return failed("hbcli did not give up");
	note(r, "hbcli: server is unreachable (3 periods, no answer)");
	return 0;
}

/* ---- chapter 25: signal-driven I/O -------------------------------------
 * sigioone, the SIGIO echo server that reads one datagram a signal and
 * never blocks SIGIO, loses datagrams in two ways (25.6, 25.7).  The
 * scenario looks at it as chapter 25's tests do: through its socket,
 * borrowed with pidfd_getfd(), and /proc. */

#define CH25 "25-signal-driven-io"

/* A process's state letter in /proc/PID/stat, or 0. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* The system call a process sleeps in (/proc/PID/syscall), or -1. */
static long proc_syscall(pid_t pid)
{
	char path[64], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) == NULL)
		buf[0] = '\0';
	fclose(f);
	return buf[0] >= '0' && buf[0] <= '9' ? strtol(buf, NULL, 10) : -1;
}

/* Waits (1 ms looks, WAIT_MS at most) until pid sleeps in syscall nr
 * (nr -1: is stopped). */
static int await_proc(pid_t pid, long nr)
{
	struct timespec ms = { 0, 1000 * 1000 };

	for (int t = 0; t < WAIT_MS; t++) {
		char st = proc_state(pid);

		if (nr < 0 ? st == 'T' : st == 'S' && proc_syscall(pid) == nr)
			return 0;
		nanosleep(&ms, NULL);
	}
	return failed("the server did not reach the expected state");
}

/* A process's count of voluntary context switches: it goes up each
 * time the process wakes from a sleep and sleeps again. */
static long proc_switches(pid_t pid)
{
	char path[64], line[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "voluntary_ctxt_switches:", 24) == 0)
			v = strtol(line + 24, NULL, 10);
	fclose(f);
	return v;
}

static int rmem(int fd)
{
	int mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0)
		return -1;
	return mem[SK_MEMINFO_RMEM_ALLOC];
}

/* Waits until the socket's receive memory is at least `bytes`. */
static int await_rmem(int fd, int bytes)
{
	struct timespec ms = { 0, 1000 * 1000 };

	for (int t = 0; t < WAIT_MS; t++) {
		if (rmem(fd) >= bytes)
			return 0;
		nanosleep(&ms, NULL);
	}
	return failed("the datagrams were not queued on the server");
}

/* A UDP socket of ours in host, bound to its address and port. */
static int udp_socket_in(struct run *r, const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	if (hn_enter(r->net, host) < 0)
		return failed("cannot enter the host");
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	hn_leave(r->net);
	if (fd < 0)
		return failed_errno("socket");
	if (hn_sockaddr(r->net, host, AF_INET, port, &ss, &len) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0) {
		close(fd);
		return failed_errno("bind");
	}
	return fd;
}

/* The receive memory one 13-byte datagram takes on the server, sent
 * from the client over the link (as udpburst's are). */
static int datagram_rmem(struct run *r)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int from = udp_socket_in(r, "client", 50001);
	int to = udp_socket_in(r, "server", 50002), unit = -1;

	if (from >= 0 && to >= 0 &&
	    hn_sockaddr(r->net, "server", AF_INET, 50002, &ss, &len) == 0 &&
	    sendto(from, "datagram 0001", 13, 0, (struct sockaddr *)&ss,
		   len) == 13 && await_rmem(to, 1) == 0)
		unit = rmem(to);
	if (from >= 0)
		close(from);
	if (to >= 0)
		close(to);
	return unit;
}

/* 25.6: sigioone stopped while udpburst sends 5 datagrams. */
static int sigio_burst(struct run *r)
{
	int unit = datagram_rmem(r), sock;
	hn_proc *srv, *cli;
	pid_t pid;

	if (unit <= 0)
		return -1;
	srv = RUN(r, "server", CH25, "sigioone", "9877", NULL);
	if (srv == NULL || hn_wait_port(srv, IPPROTO_UDP, SERVER_PORT,
					 WAIT_MS) < 0)
		return failed("sigioone did not start");
	pid = hn_pid(srv);
	if ((sock = tk_socket_of(pid, SOCK_DGRAM)) < 0)
		return failed("cannot see sigioone's socket");
	if (start_capture(r) < 0)
		return -1;
	note(r, "kill -STOP: sigioone is stopped (busy)");
	if (hn_signal(srv, SIGSTOP) < 0 || await_proc(pid, -1) < 0)
		return -1;
	cli = RUN(r, "client", CH25, "udpburst", "-w", "300", "192.0.2.2",
		  "9877", "5", NULL);
	if (started(cli, "cannot start udpburst") < 0 ||
	    await_rmem(sock, 5 * unit) < 0)
		return -1;
	close(sock);
	note(r, "kill -CONT: one SIGIO for the 5 datagrams");
	hn_signal(srv, SIGCONT);
	if (hn_wait_exit(cli, WAIT_MS) < 0)
		return failed("udpburst did not end");
	note(r, "udpburst: sent 5 datagrams, 1 echoed");
	return 0;
}

/* Sends text from the client's socket to the server. */
static int send_text(struct run *r, int fd, const char *text)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char label[LINE_LABEL];

	snprintf(label, sizeof(label), "\"%s\" is sent", text);
	note(r, label);
	if (hn_sockaddr(r->net, "server", AF_INET, SERVER_PORT, &ss,
			&len) < 0 ||
	    sendto(fd, text, strlen(text), 0, (struct sockaddr *)&ss,
		   len) < 0)
		return failed_errno("sendto");
	return 0;
}

/* Waits for an echo on fd; 0 if it is `want`. */
static int echo_is(int fd, const char *want)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[64];
	ssize_t n;

	if (poll(&pfd, 1, WAIT_MS) != 1 ||
	    (n = recv(fd, buf, sizeof(buf) - 1, 0)) < 0)
		return failed("no echo");
	buf[n] = '\0';
	return strcmp(buf, want) == 0 ? 0 : failed("another echo came");
}

/* 25.7: "two" arrives while sigioone writes its report to a full
 * pipe; its SIGIO is handled there, and then forgotten. */
static int sigio_race(struct run *r)
{
	char fifo[64], junk[4096];
	int rd, wr, cli, sock;
	long switches;
	hn_proc *srv;
	pid_t pid;

	snprintf(fifo, sizeof(fifo), "/dev/shm/scenario-%d", (int)getpid());
	unlink(fifo);
	if (mkfifo(fifo, 0600) < 0 ||
	    (rd = open(fifo, O_RDONLY | O_NONBLOCK)) < 0)
		return failed_errno("mkfifo");
	srv = hn_run(r->net, "server", "/bin/sh", "-c",
		     "exec \"$0\" 9877 >\"$1\"", tk_prog(CH25, "sigioone"),
		     fifo, NULL);
	if (srv == NULL || hn_wait_port(srv, IPPROTO_UDP, SERVER_PORT,
					 WAIT_MS) < 0)
		return failed("sigioone did not start");
	wr = open(fifo, O_WRONLY | O_NONBLOCK);
	unlink(fifo);
	pid = hn_pid(srv);
	cli = udp_socket_in(r, "client", CLIENT_PORT);
	sock = tk_socket_of(pid, SOCK_DGRAM);
	if (wr < 0 || cli < 0 || sock < 0)
		return failed("cannot set the scene");
	memset(junk, 'x', sizeof(junk));
	while (read(rd, junk, sizeof(junk)) > 0)  /* "listening on ..." */
		;
	while (write(wr, junk, sizeof(junk)) > 0)  /* the pipe is full */
		;
	while (write(wr, junk, 1) > 0)
		;
	if (start_capture(r) < 0 || send_text(r, cli, "one") < 0 ||
	    echo_is(cli, "one") < 0 || await_proc(pid, SYS_write) < 0)
		return -1;
	note(r, "sigioone sleeps writing \"echoed 1\": its stdout is full");
	switches = proc_switches(pid);
	if (send_text(r, cli, "two") < 0 || await_rmem(sock, 1) < 0 ||
	    seen(r, "udp", 3) < 0)
		return -1;
	/* the signal wakes the writer, the handler runs, write() sleeps
	 * again: one more voluntary switch */
	for (int t = 0; t < WAIT_MS && (proc_switches(pid) <= switches ||
					 await_proc(pid, SYS_write) < 0); t++)
		;
	if (proc_switches(pid) <= switches)
		return failed("the SIGIO for \"two\" did not wake sigioone");
	note(r, "SIGIO for \"two\" is handled in write(): the flag is set");
	while (read(rd, junk, sizeof(junk)) > 0)   /* the report can go */
		;
	if (await_proc(pid, SYS_pause) < 0 || rmem(sock) <= 0)
		return failed("sigioone should sleep with \"two\" queued");
	note(r, "the flag is cleared: pause(), with \"two\" queued");
	if (send_text(r, cli, "three") < 0 || echo_is(cli, "two") < 0)
		return -1;
	note(r, "SIGIO for \"three\": sigioone reads and echoes \"two\"");
	close(sock);
	close(cli);
	close(rd);
	close(wr);
	return 0;
}

/* ---- chapter 11: names, with dnsmasq in host dns ------------------- */

#define CH11 "11-names-addresses"

/* Chapter 11's network (tests/names11.h), the kernel's own timers. */
static const char topology_names[] =
	"host client dns web dead\n"
	"router r\n"
	"link client r 192.0.2.0/24 2001:db8:1::/64\n"
	"link r dns 198.51.100.0/24 2001:db8:2::/64\n"
	"link r web 203.0.113.0/25 2001:db8:3::/64\n"
	"link r dead 203.0.113.128/25 2001:db8:4::/64\n"
	"timing kernel\n";

/* dnsmasq with the chapter's zone, and the resolver pointed at it. */
static int names_dns(struct run *r)
{
	if (tk_dnsmasq(r->net, "dns",
		       "local=/names.test/\n"
		       "host-record=www.names.test,203.0.113.2,"
		       "2001:db8:3::2\n"
		       "host-record=multi.names.test,203.0.113.130\n"
		       "host-record=multi.names.test,203.0.113.2\n") == NULL)
		return failed("cannot start dnsmasq");
	tk_resolver("nameserver 198.51.100.2\noptions timeout:1 attempts:1\n",
		    "127.0.0.1 localhost\n", NULL);
	return 0;
}

/* 11.9: daytimecli multi.names.test; the first address is silent. */
static int first_address_silent(struct run *r)
{
	hn_proc *cli;

	if (names_dns(r) < 0 || hn_inetd(r->net, "web", "daytime") == NULL)
		return failed("cannot start the servers");
	r->cap = hn_capture(r->net, "dead", "r");
	if (r->cap == NULL || hn_crash(r->net, "dead") < 0)
		return failed("cannot capture or silence host dead");
	cli = RUN(r, "client", CH11, "daytimecli", "multi.names.test", NULL);
	if (started(cli, "cannot start daytimecli") < 0 ||
	    seen(r, HN_SYN, 1) < 0)
		return -1;
	note(r, "=right (silent)");
	if (hn_wait_line(cli, "connected to", WAIT_MS) < 0)
		return failed("daytimecli did not connect");
	note(r, "tcp_connect: 750 ms, no answer: close, try 203.0.113.2");
	note(r, "connected to 203.0.113.2 at once: daytimecli prints the "
	     "time");
	return hn_wait_exit(cli, WAIT_MS) < 0 ? failed("daytimecli") : 0;
}

/* 11.12: gai www.names.test; the server is slow (1.5 s) or silent. */
static int dns_lookup_fails(struct run *r, bool slow)
{
	struct hn_impair late = { .delay_ms = 1500 };
	hn_proc *gai;

	if (names_dns(r) < 0)
		return -1;
	r->cap = hn_capture(r->net, "client", "r");
	if (r->cap == NULL)
		return failed("cannot capture");
	if (slow ? hn_impair(r->net, "dns", "r", HN_OUT, &late) < 0
		 : hn_crash(r->net, "dns") < 0)
		return failed("cannot slow or silence the DNS server");
	gai = RUN(r, "client", CH11, "gai", "www.names.test", NULL);
	if (started(gai, "cannot start gai") < 0 || seen(r, "udp", 2) < 0)
		return -1;
	note(r, slow ? "=right (1.5 s late)" : "=right (silent)");
	if (hn_wait_exit(gai, WAIT_MS) < 0)
		return failed("gai did not end");
	note(r, "timeout:1 attempts:1 - gai: Temporary failure in name "
	     "resolution");
	if (!slow)
		return 0;
	note(r, "+the late answers reach a closed port");
	return seen(r, "icmp", 2);
}

static int dns_slow(struct run *r)
{
	return dns_lookup_fails(r, true);
}

static int dns_silent(struct run *r)
{
	return dns_lookup_fails(r, false);
}

/* 28.6: lab 28's traceroute, one probe a hop, through two routers of
 * which the second never sends a time exceeded (an nftables rule in its
 * output hook). */
static const char topology_chain[] =
	"host client server\n"
	"router r1 r2\n"
	"link client r1 198.51.100.0/27\n"
	"link r1 r2 198.51.100.32/27\n"
	"link r2 server 198.51.100.64/27\n";

static int traceroute_probes(struct run *r)
{
	hn_proc *tr;

	r->cap = hn_capture(r->net, "client", "r1");
	if (r->cap == NULL)
		return failed("cannot capture");
	if (hn_nft(r->net, "r2", "table inet silent {\nchain c {\ntype "
		   "filter hook output priority 0;\nicmp type time-exceeded "
		   "drop\n}\n}\n") < 0)
		return failed("cannot silence r2");
	tr = hn_run(r->net, "client", tk_path("lab-28/ref/traceroute"), "-q",
		    "1", "-w", "200", "198.51.100.66", NULL);
	if (started(tr, "cannot start lab 28's traceroute") < 0 ||
	    hn_wait_exit(tr, WAIT_MS) != 0 || seen(r, "icmp", 2) < 0)
		return failed("traceroute did not end well");
	note(r, "traceroute: 1 198.51.100.2, 2 * (200 ms), 3 198.51.100.66");
	return 0;
}

/* ---- chapter 9: SCTP --------------------------------------------------
 * sctpserv and sctpcli, in the harness's VM when this kernel has no SCTP
 * (main() sends the scenario there; its capture and notes come back
 * through the VM's capture folder). */

#define CH9 "09-sctp-sockets"
#define SCTP_CHUNK(t) "sctp and ip[32] == " #t

/* sctpserv ARG 9877 in the server, and the capture, once it listens. */
static hn_proc *sctp_server(struct run *r, const char *arg)
{
	hn_proc *srv = arg != NULL
		? RUN(r, "server", CH9, "sctpserv", arg, "9877", NULL)
		: RUN(r, "server", CH9, "sctpserv", "9877", NULL);

	if (srv == NULL || hn_wait_port(srv, IPPROTO_SCTP, SERVER_PORT,
					WAIT_MS) < 0) {
		failed("sctpserv did not start");
		return NULL;
	}
	return start_capture(r) < 0 ? NULL : srv;
}

/* Types LINE into sctpcli and waits for its answer on STREAM. */
static int sctp_echo_line(struct run *r, hn_proc *cli, const char *line,
			  const char *answer)
{
	if (type_line(r, cli, line) < 0)
		return -1;
	if (hn_wait_line(cli, answer, WAIT_MS) < 0)
		return failed("no answer");
	return 0;
}

/* 9.2: the association of the transcript: the four-way handshake,
 * "hello" and "world" on stream 3 with their answers, ^D: the three-way
 * shutdown. */
static int sctp_echo(struct run *r)
{
	hn_proc *cli;

	if (sctp_server(r, NULL) == NULL)
		return -1;
	cli = RUN(r, "client", CH9, "sctpcli", "-s", "3", "-p", "7",
		  "192.0.2.2", "9877", NULL);
	if (started(cli, "cannot start sctpcli") < 0 ||
	    seen(r, SCTP_CHUNK(11), 1) < 0 ||       /* COOKIE ACK */
	    sctp_echo_line(r, cli, "hello\n", "^stream 3 ppid 7: hello$") < 0 ||
	    sctp_echo_line(r, cli, "world\n", "^stream 3 ppid 7: world$") < 0)
		return -1;
	note(r, "^D is typed");
	if (hn_write_stdin(cli, "", 0) < 0 || hn_wait_exit(cli, WAIT_MS) < 0)
		return failed("sctpcli did not end");
	return seen(r, SCTP_CHUNK(14), 1);          /* SHUTDOWN COMPLETE */
}

/* 9.8: sctpcli -a: "bye" and its answer, then ^D: a close with a zero
 * linger, one ABORT. */
static int sctp_abort(struct run *r)
{
	hn_proc *srv = sctp_server(r, NULL), *cli;

	if (srv == NULL)
		return -1;
	cli = RUN(r, "client", CH9, "sctpcli", "-a", "192.0.2.2", "9877",
		  NULL);
	if (started(cli, "cannot start sctpcli") < 0 ||
	    seen(r, SCTP_CHUNK(11), 1) < 0 ||
	    sctp_echo_line(r, cli, "bye\n", "^stream 0 ppid 0: bye$") < 0)
		return -1;
	note(r, "^D is typed (sctpcli -a: zero linger)");
	if (hn_write_stdin(cli, "", 0) < 0 || seen(r, SCTP_CHUNK(6), 1) < 0 ||
	    hn_wait_line(srv, "SCTP_COMM_LOST", WAIT_MS) < 0)
		return failed("no ABORT");
	note(r, "sctpserv: SCTP_ASSOC_CHANGE SCTP_COMM_LOST");
	return 0;
}

/* 9.10: sctpserv -f (heartbeat every 200 ms, 2 retransmissions); the
 * client's host crashes; the heartbeats go unanswered. */
static int sctp_heartbeat_crash(struct run *r)
{
	hn_proc *srv = sctp_server(r, "-f"), *cli;

	if (srv == NULL)
		return -1;
	cli = RUN(r, "client", CH9, "sctpcli", "192.0.2.2", "9877", NULL);
	if (started(cli, "cannot start sctpcli") < 0 ||
	    seen(r, SCTP_CHUNK(11), 1) < 0 ||
	    hn_wait_line(srv, "SCTP_COMM_UP", WAIT_MS) < 0)
		return failed("no association");
	if (hn_crash(r->net, "client") < 0)
		return failed("cannot crash the client");
	note(r, "the client's host has crashed");
	if (hn_wait_line(srv, "SCTP_COMM_LOST", WAIT_MS) < 0)
		return failed("sctpserv did not give up");
	note(r, "sctpserv: SCTP_ASSOC_CHANGE SCTP_COMM_LOST");
	return 0;
}

/* An SCTP scenario runs in the VM when this kernel has no SCTP: there it
 * writes its capture and notes into the VM's capture folder, which come
 * back to HN_CAPTURE_DIR here, set to OUT's folder; so both must be
 * named NAME.pcap and NAME.notes in one folder, as book.mk names them.
 * Returns 0 (go on, maybe with *OUT and *NOTES moved), or -1. */
static int sctp_where(const char *name, const char **out, const char **notes)
{
	static char vout[4096], vnotes[4096];
	const char *in_vm = getenv("HN_IN_VM"), *dir;
	char *slash = strrchr(*out, '/'), here[4096];

	if (in_vm != NULL) {
		dir = getenv("HN_CAPTURE_DIR");
		if (dir == NULL)
			return failed("no HN_CAPTURE_DIR in the VM");
		snprintf(vout, sizeof(vout), "%s/%s.pcap", dir, name);
		snprintf(vnotes, sizeof(vnotes), "%s/%s.notes", dir, name);
		*out = vout;
		if (*notes != NULL)
			*notes = vnotes;
		return 0;
	}
	snprintf(here, sizeof(here), "%.*s",
		 slash ? (int)(slash - *out) : 1, slash ? *out : ".");
	if (realpath(here, vout) == NULL)
		return failed_errno(here);
	setenv("HN_CAPTURE_DIR", vout, 1);
	hn_vm_ship(tk_prog(CH9, "sctpserv"));
	hn_vm_ship(tk_prog(CH9, "sctpcli"));
	hn_require("sctp");     /* no SCTP here: the VM runs the rest */
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct run *);
	const char *topology;           /* NULL: topology */
} scenarios[] = {
	{ "handshake", handshake, NULL },
	{ "close", four_segment_close, NULL },
	{ "host-crash", echo_crash, topology_fast },
	{ "crash-reboot", echo_reboot, NULL },
	{ "child-killed", child_killed, NULL },
	{ "sigpipe", sigpipe, NULL },
	{ "keepalive", keepalive, NULL },
	{ "nagle-stall", nagle_stall, topology_kernel },
	{ "reuseaddr", reuseaddr, NULL },
	{ "udp-refused", udp_refused, NULL },
	{ "udp-lost", udp_lost, NULL },
	{ "connect-black-hole", connect_black_hole, topology_kernel },
	{ "read-black-hole", read_black_hole, topology_kernel },
	{ "stdio-deadlock", stdio_deadlock, NULL },
	{ "epoll-edge-stall", epoll_edge_stall, NULL },
	{ "connect-refused", connect_refused, NULL },
	{ "connect-timeout", connect_timeout, NULL },
	{ "accept-reset", accept_reset, NULL },
	{ "accept-blocked", accept_blocked, NULL },
	{ "connect-fail", connect_fail, topology_router },
	{ "abort-before-accept", abort_before_accept, NULL },
	{ "host-shutdown", host_shutdown, NULL },
	{ "linger-abort", linger_abort, NULL },
	{ "urgent-pointer", urgent_pointer, NULL },
	{ "oob-overwrite", oob_overwrite, NULL },
	{ "heartbeat-crash", heartbeat_crash, topology_kernel },
	{ "sigio-burst", sigio_burst, NULL },
	{ "sigio-race", sigio_race, NULL },
	{ "halfport", halfport_mapped, NULL },
	{ "v6only-refused", v6only_refused, NULL },
	{ "first-address-silent", first_address_silent, topology_names },
	{ "dns-slow", dns_slow, topology_names },
	{ "dns-silent", dns_silent, topology_names },
	{ "traceroute-probes", traceroute_probes, topology_chain },
	{ "sctp-echo", sctp_echo, NULL },
	{ "sctp-abort", sctp_abort, NULL },
	{ "sctp-heartbeat-crash", sctp_heartbeat_crash, NULL },
};
#define NSCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

/* ---- the program ----------------------------------------------------- */

/* Copies the capture to out (through a temporary name, so a failure leaves
 * no half-written file). */
static int save_capture(const char *from, const char *out)
{
	char tmp[4096], buf[65536];
	FILE *in = fopen(from, "rb"), *to;
	size_t n;
	bool ok = true;

	if (in == NULL)
		return failed_errno(from);
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	to = fopen(tmp, "wb");
	if (to == NULL) {
		fclose(in);
		return failed_errno(tmp);
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ok = ok && fwrite(buf, 1, n, to) == n;
	fclose(in);
	ok = (fclose(to) == 0) && ok;
	if (!ok || rename(tmp, out) != 0) {
		remove(tmp);
		return failed_errno(out);
	}
	return 0;
}

static void close_all(struct run *r)
{
	int *fds[] = { &r->client, &r->server, &r->listener };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

static int run_scenario(int which, const char *out, const char *notes)
{
	struct run r = { .listener = -1, .client = -1, .server = -1 };
	char *path;
	int rc;

	if (notes != NULL && (r.notes = fopen(notes, "w")) == NULL)
		return failed_errno(notes);
	r.net = hn_up(scenarios[which].topology ? scenarios[which].topology
					       : topology);
	if (r.net == NULL) {
		if (r.notes)
			fclose(r.notes);
		return failed("cannot build the network");
	}
	rc = scenarios[which].run(&r);
	path = r.cap ? strdup(hn_cap_path(r.cap)) : NULL;
	if (r.cap)
		hn_cap_close(r.cap);    /* before closing: no stray FIN/RST */
	close_all(&r);
	hn_down(r.net);
	if (rc == 0 && path != NULL)
		rc = save_capture(path, out);
	if (path != NULL)
		remove(path);           /* the harness's copy */
	free(path);
	if (r.notes != NULL && fclose(r.notes) != 0 && rc == 0)
		rc = failed_errno(notes);
	return rc;
}

/* The harness names its capture file after the running test; a name of
 * our own keeps two runs at once (make book and make test) apart. */
static void name_captures(const char *scenario)
{
	static char name[96];
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(name, sizeof(name), "%s-%lld%09ld", scenario,
		 (long long)now.tv_sec, now.tv_nsec);
	tk_current_test = name;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < NSCENARIOS; i++)
			printf("%s\n", scenarios[i].name);
		return 0;
	}
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: scenario NAME OUT.pcap [NOTES]\n"
			"       scenario --list\n");
		return 1;
	}
	for (size_t i = 0; i < NSCENARIOS; i++) {
		if (strcmp(argv[1], scenarios[i].name) != 0)
			continue;
		/* the harness notes each capture's path for failing tests;
		 * this is not a test, and the capture is saved below */
		setenv("TK_REPORT", "/dev/null", 0);
		hn_init();
		hn_set_strict(0);
		name_captures(scenarios[i].name);
		const char *notes = argc == 4 ? argv[3] : NULL;
		const char *out = argv[2];

		if (strncmp(argv[1], "sctp-", 5) == 0 &&
		    sctp_where(argv[1], &out, &notes) < 0)
			return 1;
		return run_scenario((int)i, out, notes) < 0 ? 1 : 0;
	}
	fprintf(stderr, "scenario: no scenario '%s' (scenario --list)\n",
		argv[1]);
	return 1;
}
