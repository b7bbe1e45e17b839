/*
 * serv_prepass.c - design 5: N children made in advance; the parent
 * alone accepts, and passes each connection to an idle child over a Unix
 * socket (SCM_RIGHTS); a child says it is idle again with one byte.
 * Usage: serv_prepass [-n children] port
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "lnp.h"
#include "web30.h"

struct kid {
	pid_t pid;
	int pipe;                       /* the parent's end */
	bool busy;
};

/* include pass_fd */
static int send_fd(int sock, int fd)
{
	char byte = 0, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) <= 0)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}
/* end pass_fd */

static void child_main(int sock)
{
	int connfd;

	while ((connfd = recv_fd(sock)) >= 0) {
		web_serve(connfd);
		close(connfd);
		if (write(sock, "", 1) != 1)    /* idle again */
			break;
	}
	_exit(0);
}

static volatile sig_atomic_t stop;

static void on_term(int signo)
{
	(void)signo;
	stop = 1;
}

int main(int argc, char **argv)
{
	int c, n = 4, listenfd, connfd, idle, sv[2];
	struct kid *kids;
	struct pollfd *pf;
	char byte;

	while ((c = getopt(argc, argv, "n:")) != -1)
		if (c != 'n' || (n = atoi(optarg)) <= 0 || n > 1000)
			err_quit("usage: serv_prepass [-n children] port");
	if (optind != argc - 1)
		err_quit("usage: serv_prepass [-n children] port");
	signal(SIGPIPE, SIG_IGN);
	listenfd = web_listen(Port_parse(argv[optind]), false, false);
	if (listenfd < 0)
		err_sys("listen");
	kids = calloc((size_t)n, sizeof(*kids));
	pf = calloc((size_t)n + 1, sizeof(*pf));
	for (int i = 0; i < n; i++) {
		Socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		if ((kids[i].pid = Fork()) == 0) {
			close(listenfd);
			close(sv[0]);
			for (int j = 0; j < i; j++)
				close(kids[j].pipe);
			child_main(sv[1]);
		}
		close(sv[1]);
		kids[i].pipe = sv[0];
	}
	signal_intr(SIGTERM, on_term);
	announce_port(listenfd);
	idle = n;
/* include pass_loop */
	while (!stop) {
		pf[0].fd = idle > 0 ? listenfd : -1;    /* no idle child: */
		pf[0].events = POLLIN;                  /* let them queue */
		for (int i = 0; i < n; i++) {
			pf[i + 1].fd = kids[i].pipe;
			pf[i + 1].events = POLLIN;
		}
		if (poll(pf, (nfds_t)n + 1, -1) < 0)
			continue;                       /* EINTR */
		for (int i = 0; i < n; i++)
			if (pf[i + 1].revents != 0) {
				if (read(kids[i].pipe, &byte, 1) != 1)
					err_quit("child %d ended", i);
				kids[i].busy = false;
				idle++;
			}
		if (pf[0].fd < 0 || !(pf[0].revents & POLLIN))
			continue;
		if ((connfd = accept(listenfd, NULL, NULL)) < 0)
			continue;
		for (int i = 0; i < n; i++)
			if (!kids[i].busy) {
				if (send_fd(kids[i].pipe, connfd) < 0)
					err_sys("sendmsg");
				kids[i].busy = true;
				idle--;
				break;
			}
		close(connfd);          /* the child has its own now */
	}
/* end pass_loop */
	for (int i = 0; i < n; i++)
		close(kids[i].pipe);    /* end of file: each child ends */
	while (wait(NULL) > 0)
		;
	free(kids);
	free(pf);
	return 0;
}
