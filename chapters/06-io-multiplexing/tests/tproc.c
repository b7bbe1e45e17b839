/*
 * tproc.c - run programs under test and talk to them, with deadlines.
 * See tproc.h.
 */
#include "lnp.h"
#include "tproc.h"
#include "harness.h"

#include <sys/prctl.h>

#define MAX_PROCS 64

static struct tproc *procs[MAX_PROCS];
static int nprocs;

long long tp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int left_ms(long long deadline)
{
	long long left = deadline - tp_now_ms();

	return left < 0 ? 0 : (int)left;
}

static void append(char **buf, size_t *len, const char *data, size_t n)
{
	char *grown = realloc(*buf, *len + n + 1);

	if (grown == NULL)
		TK_FAIL("out of memory collecting a program's output");
	memcpy(grown + *len, data, n);
	*len += n;
	grown[*len] = '\0';
	*buf = grown;
}

/* Reads what is available on one of its output pipes. */
static void drain(int *fd, char **buf, size_t *len)
{
	char chunk[65536];
	ssize_t n = read(*fd, chunk, sizeof(chunk));

	if (n > 0) {
		append(buf, len, chunk, (size_t)n);
	} else if (n == 0 || errno != EINTR) {
		close(*fd);
		*fd = -1;
	}
}

static void reap(struct tproc *p, bool block)
{
	int status;

	if (p->exited)
		return;
	if (waitpid(p->pid, &status, block ? 0 : WNOHANG) == p->pid) {
		p->exited = true;
		p->status = status;
	}
}

/* One round: waits up to timeout_ms for output (and, if feeding, for
 * room in its stdin pipe); returns true if stdin is writable. */
static bool pump(struct tproc *p, int timeout_ms, bool feeding)
{
	struct pollfd pf[3];
	int n = 0, out_i = -1, err_i = -1, in_i = -1;

	if (p->out >= 0) {
		out_i = n;
		pf[n++] = (struct pollfd){ .fd = p->out, .events = POLLIN };
	}
	if (p->err >= 0) {
		err_i = n;
		pf[n++] = (struct pollfd){ .fd = p->err, .events = POLLIN };
	}
	if (feeding && p->in >= 0) {
		in_i = n;
		pf[n++] = (struct pollfd){ .fd = p->in, .events = POLLOUT };
	}
	if (n == 0) {
		/* no pipes left: only its exit can still happen */
		long long end = tp_now_ms() + timeout_ms;

		while (!p->exited && tp_now_ms() < end) {
			reap(p, false);
			if (!p->exited)
				poll(NULL, 0, 5);
		}
		return false;
	}
	if (poll(pf, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
		TK_FAIL("poll on a program's pipes: %s", strerror(errno));
	if (out_i >= 0 && pf[out_i].revents != 0)
		drain(&p->out, &p->outbuf, &p->outlen);
	if (err_i >= 0 && pf[err_i].revents != 0)
		drain(&p->err, &p->errbuf, &p->errlen);
	reap(p, false);
	return in_i >= 0 && pf[in_i].revents != 0;
}

static void child(char *const argv[], int in[2], int out[2], int err[2])
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	dup2(in[0], STDIN_FILENO);
	dup2(out[1], STDOUT_FILENO);
	dup2(err[1], STDERR_FILENO);
	for (int i = 0; i < 2; i++) {
		close(in[i]);
		close(out[i]);
		close(err[i]);
	}
	execv(argv[0], argv);
	fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static void cleanup_at_exit(void)
{
	tproc_cleanup();
}

struct tproc *tproc_start(char *const argv[])
{
	int in[2], out[2], err[2];
	struct tproc *p;
	static bool registered;

	if (!registered) {
		atexit(cleanup_at_exit);
		signal(SIGPIPE, SIG_IGN);       /* a dead child's stdin */
		registered = true;
	}
	if (nprocs == MAX_PROCS)
		TK_FAIL("a test started more than %d programs", MAX_PROCS);
	if (access(argv[0], X_OK) != 0)
		TK_FAIL("%s is not built (run make): %s", argv[0],
			strerror(errno));
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 ||
	    pipe2(err, O_CLOEXEC) < 0)
		TK_FAIL("pipe: %s", strerror(errno));
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		TK_FAIL("out of memory");
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0)
		TK_FAIL("fork: %s", strerror(errno));
	if (p->pid == 0)
		child(argv, in, out, err);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	p->in = in[1];
	p->out = out[0];
	p->err = err[0];
	append(&p->outbuf, &p->outlen, "", 0);
	append(&p->errbuf, &p->errlen, "", 0);
	procs[nprocs++] = p;
	return p;
}

struct tproc *tproc_run(const char *ch, const char *name, ...)
{
	char *argv[32];
	int argc = 0;
	struct tproc *p;
	va_list ap;

	argv[argc++] = tk_path("ch/%s/%s", ch, name);
	va_start(ap, name);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	p = tproc_start(argv);
	free(argv[0]);
	return p;
}

char *tproc_line(struct tproc *p, const char *needle, int timeout_ms)
{
	long long deadline = tp_now_ms() + timeout_ms;

	for (;;) {
		char *line = p->outbuf + p->outseen;
		char *nl;

		while ((nl = strchr(line, '\n')) != NULL) {
			size_t len = (size_t)(nl - line);
			char *copy = strndup(line, len);

			p->outseen += len + 1;
			if (strstr(copy, needle) != NULL)
				return copy;
			free(copy);
			line = nl + 1;
		}
		if (p->out < 0 || tp_now_ms() >= deadline)
			return NULL;
		pump(p, left_ms(deadline), false);
	}
}

bool tproc_saw(struct tproc *p, const char *needle, int timeout_ms)
{
	char *line = tproc_line(p, needle, timeout_ms);

	free(line);
	return line != NULL;
}

bool tproc_err_has(struct tproc *p, const char *needle, int timeout_ms)
{
	long long deadline = tp_now_ms() + timeout_ms;

	while (strstr(p->errbuf, needle) == NULL) {
		if (p->err < 0 || tp_now_ms() >= deadline)
			return false;
		pump(p, left_ms(deadline), false);
	}
	return true;
}

int tproc_port(struct tproc *p, int timeout_ms)
{
	char *line = tproc_line(p, "listening on port", timeout_ms);
	int port;

	if (line == NULL)
		TK_FAIL("the server did not print \"listening on port N\" "
			"within %d ms; its stderr: %s", timeout_ms, p->errbuf);
	port = atoi(strstr(line, "port") + 4);
	free(line);
	return port;
}

bool tproc_feed(struct tproc *p, const void *data, size_t len,
		int timeout_ms)
{
	long long deadline = tp_now_ms() + timeout_ms;
	const char *next = data;

	while (len > 0 && p->in >= 0) {
		if (tp_now_ms() >= deadline)
			return false;
		if (pump(p, left_ms(deadline), true)) {
			size_t chunk = len > 65536 ? 65536 : len;
			ssize_t n = write(p->in, next, chunk);

			if (n < 0 && errno != EINTR && errno != EAGAIN)
				break;          /* it closed its stdin */
			if (n > 0) {
				next += n;
				len -= (size_t)n;
			}
		}
	}
	tproc_close_stdin(p);
	return true;
}

void tproc_close_stdin(struct tproc *p)
{
	if (p->in >= 0) {
		close(p->in);
		p->in = -1;
	}
}

bool tproc_wait(struct tproc *p, int timeout_ms)
{
	long long deadline = tp_now_ms() + timeout_ms;

	reap(p, false);
	while (!p->exited || p->out >= 0 || p->err >= 0) {
		if (tp_now_ms() >= deadline)
			return false;
		pump(p, left_ms(deadline) > 20 ? 20 : left_ms(deadline),
		     false);
	}
	return true;
}

void tproc_signal(struct tproc *p, int sig)
{
	if (!p->exited)
		kill(p->pid, sig);
}

void tproc_cleanup(void)
{
	for (int i = 0; i < nprocs; i++) {
		struct tproc *p = procs[i];

		if (!p->exited) {
			kill(p->pid, SIGKILL);
			reap(p, true);
		}
		if (p->in >= 0)
			close(p->in);
		if (p->out >= 0)
			close(p->out);
		if (p->err >= 0)
			close(p->err);
		free(p->outbuf);
		free(p->errbuf);
		free(p);
	}
	nprocs = 0;
}

static char server_ip[INET_ADDRSTRLEN] = "127.0.0.1";

void tp_set_server(const char *ipv4)
{
	snprintf(server_ip, sizeof(server_ip), "%s", ipv4);
}

void tp_server_addr(struct sockaddr_in *sin, int port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, server_ip, &sin->sin_addr) != 1)
		TK_FAIL("tp_set_server: \"%s\" is not an IPv4 address",
			server_ip);
}

int tproc_teardown(void **state)
{
	tproc_cleanup();
	tp_set_server("127.0.0.1");
	hn_leave(NULL);         /* back to the sandbox's own namespace */
	return tk_end(state);   /* the harness takes its networks down */
}

int tp_connect(int port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	tp_server_addr(&sin, port);
	if (fd < 0)
		TK_FAIL("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		TK_FAIL("could not connect to the server at %s port %d: %s",
			server_ip, port, strerror(errno));
	return fd;
}

bool tp_readable(int fd, int timeout_ms)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	long long deadline = tp_now_ms() + timeout_ms;
	int n;

	do {
		n = poll(&pf, 1, left_ms(deadline));
	} while (n < 0 && errno == EINTR);
	return n > 0;
}

size_t tp_read_n(int fd, void *buf, size_t n, int timeout_ms)
{
	long long deadline = tp_now_ms() + timeout_ms;
	size_t got = 0;

	while (got < n && tp_readable(fd, left_ms(deadline))) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

size_t tp_read_line(int fd, char *buf, size_t size, int timeout_ms)
{
	long long deadline = tp_now_ms() + timeout_ms;
	size_t got = 0;

	/* one byte at a time: slow, but never reads past the line */
	while (got + 1 < size && tp_readable(fd, left_ms(deadline))) {
		ssize_t r = read(fd, buf + got, 1);

		if (r <= 0)
			break;
		if (buf[got++] == '\n')
			break;
	}
	buf[got] = '\0';
	return got;
}

void tp_close_rst(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0)
		TK_FAIL("SO_LINGER: %s", strerror(errno));
	close(fd);
}

void tproc_expect_bad_args(const char *ch, const struct tproc_bad_args *c,
			   size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *const *a = c[i].args;
		struct tproc *p = tproc_run(ch, c[i].prog, a[0], a[1], a[2],
					    a[3], NULL);

		TK_EXPECT(tproc_wait(p, 2000) && WIFEXITED(p->status) &&
			  WEXITSTATUS(p->status) == 1 &&
			  strstr(p->errbuf, c[i].want) != NULL,
			  "%s with bad arguments: expected status 1 and "
			  "\"%s\", got: %s", c[i].prog, c[i].want, p->errbuf);
	}
}
