/*
 * lineserv.c - a request/reply server for section 14.10: for each line
 * a client sends, it answers one line, "N: LINE".  One client at a time.
 *
 * usage: lineserv PORT
 */
#include "lnp.h"

int main(int argc, char **argv)
{
	char line[MAXLINE], reply[MAXLINE + 32];
	struct linebuf lb;
	int l, c, count;
	ssize_t n;

	if (argc != 2)
		err_quit("usage: lineserv PORT");
	l = Tcp_listen_port(Port_parse(argv[1]), true);
	announce_port(l);
	for (;;) {
		c = Accept(l, NULL, NULL);
		linebuf_init(&lb, c);
		for (count = 1; (n = Readline(&lb, line, sizeof(line))) > 0;
		     count++) {
			n = snprintf(reply, sizeof(reply), "%d: %s", count,
				     line);
			if (n >= (ssize_t)sizeof(reply))
				n = sizeof(reply) - 1;
			Writen(c, reply, (size_t)n);
		}
		Close(c);
	}
}
