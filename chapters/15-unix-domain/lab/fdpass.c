/*
 * fdpass.c - Lab 15: descriptor passing and credentials over Unix domain
 * sockets.  The functions are described in fdpass.h.
 */
#include "lnp.h"
#include "fdpass.h"

#include <sys/stat.h>

/* include unix_listen */
int unix_listen(const char *path)
{
	/* BEGIN SOLUTION */
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t n = strlen(path);
	struct stat st;
	int fd, saved;

	if (n >= sizeof(sun.sun_path)) {        /* the NUL must fit too */
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, n + 1);
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);                   /* a stale socket file */
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sun,
		 offsetof(struct sockaddr_un, sun_path) + n + 1) < 0 ||
	    listen(fd, LISTENQ) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
	/* END SOLUTION */
	/* STARTER
	// TODO (sections 15.2 and 15.4): refuse a path that does not fit
	// in sun_path with its NUL (ENAMETOOLONG); remove a socket file
	// left at the path, and nothing else; then socket(), bind() with
	// the right address length, listen().
	(void)path;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end unix_listen */

int unix_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t n = strlen(path);
	int fd, saved;

	if (n >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, n + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun,
		    offsetof(struct sockaddr_un, sun_path) + n + 1) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* include lab_send_fd */
int send_fd(int sock, int fd)
{
	/* BEGIN SOLUTION */
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	char byte = 'F';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;

	memset(&control, 0, sizeof(control));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != 1)
		return -1;
	return 0;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 15.7): one byte of data, and an SCM_RIGHTS control
	// message holding fd, in one sendmsg(); fd stays open.
	(void)sock;
	(void)fd;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end lab_send_fd */

/* include lab_recv_fd */
int recv_fd(int sock)
{
	/* BEGIN SOLUTION */
	union {                 /* room for credentials and a descriptor */
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred)) +
			 CMSG_SPACE(sizeof(int))];
	} control;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;
	int fd = -1, extra;

	if ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
		return -1;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	     cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_RIGHTS)
			continue;
		/* keep the first descriptor, close any others */
		for (size_t i = 0; CMSG_LEN((i + 1) * sizeof(int)) <=
		     cmsg->cmsg_len; i++) {
			memcpy(&extra, CMSG_DATA(cmsg) + i * sizeof(int),
			       sizeof(int));
			if (fd < 0)
				fd = extra;
			else
				close(extra);
		}
	}
	if (msg.msg_flags & MSG_CTRUNC) {
		if (fd >= 0)
			close(fd);
		errno = EMSGSIZE;
		return -1;
	}
	if (n == 0) {
		errno = EPIPE;
		return -1;
	}
	if (fd < 0) {
		errno = EBADMSG;
		return -1;
	}
	return fd;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 15.7): recvmsg() one byte with a control buffer
	// big enough for credentials and a descriptor; find the SCM_RIGHTS
	// message; keep its first descriptor, close any others; EMSGSIZE
	// (closing what came) on MSG_CTRUNC, EPIPE at end of file, EBADMSG
	// if no descriptor came.
	(void)sock;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end lab_recv_fd */

/* include lab_peer_cred */
int peer_cred(int sock, struct ucred *cred)
{
	/* BEGIN SOLUTION */
	socklen_t len = sizeof(*cred);

	return getsockopt(sock, SOL_SOCKET, SO_PEERCRED, cred, &len);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 15.8): ask the kernel, not the peer.
	(void)sock;
	(void)cred;
	errno = ENOSYS;
	return -1;
	STARTER */
}

int passcred_on(int sock)
{
	/* BEGIN SOLUTION */
	int on = 1;

	return setsockopt(sock, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	/* END SOLUTION */
	/* STARTER
	// TODO (section 15.8)
	(void)sock;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end lab_peer_cred */

/* include lab_recv_cred */
ssize_t recv_cred(int sock, void *buf, size_t len, struct ucred *cred)
{
	/* BEGIN SOLUTION */
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	bool got = false;
	ssize_t n;

	if ((n = recvmsg(sock, &msg, 0)) <= 0)
		return n;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	     cmsg = CMSG_NXTHDR(&msg, cmsg))
		if (cmsg->cmsg_level == SOL_SOCKET &&
		    cmsg->cmsg_type == SCM_CREDENTIALS &&
		    cmsg->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			memcpy(cred, CMSG_DATA(cmsg), sizeof(*cred));
			got = true;
		}
	if (!got) {
		errno = EBADMSG;
		return -1;
	}
	return n;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 15.8): recvmsg() the data into buf and the
	// SCM_CREDENTIALS control message into *cred; EBADMSG if none came.
	(void)sock;
	(void)buf;
	(void)len;
	(void)cred;
	errno = ENOSYS;
	return -1;
	STARTER */
}
/* end lab_recv_cred */
