/*
 * linebench.c - what readline()'s buffer is worth: lines per second read
 * through a socketpair with readline(), and with a reader that calls
 * read() once per byte.
 *
 *   linebench [LINES]
 *
 * A child process writes LINES lines of 40 bytes (default 50000); the
 * parent reads them both ways and prints one BENCH line for each.
 */
#include "lnp.h"

#define LINE_LEN 40

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The writer: the lines in big writes, then end of file. */
static void write_lines(int fd, long lines)
{
	char chunk[LINE_LEN * 100];
	long i;
	int j;

	for (j = 0; j < 100; j++) {
		memset(chunk + j * LINE_LEN, 'x', LINE_LEN - 1);
		chunk[j * LINE_LEN + LINE_LEN - 1] = '\n';
	}
	for (i = 0; i < lines; i += 100)
		Writen(fd, chunk, (size_t)(lines - i < 100 ? lines - i : 100) *
		       LINE_LEN);
	Close(fd);
}

/* One read() per byte: correct, and one system call per byte. */
static ssize_t read_byte_by_byte(int fd, char *buf, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen - 1) {
		ssize_t r = read(fd, buf + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

/* Reads every line one way; returns lines per second. */
static double measure(long lines, bool buffered)
{
	int sv[2];
	pid_t pid;
	struct linebuf lb;
	char line[MAXLINE];
	long got = 0;
	double start;

	Socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	fflush(stdout);         /* or the child would print it again */
	if ((pid = Fork()) == 0) {
		Close(sv[0]);
		write_lines(sv[1], lines);
		exit(0);
	}
	Close(sv[1]);
	linebuf_init(&lb, sv[0]);
	start = now_s();
	while ((buffered ? Readline(&lb, line, sizeof(line)) :
		read_byte_by_byte(sv[0], line, sizeof(line))) > 0)
		got++;
	if (got != lines)
		err_quit("read %ld lines of %ld", got, lines);
	Close(sv[0]);
	if (waitpid(pid, NULL, 0) < 0)
		err_sys("waitpid");
	return (double)lines / (now_s() - start);
}

int main(int argc, char **argv)
{
	long lines = argc > 1 ? atol(argv[1]) : 50000;

	if (lines <= 0 || lines > 100000000)
		err_quit("usage: linebench [LINES], 1 to 100000000");
	printf("BENCH ch03.readline_lines %.0f lines/s\n",
	       measure(lines, true));
	printf("BENCH ch03.read_per_byte_lines %.0f lines/s\n",
	       measure(lines, false));
	return 0;
}
