/*
 * credserv.c - who is the client? (section 15.8)  For each connection
 * it prints the peer's credentials twice, as the kernel reports them:
 * SO_PEERCRED, recorded when the client connected, and SCM_CREDENTIALS,
 * attached to each message because SO_PASSCRED is on.  What the client
 * writes in its message is printed too, as a claim, never believed.
 * One client at a time; it ends after COUNT clients (default: never).
 *
 * Usage: credserv PATH|@NAME [COUNT]
 */
#include "lnp.h"

#include <sys/stat.h>

/* include peer_cred */
static void print_peer(int connfd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	Getsockopt(connfd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
	printf("SO_PEERCRED: pid %d uid %u gid %u\n", (int)cred.pid,
	       (unsigned)cred.uid, (unsigned)cred.gid);
}
/* end peer_cred */

/* include recv_cred */
/* Receives a message and prints it with the credentials sent with it. */
static ssize_t print_message(int connfd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} control;
	char text[MAXLINE];
	struct iovec iov = { .iov_base = text, .iov_len = sizeof(text) - 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	struct ucred cred;
	ssize_t n;

	if ((n = recvmsg(connfd, &msg, 0)) <= 0)
		return n;
	text[n] = '\0';
	printf("the client says: %s", text);
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
	     cmsg = CMSG_NXTHDR(&msg, cmsg)) {
		if (cmsg->cmsg_level != SOL_SOCKET ||
		    cmsg->cmsg_type != SCM_CREDENTIALS)
			continue;
		memcpy(&cred, CMSG_DATA(cmsg), sizeof(cred));
		printf("SCM_CREDENTIALS: pid %d uid %u gid %u\n",
		       (int)cred.pid, (unsigned)cred.uid,
		       (unsigned)cred.gid);
	}
	fflush(stdout);
	return n;
}
/* end recv_cred */

int main(int argc, char **argv)
{
	struct sockaddr_un addr;
	struct stat st;
	socklen_t len;
	int listenfd, connfd, on = 1;
	long count = argc == 3 ? atol(argv[2]) : -1;

	if (argc < 2 || argc > 3 || count == 0)
		err_quit("usage: credserv PATH|@NAME [COUNT]");
	Unix_addr(argv[1], &addr, &len);
	listenfd = Socket(AF_UNIX, SOCK_STREAM, 0);
	/* set before any client connects: connections inherit it */
	Setsockopt(listenfd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	if (argv[1][0] != '@' && lstat(argv[1], &st) == 0 &&
	    S_ISSOCK(st.st_mode))
		unlink(argv[1]);
	Bind(listenfd, (struct sockaddr *)&addr, len);
	Listen(listenfd, LISTENQ);
	printf("listening on %s\n", argv[1]);
	fflush(stdout);
	for (; count != 0; count--) {
		connfd = Accept(listenfd, NULL, NULL);
		print_peer(connfd);
		while (print_message(connfd) > 0)
			continue;
		printf("client gone\n");
		fflush(stdout);
		Close(connfd);
	}
	return 0;
}
