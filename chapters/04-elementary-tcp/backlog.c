/*
 * backlog.c - how many connections listen()'s backlog lets the kernel
 * queue before the server accepts any (section 4.5), measured.
 *
 * For each backlog given, it listens on the loopback address and never
 * calls accept().  It connects clients one at a time, and after each one
 * waits until the kernel has put the connection in the listener's queue.
 * When the queue is full, the next client's SYN is dropped: the kernel
 * counts that in TcpExtListenOverflows (/proc/net/netstat), and the
 * client stays in SYN_SENT.
 *
 * Usage: backlog [BACKLOG...]        (default: 0 1 2 4 8)
 */
#include "lnp.h"

#define MAX_TRIES 64            /* clients per backlog, at most */
#define DEADLINE_MS 1000        /* for each event awaited */

/* A counter of /proc/net/netstat, e.g. "TcpExt" "ListenOverflows". */
static long netstat_counter(const char *group, const char *name)
{
	char names[4096], values[4096], *n, *v, *sn, *sv;
	FILE *f = fopen("/proc/net/netstat", "r");
	size_t glen = strlen(group);
	long found = -1;

	if (f == NULL)
		err_sys("/proc/net/netstat");
	/* lines come in pairs: "TcpExt: names..." then "TcpExt: values..." */
	while (found < 0 && fgets(names, sizeof(names), f) != NULL &&
	       fgets(values, sizeof(values), f) != NULL) {
		if (strncmp(names, group, glen) != 0 || names[glen] != ':')
			continue;
		n = strtok_r(names + glen + 1, " \n", &sn);
		v = strtok_r(values + glen + 1, " \n", &sv);
		for (; n != NULL && v != NULL; n = strtok_r(NULL, " \n", &sn),
		     v = strtok_r(NULL, " \n", &sv))
			if (strcmp(n, name) == 0)
				found = atol(v);
	}
	fclose(f);
	if (found < 0)
		err_quit("no %s %s in /proc/net/netstat", group, name);
	return found;
}

/* For a listening socket, TCP_INFO reports the accept queue's length in
 * tcpi_unacked (and the backlog in force in tcpi_sacked). */
static struct tcp_info listener_info(int listenfd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	Getsockopt(listenfd, IPPROTO_TCP, TCP_INFO, &ti, &len);
	return ti;
}

static void nap_1ms(void)
{
	struct timespec tick = { 0, 1000000 };

	nanosleep(&tick, NULL);
}

/* Starts a non-blocking connect to addr; returns the socket. */
static int start_connect(const struct sockaddr_in *addr)
{
	int fd = Socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) < 0 &&
	    errno != EINPROGRESS)
		err_sys("connect");
	return fd;
}

/* include outcome */
/* Waits until the listener's queue holds want connections. */
static void wait_queue_length(int listenfd, unsigned want)
{
	for (int ms = 0; listener_info(listenfd).tcpi_unacked < want; ms++) {
		if (ms == DEADLINE_MS)
			err_quit("connection %u never reached the queue", want);
		nap_1ms();
	}
}

/* Waits for a client's fate: true when its connection completed and was
 * queued (the queue then holds queued + 1), false when the listener
 * dropped its SYN. */
static bool client_queued(int listenfd, int clientfd, unsigned queued,
			  long overflows_before)
{
	struct pollfd pfd = { .fd = clientfd, .events = POLLOUT };

	for (int ms = 0; ms < DEADLINE_MS; ms++) {
		if (Poll(&pfd, 1, 0) == 1) {    /* connected */
			wait_queue_length(listenfd, queued + 1);
			return true;
		}
		if (netstat_counter("TcpExt", "ListenOverflows") >
		    overflows_before)
			return false;   /* the SYN was dropped: queue full */
		nap_1ms();
	}
	err_quit("a client neither connected nor was dropped in %d ms",
		 DEADLINE_MS);
}
/* end outcome */

/* Fills the queue of a listener with this backlog; returns how many
 * connections it held. */
static unsigned measure(int backlog)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int listenfd = Socket(AF_INET, SOCK_STREAM, 0);
	int clients[MAX_TRIES];
	unsigned queued = 0;
	long overflows;
	int n = 0;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	Bind(listenfd, (struct sockaddr *)&addr, sizeof(addr));
	if (listen(listenfd, backlog) < 0)
		err_sys("listen");
	Getsockname(listenfd, (struct sockaddr *)&addr, &len);
	while (n < MAX_TRIES) {
		overflows = netstat_counter("TcpExt", "ListenOverflows");
		clients[n] = start_connect(&addr);
		if (!client_queued(listenfd, clients[n++], queued, overflows))
			break;
		queued++;
	}
	while (n > 0)
		Close(clients[--n]);
	Close(listenfd);
	return queued;
}

static int parse_backlog(const char *text)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || v < 0 || v > MAX_TRIES - 2)
		err_quit("\"%s\": give backlogs from 0 to %d", text,
			 MAX_TRIES - 2);
	return (int)v;
}

int main(int argc, char **argv)
{
	static char *defaults[] = { "0", "1", "2", "4", "8" };
	char **list = argc > 1 ? argv + 1 : defaults;
	int count = argc > 1 ? argc - 1 : 5;

	for (int i = 0; i < count; i++) {
		int backlog = parse_backlog(list[i]);
		unsigned queued = measure(backlog);

		printf("backlog %d: %u connection%s queued, then the next "
		       "SYN was dropped\n", backlog, queued,
		       queued == 1 ? "" : "s");
		fflush(stdout);
	}
	return 0;
}
