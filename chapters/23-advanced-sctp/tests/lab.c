/*
 * Lab 23 public tests: the student's failcli sends 40 messages, one
 * every 80 ms, over an association with two paths; the primary path's
 * link goes silent after the fourth message and comes back once the
 * client has reported it.  The tests are the stages of that one run, in
 * order: each looks at what the run has reached (the association, its
 * settings, the cut, the failover, the return, the end), so the whole
 * suite costs one association and a few seconds.
 */
#include "lab23.h"

static struct lab L;
static int sock = -1;          /* the client's socket, borrowed */
static long cut_at;

/* The scene, started by the first test that needs it. */
static void scene(void)
{
	if (L.net != NULL)
		return;
	lab_up(&L);
	lab_client(&L, "40", "80");
}

/* The client's socket, once it has said it is connected. */
static int client_socket(void)
{
	char *line;

	scene();
	if (sock >= 0)
		return sock;
	line = hn_next_line(L.cli, "connected", 8000);
	TK_EXPECT(line != NULL, "failcli printed no \"connected to ...\" "
		  "line within 8 s (%s); it printed \"%s\"",
		  lab_client_state(&L), tk_shown(hn_stdout(L.cli)));
	free(line);
	sock = tk_socket_of(hn_pid(L.cli), SOCK_STREAM);
	TK_EXPECT(sock >= 0, "failcli holds no SCTP socket of the "
		  "one-to-one style (SOCK_STREAM)");
	return sock;
}

static struct sctp_paddrinfo path_info(int s, const char *addr)
{
	struct sctp_paddrinfo pi = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&pi.spinfo_address;
	socklen_t len = sizeof(pi);

	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)L.port);
	inet_pton(AF_INET, addr, &sin->sin_addr);
	TK_EXPECT(getsockopt(s, IPPROTO_SCTP, SCTP_GET_PEER_ADDR_INFO, &pi,
			     &len) == 0, "the association has no path to "
		  "%s (%s): give sctp_connectx() every address of the "
		  "command line (see 23.5)", addr, strerror(errno));
	return pi;
}

/* Both of the server's addresses were given to the association: both
 * paths are active at once, none waits to be confirmed. */
static void connects_to_every_address(void **state)
{
	int s = client_socket();
	struct sctp_paddrinfo pi;

	(void)state;
	path_info(s, LAB_B1);
	pi = path_info(s, LAB_B2);
	TK_EXPECT(pi.spinfo_state != SCTP_UNCONFIRMED, "the path to %s is "
		  "unconfirmed: the client connected to %s alone and "
		  "learned the other address from the server, so it cannot "
		  "use it until a heartbeat confirms it; give "
		  "sctp_connectx() both addresses (see 23.5)", LAB_B2,
		  LAB_B1);
}

/* How long, at best, from the cut to SCTP_ADDR_UNREACHABLE: pathmaxrxt
 * + 1 timeouts, each twice the last, from rto_min up to rto_max. */
static long time_to_give_up(const struct sctp_rtoinfo *r, unsigned pmr)
{
	long t = 0, rto = r->srto_min;

	for (unsigned k = 0; k <= pmr && t < 1000000; k++) {
		t += rto < (long)r->srto_max ? rto : (long)r->srto_max;
		rto *= 2;
	}
	return t;
}

/* The association gives a silent path up within 3 s and finds it again
 * within 3 s: heartbeats on, a short interval, few retransmissions and
 * a small maximum RTO. */
static void failover_is_tuned(void **state)
{
	int s = client_socket();
	struct sctp_rtoinfo r = { .srto_assoc_id = 0 };
	struct sctp_paddrparams pp = { .spp_assoc_id = 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&pp.spp_address;
	socklen_t len = sizeof(r);
	long give_up, find_again;

	(void)state;
	TK_EXPECT(getsockopt(s, IPPROTO_SCTP, SCTP_RTOINFO, &r, &len) == 0,
		  "SCTP_RTOINFO: %s", strerror(errno));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)L.port);
	inet_pton(AF_INET, LAB_B1, &sin->sin_addr);
	len = sizeof(pp);
	TK_EXPECT(getsockopt(s, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp,
			     &len) == 0, "SCTP_PEER_ADDR_PARAMS: %s",
		  strerror(errno));
	TK_EXPECT(pp.spp_flags & SPP_HB_ENABLE, "heartbeats are off on the "
		  "path to %s: without them a path that comes back is "
		  "never found again (see 23.6)", LAB_B1);
	give_up = time_to_give_up(&r, pp.spp_pathmaxrxt);
	TK_EXPECT(give_up <= 3000, "with rto_min %u ms, rto_max %u ms and "
		  "pathmaxrxt %u, a silent path is given up only after %ld "
		  "ms at best (the lab asks for 3 s; the kernel's defaults "
		  "give about a minute): set SCTP_RTOINFO and "
		  "SCTP_PEER_ADDR_PARAMS before connecting (see 23.6)",
		  r.srto_min, r.srto_max, pp.spp_pathmaxrxt, give_up);
	find_again = (long)pp.spp_hbinterval + r.srto_max;
	TK_EXPECT(find_again <= 3000, "a heartbeat goes to an inactive path "
		  "every spp_hbinterval + RTO, here %u + %u ms: a path that "
		  "came back would be found only after %ld ms (the lab asks "
		  "for 3 s; see 23.6)", pp.spp_hbinterval, r.srto_max,
		  find_again);
}

/* The association delivers SCTP_PEER_ADDR_CHANGE notifications. */
static void subscribed_to_path_changes(void **state)
{
	int s = client_socket();
	struct sctp_event ev = { .se_assoc_id = 0,
				 .se_type = SCTP_PEER_ADDR_CHANGE };
	socklen_t len = sizeof(ev);

	(void)state;
	TK_EXPECT(getsockopt(s, IPPROTO_SCTP, SCTP_EVENT, &ev, &len) == 0,
		  "SCTP_EVENT: %s", strerror(errno));
	TK_EXPECT(ev.se_on, "the association does not deliver "
		  "SCTP_PEER_ADDR_CHANGE: the client would never hear of "
		  "a path's failure; subscribe with SCTP_EVENT before "
		  "connecting (see 23.7)");
}

/* Checks a "path ADDR STATE" line against the one expected. */
static void expect_path_line(const char *line, const char *state_name,
			     const char *when)
{
	char want[96];

	snprintf(want, sizeof(want), "path %s %s", LAB_B1, state_name);
	if (line != NULL && strcmp(line, want) == 0)
		return;
	TK_EXPECT(line != NULL, "no \"path ...\" line came %s (%s; failcli "
		  "printed \"%s\"): each SCTP_PEER_ADDR_CHANGE must print "
		  "one (see 23.7)", when, lab_client_state(&L),
		  tk_shown(hn_stdout(L.cli)));
	TK_EXPECT(strncmp(line, want, strlen(LAB_B1) + 6) == 0,
		  "%s failcli printed \"%s\", not \"%s\": the address is "
		  "wrong (spc_aaddr holds a struct sockaddr_in, its address "
		  "in network byte order, for inet_ntop(): see 23.7)", when,
		  line, want);
	TK_FAIL("%s failcli printed \"%s\", not \"%s\": the state's name "
		"is wrong (see 23.7)", when, line, want);
}

/* The primary path's link goes silent: within 3 s the client prints
 * "path 192.0.2.2 SCTP_ADDR_UNREACHABLE". */
static void reports_the_cut(void **state)
{
	char *line;
	long took;

	(void)state;
	client_socket();
	TK_EXPECT(lab_wait_count(&L, 4, 5000), "the server got %d messages "
		  "of failcli in 5 s, not 4 (%s; see 23.9)", lab_count(&L),
		  lab_client_state(&L));
	cut_at = (long)tk_now_ms();
	hn_link_down(L.net, "a", "net1", HN_FAR);
	line = lab_path_line(&L, 4000);
	took = (long)tk_now_ms() - cut_at;
	expect_path_line(line, "SCTP_ADDR_UNREACHABLE",
			 "within 4 s of the cut of the primary path,");
	free(line);
	TK_EXPECT(took <= 3000, "the cut was reported after %ld ms; the lab "
		  "asks for 3 s (see 23.6)", took);
}

/* During the cut the messages go on, over net2. */
static void keeps_sending_during_the_cut(void **state)
{
	int before = lab_count(&L);

	(void)state;
	TK_EXPECT(cut_at != 0, "the cut did not happen (an earlier test "
		  "failed)");
	TK_EXPECT(lab_wait_count(&L, before + 3, 3000), "after the primary "
		  "path was reported unreachable the server got %d more "
		  "messages in 3 s (%s): an unreachable path is not the end "
		  "of the association, which goes on over the other path "
		  "(see 23.9)", lab_count(&L) - before,
		  lab_client_state(&L));
}

/* The link comes back: within 3 s "path 192.0.2.2 SCTP_ADDR_AVAILABLE". */
static void reports_the_return(void **state)
{
	char *line;
	long t0;

	(void)state;
	TK_EXPECT(cut_at != 0, "the cut did not happen (an earlier test "
		  "failed)");
	hn_link_up(L.net, "a", "net1");
	t0 = (long)tk_now_ms();
	line = lab_path_line(&L, 4000);
	expect_path_line(line, "SCTP_ADDR_AVAILABLE",
			 "within 4 s of the primary path's return,");
	free(line);
	TK_EXPECT(tk_now_ms() - t0 <= 3000, "the return was reported after "
		  "%ld ms; the lab asks for 3 s (see 23.6)",
		  (long)(tk_now_ms() - t0));
}

/* failcli ends normally; the server got msg 1 .. msg 40, each once, in
 * order. */
static void nothing_lost_nothing_twice(void **state)
{
	int i;

	(void)state;
	scene();
	TK_EXPECT(tk_exited(L.cli, 8000), "failcli had not ended 8 s after "
		  "its last message was due");
	TK_EXPECT(tk_exit_code(L.cli) == 0 &&
		  strstr(hn_stdout(L.cli), "sent 40 messages, association "
			 "shut down\n"), "failcli ended with %d: %s%s",
		  tk_exit_code(L.cli), tk_shown(hn_stdout(L.cli)),
		  tk_shown(hn_stderr(L.cli)));
	lab_wait_count(&L, 40, 1000);
	pthread_mutex_lock(&L.lock);
	for (i = 0; i < L.ngot && L.got[i] == i + 1; i++)
		;
	pthread_mutex_unlock(&L.lock);
	for (int k = 0; k < i && i < L.ngot; k++)
		TK_EXPECT(L.got[k] != L.got[i], "\"msg %d\" arrived twice: "
			  "SCTP retransmits what the cut lost by itself, on "
			  "the other path; a message the client sends again is "
			  "a duplicate (see 23.9)", L.got[i]);
	TK_EXPECT(i == 40 && L.ngot == 40, "the server got %d messages, "
		  "the first %d in order (\"msg 1\" ...), where 40 were "
		  "due (see 23.9)", L.ngot, i);
	lab_down(&L);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(connects_to_every_address),
		TK_TEST(failover_is_tuned),
		TK_TEST(subscribed_to_path_changes),
		TK_TEST(reports_the_cut),
		TK_TEST(keeps_sending_during_the_cut),
		TK_TEST(reports_the_return),
		TK_TEST(nothing_lost_nothing_twice),
	};

	hn_init();
	hn_require("sctp");
	/* the tests are stages of one run: the network stays up between
	 * them (the last one takes it down) */
	tk_test_end_hook = NULL;
	return TK_RUN("lab23", tests);
}
