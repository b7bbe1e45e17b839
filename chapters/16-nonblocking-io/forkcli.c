/*
 * forkcli.c - the echo client as two processes (section 16.3).
 *
 * The child copies the server's echoes to stdout; the parent copies
 * stdin to the server, half-closes the connection at end of input and
 * waits for the child, which ends when the server closes its side.
 * Each process does one thing with blocking calls, and the kernel
 * lets them run side by side: as fast as the two-buffer client, in a
 * third of the code.
 *
 * usage: forkcli HOST PORT
 */
#include "lnp.h"

/* include str_cli_fork */
static void str_cli_fork(int sockfd)
{
	char buf[BUFFSIZE];
	ssize_t n;
	pid_t pid = Fork();
	int status;

	if (pid == 0) {                         /* child: server -> stdout */
		while ((n = Read(sockfd, buf, sizeof(buf))) > 0)
			Writen(STDOUT_FILENO, buf, (size_t)n);
		_exit(0);
	}
	while ((n = Read(STDIN_FILENO, buf, sizeof(buf))) > 0)
		Writen(sockfd, buf, (size_t)n);  /* parent: stdin -> server */
	Shutdown(sockfd, SHUT_WR);              /* FIN; the child reads on */
	if (waitpid(pid, &status, 0) < 0)
		err_sys("waitpid");
}
/* end str_cli_fork */

int main(int argc, char **argv)
{
	struct sockaddr_storage server;
	socklen_t len;
	int sockfd;

	if (argc != 3)
		err_quit("usage: forkcli HOST PORT");
	Sock_parse(argv[1], argv[2], &server, &len);
	sockfd = Socket(server.ss_family, SOCK_STREAM, 0);
	Connect(sockfd, (struct sockaddr *)&server, len);
	str_cli_fork(sockfd);
	return 0;
}
