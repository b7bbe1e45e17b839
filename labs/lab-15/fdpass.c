/*
 * fdpass.c - Lab 15: descriptor passing and credentials over Unix domain
 * sockets.  The functions are described in fdpass.h.
 */
#include "lnp.h"
#include "fdpass.h"

#include <sys/stat.h>

int unix_listen(const char *path)
{
	// TODO (sections 15.2 and 15.4): refuse a path that does not fit
	// in sun_path with its NUL (ENAMETOOLONG); remove a socket file
	// left at the path, and nothing else; then socket(), bind() with
	// the right address length, listen().
	(void)path;
	errno = ENOSYS;
	return -1;
}

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

int send_fd(int sock, int fd)
{
	// TODO (section 15.7): one byte of data, and an SCM_RIGHTS control
	// message holding fd, in one sendmsg(); fd stays open.
	(void)sock;
	(void)fd;
	errno = ENOSYS;
	return -1;
}

int recv_fd(int sock)
{
	// TODO (section 15.7): recvmsg() one byte with a control buffer
	// big enough for credentials and a descriptor; find the SCM_RIGHTS
	// message; keep its first descriptor, close any others; EMSGSIZE
	// (closing what came) on MSG_CTRUNC, EPIPE at end of file, EBADMSG
	// if no descriptor came.
	(void)sock;
	errno = ENOSYS;
	return -1;
}

int peer_cred(int sock, struct ucred *cred)
{
	// TODO (section 15.8): ask the kernel, not the peer.
	(void)sock;
	(void)cred;
	errno = ENOSYS;
	return -1;
}

int passcred_on(int sock)
{
	// TODO (section 15.8)
	(void)sock;
	errno = ENOSYS;
	return -1;
}

ssize_t recv_cred(int sock, void *buf, size_t len, struct ucred *cred)
{
	// TODO (section 15.8): recvmsg() the data into buf and the
	// SCM_CREDENTIALS control message into *cred; EBADMSG if none came.
	(void)sock;
	(void)buf;
	(void)len;
	(void)cred;
	errno = ENOSYS;
	return -1;
}
