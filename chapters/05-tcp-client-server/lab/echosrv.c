/*
 * echosrv.c - Lab 5, part 1: an echo server that keeps running whatever
 * its clients do.  (The task is in LAB.md.)
 *
 * One child process per client, as in section 5.2, plus:
 *   - no zombies, even when many children end at the same moment (5.10);
 *   - a SIGCHLD that interrupts accept() is not an error (5.9);
 *   - a client that aborts before the server accepts it is logged and
 *     served like any other, and does not stop the server (5.11);
 *   - writing to a client that has gone never kills a process (5.13).
 *
 * For each client it accepts, the server prints one line on stdout:
 *   connection from 192.0.2.1:40000
 *
 * Usage: echosrv [port]      (default 9877; 0 asks for any free port)
 */
#include "lnp.h"

/* Runs whenever a child ends (or several end while it is pending). */
static void sig_chld(int signo)
{
	/* BEGIN SOLUTION */
	int saved_errno = errno;        /* the interrupted code may need it */

	(void)signo;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		continue;       /* SIGCHLD is not queued: reap them all */
	errno = saved_errno;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 5.10): wait for every child that has ended, without
	// ever blocking: several may have ended and only one SIGCHLD arrives.
	// Keep errno as you found it.
	(void)signo;
	STARTER */
}

static void install_handlers(void)
{
	/* The handler interrupts accept() (no SA_RESTART): accept_client()
	 * must cope with that. */
	if (signal_intr(SIGCHLD, sig_chld) == SIG_ERR)
		err_sys("sigaction(SIGCHLD)");
	/* BEGIN SOLUTION */
	/* A write to a connection the client has reset must fail with EPIPE,
	 * not kill the process that makes it. */
	if (signal_install(SIGPIPE, SIG_IGN) == SIG_ERR)
		err_sys("sigaction(SIGPIPE)");
	/* END SOLUTION */
	/* STARTER
	// TODO (section 5.13): make sure that writing to a connection the
	// client has reset can never kill a process of this server.
	STARTER */
}

/* Accepts the next client, prints "connection from ADDRESS:PORT" and
 * returns the connected socket. */
static int accept_client(int listenfd)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	char name[SOCK_NTOP_LEN];
	int connfd;

	/* BEGIN SOLUTION */
	/* On Linux, a connection reset before accept() is still returned,
	 * with its address; getpeername() on it fails with ENOTCONN. */
	while ((connfd = accept(listenfd, (struct sockaddr *)&peer,
				&len)) < 0) {
		if (errno != EINTR && errno != ECONNABORTED)
			err_sys("accept");
		len = sizeof(peer);     /* a signal or an aborted client */
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (sections 5.9 and 5.11): when accept() is interrupted by a
	// signal handler it fails with EINTR: call it again.  And a client
	// may have reset its connection before the server accepted it: what
	// does Linux return then, and does getpeername() still work?
	connfd = Accept(listenfd, NULL, NULL);
	Getpeername(connfd, (struct sockaddr *)&peer, &len);
	STARTER */
	printf("connection from %s\n",
	       sock_ntop((struct sockaddr *)&peer, len, name, sizeof(name))
	       ? name : "(unknown address)");
	fflush(stdout);
	return connfd;
}

/* The child's whole life: echo until the client closes, then exit. */
static void serve_client(int connfd)
{
	if (str_echo(connfd) < 0) {
		err_ret("echo");        /* the client reset or vanished */
		exit(1);
	}
	exit(0);
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	int listenfd = Tcp_listen_port(port, true);
	int connfd;
	pid_t pid;

	install_handlers();
	announce_port(listenfd);
	for (;;) {
		connfd = accept_client(listenfd);
		pid = fork();
		if (pid == 0) {
			Close(listenfd);
			serve_client(connfd);
		}
		if (pid < 0)            /* out of processes: refuse this one */
			err_ret("fork");
		Close(connfd);
	}
}
