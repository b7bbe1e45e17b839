/*
 * wrapunix.c - wrappers for Unix calls and the C library.
 */
#include "lnp.h"

pid_t Fork(void)
{
	pid_t pid = fork();

	if (pid < 0)
		err_sys("fork");
	return pid;
}

void Close(int fd)
{
	if (close(fd) < 0)
		err_sys("close");
}

ssize_t Read(int fd, void *buf, size_t n)
{
	ssize_t r = read(fd, buf, n);

	if (r < 0)
		err_sys("read");
	return r;
}

void Write(int fd, const void *buf, size_t n)
{
	ssize_t put = write(fd, buf, n);

	if (put < 0)
		err_sys("write");
	if ((size_t)put != n)
		err_quit("write: only %zd of %zu bytes were written", put, n);
}

void Pipe(int fds[2])
{
	if (pipe(fds) < 0)
		err_sys("pipe");
}

void Dup2(int oldfd, int newfd)
{
	if (dup2(oldfd, newfd) < 0)
		err_sys("dup2");
}

void *Malloc(size_t n)
{
	void *p = malloc(n);

	if (p == NULL)
		err_sys("malloc(%zu)", n);
	return p;
}

char *Fgets(char *buf, int n, FILE *fp)
{
	char *p = fgets(buf, n, fp);

	if (p == NULL && ferror(fp))
		err_sys("fgets");
	return p;
}

void Fputs(const char *s, FILE *fp)
{
	if (fputs(s, fp) == EOF)
		err_sys("fputs");
}

void Inet_pton(int family, const char *src, void *dst)
{
	int r = inet_pton(family, src, dst);

	if (r < 0)
		err_sys("inet_pton(%s)", src);
	if (r == 0)
		err_quit("inet_pton: \"%s\" is not a valid address", src);
}

const char *Inet_ntop(int family, const void *src, char *dst,
		      socklen_t len)
{
	const char *p = inet_ntop(family, src, dst, len);

	if (p == NULL)
		err_sys("inet_ntop");
	return p;
}
