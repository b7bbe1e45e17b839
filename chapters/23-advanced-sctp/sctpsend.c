/*
 * sctpsend.c - sends messages on one SCTP association, each in a packet
 * of its own (SCTP_NODELAY), ordered or not.
 *
 *   sctpsend [-a] HOST PORT MSG...
 *
 * Each MSG is a message on stream 0: "TEXT" is sent ordered, "u:TEXT"
 * unordered (SCTP_UNORDERED, section 23.4), "=N" is N bytes of
 * filler, ordered (a message larger than a packet, 23.3).  Then the
 * association is shut down gracefully; with -a the program first waits
 * for the end of its standard input and then aborts it (SCTP_ABORT).
 */
#include "lnp.h"
#include "sctputil.h"

#include <netinet/sctp.h>

/* Sends one MSG as the command line spells it. */
static void send_one(int fd, const char *msg)
{
	uint16_t flags = 0;
	size_t len;
	char *big = NULL;
	const char *what = msg;

	if (strncmp(msg, "u:", 2) == 0) {
		flags = SCTP_UNORDERED;
		what = msg + 2;
		len = strlen(what);
	} else if (msg[0] == '=' && atoi(msg + 1) > 0) {
		len = (size_t)atoi(msg + 1);
		big = Malloc(len);
		for (size_t i = 0; i < len; i++)
			big[i] = (char)('a' + i % 26);
		what = big;
	} else {
		len = strlen(msg);
	}
/* include unordered */
	if (sctp_send_sndinfo(fd, what, len, NULL, 0, 0, 0, 0, flags) < 0)
		err_sys("send");
/* end unordered */
	if (big != NULL)
		printf("sent %zu bytes\n", len);
	else
		printf("sent \"%s\"%s\n", what,
		       flags & SCTP_UNORDERED ? " unordered" : "");
	fflush(stdout);
	free(big);
}

/* Waits for the end of standard input, then aborts the association. */
static void abort_at_eof(int fd)
{
	struct linger lin = { .l_onoff = 1, .l_linger = 0 };
	char c;

	while (Read(STDIN_FILENO, &c, 1) > 0)
		;
	Setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
	Close(fd);               /* with linger 0: an ABORT */
	printf("aborted\n");
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int c, fd, on = 1;
	bool abort = false;

	while ((c = getopt(argc, argv, "a")) != -1) {
		if (c != 'a')
			err_quit("usage: sctpsend [-a] HOST PORT MSG...");
		abort = true;
	}
	if (argc - optind < 3)
		err_quit("usage: sctpsend [-a] HOST PORT MSG...");
	Sock_parse(argv[optind], argv[optind + 1], &ss, &len);
	fd = Socket(ss.ss_family, SOCK_STREAM, IPPROTO_SCTP);
	Setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof(on));
	Connect(fd, (struct sockaddr *)&ss, len);
	for (int i = optind + 2; i < argc; i++)
		send_one(fd, argv[i]);
	if (abort)
		abort_at_eof(fd);
	else
		Close(fd);       /* SHUTDOWN once everything is acked */
	return 0;
}
