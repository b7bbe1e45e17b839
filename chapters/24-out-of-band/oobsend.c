/*
 * oobsend.c - sends ordinary and urgent data as it is told (sections
 * 24.2 to 24.5).
 *
 * Connects to HOST PORT, then reads lines from stdin.  A line that
 * starts with '!' is sent, without the '!', with MSG_OOB: TCP urgent
 * mode, whose last byte is the urgent byte.  Any other line is sent as
 * ordinary data.  The newline is never sent.  Each send() is its own
 * segment (TCP_NODELAY), so a capture shows one segment a line.  At the
 * end of stdin the socket is closed.
 *
 * usage: oobsend HOST PORT
 */
#include "lnp.h"

#include <netinet/tcp.h>

/* include oobsend_line */
static void send_line(int fd, char *line)
{
	bool urgent = line[0] == '!';
	char *data = urgent ? line + 1 : line;
	size_t len = strcspn(data, "\n");

	Send(fd, data, len, urgent ? MSG_OOB : 0);
	printf("sent %zu byte%s%s\n", len, len == 1 ? "" : "s",
	       urgent ? " with MSG_OOB" : "");
	fflush(stdout);
}
/* end oobsend_line */

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char line[MAXLINE];
	int fd, on = 1;

	if (argc != 3)
		err_quit("usage: oobsend HOST PORT");
	Sock_parse(argv[1], argv[2], &ss, &len);
	fd = Socket(ss.ss_family, SOCK_STREAM, 0);
	Setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	Connect(fd, (struct sockaddr *)&ss, len);
	while (fgets(line, sizeof(line), stdin) != NULL)
		send_line(fd, line);
	Close(fd);
	return 0;
}
