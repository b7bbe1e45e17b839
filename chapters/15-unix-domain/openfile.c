/*
 * openfile.c - the helper of section 15.7: it opens a file that its
 * caller may not open, and hands the open descriptor back over a Unix
 * domain socket that the caller gave it.  It sends one byte, 0 on
 * success (with the descriptor as SCM_RIGHTS ancillary data) or the
 * errno of the failed open() (without one), and exits with that byte.
 *
 * Usage: openfile SOCKFD PATH    (SOCKFD: an inherited socket's number)
 */
#include "lnp.h"

/* include send_fd */
/* Sends the byte *status, and with it the descriptor fd (if fd >= 0). */
static void send_fd(int sock, unsigned char status, int fd)
{
	union {                         /* aligned for a cmsghdr */
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { .iov_base = &status, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cmsg;

	if (fd >= 0) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		cmsg = CMSG_FIRSTHDR(&msg);
		cmsg->cmsg_level = SOL_SOCKET;
		cmsg->cmsg_type = SCM_RIGHTS;
		cmsg->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	}
	if (sendmsg(sock, &msg, 0) != 1)   /* the byte carries the fd */
		err_sys("sendmsg");
}
/* end send_fd */

int main(int argc, char **argv)
{
	int sock, fd;
	unsigned char status = 0;

	if (argc != 3)
		err_quit("usage: openfile SOCKFD PATH");
	sock = atoi(argv[1]);
	if ((fd = open(argv[2], O_RDONLY)) < 0)
		status = (unsigned char)(errno < 256 ? errno : EIO);
	send_fd(sock, status, fd);
	/* exits at once: the descriptor is in the message, in flight, and
	 * stays open there after this process and its own copy are gone */
	return status;
}
