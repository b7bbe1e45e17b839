/*
 * mycat.c - cat through a helper (section 15.7).  mycat runs as an
 * ordinary process (it gives up its privileges first), so a file that
 * only a privileged process may read is closed to it.  It starts the
 * helper openfile on one end of a socketpair; openfile, a new program
 * that gets root's privileges back when it starts (as a set-user-ID
 * program would), opens the file and passes the open descriptor back.
 *
 * Usage: mycat PATH
 */
#include "lnp.h"

#include <linux/capability.h>
#include <sys/syscall.h>

/* include drop_privileges */
/* Clears this process's effective capabilities: from now on the kernel
 * checks its file accesses as it would an ordinary user's.  A program it
 * starts is another matter: root gets them all back at execve(). */
static void drop_privileges(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		err_sys("capget");
	data[0].effective = data[1].effective = 0;
	if (syscall(SYS_capset, &hdr, data) < 0)
		err_sys("capset");
}
/* end drop_privileges */

/* include recv_fd */
/* Receives one byte into *status and the descriptor sent with it into
 * *fd (-1 if none came).  Returns 1, 0 at end of file, or -1: errno
 * EMSGSIZE when the control data did not fit (MSG_CTRUNC), the kernel
 * then having closed what it could not deliver. */
static ssize_t recv_fd(int sock, unsigned char *status, int *fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { .iov_base = status, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	*fd = -1;
	if ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) <= 0)
		return n;
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	     cmsg = CMSG_NXTHDR(&msg, cmsg))
		if (cmsg->cmsg_level == SOL_SOCKET &&
		    cmsg->cmsg_type == SCM_RIGHTS &&
		    cmsg->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	if (msg.msg_flags & MSG_CTRUNC) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		errno = EMSGSIZE;
		return -1;
	}
	return n;
}
/* end recv_fd */

/* The helper, from the directory this program was started from. */
static const char *helper_path(void)
{
	static char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 20);
	char *slash;

	if (n < 0)
		err_sys("readlink /proc/self/exe");
	path[n] = '\0';
	slash = strrchr(path, '/');
	strcpy(slash != NULL ? slash + 1 : path, "openfile");
	return path;
}

/* include my_open */
/* Opens path with openfile's help; returns the descriptor. */
static int my_open(const char *path)
{
	const char *helper = helper_path();
	unsigned char status;
	char sockarg[16];
	int sv[2], fd, wstatus;
	pid_t pid;

	Socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if ((pid = Fork()) == 0) {
		Close(sv[0]);
		snprintf(sockarg, sizeof(sockarg), "%d", sv[1]);
		execl(helper, "openfile", sockarg, path, (char *)NULL);
		err_sys("execl %s", helper);
	}
	Close(sv[1]);
	if (waitpid(pid, &wstatus, 0) < 0)   /* the helper is gone now */
		err_sys("waitpid");
	fprintf(stderr, "openfile has exited (status %d); what it sent is "
		"still in the socket\n", WEXITSTATUS(wstatus));
	if (recv_fd(sv[0], &status, &fd) < 0)
		err_sys("recvmsg");
	Close(sv[0]);
	if (status != 0)
		err_quit("openfile could not open %s: %s", path,
			 strerror(status));
	if (fd < 0)
		err_quit("openfile sent no descriptor");
	return fd;
}
/* end my_open */

int main(int argc, char **argv)
{
	char buf[BUFFSIZE];
	ssize_t n;
	int fd;

	if (argc != 2)
		err_quit("usage: mycat PATH");
	drop_privileges();
	if ((fd = open(argv[1], O_RDONLY)) >= 0)
		fprintf(stderr, "mycat opened %s itself\n", argv[1]);
	else {
		fprintf(stderr, "mycat cannot open %s: %s; asking openfile\n",
			argv[1], strerror(errno));
		fd = my_open(argv[1]);
	}
	while ((n = Read(fd, buf, sizeof(buf))) > 0)
		Write(STDOUT_FILENO, buf, (size_t)n);
	return 0;
}
