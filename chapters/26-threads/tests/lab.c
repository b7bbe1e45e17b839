/*
 * Lab 26 public tests: the student's file_done(), wait_done() and
 * fetch_all() with the tests' own fetches (whose order of ending the
 * test chooses), and the program webthr against nginx, compared with
 * curl.
 */
#include "lab26.h"

static void file_done_counts_then_signals(void **state)
{
	struct fetchset *fs = fake_set(2, 2);
	struct file *f = &fs->files[1];

	(void)state;
	f->state = F_RUNNING;
	my_file = f;
	my_locks = 0;
	file_done(f);
	EXPECT_RULES_KEPT();
	TK_EXPECT(my_locks > 0, "file_done() never locked fs->mutex: its "
		  "change to the state and to ndone can interleave with the "
		  "main thread's test of ndone and its wait, and the wake-up "
		  "is lost (see 26.7)");
	TK_EXPECT(f->state == F_DONE, "after file_done() the file's state "
		  "is %d, not F_DONE: wait_done() looks for DONE files (see "
		  "26.8)", (int)f->state);
	TK_EXPECT(fs->ndone == 1, "after file_done() fs->ndone is %d, not "
		  "1: the main thread waits while it is 0 (see 26.8)",
		  fs->ndone);
	TK_EXPECT(nsignals > 0, "file_done() never signalled fs->cond: the "
		  "main thread, asleep in pthread_cond_wait(), is never "
		  "woken (see 26.8)");
	TK_EXPECT(!held, "file_done() returned with fs->mutex still locked: "
		  "nobody else can ever lock it (see 26.7)");
}

static void wait_done_takes_the_done_file(void **state)
{
	struct fetchset *fs = fake_set(3, 3);
	struct runner *r;

	(void)state;
	fs->files[0].state = F_RUNNING;
	fs->files[1].state = F_DONE;
	fs->files[2].state = F_RUNNING;
	fs->ndone = 1;
	r = runner_start(fs, false);
	TK_EXPECT(runner_done(r, 2000), "wait_done() did not return "
		  "although file 1 was DONE and fs->ndone was 1: it "
		  "should not wait at all (see 26.8)%s%s",
		  is_broken ? ": " : "", broken);
	EXPECT_RULES_KEPT();
	TK_EXPECT(r->got == &fs->files[1], "wait_done() returned %s, not "
		  "file 1, the one that was DONE (see 26.8)", r->got == NULL ?
		  "NULL" : r->got->path);
	TK_EXPECT(fs->files[1].state == F_JOINED && fs->ndone == 0,
		  "after wait_done() file 1's state is %d and fs->ndone %d: "
		  "it should be F_JOINED, and ndone 0, or the next call "
		  "returns it again (see 26.8)", (int)fs->files[1].state,
		  fs->ndone);
	TK_EXPECT(!held, "wait_done() returned with fs->mutex still locked: "
		  "the next file_done() can never lock it (see 26.7)");
}

/* The first pthread_cond_wait() returns with nothing signalled, as
 * POSIX allows: wait_done() must test ndone again and wait again. */
static void wait_done_survives_a_spurious_wakeup(void **state)
{
	struct fetchset *fs = fake_set(2, 2);
	struct runner *r;
	struct tk_still w;
	long long end;

	(void)state;
	fs->files[0].state = F_RUNNING;
	fs->files[1].state = F_RUNNING;
	atomic_store(&spurious_left, 1);
	r = runner_start(fs, false);
	end = tk_now_ms() + 2000;
	tk_still_start(&w);
	while (nwaits < 2 && !atomic_load(&r->finished) && !is_broken &&
	       tk_now_ms() < end && !tk_threads_still(&w, 300))
		tk_tick();
	EXPECT_RULES_KEPT();
	TK_EXPECT(!atomic_load(&r->finished), "wait_done() returned %s "
		  "after a wake-up with no file DONE (fs->ndone 0): "
		  "pthread_cond_wait() may return for nothing, so wait in a "
		  "while loop on the condition, not an if (see 26.8)",
		  r->got == NULL ? "NULL" : r->got->path);
	TK_EXPECT(nwaits >= 2, "wait_done() neither returned nor waited "
		  "again after a wake-up for nothing (it called "
		  "pthread_cond_wait() %d times; see 26.8)", nwaits);
	my_file = &fs->files[0];
	file_done(&fs->files[0]);
	TK_EXPECT(runner_done(r, 2000), "wait_done() did not return after "
		  "file_done() (see 26.8)%s%s", is_broken ? ": " : "",
		  broken);
	EXPECT_RULES_KEPT();
	TK_EXPECT(r->got == &fs->files[0], "wait_done() returned %s, not "
		  "/f0, the file that was DONE (see 26.8)", r->got == NULL ?
		  "NULL" : r->got->path);
}

/* Five files, -n 2, ended one by one in order: never more than two
 * fetches at once, a new one after each end, every thread joined. */
static void at_most_n_threads_each_joined(void **state)
{
	struct fetchset *fs = fake_set(5, 2);
	struct runner *r = runner_start(fs, true);
	long long end = tk_now_ms() + 2000;
	struct tk_still w;
	int i;

	(void)state;
	/* fetch_all() asleep in wait_done(): what it started by then is
	 * all it starts before a file ends */
	tk_still_start(&w);
	while (nwaits < 1 && !is_broken && !atomic_load(&r->finished) &&
	       tk_now_ms() < end && !tk_threads_still(&w, 300))
		tk_tick();
	TK_EXPECT(nmade <= 2, "fetch_all() started %d threads with -n 2 "
		  "before it waited for one to end (see 26.8)", (int)nmade);
	for (i = 0; i < 5; i++) {
		TK_EXPECT(gate_started(i, 2000), "file %d's thread never "
			  "started, after %d of the files had ended: "
			  "fetch_all() should start one as soon as one of "
			  "the -n 2 has been joined (see 26.8)%s%s", i, i,
			  is_broken ? ": " : "", broken);
		if (i >= 1)
			TK_EXPECT(gate_most_running() <= 2, "%d fetches ran "
				  "at once with -n 2 (see 26.8)",
				  gate_most_running());
		gate_release(i);
	}
	TK_EXPECT(runner_done(r, 2000), "fetch_all() had not returned "
		  "after every file ended (see 26.8)%s%s", is_broken ? ": " :
		  "", broken);
	EXPECT_RULES_KEPT();
	TK_EXPECT(gate_most_running() <= 2, "%d fetches ran at once with -n "
		  "2 (see 26.8)", gate_most_running());
	TK_EXPECT(nmade == 5 && njoined_ok == 5, "fetch_all() created %d "
		  "threads and joined %d, for 5 files: every thread it "
		  "creates it must join, or its memory stays until the "
		  "process ends (see 26.2)", (int)nmade, (int)njoined_ok);
	TK_EXPECT(r->status == 0, "fetch_all() returned %d although every "
		  "file was fetched", r->status);
}

/* -n 2, three files: file 1 ends first while file 0 goes on.  File 2
 * must start then, not when file 0 ends. */
static void joins_whichever_ends_first(void **state)
{
	struct fetchset *fs = fake_set(3, 2);
	struct runner *r = runner_start(fs, true);
	bool third;

	(void)state;
	TK_EXPECT(gate_started(0, 2000) && gate_started(1, 2000), "the first "
		  "two files' threads did not start (-n 2; see 26.8)%s%s",
		  is_broken ? ": " : "", broken);
	gate_release(1);
	third = gate_started(2, 2000);
	gate_release(0);
	gate_release(2);
	EXPECT_RULES_KEPT();
	TK_EXPECT(third, "file 1 ended while file 0 went on, and file 2's "
		  "thread did not start: fetch_all() must join "
		  "the thread wait_done() returned, not the threads in the "
		  "order it made them (see 26.8)");
	TK_EXPECT(runner_done(r, 2000), "fetch_all() had not returned "
		  "after every file ended (see 26.8)");
	EXPECT_RULES_KEPT();
}

static void a_failed_file_makes_status_1(void **state)
{
	struct fetchset *fs = fake_set(3, 3);
	struct runner *r;

	(void)state;
	fail_it[1] = true;
	r = runner_start(fs, true);
	gate_release(0);
	gate_release(1);
	gate_release(2);
	TK_EXPECT(runner_done(r, 2000), "fetch_all() had not returned "
		  "after every file ended (see 26.8)%s%s", is_broken ? ": " :
		  "", broken);
	EXPECT_RULES_KEPT();
	TK_EXPECT(r->status == 1, "fetch_all() returned %d when one of the "
		  "three files failed (f->failed), not 1", r->status);
}

static void fetches_from_nginx_like_curl(void **state)
{
	const char *paths[] = { "/index.html", "/small.bin", "/page1.bin",
				"/page2.bin", "/page3.bin", "/page4.bin",
				"/big.bin", "/img0.bin", "/img1.bin", NULL };

	(void)state;
	atomic_store(&watched, NULL);
	web_up();
	webthr_like_curl("3", paths, 8000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(file_done_counts_then_signals),
		TK_TEST(wait_done_takes_the_done_file),
		TK_TEST(wait_done_survives_a_spurious_wakeup),
		TK_TEST(at_most_n_threads_each_joined),
		TK_TEST(joins_whichever_ends_first),
		TK_TEST(a_failed_file_makes_status_1),
		TK_TEST(fetches_from_nginx_like_curl),
	};

	hn_init();
	return TK_RUN("lab26", tests);
}
