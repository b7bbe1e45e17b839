/*
 * mux_echo.c - lab 6: a line echo server in one process that never
 * blocks on one client (sections 6.8 to 6.12).
 *
 * The protocol: every line a client sends, up to and including its '\n',
 * comes back to that client whole, once the '\n' has arrived, and lines
 * come back in order.  A line longer than MAXLINE bytes comes back in
 * pieces of MAXLINE.  When a client closes its sending side, what is
 * left of a last line without '\n' comes back too, then the server
 * closes the connection.
 *
 * "Never blocks on one client": a client that sends half a line and
 * stops, one that sends and never reads, one that resets: none of them
 * may delay the others.  So every socket is non-blocking, each client has
 * its own input and output buffers, and the one place the server waits is
 * poll().
 *
 * usage: mux_echo [PORT]      (0: any free port; default 9877)
 */
#include "lnp.h"

#include <sys/resource.h>

#define OUT_LIMIT (64 * 1024)   /* stop reading a client whose echoes
				   pile up beyond this: it must read first */

struct client {
	int fd;                 /* -1: a free slot */
	char in[MAXLINE];       /* bytes of a line not yet complete */
	size_t inlen;
	char *out;              /* echoes not yet written */
	size_t outlen, outcap;
	bool eof;               /* the client sent FIN */
};

static struct client *clients;  /* clients[i] goes with fds[i + 1] */
static struct pollfd *fds;      /* fds[0] is the listening socket */
static size_t nslots;

/* How many clients to make room for: poll() refuses an array longer
 * than the number of descriptors this process may open (EINVAL), and an
 * ordinary user's limit is often 1024 (ulimit -n); at most 4096. */
static size_t client_slots(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur > 4096)
		return 4096;
	return rl.rlim_cur < 2 ? 1 : (size_t)rl.rlim_cur - 1; /* listener */
}

static void set_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		err_sys("fcntl O_NONBLOCK");
}

/* Appends n bytes to the client's output buffer. */
static void queue_output(struct client *c, const char *data, size_t n)
{
	if (c->outlen + n > c->outcap) {
		size_t cap = c->outcap ? c->outcap : 4096;

		while (cap < c->outlen + n)
			cap *= 2;
		c->out = realloc(c->out, cap);
		if (c->out == NULL)
			err_sys("realloc");
		c->outcap = cap;
	}
	memcpy(c->out + c->outlen, data, n);
	c->outlen += n;
}

/* Which events poll() should watch for this client. */
static short wanted_events(const struct client *c)
{
	// TODO (section 6.10): POLLIN while the client may still send and
	// its echoes are not piling up (OUT_LIMIT); POLLOUT while there are
	// echoes to write.
	(void)c;
	return POLLIN;
}

/* Reads what the client sent (once: poll() said it would not block) and
 * queues each complete line for echoing.  Returns false if the client
 * is gone (reset, or an error) and must be dropped. */
static bool on_readable(struct client *c)
{
	// TODO (section 6.8): read() once into c->in after the c->inlen
	// bytes already there; queue every complete line with
	// queue_output() and keep the incomplete rest for next time.
	// read() returning 0 means the client sent FIN: set c->eof and
	// queue what is left.  A full buffer without '\n' goes out as is.
	(void)c;
	(void)queue_output;
	return false;
}

/* Writes as much of the pending echoes as the socket takes now.  Returns
 * false if the client is gone. */
static bool on_writable(struct client *c)
{
	// TODO (section 6.8): write() what the socket takes of c->out (it
	// is non-blocking: a short write or EAGAIN is normal) and keep the
	// rest for the next POLLOUT.
	(void)c;
	return false;
}

static void drop(size_t i)
{
	close(clients[i].fd);
	free(clients[i].out);
	memset(&clients[i], 0, sizeof(clients[i]));
	clients[i].fd = -1;
	fds[i + 1].fd = -1;
}

/* Accepts every connection waiting (the listener is non-blocking). */
static void accept_all(int listenfd)
{
	for (;;) {
		int fd = accept(listenfd, NULL, NULL);
		size_t i;

		if (fd < 0) {
			if (errno != EAGAIN && errno != ECONNABORTED &&
			    errno != EINTR)
				err_ret("accept");      /* EMFILE: try later */
			if (errno == ECONNABORTED || errno == EINTR)
				continue;
			return;
		}
		for (i = 0; i < nslots && clients[i].fd >= 0; i++)
			;
		if (i == nslots) {
			err_msg("too many clients; closing the new one");
			close(fd);
			continue;
		}
		set_nonblocking(fd);
		clients[i].fd = fd;
		fds[i + 1].fd = fd;
	}
}

static void serve(int listenfd)
{
	for (;;) {
		for (size_t i = 0; i < nslots; i++)
			if (clients[i].fd >= 0)
				fds[i + 1].events = wanted_events(&clients[i]);
		if (poll(fds, nslots + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			err_sys("poll");
		}
		if (fds[0].revents & POLLIN)
			accept_all(listenfd);
		for (size_t i = 0; i < nslots; i++) {
			struct client *c = &clients[i];
			short ev = fds[i + 1].revents;
			bool ok = true;

			if (c->fd < 0 || ev == 0)
				continue;
			if (ev & (POLLIN | POLLERR | POLLHUP))
				ok = on_readable(c);
			if (ok && c->outlen > 0 && (ev & (POLLOUT | POLLERR)))
				ok = on_writable(c);
			if (!ok || (c->eof && c->outlen == 0))
				drop(i);
		}
	}
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? Port_parse(argv[1]) : SERV_PORT;
	int listenfd;

	if (argc > 2)
		err_quit("usage: mux_echo [PORT]");
	signal(SIGPIPE, SIG_IGN);       /* a reset client: EPIPE, not death */
	nslots = client_slots();
	clients = Malloc(nslots * sizeof(*clients));
	fds = Malloc((nslots + 1) * sizeof(*fds));
	for (size_t i = 0; i < nslots; i++) {
		memset(&clients[i], 0, sizeof(clients[i]));
		clients[i].fd = -1;
		fds[i + 1].fd = -1;
	}
	listenfd = Tcp_listen_port(port, true);
	set_nonblocking(listenfd);
	fds[0].fd = listenfd;
	fds[0].events = POLLIN;
	announce_port(listenfd);
	serve(listenfd);
}
