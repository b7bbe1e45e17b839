/*
 * webthr_main.c - lab 26's program around webthr.c (given, not yours):
 *
 *   webthr [-n N] HOST PORT DIR PATH...
 *
 * fetches every PATH from HOST and PORT over HTTP/1.0, at most N files
 * at once (default 4), one thread per file; saves each body as DIR/NAME
 * and prints one line per file.  Exit status 0 when every file was
 * fetched (whatever the HTTP status), 1 otherwise.
 */
#include "webthr.h"

int main(int argc, char **argv)
{
	struct fetchset fs;
	int maxconn = 4, opt, status;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n' || (maxconn = atoi(optarg)) < 1)
			err_quit("usage: webthr [-n N] HOST PORT DIR PATH...");
	}
	if (argc - optind < 4)
		err_quit("usage: webthr [-n N] HOST PORT DIR PATH...");
	setvbuf(stdout, NULL, _IOLBF, 0);
	fetchset_init(&fs, argv[optind], argv[optind + 1], argv[optind + 2],
		      maxconn, argv + optind + 3, argc - optind - 3);
	status = fetch_all(&fs);
	free(fs.files);
	return status;
}
