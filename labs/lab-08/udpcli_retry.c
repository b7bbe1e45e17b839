/*
 * udpcli_retry.c - lab 8: the UDP echo client made dependable (sections
 * 8.8, 8.9 and 8.12).
 *
 * Each line of stdin goes to the server in one datagram; the reply is
 * printed on stdout.  Unlike udpcli:
 *   - it waits for a reply at most TIMEOUT ms, then sends the request
 *     again, at most RETRIES more times; if no reply comes it says so on
 *     stderr ("no reply from ADDR after N tries") and exits with status 1;
 *   - it takes as the reply only a datagram from the server's address and
 *     port; any other is reported on stderr ("ignored a datagram from
 *     ADDR") and the wait goes on for the time that is left.
 *
 * usage: udpcli_retry [-t TIMEOUT_MS] [-r RETRIES] HOST PORT
 *        (defaults: -t 1000 -r 3)
 */
#include "lnp.h"

struct peer {
	struct sockaddr_storage addr;
	socklen_t len;
	char name[SOCK_NTOP_LEN];
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* True if the datagram came from the server: same address, same port. */
static bool from_server(const struct sockaddr *from, socklen_t fromlen,
			const struct peer *server)
{
	// TODO (section 8.8): compare the sender's address and port with
	// the server's (sock_cmp_addr, sock_cmp_port).
	(void)from;
	(void)fromlen;
	(void)server;
	return true;
}

/* Waits up to timeout_ms for the server's reply to land in reply
 * (at most size - 1 bytes, NUL-terminated).  Returns its length, or -1
 * if the time ran out.  Datagrams from anyone else are reported on
 * stderr and skipped, without restarting the clock. */
static ssize_t wait_reply(int fd, const struct peer *server, char *reply,
			  size_t size, int timeout_ms)
{
	// TODO (section 8.8): poll() for at most the time left, recvfrom()
	// with the sender's address, and return only a datagram that
	// from_server() accepts; report others with err_msg("ignored a
	// datagram from ...") and keep waiting.  -1 when time runs out.
	(void)fd;
	(void)server;
	(void)reply;
	(void)size;
	(void)timeout_ms;
	(void)now_ms;
	(void)from_server;
	return -1;
}

/* Sends line and waits for the reply, retrying; exits if none comes. */
static void exchange(int fd, const struct peer *server, const char *line,
		     int timeout_ms, int retries)
{
	char reply[MAXLINE + 1];
	int tries;

	// TODO (section 8.9): send line, wait_reply(); when it times out,
	// send again, at most retries more times.  Print the reply on
	// stdout.  If every try fails, fall through to the message below.
	(void)fd;
	(void)line;
	(void)timeout_ms;
	(void)reply;
	(void)wait_reply;
	tries = retries + 1;
	err_quit("no reply from %s after %d tries", server->name, tries);
}

static int option(const char *text, const char *what, int min, int max)
{
	char *end;
	long n = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || n < min || n > max)
		err_quit("%s \"%s\" is not a number of %d to %d", what, text,
			 min, max);
	return (int)n;
}

int main(int argc, char **argv)
{
	struct peer server;
	char line[MAXLINE];
	int timeout_ms = 1000, retries = 3, opt, fd;

	while ((opt = getopt(argc, argv, "t:r:")) != -1) {
		if (opt == 't')
			timeout_ms = option(optarg, "-t", 1, 60000);
		else if (opt == 'r')
			retries = option(optarg, "-r", 0, 100);
		else
			err_quit("usage: udpcli_retry [-t TIMEOUT_MS] "
				 "[-r RETRIES] HOST PORT");
	}
	if (argc - optind != 2)
		err_quit("usage: udpcli_retry [-t TIMEOUT_MS] [-r RETRIES] "
			 "HOST PORT");
	Sock_parse(argv[optind], argv[optind + 1], &server.addr, &server.len);
	Sock_ntop((struct sockaddr *)&server.addr, server.len, server.name,
		  sizeof(server.name));
	fd = Socket(server.addr.ss_family, SOCK_DGRAM, 0);
	while (Fgets(line, sizeof(line), stdin) != NULL)
		exchange(fd, &server, line, timeout_ms, retries);
	return 0;
}
