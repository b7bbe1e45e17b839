/*
 * keepalive_serv.c - lab 7: an echo server that notices when a client's
 * host has died, and that can be restarted at once (sections 7.5).
 *
 * Two socket options do the work:
 *   SO_REUSEADDR on the listening socket, so that a restarted server can
 *   bind its port while connections of the old one sit in TIME_WAIT;
 *   SO_KEEPALIVE on every connection, with the per-socket timers
 *   TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT from -k, so that a client
 *   whose host crashed (it will never send again, not even a RST) is
 *   found out and its slot freed: read() fails with ETIMEDOUT.
 *
 * What it prints on stdout, one line each (tests read them):
 *   listening on port N
 *   peer ADDR:PORT connected
 *   peer ADDR:PORT closed
 *   peer ADDR:PORT is dead: <strerror>        (keepalive gave up)
 *   peer ADDR:PORT failed: <strerror>         (any other error)
 *   stopped                                   (after SIGTERM or SIGINT)
 *
 * usage: keepalive_serv [-k IDLE,INTVL,CNT] PORT
 *        (default -k 7200,75,9, the kernel's own defaults)
 */
#include "lnp.h"

/* poll() refuses to watch more descriptors than this process may open
 * (EINVAL): an ordinary user's limit is often 1024 (ulimit -n). */
#define MAX_CLIENTS 256

struct keepalive {
	int idle, intvl, cnt;   /* seconds, seconds, probes */
};

struct client {
	int fd;                 /* -1: free */
	char name[SOCK_NTOP_LEN];
};

static volatile sig_atomic_t stopping;

static void on_stop(int signo)
{
	(void)signo;
	stopping = 1;
}

/* A socket listening on the wildcard address and PORT that can be bound
 * again at once after a restart.  Exits with a message on failure. */
static int listen_reusable(int port)
{
	// TODO (section 7.5): socket(), bind() to the wildcard address and
	// port, listen().  The server must be able to restart at once while
	// its old connections are in TIME_WAIT: which option, and when?
	(void)port;
	err_quit("listen_reusable is not written yet");
}

/* Turns keepalive on for one connection with timers ka. */
static void keepalive_on(int fd, const struct keepalive *ka)
{
	// TODO (section 7.5): SO_KEEPALIVE on, then this socket's own
	// TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT from ka.
	(void)fd;
	(void)ka;
}

/* Says why a read() on a client failed: keepalive giving up shows as
 * ETIMEDOUT; anything else (ECONNRESET, ...) is a plain failure. */
static void report_failure(const struct client *c, int err)
{
	// TODO (section 7.5): print "peer NAME is dead: <strerror>" when
	// err is the error keepalive gives, else "peer NAME failed: ...".
	(void)c;
	(void)err;
}

static bool parse_keepalive(const char *text, struct keepalive *ka)
{
	char extra;

	return sscanf(text, "%d,%d,%d%c", &ka->idle, &ka->intvl, &ka->cnt,
		      &extra) == 3 && ka->idle >= 1 && ka->intvl >= 1 &&
	       ka->cnt >= 1 && ka->idle <= 32767 && ka->intvl <= 32767 &&
	       ka->cnt <= 127;
}

static void add_client(int listenfd, struct client *clients,
		       const struct keepalive *ka)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	int fd = accept(listenfd, (struct sockaddr *)&peer, &len);
	int i;

	if (fd < 0)
		return;         /* aborted before we got to it, EINTR... */
	for (i = 0; i < MAX_CLIENTS && clients[i].fd >= 0; i++)
		;
	if (i == MAX_CLIENTS) {
		close(fd);
		return;
	}
	keepalive_on(fd, ka);
	clients[i].fd = fd;
	if (sock_ntop((struct sockaddr *)&peer, len, clients[i].name,
		      sizeof(clients[i].name)) == NULL)
		strcpy(clients[i].name, "?");
	printf("peer %s connected\n", clients[i].name);
}

/* Echoes one read; returns false when the client is finished. */
static bool echo_once(struct client *c)
{
	char buf[BUFFSIZE];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return true;
	if (n < 0) {
		report_failure(c, errno);
		return false;
	}
	if (n == 0) {
		printf("peer %s closed\n", c->name);
		return false;
	}
	if (writen(c->fd, buf, (size_t)n) < 0) {
		report_failure(c, errno);
		return false;
	}
	return true;
}

/* SIGTERM and SIGINT are blocked except inside ppoll(), which unblocks
 * them and waits as one step: a signal can not slip in between the test
 * of `stopping` and the wait (the pselect lesson of section 6.9). */
static void serve(int listenfd, const struct keepalive *ka,
		  const sigset_t *waitmask)
{
	static struct client clients[MAX_CLIENTS];
	struct pollfd fds[MAX_CLIENTS + 1];

	for (int i = 0; i < MAX_CLIENTS; i++)
		clients[i].fd = -1;
	while (!stopping) {
		fds[0] = (struct pollfd){ .fd = listenfd, .events = POLLIN };
		for (int i = 0; i < MAX_CLIENTS; i++)
			fds[i + 1] = (struct pollfd){ .fd = clients[i].fd,
						      .events = POLLIN };
		fflush(stdout);
		if (ppoll(fds, MAX_CLIENTS + 1, NULL, waitmask) < 0) {
			if (errno == EINTR)
				continue;
			err_sys("poll");
		}
		if (fds[0].revents & POLLIN)
			add_client(listenfd, clients, ka);
		for (int i = 0; i < MAX_CLIENTS; i++) {
			if (clients[i].fd < 0 || fds[i + 1].revents == 0)
				continue;
			if (!echo_once(&clients[i])) {
				close(clients[i].fd);
				clients[i].fd = -1;
			}
		}
	}
	/* we close first: these connections end in TIME_WAIT here */
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0)
			close(clients[i].fd);
}

int main(int argc, char **argv)
{
	struct keepalive ka = { 7200, 75, 9 };
	sigset_t stopset, waitmask;
	int listenfd;

	if (argc == 4 && strcmp(argv[1], "-k") == 0) {
		if (!parse_keepalive(argv[2], &ka))
			err_quit("-k \"%s\": expected IDLE,INTVL,CNT, e.g. "
				 "-k 10,2,3 (seconds, seconds, probes)",
				 argv[2]);
	} else if (argc != 2) {
		err_quit("usage: keepalive_serv [-k IDLE,INTVL,CNT] PORT");
	}
	signal(SIGPIPE, SIG_IGN);
	signal_intr(SIGTERM, on_stop);
	signal_intr(SIGINT, on_stop);
	sigemptyset(&stopset);
	sigaddset(&stopset, SIGTERM);
	sigaddset(&stopset, SIGINT);
	if (sigprocmask(SIG_BLOCK, &stopset, &waitmask) < 0)
		err_sys("sigprocmask");
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	listenfd = listen_reusable(Port_parse(argv[argc - 1]));
	announce_port(listenfd);
	serve(listenfd, &ka, &waitmask);
	close(listenfd);
	printf("stopped\n");
	return 0;
}
