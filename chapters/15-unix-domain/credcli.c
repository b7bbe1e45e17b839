/*
 * credcli.c - a client that says who it is (section 15.8).  It connects
 * to PATH and sends MESSAGE.  With -p, -u or -g it also sends
 * SCM_CREDENTIALS itself, claiming that pid, uid or gid (its own for the
 * others): the kernel checks the claim and refuses a false one unless
 * the process is privileged.  With -d it first gives up its privileges.
 *
 * Usage: credcli [-d] [-p PID] [-u UID] [-g GID] PATH|@NAME MESSAGE
 */
#include "lnp.h"

#include <linux/capability.h>
#include <sys/syscall.h>

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

/* include send_cred */
/* Sends text with SCM_CREDENTIALS claiming *cred. */
static void send_claim(int sockfd, const char *text,
		       const struct ucred *cred)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} control;
	struct iovec iov = {
		.iov_base = (void *)text, .iov_len = strlen(text)
	};
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;

	memset(&control, 0, sizeof(control));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_CREDENTIALS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(struct ucred));
	memcpy(CMSG_DATA(cmsg), cred, sizeof(*cred));
	if (sendmsg(sockfd, &msg, 0) < 0)
		err_sys("sendmsg claiming pid %d uid %u gid %u",
			(int)cred->pid, (unsigned)cred->uid,
			(unsigned)cred->gid);
}
/* end send_cred */

int main(int argc, char **argv)
{
	struct ucred cred = { getpid(), getuid(), getgid() };
	struct sockaddr_un server;
	char text[MAXLINE];
	bool claim = false;
	socklen_t len;
	int sockfd, opt;

	while ((opt = getopt(argc, argv, "dp:u:g:")) != -1) {
		switch (opt) {
		case 'd':
			drop_privileges();
			break;
		case 'p':
			cred.pid = (pid_t)atol(optarg);
			claim = true;
			break;
		case 'u':
			cred.uid = (uid_t)atol(optarg);
			claim = true;
			break;
		case 'g':
			cred.gid = (gid_t)atol(optarg);
			claim = true;
			break;
		default:
			err_quit("usage: credcli [-d] [-p PID] [-u UID] "
				 "[-g GID] PATH|@NAME MESSAGE");
		}
	}
	if (argc - optind != 2)
		err_quit("usage: credcli [-d] [-p PID] [-u UID] [-g GID] "
			 "PATH|@NAME MESSAGE");
	Unix_addr(argv[optind], &server, &len);
	sockfd = Socket(AF_UNIX, SOCK_STREAM, 0);
	Connect(sockfd, (struct sockaddr *)&server, len);
	snprintf(text, sizeof(text), "%s\n", argv[optind + 1]);
	if (claim)
		send_claim(sockfd, text, &cred);
	else
		Writen(sockfd, text, strlen(text));
	return 0;
}
