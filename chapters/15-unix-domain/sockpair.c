/*
 * sockpair.c - socketpair() (section 15.3): two connected Unix domain
 * sockets with no name, shared by a parent and the child it forks.  The
 * child reads a line on its end and sends it back in capitals.
 *
 * Usage: sockpair [LINE]
 */
#include "lnp.h"

#include <ctype.h>

/* The child's side: one line in, the same in capitals back, end. */
static void shout_back(int fd)
{
	struct linebuf lb;
	char line[MAXLINE];
	ssize_t n;

	linebuf_init(&lb, fd);
	n = Readline(&lb, line, sizeof(line));
	for (ssize_t i = 0; i < n; i++)
		line[i] = (char)toupper((unsigned char)line[i]);
	Writen(fd, line, (size_t)n);
	exit(0);
}

/* include sockpair */
int main(int argc, char **argv)
{
	const char *text = argc > 1 ? argv[1] : "hello over a socketpair";
	char line[MAXLINE];
	struct linebuf lb;
	int sv[2];
	ssize_t n;

	Socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if (Fork() == 0) {
		Close(sv[0]);           /* the child keeps sv[1] */
		shout_back(sv[1]);
	}
	Close(sv[1]);                   /* the parent keeps sv[0] */
	snprintf(line, sizeof(line), "%s\n", text);
	Writen(sv[0], line, strlen(line));
	linebuf_init(&lb, sv[0]);
	n = Readline(&lb, line, sizeof(line));
	printf("parent sent \"%s\", child answered \"%.*s\"\n", text,
	       (int)(n > 0 ? n - 1 : 0), line);
	if (wait(NULL) < 0)
		err_sys("wait");
	return 0;
}
/* end sockpair */
