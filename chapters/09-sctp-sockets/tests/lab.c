/*
 * Lab 9 public tests: the student's assocsrv in host b, one-to-one
 * clients the test makes in host a.  The kernel here may have no SCTP:
 * hn_require("sctp") runs the whole suite in the harness's VM, one boot.
 * Nothing is tuned: SCTP's buffers and timers are the kernel's own.
 */
#include "lab09.h"

/* An association coming up is reported with its streams, and the
 * notification is not taken for a message. */
static void association_up_is_reported(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *srv = lab_server(net, NULL);
	int fd = lab_client(net, NULL), id;

	(void)state;
	lab_send(fd, "hi", 2, 0, 0);    /* its line must come second */
	id = lab_comm_up(srv);
	TK_EXPECT(strstr(hn_stdout(srv), "SCTP_COMM_UP out 10 in 10\n"),
		  "the association has 10 streams each way, which the line "
		  "must say: \"assoc %d SCTP_COMM_UP out 10 in 10\"; it "
		  "printed:\n%s (see 9.9)", id, tk_shown(hn_stdout(srv)));
	hn_down(net);
}

/* Each message comes back on its stream with its payload protocol
 * identifier, and the server says what came. */
static void echo_keeps_stream_and_ppid(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *srv = lab_server(net, NULL);
	int fd = lab_client(net, NULL), id = lab_comm_up(srv);
	char want[64], *line;

	(void)state;
	lab_expect_echo(fd, "hello", 5, 1234, "the client");
	snprintf(want, sizeof(want), "assoc %d stream 5 ppid 1234 bytes 5",
		 id);
	line = lab_line(srv, "bytes", "a message came (see 9.6)");
	TK_EXPECT(strcmp(line, want) == 0, "for \"hello\" on stream 5 with "
		  "PPID 1234 assocsrv printed \"%s\", not \"%s\" (see 9.6)",
		  line, want);
	free(line);
	lab_expect_echo(fd, "stream nine", 9, 0x01020304, "the client");
	hn_down(net);
}

/* A graceful close: SCTP_SHUTDOWN_EVENT, then SCTP_SHUTDOWN_COMP. */
static void graceful_end_is_reported(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *srv = lab_server(net, NULL);
	int fd = lab_client(net, NULL), id = lab_comm_up(srv);
	char *line;

	(void)state;
	lab_expect_echo(fd, "bye", 0, 0, "the client");
	free(lab_line(srv, "bytes 3", "a message came (see 9.6)"));
	close(fd);
	line = lab_line(srv, "assoc ", "the client closed (see 9.9)");
	TK_EXPECT(strstr(line, " SCTP_SHUTDOWN_EVENT") != NULL,
		  "when the client closed, assocsrv's first line was \"%s\", "
		  "not \"assoc %d SCTP_SHUTDOWN_EVENT\" (see 9.9: subscribe "
		  "to SCTP_SHUTDOWN_EVENT)", line, id);
	TK_EXPECT(lab_assoc_of(line) == id, "\"%s\" names the wrong "
		  "association: %d came up (see 9.9)", line, id);
	free(line);
	line = lab_line(srv, "assoc", "the shutdown completed (see 9.9: "
			"SCTP_ASSOC_CHANGE, state SCTP_SHUTDOWN_COMP)");
	TK_EXPECT(strstr(line, " SCTP_SHUTDOWN_COMP") != NULL &&
		  lab_assoc_of(line) == id, "after the shutdown assocsrv "
		  "printed \"%s\", not \"assoc %d SCTP_SHUTDOWN_COMP\" "
		  "(see 9.9)", line, id);
	free(line);
	hn_down(net);
}

/* An ABORT (a close with a zero linger): SCTP_COMM_LOST. */
static void abort_is_reported(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *srv = lab_server(net, NULL);
	int fd = lab_client(net, NULL), id = lab_comm_up(srv);
	struct linger lin = { .l_onoff = 1, .l_linger = 0 };
	char *line;

	(void)state;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
	close(fd);
	line = lab_line(srv, "assoc", "the client aborted (see 9.8)");
	TK_EXPECT(strstr(line, " SCTP_COMM_LOST") != NULL &&
		  lab_assoc_of(line) == id, "after an ABORT assocsrv printed "
		  "\"%s\", not \"assoc %d SCTP_COMM_LOST\" (see 9.9)", line,
		  id);
	free(line);
	hn_down(net);
}

/* A message larger than the receive buffer comes in parts; it must go
 * back whole, as one message. */
static void large_message_comes_back_whole(void **state)
{
	enum { BIG = 150000 };
	hn_net *net = hn_two_hosts();
	hn_proc *srv = lab_server(net, NULL);
	int fd = lab_client(net, NULL), flags = 0;
	char *out = malloc(BIG), *in = malloc(BIG + 1);
	struct sctp_msginfo info;
	ssize_t n;

	(void)state;
	lab_comm_up(srv);
	for (int i = 0; i < BIG; i++)
		out[i] = (char)('a' + i % 26);
	lab_send(fd, out, BIG, 1, 7);
	/* more than a receive window: the rest can wait for the
	 * retransmission timer (a second or more) with nothing to do */
	hn_give_up_when_idle(0);
	n = lab_recv(fd, in, BIG + 1, &info, &flags);
	hn_give_up_when_idle(LAB_IDLE_MS);
	TK_EXPECT(n == BIG && (flags & MSG_EOR) && memcmp(in, out, BIG) == 0,
		  "a %d-byte message came back as a message of %zd bytes%s; "
		  "SCTP hands a large message over in parts, and only the "
		  "last has MSG_EOR (see 9.6)", BIG, n,
		  n > 0 && n < BIG ? " (its first part)" : "");
	free(out);
	free(in);
	hn_down(net);
}

/* "peel" moves the asking association to a socket of its own; the other
 * associations and new ones are still served by the one-to-many
 * socket. */
static void peel_off_on_request(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *srv = lab_server(net, NULL);
	int c1 = lab_client(net, NULL), id1 = lab_comm_up(srv);
	int c2 = lab_client(net, NULL), id2 = lab_comm_up(srv), c3;
	struct sctp_msginfo info;
	char buf[64], want[32], *line;
	int flags;
	ssize_t n;

	(void)state;
	(void)id2;
	lab_send(c1, "peel", 4, 2, 0);
	/* whichever client hears first: a wrong peel answers the other */
	{
		struct pollfd both[2] = { { .fd = c1, .events = POLLIN },
					  { .fd = c2, .events = POLLIN } };

		TK_EXPECT(tk_poll(both, 2, LAB_WAIT_MS) > 0, "the client "
			  "that asked \"peel\" got no answer within %d ms%s "
			  "(see 9.7)", LAB_WAIT_MS, hn_idle_note());
	}
	if (tk_readable(c2, 0)) {
		n = sctp_recv_whole(c2, buf, sizeof(buf) - 1, NULL, NULL,
				    &info, &flags);
		TK_EXPECT(n != 0, "client 1 asked \"peel\" and client 2's "
			  "association ended: the one-to-many socket must "
			  "stay open, serving the others (see 9.7)");
		TK_FAIL("client 1 asked \"peel\" and client 2 got an answer: "
			"the wrong association was peeled off (see 9.7: the "
			"one the message came on, sinfo_assoc_id)");
	}
	n = sctp_recv_whole(c1, buf, sizeof(buf) - 1, NULL, NULL, &info,
			    &flags);
	TK_EXPECT(n == 6 && memcmp(buf, "peeled", 6) == 0 && info.stream == 2,
		  "after \"peel\" the client got %zd bytes on stream %u, not "
		  "\"peeled\" on stream 2 (see 9.7)", n, info.stream);
	snprintf(want, sizeof(want), "assoc %d peeled", id1);
	line = lab_line(srv, "peeled", "a peel-off (see 9.7)");
	TK_EXPECT(strcmp(line, want) == 0, "assocsrv printed \"%s\", not "
		  "\"%s\" (see 9.7)", line, want);
	free(line);
	lab_expect_echo_see(c1, "on my own socket", 3, 33,
			    "the peeled client", "9.7: serve the peeled "
			    "socket too");
	lab_expect_echo(c2, "still shared", 4, 44, "the other client");
	c3 = lab_try_client(net, NULL);
	TK_EXPECT(c3 >= 0, "after a peel-off a new client could not "
		  "associate (%s): the one-to-many socket must stay open and "
		  "listening (see 9.7)", strerror(errno));
	lab_expect_echo(c3, "newcomer", 1, 1, "a new client");
	hn_down(net);
}

/* With addresses given, the server binds exactly those (sctp_bindx):
 * a client reaching one learns both from the INIT ACK. */
static void bound_to_the_addresses_given(void **state)
{
	static const char *const two[] = { "192.0.2.2", "198.51.100.2",
					   NULL };
	hn_net *net = hn_up("host a b\n"
			    "link a b 192.0.2.0/24\n"
			    "link a b 198.51.100.0/24\n");
	hn_proc *srv = lab_server(net, two);
	int fd = lab_client(net, "192.0.2.2");
	struct sockaddr *addrs;
	int n = sctp_getpaddrs(fd, 0, &addrs);

	(void)state;
	lab_comm_up(srv);
	TK_EXPECT(n == 2, "assocsrv was given 192.0.2.2 and 198.51.100.2; "
		  "its association has %d address%s, not 2 (see 9.3: "
		  "sctp_bindx with SCTP_BINDX_ADD_ADDR)", n,
		  n == 1 ? "" : "es");
	sctp_freepaddrs(addrs);
	lab_expect_echo(fd, "two addresses", 0, 0, "the client");
	hn_down(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(association_up_is_reported),
		TK_TEST(echo_keeps_stream_and_ppid),
		TK_TEST(graceful_end_is_reported),
		TK_TEST(abort_is_reported),
		TK_TEST(large_message_comes_back_whole),
		TK_TEST(peel_off_on_request),
		TK_TEST(bound_to_the_addresses_given),
	};

	hn_init();
	hn_require("sctp");        /* no SCTP here: the VM runs the rest */
	hn_give_up_when_idle(LAB_IDLE_MS);
	return TK_RUN("lab09", tests);
}
