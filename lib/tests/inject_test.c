/*
 * inject_test.c - what only a fake system call can arrange, exactly:
 * read() returning 3 bytes, then EINTR, then 1 byte; write() taking one
 * byte at a time; fork(), malloc() and accept() failing on cue.
 *
 * This binary is linked with -Wl,--wrap=read (and write, fork, malloc,
 * accept): every call to read() in the objects linked here, lib/ included,
 * goes to __wrap_read below, which follows a script for one chosen
 * descriptor and hands everything else to the real read(), __real_read.
 */
#include "lnp.h"
#include "testkit.h"
#include "child.h"

/* ---- the fakes ---------------------------------------------------------- */

/* One scripted call: fail with err, or pass at most max bytes on. */
struct act {
	int err;
	size_t max;
};

#define UP_TO(n) { 0, (n) }
#define FAIL(e) { (e), 0 }
#define MAX_ACTS 16

struct script {
	int fd;                 /* the descriptor the script applies to */
	struct act acts[MAX_ACTS];
	int nacts, next;
	int calls;              /* calls on fd, scripted or not */
};

static struct script reads = { .fd = -1 }, writes = { .fd = -1 };
static struct script accepts = { .fd = -1 };
static int fork_fails_with, malloc_fails_with;

ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __real_write(int fd, const void *buf, size_t n);
pid_t __real_fork(void);
void *__real_malloc(size_t n);
int __real_accept(int fd, struct sockaddr *sa, socklen_t *len);
ssize_t __wrap_read(int fd, void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
pid_t __wrap_fork(void);
void *__wrap_malloc(size_t n);
int __wrap_accept(int fd, struct sockaddr *sa, socklen_t *len);

static void set_script(struct script *s, int fd, const struct act *acts,
		       int nacts)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	assert_true(nacts <= MAX_ACTS);
	memcpy(s->acts, acts, (size_t)nacts * sizeof(*acts));
	s->nacts = nacts;
}

#define SCRIPT(s, fd, ...) do { \
		const struct act acts_[] = { __VA_ARGS__ }; \
		set_script(s, fd, acts_, sizeof(acts_) / sizeof(acts_[0])); \
	} while (0)

/* The next scripted act for fd, or NULL to do the real thing. */
static const struct act *next_act(struct script *s, int fd)
{
	if (fd != s->fd)
		return NULL;
	s->calls++;
	if (s->next >= s->nacts)
		return NULL;
	return &s->acts[s->next++];
}

ssize_t __wrap_read(int fd, void *buf, size_t n)
{
	const struct act *a = next_act(&reads, fd);

	if (a != NULL && a->err != 0) {
		errno = a->err;
		return -1;
	}
	if (a != NULL && a->max < n)
		n = a->max;
	return __real_read(fd, buf, n);
}

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	const struct act *a = next_act(&writes, fd);

	if (a != NULL && a->err != 0) {
		errno = a->err;
		return -1;
	}
	if (a != NULL && a->max < n)
		n = a->max;
	return __real_write(fd, buf, n);
}

pid_t __wrap_fork(void)
{
	if (fork_fails_with != 0) {
		errno = fork_fails_with;
		return -1;
	}
	return __real_fork();
}

void *__wrap_malloc(size_t n)
{
	if (malloc_fails_with != 0) {
		errno = malloc_fails_with;
		return NULL;
	}
	return __real_malloc(n);
}

int __wrap_accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	const struct act *a = next_act(&accepts, fd);

	if (a != NULL && a->err != 0) {
		errno = a->err;
		return -1;
	}
	return __real_accept(fd, sa, len);
}

static int reset(void **state)
{
	(void)state;
	reads.fd = writes.fd = accepts.fd = -1;
	fork_fails_with = malloc_fails_with = 0;
	return 0;
}

#define INJECT_TEST(f) { #f, f, tk_begin, reset, (void *)#f }

/* ---- readn and writen ------------------------------------------------- */

static int pair_with(const char *data, int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	if (data != NULL)
		assert_int_equal(__real_write(sv[1], data, strlen(data)),
				 (ssize_t)strlen(data));
	return sv[0];
}

static void close_pair(int sv[2])
{
	close(sv[0]);
	close(sv[1]);
}

static void readn_after_short_reads_and_eintr(void **state)
{
	int sv[2], fd = pair_with("hello world!", sv);
	char buf[16];
	ssize_t n;

	(void)state;
	SCRIPT(&reads, fd, UP_TO(3), FAIL(EINTR), UP_TO(1), FAIL(EINTR),
	       FAIL(EINTR));
	n = readn(fd, buf, 12);
	TK_EXPECT(n == 12, "readn returned %zd after reads of 3 bytes, "
		  "EINTR, 1 byte, EINTR, EINTR, 8 bytes", n);
	assert_memory_equal(buf, "hello world!", 12);
	assert_int_equal(reads.calls, 6);
	close_pair(sv);
}

static void readn_gives_up_on_a_real_error(void **state)
{
	int sv[2], fd = pair_with("hello world!", sv);
	char buf[16];

	(void)state;
	SCRIPT(&reads, fd, UP_TO(4), FAIL(EIO));
	errno = 0;
	assert_int_equal(readn(fd, buf, 12), -1);
	assert_int_equal(errno, EIO);
	assert_int_equal(reads.calls, 2);
	close_pair(sv);
}

static void writen_after_short_writes_and_eintr(void **state)
{
	int sv[2], fd = pair_with(NULL, sv);
	char buf[16];

	(void)state;
	SCRIPT(&writes, fd, UP_TO(1), UP_TO(2), FAIL(EINTR), UP_TO(5));
	TK_EXPECT(writen(fd, "hello world!", 12) == 12, "writen did not "
		  "finish after writes of 1, 2, EINTR, 5 bytes");
	assert_int_equal(writes.calls, 5);
	assert_int_equal(__real_read(sv[1], buf, sizeof(buf)), 12);
	assert_memory_equal(buf, "hello world!", 12);
	close_pair(sv);
}

static void writen_gives_up_on_a_real_error(void **state)
{
	int sv[2], fd = pair_with(NULL, sv);
	char buf[16];

	(void)state;
	SCRIPT(&writes, fd, UP_TO(3), FAIL(ENOSPC));
	errno = 0;
	assert_int_equal(writen(fd, "hello world!", 12), -1);
	assert_int_equal(errno, ENOSPC);
	assert_int_equal(__real_read(sv[1], buf, sizeof(buf)), 3);
	close_pair(sv);
}

/* ---- readline ---------------------------------------------------------- */

static void readline_after_eintr(void **state)
{
	int sv[2], fd = pair_with("hello\n", sv);
	struct linebuf lb;
	char buf[16];

	(void)state;
	linebuf_init(&lb, fd);
	SCRIPT(&reads, fd, FAIL(EINTR), UP_TO(2), FAIL(EINTR));
	TK_EXPECT(readline(&lb, buf, sizeof(buf)) == 6, "readline did not "
		  "return the line after reads of EINTR, 2 bytes, EINTR");
	assert_string_equal(buf, "hello\n");
	close_pair(sv);
}

static void readline_in_three_byte_reads(void **state)
{
	int sv[2], fd = pair_with("hello world\n", sv);
	struct linebuf lb;
	char buf[16];

	(void)state;
	linebuf_init(&lb, fd);
	SCRIPT(&reads, fd, UP_TO(3), UP_TO(3), UP_TO(3), UP_TO(3));
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 12);
	assert_string_equal(buf, "hello world\n");
	assert_int_equal(reads.calls, 4);
	close_pair(sv);
}

/* The point of the buffer: one read() for many lines, not one a byte. */
static void readline_calls_read_once_per_buffer(void **state)
{
	int sv[2], fd = pair_with("a\nbb\nccc\n", sv);
	struct linebuf lb;
	char buf[16];

	(void)state;
	linebuf_init(&lb, fd);
	SCRIPT(&reads, fd, UP_TO(MAXLINE));     /* count only */
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 2);
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 3);
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 4);
	TK_EXPECT(reads.calls == 1, "readline called read() %d times for "
		  "3 lines that arrived together; once is enough",
		  reads.calls);
	shutdown(sv[1], SHUT_WR);
	assert_int_equal(readline(&lb, buf, sizeof(buf)), 0);
	assert_int_equal(reads.calls, 2);
	close_pair(sv);
}

static void readline_error_mid_line(void **state)
{
	int sv[2], fd = pair_with("hello\n", sv);
	struct linebuf lb;
	char buf[16];

	(void)state;
	linebuf_init(&lb, fd);
	SCRIPT(&reads, fd, UP_TO(2), FAIL(ECONNRESET));
	errno = 0;
	assert_int_equal(readline(&lb, buf, sizeof(buf)), -1);
	assert_int_equal(errno, ECONNRESET);
	close_pair(sv);
}

/* ---- wrappers whose failures only a fake can cause -------------------- */

static void call_fork(void *arg)
{
	(void)arg;
	fork_fails_with = EAGAIN;
	Fork();
}

static void call_malloc(void *arg)
{
	(void)arg;
	malloc_fails_with = ENOMEM;
	Malloc(100);
}

static void call_accept(void *arg)
{
	int fd = *(int *)arg;

	SCRIPT(&accepts, fd, FAIL(EMFILE));
	Accept(fd, NULL, NULL);
}

static void call_short_write(void *arg)
{
	int fd = *(int *)arg;

	SCRIPT(&writes, fd, UP_TO(3));
	Write(fd, "hello world!", 12);
}

static void call_short_writen(void *arg)
{
	int fd = *(int *)arg;

	SCRIPT(&writes, fd, UP_TO(3), FAIL(EIO));
	Writen(fd, "hello world!", 12);
}

struct exit_case {
	const char *what;
	void (*fn)(void *);
	const char *want;       /* the whole message */
};

static void check_exit(const struct exit_case *c, void *arg)
{
	struct child_run r;
	char how[64];

	child_run(c->fn, arg, &r);
	TK_EXPECT(child_exited(&r, 1), "%s: the child ended with %s; "
		  "expected exit status 1. It printed: %s", c->what,
		  child_how(&r, how, sizeof(how)), r.out);
	TK_EXPECT(strcmp(r.out, c->want) == 0, "%s printed \"%s\"; "
		  "expected \"%s\"", c->what, r.out, c->want);
}

static void wrappers_exit_on_injected_failures(void **state)
{
	const struct exit_case cases[] = {
		{ "Fork", call_fork, "inject_test: fork: Resource "
		  "temporarily unavailable\n" },
		{ "Malloc", call_malloc, "inject_test: malloc(100): Cannot "
		  "allocate memory\n" },
		{ "Accept", call_accept, "inject_test: accept: Too many "
		  "open files\n" },
		{ "Writen", call_short_writen, "inject_test: writen: "
		  "Input/output error\n" },
	};
	int sv[2], fd = pair_with(NULL, sv);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_exit(&cases[i], &fd);
	close_pair(sv);
}

/* A short write is a failure for Write(); errno says nothing then, so
 * the message gives the byte counts instead. */
static void write_wrapper_exits_on_a_short_write(void **state)
{
	int sv[2], fd = pair_with(NULL, sv);
	struct child_run r;
	char how[64];

	(void)state;
	child_run(call_short_write, &fd, &r);
	TK_EXPECT(child_exited(&r, 1), "Write after a short write ended "
		  "with %s", child_how(&r, how, sizeof(how)));
	TK_EXPECT(strcmp(r.out, "inject_test: write: only 3 of 12 bytes "
			 "were written\n") == 0,
		  "Write after a short write printed \"%s\"", r.out);
	close_pair(sv);
}

/* A connection the client gave up on before it was accepted is not the
 * server's error: Accept tries again. */
static void accept_retries_aborted_connections(void **state)
{
	struct sockaddr_un addr;
	socklen_t len = sizeof(addr);
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	int cfd = socket(AF_UNIX, SOCK_STREAM, 0);
	int afd;

	(void)state;
	/* bind with only the family: Linux picks an abstract name */
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	assert_int_equal(bind(lfd, (struct sockaddr *)&addr,
			      sizeof(sa_family_t)), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&addr, &len), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(connect(cfd, (struct sockaddr *)&addr, len), 0);
	SCRIPT(&accepts, lfd, FAIL(ECONNABORTED), FAIL(EPROTO));
	afd = Accept(lfd, NULL, NULL);
	TK_EXPECT(afd >= 0 && accepts.calls == 3, "Accept returned %d after "
		  "%d calls; expected a descriptor after 3", afd,
		  accepts.calls);
	close(afd);
	close(cfd);
	close(lfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		INJECT_TEST(readn_after_short_reads_and_eintr),
		INJECT_TEST(readn_gives_up_on_a_real_error),
		INJECT_TEST(writen_after_short_writes_and_eintr),
		INJECT_TEST(writen_gives_up_on_a_real_error),
		INJECT_TEST(readline_after_eintr),
		INJECT_TEST(readline_in_three_byte_reads),
		INJECT_TEST(readline_calls_read_once_per_buffer),
		INJECT_TEST(readline_error_mid_line),
		INJECT_TEST(wrappers_exit_on_injected_failures),
		INJECT_TEST(write_wrapper_exits_on_a_short_write),
		INJECT_TEST(accept_retries_aborted_connections),
	};
	return TK_RUN("lib inject", tests);
}
