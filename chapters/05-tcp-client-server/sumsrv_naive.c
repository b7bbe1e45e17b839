/*
 * sumsrv_naive.c - a server that adds two numbers (section 5.18): the
 * client sends "3 4\n", the server answers "7\n".  Text, not binary
 * structures, so the two hosts need not agree on byte order or sizes.
 *
 * Kept on purpose as it is: sscanf() takes whatever it can and ignores
 * the rest, so a number too big for a long comes back clamped, "3 4abc"
 * and "1 2 3" get answers, and a line longer than the buffer is answered
 * twice, as two requests.  (Two operands near the limits overflow the
 * addition itself, which in C is undefined behaviour.)  Lab 5 asks for
 * the server that says what is wrong instead.
 *
 * Usage: sumsrv_naive [port]   (default 9877; 0 asks for any free port)
 */
#include "lnp.h"

static void sig_chld(int signo)
{
	int saved_errno = errno;

	(void)signo;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		continue;
	errno = saved_errno;
}

/* include sum_naive */
static void serve_sums(int sockfd)
{
	char line[MAXLINE];
	struct linebuf lb;
	long a, b;

	linebuf_init(&lb, sockfd);
	while (Readline(&lb, line, sizeof(line)) > 0) {
		if (sscanf(line, "%ld%ld", &a, &b) == 2)
			snprintf(line, sizeof(line), "%ld\n", a + b);
		else
			snprintf(line, sizeof(line), "input error\n");
		Writen(sockfd, line, strlen(line));
	}
}
/* end sum_naive */

int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	int listenfd = Tcp_listen_port(port, true);
	int connfd;

	Signal(SIGCHLD, sig_chld);      /* SA_RESTART: accept() carries on */
	announce_port(listenfd);
	for (;;) {
		connfd = Accept(listenfd, NULL, NULL);
		if (Fork() == 0) {
			Close(listenfd);
			serve_sums(connfd);
			exit(0);
		}
		Close(connfd);
	}
}
