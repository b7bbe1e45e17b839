/*
 * testpeer.h - a scripted peer for testing stream I/O: a thread that plays
 * the other end of a socketpair or pipe, step by step, while the test's
 * own thread calls the function under test (readn, writen, readline).
 *
 * Why a script: whether one read() returns 1 byte or 12 depends on timing,
 * and a test must give the same result on every run.  So the peer never
 * sends the next piece until the previous one has been consumed
 * (FIONREAD says 0 bytes are queued), and it only interrupts the reader
 * with a signal once /proc says that thread is blocked in read() or
 * write().  Each wait has a deadline; no step ever sleeps to synchronise.
 *
 *   struct tp_step script[] = {
 *       TP_WRITE(sv[1], "hell", 4), TP_WAIT_CONSUMED(sv[0]),
 *       TP_WAIT_BLOCKED(SYS_read), TP_SIGNAL(SIGUSR1), TP_WAIT_HANDLED(),
 *       TP_WRITE(sv[1], "o, world", 8), TP_END,
 *   };
 *   tp_start(&peer, script, sv[0]);
 *   n = readn(sv[0], buf, 12);
 *   tp_finish(&peer);          // peer.error[0] != '\0' if a step failed
 *
 * If the function under test never returns, the peer shuts the test's
 * descriptor down after the deadline, so the test fails instead of
 * hanging.  The peer never fails a test itself (cmocka must fail from the
 * test's own thread); it writes what went wrong into peer.error.
 *
 * Header-only (static functions) so that one test file can use it; used by
 * lib/tests/ and by lab 3's tests.  Link with -pthread.
 */
#ifndef TESTPEER_H
#define TESTPEER_H

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define TP_DEADLINE_MS 5000     /* generous: sanitizer builds on 2 cores */
#define TP_DRAIN_MAX (4u << 20) /* the most a TP_DRAIN step may read */

enum tp_op {
	TP_OP_END,
	TP_OP_WRITE,            /* write data, all of it */
	TP_OP_WAIT_CONSUMED,    /* wait until fd has no unread bytes */
	TP_OP_WAIT_BLOCKED,     /* wait until the test thread is blocked
				   in system call number arg */
	TP_OP_SIGNAL,           /* send signal arg to the test thread */
	TP_OP_WAIT_HANDLED,     /* wait until the handler has run */
	TP_OP_DRAIN,            /* read exactly len bytes from fd */
	TP_OP_SHUTDOWN_WR,      /* shutdown(fd, SHUT_WR): end of file */
	TP_OP_CLOSE,            /* close(fd): end of file on a pipe */
};

struct tp_step {
	enum tp_op op;
	int fd;
	const void *data;
	size_t len;
	long arg;
};

#define TP_WRITE(fd, s, n) { TP_OP_WRITE, (fd), (s), (n), 0 }
#define TP_WAIT_CONSUMED(fd) { TP_OP_WAIT_CONSUMED, (fd), NULL, 0, 0 }
#define TP_WAIT_BLOCKED(nr) { TP_OP_WAIT_BLOCKED, -1, NULL, 0, (nr) }
#define TP_SIGNAL(signo) { TP_OP_SIGNAL, -1, NULL, 0, (signo) }
#define TP_WAIT_HANDLED() { TP_OP_WAIT_HANDLED, -1, NULL, 0, 0 }
#define TP_DRAIN(fd, n) { TP_OP_DRAIN, (fd), NULL, (n), 0 }
#define TP_SHUTDOWN_WR(fd) { TP_OP_SHUTDOWN_WR, (fd), NULL, 0, 0 }
#define TP_CLOSE(fd) { TP_OP_CLOSE, (fd), NULL, 0, 0 }
#define TP_END { TP_OP_END, -1, NULL, 0, 0 }

struct tp_peer {
	const struct tp_step *steps;
	pthread_t target;       /* the test's thread */
	pid_t target_tid;
	int rescue_fd;          /* shut down if the test thread hangs */
	atomic_bool target_done;
	char *drained;          /* what TP_DRAIN read (malloc'd) */
	size_t drained_len;
	char error[512];        /* empty, or what went wrong, in words */
	pthread_t thread;
};

/* Incremented by tp_count_signal, the handler the tests install. */
static volatile sig_atomic_t tp_handled;

static inline void tp_count_signal(int signo)
{
	(void)signo;
	tp_handled++;
}

static inline long tp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Between two checks of a condition we are waiting for: give the CPU to
 * the thread we wait on.  (A pause between polls, not a synchroniser.) */
static inline void tp_pause(void)
{
	struct timespec ts = { 0, 100 * 1000 };

	nanosleep(&ts, NULL);
}

/* The number of the system call thread tid is blocked in, -1 if it is
 * running, or -2 if /proc cannot say (not mounted). */
static inline long tp_blocked_syscall(pid_t tid)
{
	char path[64], text[256];
	FILE *f;
	long nr = -1;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	f = fopen(path, "r");
	if (f == NULL)
		return -2;
	if (fgets(text, sizeof(text), f) != NULL &&
	    sscanf(text, "%ld", &nr) != 1)
		nr = -1;        /* "running" */
	fclose(f);
	return nr;
}

static inline int tp_unread(int fd)
{
	int n = -1;

	if (ioctl(fd, FIONREAD, &n) < 0)
		return -1;
	return n;
}

static inline bool tp_step_write(struct tp_peer *p, const struct tp_step *s)
{
	const char *next = s->data;
	size_t left = s->len;

	while (left > 0) {
		ssize_t put = write(s->fd, next, left);

		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0) {
			snprintf(p->error, sizeof(p->error),
				 "the peer could not write: %s",
				 strerror(errno));
			return false;
		}
		next += put;
		left -= (size_t)put;
	}
	return true;
}

static inline bool tp_step_drain(struct tp_peer *p, const struct tp_step *s,
				 long deadline)
{
	free(p->drained);
	p->drained = malloc(s->len > 0 ? s->len : 1);
	p->drained_len = 0;
	while (p->drained != NULL && p->drained_len < s->len) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		/* once the test thread is done, all it wrote is queued:
		 * nothing to read now means nothing more will come */
		bool done = atomic_load(&p->target_done);
		ssize_t got;

		if (tp_now_ms() >= deadline ||
		    poll(&pfd, 1, done ? 0 : 10) < 0 ||
		    (pfd.revents == 0 && done)) {
			snprintf(p->error, sizeof(p->error),
				 "the peer received %zu of the %zu bytes "
				 "written to it", p->drained_len, s->len);
			return false;
		}
		if (pfd.revents == 0)
			continue;
		got = read(s->fd, p->drained + p->drained_len,
			   s->len - p->drained_len);
		if (got <= 0) {
			snprintf(p->error, sizeof(p->error),
				 "the peer received %zu of the %zu bytes "
				 "written to it, then %s", p->drained_len,
				 s->len, got == 0 ? "end of file" :
				 strerror(errno));
			return false;
		}
		p->drained_len += (size_t)got;
	}
	return p->drained != NULL;
}

/* Waits, up to the deadline, for a step's condition.  Returns true once
 * it holds; false (with p->error set) at the deadline. */
static inline bool tp_step_wait(struct tp_peer *p, const struct tp_step *s,
				int handled_before, long deadline)
{
	while (tp_now_ms() < deadline) {
		/* read before the checks: if the function had returned by
		 * then, the checks below see all it did */
		bool done = atomic_load(&p->target_done);

		if (s->op == TP_OP_WAIT_CONSUMED && tp_unread(s->fd) == 0)
			return true;
		if (s->op == TP_OP_WAIT_BLOCKED) {
			long nr = tp_blocked_syscall(p->target_tid);

			if (nr == s->arg)
				return true;
			if (nr == -2) {
				snprintf(p->error, sizeof(p->error), "the "
					 "test cannot read /proc/self/task/"
					 "*/syscall, which it needs to see "
					 "that a call is blocked: is /proc "
					 "mounted?");
				return false;
			}
		}
		if (s->op == TP_OP_WAIT_HANDLED && tp_handled > handled_before)
			return true;
		if (done)
			break;  /* it returned: the condition cannot come */
		tp_pause();
	}
	if (s->op == TP_OP_WAIT_CONSUMED)
		snprintf(p->error, sizeof(p->error), "%d bytes the peer sent "
			 "were never read", tp_unread(s->fd));
	else if (atomic_load(&p->target_done))
		snprintf(p->error, sizeof(p->error), "the function returned "
			 "before the peer had finished");
	else if (s->op == TP_OP_WAIT_BLOCKED)
		snprintf(p->error, sizeof(p->error), "the function never "
			 "blocked in system call %ld", s->arg);
	else
		snprintf(p->error, sizeof(p->error), "the signal handler "
			 "never ran");
	return false;
}

static inline bool tp_do_step(struct tp_peer *p, const struct tp_step *s,
			      int *handled_before)
{
	long deadline = tp_now_ms() + TP_DEADLINE_MS;

	switch (s->op) {
	case TP_OP_WRITE:
		return tp_step_write(p, s);
	case TP_OP_SIGNAL:
		*handled_before = tp_handled;
		return pthread_kill(p->target, (int)s->arg) == 0;
	case TP_OP_DRAIN:
		return tp_step_drain(p, s, deadline);
	case TP_OP_SHUTDOWN_WR:
		return shutdown(s->fd, SHUT_WR) == 0;
	case TP_OP_CLOSE:
		return close(s->fd) == 0;
	default:
		return tp_step_wait(p, s, *handled_before, deadline);
	}
}

static inline void *tp_run(void *arg)
{
	struct tp_peer *p = arg;
	const struct tp_step *s;
	int handled_before = tp_handled;
	long deadline;

	for (s = p->steps; s->op != TP_OP_END; s++)
		if (!tp_do_step(p, s, &handled_before))
			break;
	/* Give the function under test its deadline to return, then wake
	 * it up: its read or write fails, and the test reports why. */
	deadline = tp_now_ms() + TP_DEADLINE_MS;
	while (!atomic_load(&p->target_done) && tp_now_ms() < deadline)
		tp_pause();
	if (!atomic_load(&p->target_done)) {
		if (p->error[0] == '\0')
			snprintf(p->error, sizeof(p->error), "the function "
				 "was still waiting %d s after the peer had "
				 "sent everything", TP_DEADLINE_MS / 1000);
		shutdown(p->rescue_fd, SHUT_RDWR);
	}
	return NULL;
}

/* Starts the peer; call it from the thread that will call the function
 * under test.  rescue_fd is that function's descriptor. */
static inline void tp_start(struct tp_peer *p, const struct tp_step *steps,
			    int rescue_fd)
{
	memset(p, 0, sizeof(*p));
	p->steps = steps;
	p->target = pthread_self();
	p->target_tid = gettid();
	p->rescue_fd = rescue_fd;
	atomic_init(&p->target_done, false);
	if (pthread_create(&p->thread, NULL, tp_run, p) != 0)
		abort();
}

/* The function under test has returned: waits for the peer to finish.
 * Returns true if every step worked (else p->error says which did not). */
static inline bool tp_finish(struct tp_peer *p)
{
	atomic_store(&p->target_done, true);
	pthread_join(p->thread, NULL);
	return p->error[0] == '\0';
}

/* Releases what the peer allocated. */
static inline void tp_free(struct tp_peer *p)
{
	free(p->drained);
	p->drained = NULL;
}

/* Fills steps[] with a peer that sends text one byte at a time, each
 * byte only after the reader has consumed the one before it.  steps must
 * have room for 2 * strlen(text) + 1 entries. */
static inline void tp_trickle(struct tp_step *steps, int wfd, int rfd,
			      const char *text)
{
	size_t i, n = strlen(text);

	for (i = 0; i < n; i++) {
		steps[2 * i] = (struct tp_step)TP_WRITE(wfd, text + i, 1);
		steps[2 * i + 1] = (struct tp_step)TP_WAIT_CONSUMED(rfd);
	}
	steps[2 * n] = (struct tp_step)TP_END;
}

#endif /* TESTPEER_H */
