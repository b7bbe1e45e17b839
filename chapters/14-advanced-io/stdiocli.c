/*
 * stdiocli.c - the request/reply client of section 14.10 on standard
 * I/O streams, done right: the request stream is line buffered, so each
 * request leaves with its newline (an fflush() after it would do too).
 *
 * usage: stdiocli HOST PORT LINE...
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
		err_quit("usage: stdiocli HOST PORT LINE...");
	Sock_parse(argv[1], argv[2], &ss, &len);
	fd = Socket(ss.ss_family, SOCK_STREAM, 0);
	Connect(fd, (struct sockaddr *)&ss, len);
	in = fdopen(fd, "r");
	out = fdopen(dup(fd), "w");
	if (in == NULL || out == NULL)
		err_sys("fdopen");
	/* include linebuffered */
	if (setvbuf(out, NULL, _IOLBF, 0) != 0)  /* before the first use */
		err_quit("setvbuf");
	/* end linebuffered */
	for (int i = 3; i < argc; i++) {
		fprintf(out, "%s\n", argv[i]);  /* the newline sends it */
		if (fgets(reply, sizeof(reply), in) == NULL)
			err_quit("the server closed the connection");
		fputs(reply, stdout);
		fflush(stdout);
	}
	fclose(out);
	fclose(in);
	return 0;
}
