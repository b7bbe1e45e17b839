/*
 * Lab 9 hidden tests: a peeled-off association's end is reported from
 * its own socket; several associations and streams interleaved.
 */
#include "../lab09.h"

/* After a peel-off the association's notifications come on the new
 * socket: its graceful end must still be reported. */
static void peeled_association_reports_its_end(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *srv = lab_server(net, NULL);
	int fd = lab_client(net, NULL), id = lab_comm_up(srv);
	char buf[16], want[48], *line;
	struct sctp_msginfo info;
	int flags;

	(void)state;
	lab_send(fd, "peel", 4, 0, 0);
	TK_EXPECT(lab_recv(fd, buf, sizeof(buf), &info, &flags) == 6,
		  "no \"peeled\" after \"peel\" (see 9.7)");
	close(fd);
	snprintf(want, sizeof(want), "assoc %d SCTP_SHUTDOWN_COMP", id);
	line = lab_line(srv, "SCTP_SHUTDOWN_COMP", "a peeled association "
			"ended (see 9.7: the peeled socket keeps the "
			"subscriptions; read its notifications too)");
	TK_EXPECT(strcmp(line, want) == 0, "printed \"%s\", not \"%s\"",
		  line, want);
	free(line);
	hn_down(net);
}

/* Three associations, each sending on three streams in turn: every
 * answer comes to its sender on its stream. */
static void many_associations_many_streams(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *srv = lab_server(net, NULL);
	int fd[3];

	(void)state;
	for (int i = 0; i < 3; i++) {
		fd[i] = lab_client(net, NULL);
		lab_comm_up(srv);
	}
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 3; i++) {
			char text[48];

			snprintf(text, sizeof(text), "client %d round %d", i,
				 round);
			lab_expect_echo(fd[i], text, (i + round) % 10,
					(uint32_t)(100 * i + round), text);
		}
	hn_down(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(peeled_association_reports_its_end),
		TK_TEST(many_associations_many_streams),
	};

	hn_init();
	hn_require("sctp");
	hn_give_up_when_idle(LAB_IDLE_MS);
	return TK_RUN("lab09_hidden", tests);
}
