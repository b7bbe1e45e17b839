/*
 * wraplib.c - wrappers for the library's own functions.  They live apart
 * from the functions they wrap so that a lab can replace those functions
 * (readio.c, sock_ntop.c) and keep these.
 */
#include "lnp.h"

ssize_t Readn(int fd, void *buf, size_t n)
{
	ssize_t r = readn(fd, buf, n);

	if (r < 0)
		err_sys("readn");
	return r;
}

void Writen(int fd, const void *buf, size_t n)
{
	if (writen(fd, buf, n) < 0)
		err_sys("writen");
}

ssize_t Readline(struct linebuf *lb, void *buf, size_t maxlen)
{
	ssize_t r = readline(lb, buf, maxlen);

	if (r < 0)
		err_sys("readline");
	return r;
}

char *Sock_ntop(const struct sockaddr *sa, socklen_t salen,
		char *buf, size_t buflen)
{
	char *p = sock_ntop(sa, salen, buf, buflen);

	if (p == NULL)
		err_sys("sock_ntop");
	return p;
}
