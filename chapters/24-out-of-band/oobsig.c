/*
 * oobsig.c - receives urgent data with SIGURG (section 24.3).
 *
 * Accepts one connection on PORT and reads it to the end.  The socket's
 * owner is this process (F_SETOWN), so the kernel sends it SIGURG when
 * urgent data is announced; the handler reads the urgent byte with
 * MSG_OOB.  The handler writes with write(2) alone, which is safe in a
 * handler, and so does the main loop, so that lines never mix.
 *
 * usage: oobsig PORT
 */
#include "lnp.h"

#include <fcntl.h>

static int connfd = -1;

/* Writes one line made of a prefix and n bytes of data. */
static void say(const char *prefix, const char *data, size_t n)
{
	char line[MAXLINE];
	size_t len = strlen(prefix);

	if (len + n + 1 > sizeof(line))
		n = sizeof(line) - len - 1;
	memcpy(line, prefix, len);
	memcpy(line + len, data, n);
	line[len + n] = '\n';
	if (write(STDOUT_FILENO, line, len + n + 1) < 0)
		_exit(1);
}

/* include oobsig_handler */
static void sig_urg(int signo)
{
	int saved = errno;
	char c;
	ssize_t n = recv(connfd, &c, 1, MSG_OOB);

	(void)signo;
	if (n == 1)
		say("SIGURG: urgent byte ", &c, 1);
	else
		say("SIGURG: recv MSG_OOB: ", strerror(errno),
		    strlen(strerror(errno)));
	errno = saved;
}
/* end oobsig_handler */

int main(int argc, char **argv)
{
	char buf[MAXLINE], prefix[48];
	int listenfd;
	ssize_t n;

	if (argc != 2)
		err_quit("usage: oobsig PORT");
	listenfd = Tcp_listen_port(Port_parse(argv[1]), true);
	announce_port(listenfd);
	connfd = Accept(listenfd, NULL, NULL);
	Close(listenfd);
/* include oobsig_owner */
	Signal(SIGURG, sig_urg);
	if (fcntl(connfd, F_SETOWN, getpid()) < 0)
		err_sys("F_SETOWN");
/* end oobsig_owner */
	while ((n = read(connfd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err_sys("read");
		}
		snprintf(prefix, sizeof(prefix), "read %zd bytes: ", n);
		say(prefix, buf, (size_t)n);
	}
	say("end of file", "", 0);
	return 0;
}
