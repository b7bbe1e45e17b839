/*
 * lab26.h - how lab 26's tests (public and hidden) watch the student's
 * threads.  The test binaries are linked with -Wl,--wrap for the mutex,
 * condition variable, create and join calls (chapter.mk), so every call
 * webthr.c makes on the fetchset comes here first: each is checked
 * against the rules of section 26.7 and 26.8 and the first broken rule
 * is kept, in words, for the test to report.  The fetches themselves are
 * the tests' own (fake_fetch): each waits for the test to let it end, so
 * the order in which files finish is the test's choice, not luck.
 */
#ifndef LAB26_H
#define LAB26_H

#include "tkweb.h"
#include "webthr.h"

#pragma GCC diagnostic ignored "-Wunused-function"

#include <stdatomic.h>

int __real_pthread_mutex_lock(pthread_mutex_t *m);
int __real_pthread_mutex_unlock(pthread_mutex_t *m);
int __real_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int __real_pthread_cond_signal(pthread_cond_t *c);
int __real_pthread_cond_broadcast(pthread_cond_t *c);
int __real_pthread_create(pthread_t *t, const pthread_attr_t *a,
			  void *(*fn)(void *), void *arg);
int __real_pthread_join(pthread_t t, void **ret);

#define MAXF 16

static struct fetchset *_Atomic watched;   /* the fetchset under test */
static atomic_bool held;                /* its mutex is locked ... */
static atomic_ulong holder;             /* ... by this thread */
static atomic_int nsignals, nwaits, spurious_left;
static _Thread_local struct file *my_file;  /* set by fake_fetch */
static _Thread_local bool is_runner;    /* the thread in fetch_all() */
static _Thread_local int my_locks;      /* this thread's locks of it */

/* The first rule broken, in words (written once). */
static char broken[512];
static atomic_bool is_broken;

static void rule_broken(const char *fmt, ...)
{
	va_list ap;
	bool no = false;

	if (!atomic_compare_exchange_strong(&is_broken, &no, true))
		return;
	va_start(ap, fmt);
	vsnprintf(broken, sizeof(broken), fmt, ap);
	va_end(ap);
}

static bool mine(void)
{
	return atomic_load(&held) &&
	       atomic_load(&holder) == (unsigned long)pthread_self();
}

static bool is_mutex(pthread_mutex_t *m)
{
	struct fetchset *fs = atomic_load(&watched);

	return fs != NULL && m == &fs->mutex;
}

static bool is_cond(pthread_cond_t *c)
{
	struct fetchset *fs = atomic_load(&watched);

	return fs != NULL && c == &fs->cond;
}

int __wrap_pthread_mutex_lock(pthread_mutex_t *m)
{
	int r;

	if (is_mutex(m) && mine())
		rule_broken("a thread locked fs->mutex that it already "
			    "held: it waits for itself for ever (see 26.7)");
	r = __real_pthread_mutex_lock(m);
	if (is_mutex(m)) {
		my_locks++;
		atomic_store(&holder, (unsigned long)pthread_self());
		atomic_store(&held, true);
	}
	return r;
}

int __wrap_pthread_mutex_unlock(pthread_mutex_t *m)
{
	if (is_mutex(m)) {
		if (!mine())
			rule_broken("a thread unlocked fs->mutex without "
				    "holding it (see 26.7)");
		atomic_store(&held, false);
	}
	return __real_pthread_mutex_unlock(m);
}

/* Signal and broadcast: inside the mutex the order of change and
 * signal does not matter (the waiter returns only after the unlock);
 * outside it, the change must already be made, or the waiter can wake,
 * find nothing, and sleep again with the signal spent. */
static void check_signal(const char *call)
{
	struct fetchset *fs = atomic_load(&watched);
	bool changed;

	atomic_fetch_add(&nsignals, 1);
	if (mine() || my_file == NULL)
		return;
	__real_pthread_mutex_lock(&fs->mutex);  /* to look at the state */
	changed = my_file->state == F_DONE && fs->ndone > 0;
	__real_pthread_mutex_unlock(&fs->mutex);
	if (!changed)
		rule_broken("file_done() called %s() without holding "
			    "fs->mutex and before the file was DONE and "
			    "counted: the main thread can wake, find nothing "
			    "done, and sleep again with the signal spent "
			    "(change the state first: see 26.8)", call);
}

int __wrap_pthread_cond_signal(pthread_cond_t *c)
{
	if (is_cond(c))
		check_signal("pthread_cond_signal");
	return __real_pthread_cond_signal(c);
}

int __wrap_pthread_cond_broadcast(pthread_cond_t *c)
{
	if (is_cond(c))
		check_signal("pthread_cond_broadcast");
	return __real_pthread_cond_broadcast(c);
}

/* A wait: with the mutex held; the test may ask for a spurious wake-up
 * (POSIX allows them), which a wait in a loop survives. */
int __wrap_pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	int r, one = 1;

	if (!is_cond(c))
		return __real_pthread_cond_wait(c, m);
	atomic_fetch_add(&nwaits, 1);
	if (!is_mutex(m) || !mine()) {
		rule_broken("wait_done() called pthread_cond_wait() without "
			    "holding fs->mutex: a signal can come between its "
			    "test of ndone and its wait, and be lost (see "
			    "26.7)");
		__wrap_pthread_mutex_lock(m);   /* go on, as if it had */
	}
	atomic_store(&held, false);
	if (atomic_compare_exchange_strong(&spurious_left, &one, 0)) {
		__real_pthread_mutex_unlock(m); /* wake up for nothing */
		r = __real_pthread_mutex_lock(m);
	} else {
		r = __real_pthread_cond_wait(c, m);
	}
	atomic_store(&holder, (unsigned long)pthread_self());
	atomic_store(&held, true);
	return r;
}

/* Threads fetch_all() creates and joins. */
static pthread_t made[MAXF];
static atomic_int nmade, njoined_ok;
static bool joined[MAXF];

int __wrap_pthread_create(pthread_t *t, const pthread_attr_t *a,
			  void *(*fn)(void *), void *arg)
{
	int r = __real_pthread_create(t, a, fn, arg);

	if (r == 0 && is_runner) {
		int n = atomic_load(&nmade);

		if (n < MAXF)
			made[n] = *t;
		atomic_store(&nmade, n + 1);
	}
	return r;
}

int __wrap_pthread_join(pthread_t t, void **ret)
{
	int i, n = atomic_load(&nmade);

	if (!is_runner)
		return __real_pthread_join(t, ret);
	if (mine()) {
		rule_broken("fetch_all() called pthread_join() with fs->mutex "
			    "locked: the thread cannot lock it in file_done() "
			    "to finish, so neither ever goes on (unlock first: "
			    "see 26.7)");
		return EDEADLK;
	}
	for (i = 0; i < n && i < MAXF; i++)
		if (pthread_equal(made[i], t) && !joined[i])
			break;
	if (i == n || i == MAXF) {
		rule_broken("fetch_all() joined a thread it had not created, "
			    "or one it had joined already (see 26.2)");
		return ESRCH;
	}
	joined[i] = true;
	atomic_fetch_add(&njoined_ok, 1);
	return __real_pthread_join(t, ret);
}

/* ---- the tests' own fetch: each waits for the test to let it end ---- */

static pthread_mutex_t gate_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static bool gate_open[MAXF], started[MAXF], ended[MAXF], fail_it[MAXF];
static int running, most_running;

static void fake_fetch(struct file *f)
{
	int i = (int)(f - f->fs->files);

	__real_pthread_mutex_lock(&gate_mutex);
	started[i] = true;
	if (++running > most_running)
		most_running = running;
	__real_pthread_cond_broadcast(&gate_cond);
	while (!gate_open[i])
		__real_pthread_cond_wait(&gate_cond, &gate_mutex);
	running--;
	ended[i] = true;
	f->failed = fail_it[i];
	__real_pthread_mutex_unlock(&gate_mutex);
	my_file = f;
}

static void gate_release(int i)
{
	__real_pthread_mutex_lock(&gate_mutex);
	gate_open[i] = true;
	__real_pthread_cond_broadcast(&gate_cond);
	__real_pthread_mutex_unlock(&gate_mutex);
}

/* Waits at most ms for file i's fetch to start: whether it did.  It
 * looks every 50 ms, and gives up sooner when every other thread of the
 * test has sat still for 300 ms: then nothing will start it. */
static bool gate_started(int i, int ms)
{
	long long end = tk_now_ms() + ms;
	struct tk_still w;
	bool yes = false;

	tk_still_start(&w);
	for (;;) {
		struct timespec tick;

		clock_gettime(CLOCK_REALTIME, &tick);
		tick.tv_nsec += 50000000L;
		if (tick.tv_nsec >= 1000000000L) {
			tick.tv_sec++;
			tick.tv_nsec -= 1000000000L;
		}
		__real_pthread_mutex_lock(&gate_mutex);
		if (!started[i] && !is_broken)
			pthread_cond_timedwait(&gate_cond, &gate_mutex, &tick);
		yes = started[i];
		__real_pthread_mutex_unlock(&gate_mutex);
		if (yes || is_broken || tk_now_ms() >= end ||
		    tk_threads_still(&w, 300))
			return yes;
	}
}

static int gate_most_running(void)
{
	int n;

	__real_pthread_mutex_lock(&gate_mutex);
	n = most_running;
	__real_pthread_mutex_unlock(&gate_mutex);
	return n;
}

/* A fresh fetchset of n files with the fake fetch, watched. */
static struct fetchset *fake_set(int n, int maxconn)
{
	static char *paths[MAXF] = { "/f0", "/f1", "/f2", "/f3", "/f4",
				     "/f5", "/f6", "/f7" };
	static struct fetchset sets[16];        /* never reused: a stuck
						 * thread may still use one */
	static int nsets;
	struct fetchset *fs = &sets[nsets++ % 16];

	__real_pthread_mutex_lock(&gate_mutex);
	memset(gate_open, 0, sizeof(gate_open));
	memset(started, 0, sizeof(started));
	memset(ended, 0, sizeof(ended));
	memset(fail_it, 0, sizeof(fail_it));
	running = most_running = 0;
	__real_pthread_mutex_unlock(&gate_mutex);
	static struct file *files[16];
	static int nfiles_made;

	fetchset_init(fs, "192.0.2.2", "8080", "/nonexistent", maxconn,
		      paths, n);
	free(files[nfiles_made % 16]);          /* kept until then */
	files[nfiles_made++ % 16] = fs->files;
	fs->fetch = fake_fetch;
	atomic_store(&nmade, 0);
	atomic_store(&njoined_ok, 0);
	memset(joined, 0, sizeof(joined));
	atomic_store(&nsignals, 0);
	atomic_store(&nwaits, 0);
	atomic_store(&spurious_left, 0);
	atomic_store(&held, false);
	is_broken = false;
	broken[0] = '\0';
	my_file = NULL;
	atomic_store(&watched, fs);
	return fs;
}

/* fetch_all() or wait_done() in a thread of its own, so that a stuck
 * one cannot stop the test. */
struct runner {
	struct fetchset *fs;
	bool all;               /* fetch_all, or wait_done */
	atomic_bool finished;
	int status;
	struct file *got;
	pthread_t tid;
};

static void *runner_main(void *arg)
{
	struct runner *r = arg;

	is_runner = r->all;
	if (r->all)
		r->status = fetch_all(r->fs);
	else
		r->got = wait_done(r->fs);
	atomic_store(&r->finished, true);
	return NULL;
}

static struct runner *runner_start(struct fetchset *fs, bool all)
{
	static struct runner runners[16];       /* kept, as the sets */
	static int nrunners;
	struct runner *r = &runners[nrunners++ % 16];

	memset(r, 0, sizeof(*r));
	r->fs = fs;
	r->all = all;
	__real_pthread_create(&r->tid, NULL, runner_main, r);
	pthread_detach(r->tid);
	return r;
}

/* Waits at most ms for the runner to finish (or a rule to break). */
static bool runner_done(struct runner *r, int ms)
{
	long long end = tk_now_ms() + ms;
	struct tk_still w;

	tk_still_start(&w);
	while (!atomic_load(&r->finished) && !is_broken &&
	       tk_now_ms() < end && !tk_threads_still(&w, 300))
		tk_tick();
	return atomic_load(&r->finished);
}

/* Runs webthr -n N on PATHS (NULL-ended) in the client host, at most
 * ms, and curl on the same; every file must be the same bytes. */
static void webthr_like_curl(const char *n, const char **paths, int ms)
{
	static char *prog;
	char *argv[48], *dir = web_outdir("mine"), *cdir = web_outdir("curl");
	int k = 0, st;
	bool stalled;
	hn_proc *p;

	if (prog == NULL)
		prog = tk_sibling("webthr");
	argv[k++] = prog;
	argv[k++] = "-n";
	argv[k++] = (char *)n;
	argv[k++] = WEB_IP;
	argv[k++] = "8080";
	argv[k++] = dir;
	for (int i = 0; paths[i] != NULL && k < 46; i++)
		argv[k++] = (char *)paths[i];
	argv[k] = NULL;
	p = hn_spawn(web_net, "client", argv, NULL);
	/* a working webthr is never 0.3 s asleep with nginx and nothing on
	 * its way: then its threads wait for each other */
	st = web_exit_unless_still(p, ms, 300, &stalled);
	TK_EXPECT(st != -1, "webthr had not finished %s (it wrote \"%s\"): "
		  "a thread that never says DONE, or a main thread that never "
		  "wakes (see 26.8)", stalled ? "and sat idle, with nothing "
		  "on its way" : "in time", tk_chomp(hn_stdout(p)));
	for (int i = 0; paths[i] != NULL; i++) {
		const char *name = strrchr(paths[i], '/') + 1;
		char *a = NULL, *b = NULL, *mine, *theirs;
		size_t alen, blen;

		web_curl(cdir, paths[i]);
		if (asprintf(&a, "%s/%s", dir, name) < 0 ||
		    asprintf(&b, "%s/%s", cdir, name) < 0)
			abort();
		mine = web_slurp(a, &alen);
		theirs = web_slurp(b, &blen);
		TK_EXPECT(theirs != NULL, "curl saved nothing for %s",
			  paths[i]);
		TK_EXPECT(mine != NULL && alen == blen &&
			  memcmp(mine, theirs, alen) == 0, "webthr's %s "
			  "(%zu bytes) is not curl's (%zu bytes); webthr "
			  "said \"%s\" (see 26.8)", paths[i], mine ? alen : 0,
			  blen, tk_chomp(hn_stdout(p)));
		free(mine);
		free(theirs);
		free(a);
		free(b);
	}
	TK_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "webthr fetched "
		  "everything but exited with status %d (stderr \"%s\")",
		  tk_exit_code(p), tk_chomp(hn_stderr(p)));
}

/* Fails the test if a rule was broken. */
#define EXPECT_RULES_KEPT() \
	TK_EXPECT(!is_broken, "%s", broken)

#endif
