/*
 * lab15test.h - what lab 15's public and hidden tests share: the
 * student's functions (fdpass.h) and the test's own, independent, ways
 * to send and receive a descriptor.
 */
#ifndef LAB15TEST_H
#define LAB15TEST_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include "../lab/fdpass.h"

#include <sys/stat.h>

/* NAME in the test's private tmpfs (a few buffers, used in turn). */
static inline const char *lab_path(const char *name)
{
	static char bufs[4][256];
	static int next;
	char *b = bufs[next++ % 4];

	snprintf(b, sizeof(bufs[0]), "%s/%s", hn_tmpdir(), name);
	return b;
}

/* A file holding TEXT, open for reading. */
static inline int lab_file(const char *name, const char *text)
{
	const char *path = lab_path(name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	TK_EXPECT(fd >= 0, "the test cannot create %s: %s", path,
		  strerror(errno));
	Write(fd, text, strlen(text));
	Close(fd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	TK_EXPECT(fd >= 0, "the test cannot open %s", path);
	return fd;
}

/* Whether a and b are the same open file (device and inode). */
static inline bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The test's own sender: one byte and N (at most 16) descriptors in one
 * message. */
static inline void test_send_fds(int sock, const int *fds, int n)
{
	union {
		struct cmsghdr a;
		char b[CMSG_SPACE(16 * sizeof(int))];
	} u;
	char byte = 'T';
	struct iovec iov = { &byte, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	memset(&u, 0, sizeof(u));
	if (n > 0) {
		msg.msg_control = u.b;
		msg.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, (size_t)n * sizeof(int));
	}
	TK_EXPECT(sendmsg(sock, &msg, 0) == 1, "the test's sendmsg failed: "
		  "%s", strerror(errno));
}

/* Whether the pipe's read end sees end of file within ms: every write
 * end is closed, wherever it was. */
static inline bool lab_pipe_closed(int rfd, int ms)
{
	char c;

	return tk_readable(rfd, ms) && read(rfd, &c, 1) == 0;
}

/* A socket pair of type, close-on-exec. */
static inline void lab_pair(int type, int sv[2])
{
	Socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv);
}

/* Fails the test unless sock becomes readable within 1 s: a function
 * of the student's that would wait for nothing is never called. */
static inline void lab_expect_message(int sock, const char *why)
{
	TK_EXPECT(tk_readable(sock, 1000), "nothing arrived within 1 s: %s",
		  why);
}

#endif
