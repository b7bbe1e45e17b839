/*
 * labkit.h - what lab 3's public and hidden tests share: a watchdog per
 * test, addresses built from text, and socketpairs.  The scripted peer
 * that sends in pieces and interrupts reads with signals is
 * lib/tests/testpeer.h.
 */
#ifndef LABKIT_H
#define LABKIT_H

#include "lnp.h"
#include "testkit.h"
#include "tests/testpeer.h"     /* lib/tests/testpeer.h */

/* ---- a watchdog: a test that loops for ever is stopped, with a reason */

#define LAB_WATCHDOG_S 20

static inline void lab_watchdog_fired(int signo)
{
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "%s was still running after %d s "
			 "and was stopped: a loop that never ends (read() "
			 "returning 0 means end of file), or a read() "
			 "waiting for data that was never sent?\n",
			 tk_current_test, LAB_WATCHDOG_S);

	(void)signo;
	if (write(STDERR_FILENO, msg, (size_t)n) < 0)
		_exit(3);
	_exit(3);
}

static inline int lab_setup(void **state)
{
	tk_begin(state);
	signal_install(SIGALRM, lab_watchdog_fired);
	signal_install(SIGPIPE, SIG_IGN);       /* EPIPE instead of death */
	alarm(LAB_WATCHDOG_S);
	return 0;
}

static inline int lab_teardown(void **state)
{
	(void)state;
	alarm(0);
	return 0;
}

#define LAB_TEST(f) { #f, f, lab_setup, lab_teardown, (void *)#f }

/* ---- addresses ---------------------------------------------------------- */

static inline socklen_t lab_in4(struct sockaddr_storage *ss,
				const char *ip, int port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &in->sin_addr) != 1)
		abort();
	return sizeof(*in);
}

static inline socklen_t lab_in6(struct sockaddr_storage *ss,
				const char *ip, int port, uint32_t scope)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons((uint16_t)port);
	in6->sin6_scope_id = scope;
	if (inet_pton(AF_INET6, ip, &in6->sin6_addr) != 1)
		abort();
	return sizeof(*in6);
}

/* A path ("/tmp/x"), an abstract name ("@name": the kernel's form is a
 * NUL then the name), or NULL for an unnamed socket.  Returns salen as
 * the kernel would report it. */
static inline socklen_t lab_un(struct sockaddr_storage *ss, const char *name)
{
	struct sockaddr_un *un = (struct sockaddr_un *)ss;
	socklen_t base = offsetof(struct sockaddr_un, sun_path);

	memset(ss, 0, sizeof(*ss));
	un->sun_family = AF_UNIX;
	if (name == NULL)
		return base;
	if (name[0] == '@') {
		memcpy(un->sun_path + 1, name + 1, strlen(name) - 1);
		return base + (socklen_t)strlen(name);
	}
	strcpy(un->sun_path, name);
	return base + (socklen_t)strlen(name) + 1;
}

#define SA(ss) ((struct sockaddr *)(ss))

/* An IP address as text for a failure message, made without the
 * student's sock_ntop (which may be what is wrong). */
static inline const char *lab_show(const struct sockaddr_storage *ss,
				   char *buf, size_t size)
{
	const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
	size_t used;

	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &in->sin_addr, buf, (socklen_t)size);
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &in6->sin6_addr, buf, (socklen_t)size);
	else
		snprintf(buf, size, "(family %d)", ss->ss_family);
	used = strlen(buf);
	snprintf(buf + used, size - used, " port %d", ntohs(in->sin_port));
	return buf;
}

/* ---- descriptors -------------------------------------------------------- */

static inline void lab_pair(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		TK_FAIL("socketpair: %s", strerror(errno));
}

static inline void lab_close_pair(int sv[2])
{
	close(sv[0]);
	close(sv[1]);
}

/* Writes all of buf with the test's own loop: a test must not depend on
 * the student's writen to feed the student's readline. */
static inline void lab_put(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t put = write(fd, buf, n);

		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			TK_FAIL("the test's own write failed: %s",
				strerror(errno));
		buf += put;
		n -= (size_t)put;
	}
}

/* A line for a failure message: "\n" shown as \n, at most ~60 bytes.
 * Returns one of 8 rotating buffers, so one message can show several. */
static inline const char *lab_esc(const char *s)
{
	static char ring[8][80];
	static int next;
	char *out = ring[next++ % 8];
	size_t used = 0;

	for (; *s != '\0' && used < 60; s++) {
		if (*s == '\n') {
			out[used++] = '\\';
			out[used++] = 'n';
		} else {
			out[used++] = *s;
		}
	}
	out[used] = '\0';
	return out;
}

/* errno's text for a failure message, or "" after a success. */
static inline const char *lab_err(long result, int err)
{
	return result < 0 ? strerror(err) : "no error";
}

#endif /* LABKIT_H */
