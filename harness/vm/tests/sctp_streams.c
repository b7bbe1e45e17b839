/*
 * sctp_streams.c - SCTP between two hosts: a one-to-many server on host
 * "b" and clients on host "a" exchange messages on two streams.
 *
 * The kernel the tests usually run on has no SCTP, so hn_require("sctp")
 * runs this whole suite again inside the harness's VM (harness/vm/),
 * whose Debian kernel has it, and relays the results: the test runner
 * sees an ordinary cmocka suite.
 *
 * Every socket is made in a host with hn_enter() and driven from this
 * one thread; each wait is a poll() with a deadline.
 */
#include "harness.h"
#include "testkit.h"
#include "lnp.h"

#include <netinet/sctp.h>

#define PORT 9877              /* the server's port in host b */
#define STREAMS 2              /* streams asked for in each direction */
#define WAIT_MS 10000          /* for one message (a busy, emulated VM) */
#define MSGLEN 256

/* ---- sockets -------------------------------------------------------- */

/* An SCTP one-to-many socket made in HOST, asking for STREAMS streams
 * each way; with EVENTS, association changes arrive as notifications. */
static int sctp_socket_in(hn_net *net, const char *host, bool events)
{
	struct sctp_initmsg init = { .sinit_num_ostreams = STREAMS,
				     .sinit_max_instreams = STREAMS };
	struct sctp_event_subscribe ev = { .sctp_data_io_event = 1 };
	int fd;

	ev.sctp_association_event = events;
	hn_enter(net, host);
	fd = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	hn_leave(net);
	TK_EXPECT(fd >= 0, "no SCTP socket in host %s: %s", host,
		  strerror(errno));
	TK_EXPECT(setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &init,
			     sizeof(init)) == 0 &&
		  setsockopt(fd, IPPROTO_SCTP, SCTP_EVENTS, &ev,
			     sizeof(ev)) == 0,
		  "setting SCTP_INITMSG and SCTP_EVENTS failed: %s",
		  strerror(errno));
	return fd;
}

/* The one-to-many server: one socket, bound and listening, for every
 * client's association. */
static int server_in(hn_net *net, const char *host, bool events)
{
	struct sockaddr_in any = { .sin_family = AF_INET,
				   .sin_port = htons(PORT) };
	int fd = sctp_socket_in(net, host, events);

	TK_EXPECT(bind(fd, (struct sockaddr *)&any, sizeof(any)) == 0 &&
		  listen(fd, LISTENQ) == 0,
		  "the server could not listen on SCTP port %d: %s", PORT,
		  strerror(errno));
	return fd;
}

/* Host b's server address, as host a reaches it. */
static struct sockaddr_storage server_addr(hn_net *net, socklen_t *len)
{
	struct sockaddr_storage ss;

	hn_sockaddr(net, "b", AF_INET, PORT, &ss, len);
	return ss;
}

/* ---- messages ------------------------------------------------------- */

/* One message received: its text, stream, association and sender. */
struct msg {
	char text[MSGLEN];
	struct sctp_sndrcvinfo info;
	struct sockaddr_in from;
	int flags;
};

/* Receives the next message or notification within WAIT_MS. */
static void recv_msg(int fd, struct msg *m, const char *who)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	socklen_t fromlen = sizeof(m->from);
	int n;

	memset(m, 0, sizeof(*m));
	TK_EXPECT(poll(&pfd, 1, WAIT_MS) == 1,
		  "%s received nothing within %d ms", who, WAIT_MS);
	n = sctp_recvmsg(fd, m->text, sizeof(m->text) - 1,
			 (struct sockaddr *)&m->from, &fromlen, &m->info,
			 &m->flags);
	TK_EXPECT(n >= 0, "%s: sctp_recvmsg failed: %s", who,
		  strerror(errno));
	m->text[n] = '\0';
}

/* Receives the next data message, skipping notifications. */
static void recv_data(int fd, struct msg *m, const char *who)
{
	int notes = 0;

	do {
		recv_msg(fd, m, who);
	} while ((m->flags & MSG_NOTIFICATION) != 0 && ++notes < 8);
	TK_EXPECT((m->flags & MSG_NOTIFICATION) == 0,
		  "%s got only notifications, no data", who);
}

/* The client sends TEXT to the server on STREAM. */
static void send_on(hn_net *net, int fd, int stream, const char *text)
{
	socklen_t len;
	struct sockaddr_storage to = server_addr(net, &len);

	TK_EXPECT(sctp_sendmsg(fd, text, strlen(text), (struct sockaddr *)&to,
			       len, 0, 0, (uint16_t)stream, 0, 0) >= 0,
		  "sending \"%s\" on stream %d failed: %s", text, stream,
		  strerror(errno));
}

/* The server answers M on the stream and association it came on. */
static void echo_back(int srv, const struct msg *m)
{
	TK_EXPECT(sctp_send(srv, m->text, strlen(m->text), &m->info, 0) >= 0,
		  "the server could not answer on stream %d: %s",
		  m->info.sinfo_stream, strerror(errno));
}

/* ---- tests ---------------------------------------------------------- */

/* What the client sends in messages_keep_their_stream: message i goes
 * on stream i % 2, so each stream carries a "first" and a "second". */
static const char *const four[4] = {
	"stream 0: first", "stream 1: first",
	"stream 0: second", "stream 1: second",
};

/* Checks that M is the next message its stream should carry; next[]
 * counts what each stream has delivered. */
static void expect_next_on_stream(const struct msg *m, int next[STREAMS])
{
	int s = m->info.sinfo_stream;
	const char *want;

	TK_EXPECT((m->flags & MSG_EOR) != 0,
		  "the server got part of a message: \"%s\"", m->text);
	TK_EXPECT(s < STREAMS && next[s] < 2, "the server got \"%s\" on "
		  "stream %d, which should carry nothing more", m->text, s);
	want = four[2 * next[s] + s];
	TK_EXPECT(strcmp(m->text, want) == 0, "the server got \"%s\" on "
		  "stream %d; that stream's next message is \"%s\"",
		  m->text, s, want);
	next[s]++;
}

/* Four messages, two on each stream: each arrives whole, on the stream it
 * was sent on, and each stream keeps its own order; the answers come
 * back on the same streams. */
static void messages_keep_their_stream(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "b", "a");  /* back to build/captures */
	int srv = server_in(net, "b", false);
	int cli = sctp_socket_in(net, "a", false);
	int next[STREAMS] = { 0, 0 }, i;
	struct msg m;

	(void)state;
	(void)cap;
	for (i = 0; i < 4; i++)
		send_on(net, cli, i % 2, four[i]);
	for (i = 0; i < 4; i++) {
		recv_data(srv, &m, "the server");
		expect_next_on_stream(&m, next);
		echo_back(srv, &m);
	}
	for (i = 0; i < 4; i++) {
		recv_data(cli, &m, "the client");
		/* "stream N: ..." must come back on stream N */
		TK_EXPECT(m.info.sinfo_stream == m.text[7] - '0',
			  "the answer \"%s\" came back on stream %d",
			  m.text, m.info.sinfo_stream);
	}
	close(cli);
	close(srv);
	hn_down(net);
}

/* The server's peer is host a's address: the messages crossed the link
 * between the two hosts' network namespaces. */
static void server_sees_the_client_host(void **state)
{
	hn_net *net = hn_two_hosts();
	int srv = server_in(net, "b", false);
	int cli = sctp_socket_in(net, "a", false);
	char from[INET_ADDRSTRLEN];
	struct msg m;

	(void)state;
	send_on(net, cli, 1, "hello from a");
	recv_data(srv, &m, "the server");
	inet_ntop(AF_INET, &m.from.sin_addr, from, sizeof(from));
	TK_EXPECT(strcmp(from, hn_addr(net, "a", AF_INET)) == 0,
		  "the server got \"%s\" from %s, not from host a (%s)",
		  m.text, from, hn_addr(net, "a", AF_INET));
	close(cli);
	close(srv);
	hn_down(net);
}

/* With association events on, the server first hears that an
 * association came up, with the streams both ends agreed on. */
static void association_comes_up_with_two_streams(void **state)
{
	hn_net *net = hn_two_hosts();
	int srv = server_in(net, "b", true);
	int cli = sctp_socket_in(net, "a", false);
	const struct sctp_assoc_change *sac;
	struct msg note, m;

	(void)state;
	send_on(net, cli, 0, "hello");
	recv_msg(srv, &note, "the server");
	sac = (const struct sctp_assoc_change *)note.text;
	TK_EXPECT((note.flags & MSG_NOTIFICATION) != 0 &&
		  sac->sac_type == SCTP_ASSOC_CHANGE &&
		  sac->sac_state == SCTP_COMM_UP,
		  "the server's first read was not the association coming "
		  "up (flags %#x)", note.flags);
	TK_EXPECT(sac->sac_outbound_streams == STREAMS &&
		  sac->sac_inbound_streams == STREAMS,
		  "the association has %d streams out and %d in, not %d "
		  "each", sac->sac_outbound_streams,
		  sac->sac_inbound_streams, STREAMS);
	recv_data(srv, &m, "the server");
	TK_EXPECT(strcmp(m.text, "hello") == 0 &&
		  m.info.sinfo_assoc_id == sac->sac_assoc_id,
		  "the data after the notification was \"%s\" on "
		  "association %d, not \"hello\" on %d", m.text,
		  (int)m.info.sinfo_assoc_id, (int)sac->sac_assoc_id);
	close(cli);
	close(srv);
	hn_down(net);
}

/* One server socket, two clients: each client's messages come with its
 * own association id, and each gets only its own answer. */
static void one_socket_serves_two_associations(void **state)
{
	hn_net *net = hn_two_hosts();
	int srv = server_in(net, "b", false);
	int cli[2] = { sctp_socket_in(net, "a", false),
		       sctp_socket_in(net, "a", false) };
	sctp_assoc_t seen[2];
	struct msg m;
	int i;

	(void)state;
	send_on(net, cli[0], 0, "client 0");
	send_on(net, cli[1], 1, "client 1");
	for (i = 0; i < 2; i++) {
		recv_data(srv, &m, "the server");
		seen[i] = m.info.sinfo_assoc_id;
		echo_back(srv, &m);
	}
	TK_EXPECT(seen[0] != seen[1], "both clients' messages came on "
		  "association %d", (int)seen[0]);
	for (i = 0; i < 2; i++) {
		char want[16];

		snprintf(want, sizeof(want), "client %d", i);
		recv_data(cli[i], &m, want);
		TK_EXPECT(strcmp(m.text, want) == 0 &&
			  m.info.sinfo_stream == i,
			  "%s got \"%s\" on stream %d", want, m.text,
			  m.info.sinfo_stream);
	}
	close(cli[0]);
	close(cli[1]);
	close(srv);
	hn_down(net);
}

/* Bad input: a stream beyond the two agreed on is refused with EINVAL,
 * and the association carries on as before. */
static void stream_beyond_the_agreed_count_is_refused(void **state)
{
	hn_net *net = hn_two_hosts();
	int srv = server_in(net, "b", false);
	int cli = sctp_socket_in(net, "a", false);
	struct sockaddr_storage to;
	socklen_t len;
	struct msg m;
	int rc;

	(void)state;
	send_on(net, cli, 0, "before");
	recv_data(srv, &m, "the server");
	to = server_addr(net, &len);
	rc = sctp_sendmsg(cli, "too far", 7, (struct sockaddr *)&to, len, 0,
			  0, STREAMS + 3, 0, 0);
	TK_EXPECT(rc < 0 && errno == EINVAL, "sending on stream %d of %d "
		  "returned %d (%s), not EINVAL", STREAMS + 3, STREAMS, rc,
		  rc < 0 ? strerror(errno) : "no error");
	send_on(net, cli, 1, "after");
	recv_data(srv, &m, "the server");
	TK_EXPECT(strcmp(m.text, "after") == 0 && m.info.sinfo_stream == 1,
		  "after the refused send the server got \"%s\" on stream "
		  "%d", m.text, m.info.sinfo_stream);
	close(cli);
	close(srv);
	hn_down(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(messages_keep_their_stream),
		TK_TEST(server_sees_the_client_host),
		TK_TEST(association_comes_up_with_two_streams),
		TK_TEST(one_socket_serves_two_associations),
		TK_TEST(stream_beyond_the_agreed_count_is_refused),
	};

	hn_init();
	hn_require("sctp");        /* no SCTP here: the VM runs the rest */
	return TK_RUN("sctp_streams", tests);
}
