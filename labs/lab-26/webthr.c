/*
 * webthr.c - lab 26: a web client that fetches several files at once,
 * one thread per file, at most N threads at a time (section 26.8).
 *
 * Each thread fetches its file with ordinary blocking calls
 * (fetch_one(), given).  The main thread starts threads while fewer
 * than N run, then sleeps on a condition variable until a thread says
 * its file is DONE; it joins that thread and starts the next.  The
 * mutex guards what both sides read and write: every file's state and
 * the count ndone of files DONE and not yet joined.
 *
 *   WAITING --fetch_all starts its thread--> RUNNING --file_done-->
 *   DONE --wait_done, then pthread_join--> JOINED
 */
#include "webthr.h"

void fetchset_init(struct fetchset *fs, const char *host, const char *port,
		   const char *dir, int maxconn, char **paths, int nfiles)
{
	memset(fs, 0, sizeof(*fs));
	fs->host = host;
	fs->port = port;
	fs->dir = dir;
	fs->maxconn = maxconn;
	fs->nfiles = nfiles;
	fs->fetch = fetch_one;
	Sock_parse(host, port, &fs->server, &fs->server_len);
	fs->files = calloc((size_t)nfiles, sizeof(*fs->files));
	if (fs->files == NULL)
		err_sys("calloc");
	for (int i = 0; i < nfiles; i++) {
		fs->files[i].path = paths[i];
		fs->files[i].state = F_WAITING;
		fs->files[i].fs = fs;
	}
	pthread_mutex_init(&fs->mutex, NULL);
	pthread_cond_init(&fs->cond, NULL);
}

/* Saves the body of the response RESP (LEN bytes) as DIR/NAME; prints
 * the file's line.  Returns false if it is not an HTTP response. */
static bool save(struct file *f, const char *resp, size_t len)
{
	const char *name = strrchr(f->path, '/'), *end, *body;
	char *file, status[4] = "???";
	int fd;

	name = name != NULL ? name + 1 : f->path;
	if (len < 12 || memcmp(resp, "HTTP/1.", 7) != 0 ||
	    (end = memmem(resp, len, "\r\n\r\n", 4)) == NULL) {
		printf("%s: not an HTTP response (%zu bytes)\n", f->path, len);
		return false;
	}
	memcpy(status, resp + 9, 3);
	body = end + 4;
	len -= (size_t)(body - resp);
	if (asprintf(&file, "%s/%.*s", f->fs->dir, (int)strcspn(name, "?"),
		     name) < 0)
		err_sys("asprintf");
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || writen(fd, body, len) < 0)
		err_sys("%s", file);
	close(fd);
	free(file);
	printf("%s: %s, %zu bytes\n", f->path, status, len);
	return true;
}

void fetch_one(struct file *f)
{
	struct fetchset *fs = f->fs;
	bool v6 = strchr(fs->host, ':') != NULL;
	char *req, *resp = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd, reqlen;

	fd = socket(fs->server.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&fs->server,
			      fs->server_len) < 0) {
		printf("%s: connect: %s\n", f->path, strerror(errno));
		f->failed = true;
		if (fd >= 0)
			close(fd);
		return;
	}
	reqlen = asprintf(&req, "GET %s HTTP/1.0\r\nHost: %s%s%s:%s\r\n"
			  "User-Agent: webthr\r\n\r\n", f->path,
			  v6 ? "[" : "", fs->host, v6 ? "]" : "", fs->port);
	if (reqlen < 0)
		err_sys("asprintf");
	if (writen(fd, req, (size_t)reqlen) < 0)
		printf("%s: write: %s\n", f->path, strerror(errno));
	free(req);
	do {                            /* the whole response, to EOF */
		if (cap - len < BUFFSIZE && (resp = realloc(resp,
					cap += 4 * BUFFSIZE)) == NULL)
			err_sys("realloc");
		n = read(fd, resp + len, cap - len);
		len += n > 0 ? (size_t)n : 0;
	} while (n > 0 || (n < 0 && errno == EINTR));
	if (n < 0)
		printf("%s: read: %s\n", f->path, strerror(errno));
	f->failed = n < 0 || !save(f, resp, len);
	free(resp);
	close(fd);
}

/* Each file's thread: fetch, then say so. */
static void *file_thread(void *arg)
{
	struct file *f = arg;

	f->fs->fetch(f);
	file_done(f);
	return NULL;
}

void file_done(struct file *f)
{
	struct fetchset *fs = f->fs;

	// TODO (section 26.8): with fs->mutex locked: f's state is DONE,
	// one more in fs->ndone, and signal fs->cond (after the change,
	// while the mutex is still held); then unlock.
	f->state = F_DONE;
	(void)fs;
}

struct file *wait_done(struct fetchset *fs)
{
	struct file *f = NULL;

	// TODO (section 26.8): lock fs->mutex; while no file is DONE
	// (fs->ndone is 0), wait on fs->cond; then find a DONE file, mark
	// it JOINED, one less in fs->ndone; unlock, and return it.
	(void)fs;
	return f;
}

int fetch_all(struct fetchset *fs)
{
	int next = 0, nrunning = 0, njoined = 0, status = 0, err;

	// TODO (section 26.8): until every file is joined: start a thread
	// (pthread_create with file_thread and the file) for each WAITING
	// file while fewer than fs->maxconn run (set its state RUNNING
	// first, with the mutex held); then wait_done() for any one, join
	// its thread, and count it.  status is 1 if any file failed.
	(void)next; (void)nrunning; (void)njoined; (void)err;
	for (int i = 0; i < fs->nfiles; i++)
		file_thread(&fs->files[i]);
	return status;
}
