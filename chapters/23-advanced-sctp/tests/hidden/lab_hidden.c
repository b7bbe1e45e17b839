/*
 * Lab 23 hidden tests (grading only): the other path fails.  The link
 * of net2, which carries no data, goes silent: only heartbeats can find
 * that out, and the client must report it and carry on as before.
 */
#include "../lab23.h"

/* A path with no data on it is given up by heartbeats alone: within
 * 6 s (a margin for a busy, emulated machine) "path 198.51.100.2
 * SCTP_ADDR_UNREACHABLE", then, once it is back, SCTP_ADDR_AVAILABLE;
 * every message arrives once. */
static void secondary_path_cut(void **state)
{
	struct lab l;
	char want[96], *line;
	int i;

	(void)state;
	lab_up(&l);
	/* 50 messages, 4 s: failcli must still run when the path comes
	 * back, even when a busy machine made the cut slow to notice */
	lab_client(&l, "50", "80");
	free(hn_next_line(l.cli, "connected", 8000));
	TK_EXPECT(lab_wait_count(&l, 3, 5000), "the server got %d messages "
		  "(%s)", lab_count(&l), lab_client_state(&l));
	hn_link_down(l.net, "a", "net2", HN_FAR);
	line = lab_path_line(&l, 6000);
	snprintf(want, sizeof(want), "path %s SCTP_ADDR_UNREACHABLE", LAB_B2);
	TK_EXPECT(line != NULL && strcmp(line, want) == 0, "after the cut "
		  "of the path that carries no data failcli printed \"%s\", "
		  "not \"%s\" (see 23.6 and 23.7)", line ? line : "nothing",
		  want);
	free(line);
	hn_link_up(l.net, "a", "net2");
	line = lab_path_line(&l, 6000);
	snprintf(want, sizeof(want), "path %s SCTP_ADDR_AVAILABLE", LAB_B2);
	TK_EXPECT(line != NULL && strcmp(line, want) == 0, "after its "
		  "return failcli printed \"%s\", not \"%s\" (see 23.6)",
		  line ? line : "nothing", want);
	free(line);
	TK_EXPECT(tk_exited(l.cli, 8000) && tk_exit_code(l.cli) == 0,
		  "failcli did not end well: %s", lab_client_state(&l));
	lab_wait_count(&l, 50, 1000);
	for (i = 0; i < l.ngot && l.got[i] == i + 1; i++)
		;
	TK_EXPECT(i == 50 && l.ngot == 50, "the server got %d messages, "
		  "the first %d in order, of 50 (see 23.9)", l.ngot, i);
	lab_down(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(secondary_path_cut),
	};

	hn_init();
	hn_require("sctp");
	return TK_RUN("lab23_hidden", tests);
}
