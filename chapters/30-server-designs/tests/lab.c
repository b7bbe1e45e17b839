/*
 * Lab 30's public tests: labserv in every design the student wrote
 * (fork, prefork, thread, epoll: a test of a design not written passes,
 * and at least one must be written).  The design's own mistakes first
 * (a child per client, children made in advance, a thread per client),
 * then what every design must do: requests in pieces, clients that
 * leave early, replies larger than a socket takes, fifty clients at
 * once, a slow client that must not hold up the others, SIGTERM; and
 * the chapter's load client, whose requests per second make
 * bench-lab30 prints.
 */
#include "lab30.h"

#define FOR_EACH_DESIGN(d, p, n, race) \
	for (size_t i_ = 0; i_ < NLAB; i_++) \
		if (((d) = lab_designs[i_]), \
		    ((p) = lab_start((d), (n), (race))) != NULL && ++ran)

static void a_design_is_written(void **state)
{
	int written = 0;

	(void)state;
	for (size_t i = 0; i < NLAB; i++)
		if (lab_start(lab_designs[i], 4, false) != NULL)
			written++;
	TK_EXPECT(written > 0, "labserv says every design is \"not written"
		  " yet\": write serve() and one design (section 30.1)");
}

/* ---- a child per client ---------------------------------------------- */

static void fork_parent_closes_its_copy(void **state)
{
	hn_proc *p = lab_start("fork", 4, false);
	struct ch30_reply r;
	const char *why;

	(void)state;
	if (p == NULL)
		return;         /* not the design you chose */
	TK_EXPECT(lab_one(lab_port, 100, 1500, &r, &why),
		  r.got == 100 && !r.eof ? "the reply came but the connection"
		  " did not end: the parent still holds its copy of the "
		  "connected socket (section 30.4)" :
		  "one client got %s (section 30.4)", why);
}

static void fork_leaves_no_zombies(void **state)
{
	hn_proc *p = lab_start("fork", 4, false);
	struct ch30_reply r;
	const char *why;
	struct tk_still w;
	long long end;

	(void)state;
	if (p == NULL)
		return;         /* not the design you chose */
	for (int i = 0; i < 5; i++)
		TK_EXPECT(lab_one(lab_port, 100, 2000, &r, &why), "client "
			  "%d of 5 got %s (section 30.4)", i + 1, why);
	end = tk_now_ms() + 2000;
	tk_still_start(&w);
	while (hn_zombies(p) > 0 && tk_now_ms() < end &&
	       !ch30_server_still(&w))
		tk_tick();
	TK_EXPECT(hn_zombies(p) == 0, "after 5 clients, %d children are "
		  "still zombies while the parent waits: it does not reap "
		  "them (section 30.4)", hn_zombies(p));
}

static void fork_survives_its_children_ending(void **state)
{
	hn_proc *p = lab_start("fork", 4, false);
	struct ch30_reply r;
	const char *why;
	struct tk_still w;

	(void)state;
	if (p == NULL)
		return;         /* not the design you chose */
	for (int i = 0; i < 5; i++) {
		long long end = tk_now_ms() + 2000;

		TK_EXPECT(lab_one(lab_port, 100, 2000, &r, &why), "client "
			  "%d of 5 got %s; the server is %s (a SIGCHLD "
			  "interrupts accept(): EINTR is not an error; "
			  "section 30.4)", i + 1, why, lab_how_ended(p));
		tk_still_start(&w);
		while (lab_nkids(hn_pid(p)) > hn_zombies(p) &&
		       tk_now_ms() < end && !ch30_server_still(&w))
			tk_tick();              /* that child has ended */
	}
}

/* ---- children made in advance ---------------------------------------- */

static void prefork_makes_n_children(void **state)
{
	hn_proc *p = lab_start("prefork", 5, false);
	pid_t a[64], b[64];
	int na, nb;
	struct ch30_reply r;
	const char *why;

	(void)state;
	if (p == NULL)
		return;         /* not the design you chose */
	na = tk_children(hn_pid(p), a, 64);
	TK_EXPECT(na == 5, "labserv -d prefork -n 5 made %d children "
		  "(section 30.5)", na);
	for (int i = 0; i < 20; i++)
		TK_EXPECT(lab_one(lab_port, 100, 2000, &r, &why), "client "
			  "%d of 20 got %s (section 30.5)", i + 1, why);
	nb = tk_children(hn_pid(p), b, 64);
	TK_EXPECT(nb == 5 && memcmp(a, b, sizeof(pid_t) * 5) == 0, "after "
		  "20 clients the server has %d children%s: each child must "
		  "serve client after client (section 30.5)", nb, nb == 5 ?
		  ", not the same ones" : "");
}

static void prefork_children_take_turns(void **state)
{
	hn_proc *p = lab_start("prefork", 6, false);
	pid_t kids[64];
	int n, k = 10;
	long before = 0, after = 0;
	struct ch30_reply r;
	const char *why;

	(void)state;
	if (p == NULL)
		return;         /* not the design you chose */
	n = tk_children(hn_pid(p), kids, 64);
	TK_EXPECT(lab_all_asleep(kids, n, 2000), "the children never all "
		  "waited at once (section 30.5)");
	for (int i = 0; i < n; i++)
		before += lab_sleeps(kids[i]);
	for (int j = 0; j < k; j++) {
		TK_EXPECT(lab_one(lab_port, 100, 2000, &r, &why), "client "
			  "%d got %s (section 30.6)", j + 1, why);
		TK_EXPECT(lab_all_asleep(kids, n, 2000), "the children did "
			  "not all wait again (section 30.6)");
	}
	for (int i = 0; i < n; i++)
		after += lab_sleeps(kids[i]);
	TK_EXPECT((double)(after - before) / k < 3.5, "%.1f of the %d "
		  "children woke for every connection (expected at most "
		  "3): they all wait in poll() at once; take the lock "
		  "around the wait and accept() (section 30.6)",
		  (double)(after - before) / k, n);
}

static void prefork_lock_not_held_while_serving(void **state)
{
	hn_proc *p = lab_start("prefork", 4, false);
	struct ch30_reply r;
	const char *why;
	int slow;

	(void)state;
	if (p == NULL)
		return;         /* not the design you chose */
	slow = tk_connect_here(TK_LOOPBACK, lab_port);
	TK_EXPECT(write(slow, "GET /10 HT", 10) == 10, "write failed");
	TK_EXPECT(lab_one(lab_port, 100, 1500, &r, &why), "while one "
		  "client sent half a request and stopped, another got %s:"
		  " is the lock held while a child serves? (section 30.6)",
		  why);
	close(slow);
}

/* ---- a thread per client --------------------------------------------- */

static void thread_serves_its_own_connection(void **state)
{
	hn_proc *p = lab_start("thread", 4, true);
	char why[256];

	(void)state;
	if (p == NULL)
		return;         /* not the design you chose */
	TK_EXPECT(ch30_many(lab_port, 10, 100, 3000, why, sizeof(why)) ==
		  10, "10 clients at once, each new thread slowed down until "
		  "the main thread accepted again: %s; does a thread read "
		  "its connection from a variable the main thread reuses? "
		  "(section 30.8)", why);
}

/* ---- every design ---------------------------------------------------- */

static void request_in_pieces(void **state)
{
	const char *d;
	hn_proc *p;
	struct ch30_reply r;
	int ran = 0;

	(void)state;
	FOR_EACH_DESIGN(d, p, 4, false) {
		int fd = tk_connect_here(TK_LOOPBACK, lab_port);
		bool sent = ch30_send_piece(fd, "GET /300 HT", 2000)
			    && ch30_send_piece(fd,
					       "TP/1.1\r\nHost: x\r\n", 2000)
			    && ch30_send_piece(fd, "\r\n", 2000);

		TK_EXPECT(sent && ch30_get_reply(&r, fd, 300, 2000), "%s: a "
			  "request sent in three pieces, each read by the "
			  "server before the next was sent, got %s: read "
			  "until web_feed() says it is whole (section 30.2%s)",
			  d, sent ? ch30_reply_said(&r) : "no reply: the "
			  "server stopped reading before the request was "
			  "whole",
			  strcmp(d, "epoll") == 0 ? "; with epoll, EAGAIN "
			  "means wait for the rest: section 30.11" : "");
		close(fd);
	}
	lab_some_design(ran);
}

static void client_that_leaves_early(void **state)
{
	const char *d, *why;
	hn_proc *p;
	struct ch30_reply r;
	int ran = 0;

	(void)state;
	FOR_EACH_DESIGN(d, p, 4, false) {
		pid_t kids[64];
		int n = tk_children(hn_pid(p), kids, 64);

		for (int i = 0; i < 3; i++) {
			lab_leave_early(lab_port, 1 << 20);
			TK_EXPECT(lab_no_conns(hn_pid(p), 3000), "%s: the "
				  "server still holds the connection of a "
				  "client that left", d);
		}
		TK_EXPECT(hn_exit_status(p) == -1, "%s: after a client "
			  "left before its reply, the server was %s: ignore"
			  " SIGPIPE (section 30.2)", d, lab_how_ended(p));
		TK_EXPECT(lab_nkids(hn_pid(p)) >= n ||
			  strcmp(d, "fork") == 0, "%s: after 3 clients left "
			  "before their replies, %d of %d children are left:"
			  " SIGPIPE killed them; ignore it (section 30.2)", d,
			  lab_nkids(hn_pid(p)), n);
		TK_EXPECT(lab_one(lab_port, 100, 2000, &r, &why), "%s: after "
			  "clients that left early, a client got %s (section "
			  "30.2)", d, why);
	}
	lab_some_design(ran);
}

static void epoll_reply_larger_than_a_socket_takes(void **state)
{
	hn_proc *p = lab_start("epoll", 4, false);
	long big = 2 * ch30_wmem_max();
	struct ch30_reply r;
	int fd;

	(void)state;
	if (p == NULL)
		return;         /* not the design you chose */
	tk_before_connect = lab_small_rcvbuf;
	fd = tk_connect_here(TK_LOOPBACK, lab_port);
	tk_before_connect = NULL;
	ch30_send_request(fd, big);
	TK_EXPECT(ch30_get_reply(&r, fd, big, 8000), "a reply of %ld bytes "
		  "(twice the largest send buffer) got %s: write() on a "
		  "non-blocking socket takes what fits; keep the rest and "
		  "wait for EPOLLOUT (section 30.11)", big,
		  ch30_reply_said(&r));
	close(fd);
}

static void fifty_clients_at_once(void **state)
{
	const char *d;
	hn_proc *p;
	char why[256];
	int ran = 0;

	(void)state;
	FOR_EACH_DESIGN(d, p, 4, false)
		TK_EXPECT(ch30_many(lab_port, 50, 1000, 5000, why,
				    sizeof(why)) == 50, "%s: of 50 clients "
			  "at once, %s (section 30.1)", d, why);
	lab_some_design(ran);
}

static void slow_client_holds_up_nobody(void **state)
{
	const char *d, *why;
	hn_proc *p;
	struct ch30_reply r;
	int ran = 0;

	(void)state;
	FOR_EACH_DESIGN(d, p, 4, false) {
		int slow = tk_connect_here(TK_LOOPBACK, lab_port);

		TK_EXPECT(write(slow, "GET /10 HT", 10) == 10, "write");
		TK_EXPECT(lab_one(lab_port, 100, 1500, &r, &why), "%s: while"
			  " one client sent half a request and stopped, "
			  "another got %s (section 30.1)", d, why);
		close(slow);
	}
	lab_some_design(ran);
}

static void ends_on_sigterm(void **state)
{
	const char *d;
	hn_proc *p;
	int ran = 0;

	(void)state;
	FOR_EACH_DESIGN(d, p, 4, false) {
		pid_t kids[64];
		int n = tk_children(hn_pid(p), kids, 64);
		bool still;

		hn_signal(p, SIGTERM);
		TK_EXPECT(tk_exit_unless_still(p, NULL, NULL, 0, 2000,
					       CH30_STILL_MS, &still) != -1,
			  "%s: the server did not end after SIGTERM (section "
			  "30.1)", d);
		for (int i = 0; i < n; i++)
			TK_EXPECT(lab_ends(kids[i], 2000), "%s: a child "
				  "outlived the server's SIGTERM (section "
				  "30.1)", d);
	}
	lab_some_design(ran);
}

static void benchmarked_by_loadcli(void **state)
{
	const char *d;
	hn_proc *p;
	int ran = 0;

	(void)state;
	FOR_EACH_DESIGN(d, p, 4, false) {
		char port[16];
		hn_proc *l;
		const char *s;
		double rps = 0;
		pid_t server = hn_pid(p);
		bool still;

		snprintf(port, sizeof(port), "%d", lab_port);
		l = tk_run("30-server-designs", "loadcli", "-c", "4", "-r",
			   "50", "127.0.0.1", port, NULL);
		TK_EXPECT(tk_exit_unless_still(l, NULL, &server, 1, 8000,
					       CH30_STILL_MS, &still) != -1
			  && tk_exit_code(l) == 0, "%s: loadcli -c 4 -r 50 "
			  "%s %s (section 30.13)", d, still ? "waited for "
			  "a server that sat idle; it had said" : "said",
			  tk_shown(hn_stdout(l)));
		if ((s = strstr(hn_stdout(l), " s: ")) != NULL)
			sscanf(s, " s: %lf", &rps);
		if (getenv("TK_BENCH") != NULL)
			printf("BENCH lab30.student.%s.rps %.0f\n", d, rps);
	}
	lab_some_design(ran);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(a_design_is_written),
		TK_TEST(fork_parent_closes_its_copy),
		TK_TEST(fork_leaves_no_zombies),
		TK_TEST(fork_survives_its_children_ending),
		TK_TEST(prefork_makes_n_children),
		TK_TEST(prefork_children_take_turns),
		TK_TEST(prefork_lock_not_held_while_serving),
		TK_TEST(thread_serves_its_own_connection),
		TK_TEST(request_in_pieces),
		TK_TEST(client_that_leaves_early),
		TK_TEST(epoll_reply_larger_than_a_socket_takes),
		TK_TEST(fifty_clients_at_once),
		TK_TEST(slow_client_holds_up_nobody),
		TK_TEST(ends_on_sigterm),
		TK_TEST(benchmarked_by_loadcli),
	};
	return TK_RUN("lab30", tests);
}
