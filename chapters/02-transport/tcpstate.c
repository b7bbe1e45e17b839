/*
 * tcpstate.c - both ends of one TCP connection in one process, and the
 * state the kernel reports for each end (TCP_INFO) at every step of the
 * connection's life.
 *
 *   tcpstate [-c client|server|both] [address]
 *
 * address  a local address for both ends: 127.0.0.1 (the default), ::1,
 *          or any address of this host
 * -c       who closes first: the client (the default), the server, or
 *          both at once (a simultaneous close)
 *
 * Short-lived states are held on purpose so that they can be seen:
 * SYN_SENT by connecting while the listen queue is full (Linux drops
 * the SYN), FIN_WAIT_1 and LAST_ACK by closing while the peer's receive
 * buffer is full (the FIN waits behind data that cannot be sent yet).
 */
#include "lnp.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>

#define STEP_MS 5000          /* the longest any step may take */
#define BUF_SMALL 4096        /* socket buffers: small fills quickly */

enum closer { CLIENT_FIRST, SERVER_FIRST, BOTH_AT_ONCE };

struct conn {
	int listener, client, server;
	struct sockaddr_storage caddr, saddr;  /* client and server ends */
	socklen_t len;
};

/* include state_name */
/* The names of the states, in the kernel's order (netinet/tcp.h). */
static const char *state_name(int state)
{
	static const char *const names[] = {
		"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT_1",
		"FIN_WAIT_2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT",
		"LAST_ACK", "LISTEN", "CLOSING",
	};

	if (state < 1 || state > TCP_CLOSING)
		return "?";
	return names[state];
}

/* The state of the connection behind fd, as TCP_INFO tells it. */
static int tcp_state(int fd)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	Getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len);
	return info.tcpi_state;
}
/* end state_name */

/* include timewait */
/*
 * When a connection enters TIME_WAIT, Linux frees the full socket (the
 * descriptor's socket now says CLOSE) and keeps a small time-wait entry
 * for the address pair instead.  sock_diag, the interface `ss` uses,
 * finds that entry.  Returns the milliseconds it has left, or -1 when
 * there is none.
 */
static long timewait_ms(const struct sockaddr_storage *local,
			const struct sockaddr_storage *peer)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} ask;
	union {
		struct nlmsghdr nlh;
		char bytes[1024];
	} answer;
	struct inet_diag_msg *found;
	long left = -1;
	ssize_t n;
	int fd;

	memset(&ask, 0, sizeof(ask));
	ask.nlh.nlmsg_len = sizeof(ask);
	ask.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	ask.nlh.nlmsg_flags = NLM_F_REQUEST;    /* one socket, no dump */
	ask.req.sdiag_family = (uint8_t)local->ss_family;
	ask.req.sdiag_protocol = IPPROTO_TCP;
	ask.req.idiag_states = 1u << TCP_TIME_WAIT;
	ask.req.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	ask.req.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (local->ss_family == AF_INET) {
		const struct sockaddr_in *l = (const void *)local;
		const struct sockaddr_in *p = (const void *)peer;

		ask.req.id.idiag_sport = l->sin_port;
		ask.req.id.idiag_dport = p->sin_port;
		memcpy(ask.req.id.idiag_src, &l->sin_addr, 4);
		memcpy(ask.req.id.idiag_dst, &p->sin_addr, 4);
	} else {
		const struct sockaddr_in6 *l = (const void *)local;
		const struct sockaddr_in6 *p = (const void *)peer;

		ask.req.id.idiag_sport = l->sin6_port;
		ask.req.id.idiag_dport = p->sin6_port;
		memcpy(ask.req.id.idiag_src, &l->sin6_addr, 16);
		memcpy(ask.req.id.idiag_dst, &p->sin6_addr, 16);
	}

	fd = Socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	Send(fd, &ask, sizeof(ask), 0);
	n = Recv(fd, &answer, sizeof(answer), 0);
	/* The answer is one inet_diag_msg, or NLMSG_ERROR (ENOENT: none). */
	if (n >= (ssize_t)NLMSG_LENGTH(sizeof(*found)) &&
	    answer.nlh.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
		found = NLMSG_DATA(&answer.nlh);
		if (found->idiag_state == TCP_TIME_WAIT)
			left = (long)found->idiag_expires;
	}
	Close(fd);
	return left;
}
/* end timewait */

/* A state for the table: TIME_WAIT when the descriptor's socket is
 * closed but the kernel holds a time-wait entry for its address pair. */
static const char *end_state(int fd, const struct sockaddr_storage *self,
			     const struct sockaddr_storage *peer)
{
	int state = tcp_state(fd);

	if (state == TCP_CLOSE && timewait_ms(self, peer) >= 0)
		return "TIME_WAIT";
	return state_name(state);
}

/* One line of the table: what happened, then the two ends' states. */
static void show(const struct conn *c, const char *step)
{
	const char *cl = "-", *sv;

	if (c->client >= 0)
		cl = end_state(c->client, &c->caddr, &c->saddr);
	if (c->server >= 0)
		sv = end_state(c->server, &c->saddr, &c->caddr);
	else
		sv = state_name(tcp_state(c->listener));
	printf("%-46s %-12s %s\n", step, cl, sv);
	fflush(stdout);
}

/* include await_state */
/* Waits until the connection behind fd is in state want, checking every
 * millisecond for at most STEP_MS; exits with a message if it never is. */
static void await_state(int fd, int want, const char *who)
{
	int waited, state = tcp_state(fd);

	for (waited = 0; state != want && waited < STEP_MS; waited++) {
		poll(NULL, 0, 1);
		state = tcp_state(fd);
	}
	if (state != want)
		err_quit("the %s stayed in %s for %d ms; expected %s", who,
			 state_name(state), STEP_MS, state_name(want));
}
/* end await_state */

/* Waits up to STEP_MS for events on fd; exits if they never come. */
static void await_events(int fd, short events, const char *what)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (Poll(&p, 1, STEP_MS) == 0)
		err_quit("no %s within %d ms", what, STEP_MS);
}

static void set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		err_sys("fcntl(O_NONBLOCK)");
}

/* Small buffers, set before the connection exists (they size the
 * window TCP offers in its SYN). */
static void small_buffers(int fd)
{
	int size = BUF_SMALL;

	Setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	Setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

/* The address of this host that both ends use, with port 0. */
static void parse_address(const char *text, struct conn *c)
{
	struct sockaddr_in *in = (void *)&c->saddr;
	struct sockaddr_in6 *in6 = (void *)&c->saddr;

	memset(&c->saddr, 0, sizeof(c->saddr));
	if (inet_pton(AF_INET, text, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		c->len = sizeof(*in);
	} else if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		c->len = sizeof(*in6);
	} else {
		err_quit("\"%s\" is not an IPv4 or IPv6 address", text);
	}
}

/* A socket of the connection's family, bound to its address. */
static int bound_socket(const struct conn *c)
{
	struct sockaddr_storage local = c->saddr;
	int fd = Socket(local.ss_family, SOCK_STREAM, 0);

	sock_set_port((struct sockaddr *)&local, c->len, 0);
	small_buffers(fd);
	Bind(fd, (struct sockaddr *)&local, c->len);
	return fd;
}

/* include open */
/* Opens the connection, holding the client in SYN_SENT on the way. */
static void open_connection(struct conn *c)
{
	int filler, early;
	socklen_t len = c->len;

	c->listener = bound_socket(c);
	Listen(c->listener, 0);        /* a queue of one connection */
	Getsockname(c->listener, (struct sockaddr *)&c->saddr, &len);
	show(c, "server: listen(), a queue of one");

	filler = bound_socket(c);
	Connect(filler, (struct sockaddr *)&c->saddr, c->len);
	await_events(c->listener, POLLIN, "connection in the listen queue");
	show(c, "another client fills the queue");

	c->client = bound_socket(c);
	len = c->len;
	Getsockname(c->client, (struct sockaddr *)&c->caddr, &len);
	set_nonblocking(c->client);
	if (connect(c->client, (struct sockaddr *)&c->saddr, c->len) == 0 ||
	    errno != EINPROGRESS)
		err_sys("connect did not wait for the full queue");
	show(c, "client: connect(); the SYN is dropped");

	early = Accept(c->listener, NULL, NULL);
	Close(early);
	Close(filler);
	show(c, "server: accept() the other one; queue free");

	/* The client sends its SYN again after its retransmission timeout
	 * (1 s on Linux); this time the server answers. */
	await_events(c->client, POLLOUT, "answer to the repeated SYN");
	c->server = Accept(c->listener, NULL, NULL);
	set_nonblocking(c->server);
	show(c, "SYN sent again, answered; server: accept()");
}
/* end open */

/* include fill */
/* Writes until the peer's receive buffer is full, so that more data
 * waits unsent in fd's send buffer (SIOCOUTQNSD counts it). */
static void fill_peer(int fd)
{
	static const char junk[BUF_SMALL];
	int unsent = 0, rounds;

	for (rounds = 0; unsent == 0 && rounds < 1000; rounds++) {
		while (write(fd, junk, sizeof(junk)) > 0)
			;
		if (errno != EAGAIN)
			err_sys("write while filling the peer's buffer");
		if (ioctl(fd, SIOCOUTQNSD, &unsent) < 0)
			err_sys("ioctl(SIOCOUTQNSD)");
		if (unsent == 0)        /* all sent: wait for room */
			poll(&(struct pollfd){ .fd = fd, .events = POLLOUT },
			     1, 10);
	}
	if (unsent == 0)
		err_quit("the peer's receive buffer never filled");
}

/* Reads and discards until end of file (the peer's FIN). */
static void read_to_eof(int fd)
{
	char buf[BUFFSIZE];
	ssize_t n;

	for (;;) {
		await_events(fd, POLLIN, "end of file");
		n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return;
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			err_sys("read while waiting for end of file");
	}
}
/* end fill */

/* include close */
/* One end closes first, the other after reading end of file. */
static void close_one_first(struct conn *c, enum closer who)
{
	int first = who == CLIENT_FIRST ? c->client : c->server;
	int second = who == CLIENT_FIRST ? c->server : c->client;
	const char *f = who == CLIENT_FIRST ? "client" : "server";
	const char *s = who == CLIENT_FIRST ? "server" : "client";
	char step[64];

	fill_peer(first);
	Shutdown(first, SHUT_WR);
	snprintf(step, sizeof(step), "%s: shutdown(); FIN waits behind data",
		 f);
	show(c, step);

	read_to_eof(second);
	await_state(first, TCP_FIN_WAIT2, f);
	snprintf(step, sizeof(step), "%s: reads all, then end of file", s);
	show(c, step);

	fill_peer(second);
	Shutdown(second, SHUT_WR);
	snprintf(step, sizeof(step), "%s: shutdown(); FIN waits behind data",
		 s);
	show(c, step);

	read_to_eof(first);
	await_state(second, TCP_CLOSE, s);
	snprintf(step, sizeof(step), "%s: reads all, then end of file", f);
	show(c, step);
}

/* Both ends close before either has seen the other's FIN. */
static void close_both(struct conn *c)
{
	fill_peer(c->client);
	fill_peer(c->server);
	Shutdown(c->client, SHUT_WR);
	Shutdown(c->server, SHUT_WR);
	show(c, "both: shutdown(); FINs wait behind data");

	read_to_eof(c->client);
	await_state(c->server, TCP_FIN_WAIT2, "server");
	show(c, "client: reads all, then end of file");

	read_to_eof(c->server);
	await_state(c->client, TCP_CLOSE, "client");
	show(c, "server: reads all, then end of file");
}
/* end close */

/* Says which address pairs the kernel still holds in TIME_WAIT. */
static void report_timewait(const struct conn *c)
{
	long cl = timewait_ms(&c->caddr, &c->saddr);
	long sv = timewait_ms(&c->saddr, &c->caddr);

	if (cl >= 0)
		printf("TIME_WAIT: the client's end, for %ld s more\n",
		       (cl + 999) / 1000);
	if (sv >= 0)
		printf("TIME_WAIT: the server's end, for %ld s more\n",
		       (sv + 999) / 1000);
	if (cl < 0 && sv < 0)
		printf("TIME_WAIT: neither end\n");
}

static enum closer parse_closer(const char *arg)
{
	if (strcmp(arg, "client") == 0)
		return CLIENT_FIRST;
	if (strcmp(arg, "server") == 0)
		return SERVER_FIRST;
	if (strcmp(arg, "both") == 0)
		return BOTH_AT_ONCE;
	err_quit("-c takes client, server or both, not \"%s\"", arg);
}

int main(int argc, char **argv)
{
	struct conn c = { .listener = -1, .client = -1, .server = -1 };
	enum closer who = CLIENT_FIRST;
	char ctext[SOCK_NTOP_LEN], stext[SOCK_NTOP_LEN];
	int opt;

	while ((opt = getopt(argc, argv, "c:")) != -1) {
		if (opt != 'c')
			err_quit("usage: tcpstate [-c client|server|both] "
				 "[address]");
		who = parse_closer(optarg);
	}
	if (argc - optind > 1)
		err_quit("usage: tcpstate [-c client|server|both] [address]");
	parse_address(optind < argc ? argv[optind] : "127.0.0.1", &c);

	printf("%-46s %-12s %s\n", "step", "client", "server");
	open_connection(&c);
	printf("(client %s, server %s)\n",
	       Sock_ntop((struct sockaddr *)&c.caddr, c.len, ctext,
			 sizeof(ctext)),
	       Sock_ntop((struct sockaddr *)&c.saddr, c.len, stext,
			 sizeof(stext)));
	if (who == BOTH_AT_ONCE)
		close_both(&c);
	else
		close_one_first(&c, who);
	report_timewait(&c);
	Close(c.client);
	Close(c.server);
	Close(c.listener);
	return 0;
}
