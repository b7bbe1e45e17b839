/*
 * fdpass.c - one message on a Unix-domain socket with a descriptor
 * riding along (SCM_RIGHTS, unix(7)): netlab's replies carry a
 * namespace, and the VM backend hands qemu the file to save a VM to.
 */
#include "hn_int.h"

#include <string.h>
#include <sys/socket.h>

ssize_t hn_send_with_fd(int sock, const void *buf, size_t len, int fd)
{
	union {                 /* aligned for a cmsghdr */
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL);
}
