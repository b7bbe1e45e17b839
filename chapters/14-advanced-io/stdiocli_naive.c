/*
 * stdiocli_naive.c - a request/reply client on standard I/O streams
 * (section 14.10), to watch it break: the stream it writes requests to
 * is fully buffered, so the request stays in the program's own buffer
 * while it waits for the reply, and the server waits for the request.
 *
 * usage: stdiocli_naive HOST PORT LINE...
 */
#include "lnp.h"

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char reply[MAXLINE];
	FILE *in, *out;
	int fd;

	if (argc < 4)
		err_quit("usage: stdiocli_naive HOST PORT LINE...");
	Sock_parse(argv[1], argv[2], &ss, &len);
	fd = Socket(ss.ss_family, SOCK_STREAM, 0);
	Connect(fd, (struct sockaddr *)&ss, len);
	/* include naive */
	in = fdopen(fd, "r");                   /* replies */
	out = fdopen(dup(fd), "w");             /* requests: fully buffered */
	if (in == NULL || out == NULL)
		err_sys("fdopen");
	for (int i = 3; i < argc; i++) {
		fprintf(out, "%s\n", argv[i]);  /* into out's buffer ... */
		if (fgets(reply, sizeof(reply), in) == NULL)  /* ... wait */
			err_quit("the server closed the connection");
		fputs(reply, stdout);
	}
	/* end naive */
	return 0;
}
