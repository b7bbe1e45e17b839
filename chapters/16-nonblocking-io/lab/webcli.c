/*
 * webcli.c - lab 16: a web client that fetches several files at once,
 * with non-blocking connects, from one server (sections 16.4 and 16.5).
 *
 * Each PATH is fetched with its own connection (HTTP/1.0: the server
 * closes the connection after the response, so end of file ends the
 * response).  At most N connections are open at once (-n, default 4).
 * One process, one thread: every socket is non-blocking and the one
 * place the client waits is select().  A file goes through four states:
 *
 *   WAITING --start_connect--> CONNECTING --writable, SO_ERROR 0-->
 *   WRITING (the request, maybe in pieces) --all sent--> READING
 *   (until end of file) --> DONE
 *
 * The body of each response is saved as DIR/NAME, NAME being the last
 * part of the path (before any '?'), and one line is printed per file:
 *
 *   /index.html: 200, 612 bytes
 *   /big.bin: connect: Connection refused
 *
 * Exit status 0 when every file was fetched (whatever its HTTP status),
 * 1 otherwise.
 *
 * usage: webcli [-n N] HOST PORT DIR PATH...
 */
#include "lnp.h"

enum state { WAITING, CONNECTING, WRITING, READING, DONE };

struct file {
	const char *path;       /* as given: "/docs/a.html?x=1" */
	enum state state;
	int fd;                 /* -1 unless CONNECTING, WRITING, READING */
	char *req;              /* the request ... */
	size_t reqlen, sent;    /* ... its length, and how much is sent */
	char *resp;             /* the response so far */
	size_t resplen, respcap;
	bool failed;
};

static struct sockaddr_storage server;
static socklen_t server_len;
static const char *host, *port, *dir;
static fd_set rset_all, wset_all;       /* what select() watches */
static int maxfd = -1;
static int nconn;                       /* connections open now */

/* A file that could not be fetched: says why, and it is done. */
static void fail(struct file *f, const char *call, int err)
{
	printf("%s: %s: %s\n", f->path, call, strerror(err));
	f->failed = true;
	f->state = DONE;
}

/* include webcli_request */
/* The request for f->path, in f->req. */
static void build_request(struct file *f, const char *host,
			  const char *port)
{
	bool v6 = strchr(host, ':') != NULL;    /* [2001:db8::1]:80 */
	int n;

	/* BEGIN SOLUTION */
	n = asprintf(&f->req, "GET %s HTTP/1.0\r\n"
		     "Host: %s%s%s:%s\r\n"
		     "User-Agent: webcli\r\n"
		     "\r\n", f->path, v6 ? "[" : "", host, v6 ? "]" : "",
		     port);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 16.5): an HTTP/1.0 GET request for f->path, with a
	// Host header naming the server as HOST:PORT, each line ending in
	// "\r\n" (asprintf() allocates the text).
	(void)v6; (void)host; (void)port;
	n = asprintf(&f->req, "GET %s\n", f->path);
	STARTER */
	if (n < 0)
		err_sys("asprintf");
	f->reqlen = (size_t)n;
	f->sent = 0;
}
/* end webcli_request */

/* include webcli_done */
/* f's connection is over: close it and stop watching it. */
static void done_with(struct file *f)
{
	/* BEGIN SOLUTION */
	FD_CLR(f->fd, &rset_all);
	FD_CLR(f->fd, &wset_all);
	close(f->fd);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 16.5): close the socket, and take it out of both
	// sets that select() watches (a closed descriptor left in a set
	// makes select() fail with EBADF, or watch someone else's).
	close(f->fd);
	STARTER */
	f->fd = -1;
	nconn--;
}
/* end webcli_done */

/* The whole response is in: saves its body as DIR/NAME. */
static void save(struct file *f)
{
	const char *name = strrchr(f->path, '/'), *body;
	char *file, *end, status[4] = "???";
	size_t blen;
	int fd;

	name = name != NULL ? name + 1 : f->path;
	if (f->resplen < 12 || memcmp(f->resp, "HTTP/1.", 7) != 0 ||
	    (end = memmem(f->resp, f->resplen, "\r\n\r\n", 4)) == NULL) {
		printf("%s: not an HTTP response (%zu bytes)\n", f->path,
		       f->resplen);
		f->failed = true;
		return;
	}
	memcpy(status, f->resp + 9, 3);
	body = end + 4;
	blen = f->resplen - (size_t)(body - f->resp);
	if (asprintf(&file, "%s/%.*s", dir, (int)strcspn(name, "?"),
		     name) < 0)
		err_sys("asprintf");
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || writen(fd, body, blen) < 0)
		err_sys("%s", file);
	close(fd);
	free(file);
	printf("%s: %s, %zu bytes\n", f->path, status, blen);
}

/* include webcli_connect */
/* Starts f's connection without waiting for it. */
static void start_connect(struct file *f)
{
	/* BEGIN SOLUTION */
	int fd = socket(server.ss_family, SOCK_STREAM, 0);

	if (fd < 0)
		err_sys("socket");
	if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
		err_sys("fcntl");
	if (connect(fd, (struct sockaddr *)&server, server_len) == 0)
		f->state = WRITING;     /* connected at once */
	else if (errno == EINPROGRESS)
		f->state = CONNECTING;  /* writable when it ends */
	else {
		fail(f, "connect", errno);
		close(fd);
		return;
	}
	f->fd = fd;
	FD_SET(fd, &wset_all);
	if (fd > maxfd)
		maxfd = fd;
	nconn++;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 16.4): a socket, made non-blocking, then connect().
	// EINPROGRESS is the normal answer: state CONNECTING; 0 means
	// connected at once: WRITING; anything else: fail(f, "connect",
	// errno).  Either way the next thing to wait for is writability:
	// put f->fd in wset_all, keep maxfd and nconn up to date.
	fail(f, "connect", ENOSYS);
	STARTER */
}
/* end webcli_connect */

/* include webcli_writable */
/* f's socket is writable: the connect ended, or room for the request. */
static void on_writable(struct file *f)
{
	/* BEGIN SOLUTION */
	int err = 0;
	socklen_t len = sizeof(err);
	ssize_t n;

	if (f->state == CONNECTING) {
		if (getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err != 0) {                 /* refused, timed out ... */
			done_with(f);
			fail(f, "connect", err);
			return;
		}
		f->state = WRITING;
	}
	n = write(f->fd, f->req + f->sent, f->reqlen - f->sent);
	if (n < 0 && (errno == EWOULDBLOCK || errno == EINTR))
		return;                         /* no room after all */
	if (n < 0) {
		err = errno;
		done_with(f);
		fail(f, "write", err);
		return;
	}
	f->sent += (size_t)n;                   /* maybe not all of it */
	if (f->sent == f->reqlen) {
		f->state = READING;
		FD_CLR(f->fd, &wset_all);
		FD_SET(f->fd, &rset_all);
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (section 16.4): if f is CONNECTING, the connect has ended:
	// read SO_ERROR (getsockopt) to learn how; on an error, done_with()
	// and fail(f, "connect", err).  Then write what is left of the
	// request (f->req + f->sent): a non-blocking write may take only
	// part of it, or nothing (EWOULDBLOCK).  Once all is sent, state
	// READING: watch for readability instead of writability.
	(void)f;
	STARTER */
}
/* end webcli_writable */

/* include webcli_readable */
/* f's socket is readable: read all it has (until EWOULDBLOCK); at end
 * of file the response is complete. */
static void on_readable(struct file *f)
{
	ssize_t n;

	for (;;) {
		if (f->respcap - f->resplen < BUFFSIZE) {
			f->respcap = f->respcap ? 2 * f->respcap : 4 * BUFFSIZE;
			f->resp = realloc(f->resp, f->respcap);
			if (f->resp == NULL)
				err_sys("realloc");
		}
		/* BEGIN SOLUTION */
		n = read(f->fd, f->resp + f->resplen, f->respcap - f->resplen);
		if (n > 0) {
			f->resplen += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EWOULDBLOCK)
			return;                 /* all there is for now */
		if (n < 0) {
			int err = errno;

			done_with(f);
			fail(f, "read", err);
			return;
		}
		done_with(f);                   /* end of file: all in */
		save(f);
		f->state = DONE;
		return;
		/* END SOLUTION */
		/* STARTER
		// TODO (section 16.2): read() into f->resp + f->resplen; data:
		// count it and read again; EWOULDBLOCK: return (more will
		// come, select() will say); 0: the server closed, the
		// response is whole: done_with(f), save(f), state DONE; an
		// error: done_with(f) and fail(f, "read", errno).
		n = 0;
		(void)n;
		done_with(f);
		save(f);
		f->state = DONE;
		return;
		STARTER */
	}
}
/* end webcli_readable */

int main(int argc, char **argv)
{
	int maxconn = 4, opt, nfiles, ndone = 0, next = 0, i, status = 0;
	struct file *files;
	fd_set rs, ws;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n' || (maxconn = atoi(optarg)) < 1)
			err_quit("usage: webcli [-n N] HOST PORT DIR PATH...");
	}
	if (argc - optind < 4)
		err_quit("usage: webcli [-n N] HOST PORT DIR PATH...");
	setvbuf(stdout, NULL, _IOLBF, 0);
	host = argv[optind];
	port = argv[optind + 1];
	dir = argv[optind + 2];
	Sock_parse(host, port, &server, &server_len);
	nfiles = argc - optind - 3;
	files = calloc((size_t)nfiles, sizeof(*files));
	if (files == NULL)
		err_sys("calloc");
	for (i = 0; i < nfiles; i++) {
		files[i].path = argv[optind + 3 + i];
		files[i].fd = -1;
		build_request(&files[i], host, port);
	}
	FD_ZERO(&rset_all);
	FD_ZERO(&wset_all);
	/* include webcli_loop */
	while (ndone < nfiles) {
		/* BEGIN SOLUTION */
		while (nconn < maxconn && next < nfiles)
			start_connect(&files[next++]);
		/* END SOLUTION */
		/* STARTER
		// TODO (section 16.5): start connections while fewer than
		// maxconn are open and files are waiting (files[next]).
		if (next < nfiles)
			start_connect(&files[next++]);
		STARTER */
		rs = rset_all;
		ws = wset_all;
		if (nconn > 0)
			Select(maxfd + 1, &rs, &ws, NULL, NULL);
		ndone = 0;
		for (i = 0; i < nfiles; i++) {
			struct file *f = &files[i];

			if (f->fd >= 0 && FD_ISSET(f->fd, &ws))
				on_writable(f);
			else if (f->fd >= 0 && FD_ISSET(f->fd, &rs))
				on_readable(f);
			ndone += f->state == DONE;
		}
	}
	/* end webcli_loop */
	for (i = 0; i < nfiles; i++) {
		status |= files[i].failed;
		free(files[i].req);
		free(files[i].resp);
	}
	free(files);
	return status;
}
