/*
 * partial.c - why readn and readline exist: a stream socket hands over
 * whatever bytes have arrived, not the line the peer wrote.
 *
 * A child process plays the peer.  It writes the line "hello, world\n"
 * in two pieces, "hello, " and "world\n", each only when the parent says
 * "go" (one byte), so the line really arrives in two pieces, every time.
 * The parent reads it first with read(), then (the peer sending it again)
 * with readline().
 */
#include "lnp.h"

/* The peer: each piece of the line waits for the parent's "go". */
static void peer(int fd, int rounds)
{
	const char *pieces[] = { "hello, ", "world\n" };
	char go;
	int i;

	while (rounds-- > 0) {
		for (i = 0; i < 2; i++) {
			if (Read(fd, &go, 1) != 1)
				err_quit("peer: the parent went away");
			Writen(fd, pieces[i], strlen(pieces[i]));
		}
	}
	exit(0);
}

/* Prints what a call returned, with a newline shown as \n. */
static void show(const char *call, const char *buf, ssize_t n)
{
	ssize_t i;

	printf("%s returned %zd bytes: \"", call, n);
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n')
			fputs("\\n", stdout);
		else
			putchar(buf[i]);
	}
	printf("\"\n");
}

/* Waits until fd has something to read. */
static void wait_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	Poll(&pfd, 1, -1);
}

/* include partial_read */
static void with_read(int fd)
{
	char buf[MAXLINE];
	ssize_t n;

	Write(fd, "g", 1);                /* peer: send "hello, " */
	n = Read(fd, buf, sizeof(buf));  /* returns what has arrived */
	show("read()", buf, n);
	Write(fd, "g", 1);                /* peer: send "world\n" */
	n = Read(fd, buf, sizeof(buf));
	show("read()", buf, n);
}
/* end partial_read */

/* include partial_readline */
static void with_readline(int fd)
{
	struct linebuf lb;
	char line[MAXLINE];
	ssize_t n;

	linebuf_init(&lb, fd);
	Write(fd, "g", 1);                /* peer: send "hello, " */
	wait_readable(fd);                /* it has arrived... */
	Write(fd, "g", 1);                /* ...now send "world\n" */
	n = Readline(&lb, line, sizeof(line));
	show("readline()", line, n);
}
/* end partial_readline */

int main(void)
{
	int sv[2];
	pid_t pid;

	Socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	fflush(stdout);
	if ((pid = Fork()) == 0) {
		Close(sv[0]);
		peer(sv[1], 2);
	}
	Close(sv[1]);
	printf("the peer writes \"hello, \", then \"world\\n\"\n");
	with_read(sv[0]);
	with_readline(sv[0]);
	if (waitpid(pid, NULL, 0) < 0)
		err_sys("waitpid");
	return 0;
}
