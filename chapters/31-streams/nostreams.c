/*
 * nostreams.c - chapter 31: Linux has no STREAMS, and what a program
 * uses in its place.  Asks the kernel for the two STREAMS system calls
 * it reserves numbers for, then does on a Unix domain socket pair what
 * putmsg() and getmsg() did on a stream (a message with a control part
 * and a data part, its boundary kept), and asks a terminal which
 * "module" it has pushed (its line discipline).
 */
#include "lnp.h"

#include <sys/ioctl.h>
#include <sys/syscall.h>

static const char *said(long n)
{
	static char buf[64];

	if (n >= 0)
		snprintf(buf, sizeof(buf), "%ld", n);
	else
		snprintf(buf, sizeof(buf), "-1 %s", strerrorname_np(errno));
	return buf;
}

/* include nostreams_syscalls */
/* The numbers exist (so old binaries get an error, not a crash); the
 * calls were never written. */
static void streams_calls(void)
{
#if defined(SYS_getpmsg) && defined(SYS_putpmsg)
	printf("getpmsg() = %s\n", said(syscall(SYS_getpmsg, 0, 0, 0, 0, 0)));
	printf("putpmsg() = %s\n", said(syscall(SYS_putpmsg, 0, 0, 0, 0, 0)));
#else
	printf("getpmsg() and putpmsg(): no numbers on this architecture\n");
#endif
}
/* end nostreams_syscalls */

/* include nostreams_putmsg */
/* putmsg() in today's words: sendmsg() with a control part (here, our
 * credentials) and a data part, on a socket that keeps boundaries. */
static void send_message(int fd, const char *data)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} ctl;
	struct ucred me = { getpid(), getuid(), getgid() };
	struct iovec iov = { (void *)data, strlen(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(sizeof(me));
	memcpy(CMSG_DATA(c), &me, sizeof(me));
	if (sendmsg(fd, &msg, 0) < 0)
		err_sys("sendmsg");
}
/* end nostreams_putmsg */

/* include nostreams_getmsg */
/* getmsg() in today's words: one recvmsg() returns one whole message,
 * its data and its control part. */
static void receive_message(int fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} ctl;
	char data[64];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(fd, &msg, 0);

	if (n < 0)
		err_sys("recvmsg");
	printf("message: data \"%.*s\" (%zd bytes)", (int)n, data, n);
	for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred who;

			memcpy(&who, CMSG_DATA(c), sizeof(who));
			printf(", control: credentials of %s",
			       who.pid == getpid() ? "this process" : "?");
		}
	printf("\n");
}
/* end nostreams_getmsg */

static void messages(void)
{
	int sv[2], on = 1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		err_sys("socketpair");
	Setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	send_message(sv[0], "ab");
	send_message(sv[0], "cde");
	receive_message(sv[1]);
	receive_message(sv[1]);
	Close(sv[0]);
	Close(sv[1]);
}

/* include nostreams_ldisc */
/* A terminal's "pushed module" on Linux: its line discipline. */
static void line_discipline(void)
{
	int pty = posix_openpt(O_RDWR | O_NOCTTY), ldisc;

	if (pty < 0)
		err_sys("posix_openpt");
	if (ioctl(pty, TIOCGETD, &ldisc) < 0)
		err_sys("TIOCGETD");
	printf("a new pseudo-terminal's line discipline: %d%s\n", ldisc,
	       ldisc == N_TTY ? " (N_TTY)" : "");
	Close(pty);
}
/* end nostreams_ldisc */

int main(void)
{
	if (setvbuf(stdout, NULL, _IOLBF, 0) != 0)
		err_quit("setvbuf");
	streams_calls();
	messages();
	line_discipline();
	return 0;
}
