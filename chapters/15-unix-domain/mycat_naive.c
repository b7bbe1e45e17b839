/*
 * mycat_naive.c - mycat with the receiving mistake of section 15.7, kept
 * on purpose: its control buffer has room for a descriptor but not for
 * the cmsghdr in front of it, and it never looks at MSG_CTRUNC.  The
 * kernel cannot deliver the descriptor, closes it, and says so in
 * msg_flags; this version blames the helper instead.
 *
 * Usage: mycat_naive PATH
 */
#include "lnp.h"

#include <linux/capability.h>
#include <sys/syscall.h>

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

/* include recv_fd_naive */
/* WRONG: room for the int, none for the header before it. */
static ssize_t recv_fd(int sock, unsigned char *status, int *fd)
{
	char control[sizeof(int)];
	struct iovec iov = { .iov_base = status, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	*fd = -1;
	if ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) <= 0)
		return n;
	cmsg = CMSG_FIRSTHDR(&msg);     /* NULL: nothing fitted */
	if (cmsg != NULL && cmsg->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
	return n;                       /* MSG_CTRUNC never looked at */
}
/* end recv_fd_naive */

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
