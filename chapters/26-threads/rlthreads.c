/*
 * rlthreads.c - readline() with the old interface, readline(fd, buf,
 * maxlen), made three ways (section 26.6): with one static buffer (not
 * thread-safe), with a buffer per thread found through a key
 * (pthread_key_create), and with a buffer per thread declared
 * _Thread_local.  Each keeps the bytes read after the line for the next
 * call: the question is whose next call gets them.
 *
 * usage: rlthreads static|key|tls
 *
 * Pipe A holds "a1\na2\n", pipe B "b1\nb2\n".  Thread A reads one line
 * from A and ends; then thread B reads one line from B.  Both print what
 * they read.  The threads never run at the same time, so what goes
 * wrong is not timing: it is the buffer they share.
 */
#include "lnp.h"

#include <pthread.h>
#include <stdatomic.h>

/* include readline_static */
/* One buffer for the whole process, whatever the thread or descriptor. */
static ssize_t readline_static(int fd, void *buf, size_t maxlen)
{
	static struct linebuf lb;

	lb.fd = fd;
	return readline(&lb, buf, maxlen);
}
/* end readline_static */

/* include readline_key */
static pthread_key_t rl_key;
static pthread_once_t rl_once = PTHREAD_ONCE_INIT;
static atomic_int rl_freed;             /* buffers the destructor freed */

/* Called, when a thread ends, with its value for the key if not NULL. */
static void rl_destructor(void *ptr)
{
	free(ptr);
	atomic_fetch_add(&rl_freed, 1);
}

static void rl_makekey(void)
{
	int err = pthread_key_create(&rl_key, rl_destructor);

	if (err != 0) {
		errno = err;
		err_sys("pthread_key_create");
	}
}

/* One buffer per thread, made at its first call, freed when it ends. */
static ssize_t readline_key(int fd, void *buf, size_t maxlen)
{
	struct linebuf *lb;

	pthread_once(&rl_once, rl_makekey);     /* one key, made once */
	lb = pthread_getspecific(rl_key);
	if (lb == NULL) {                       /* this thread's first call */
		lb = Malloc(sizeof(*lb));
		linebuf_init(lb, fd);
		pthread_setspecific(rl_key, lb);
	}
	lb->fd = fd;
	return readline(lb, buf, maxlen);
}
/* end readline_key */

/* include readline_tls */
/* One buffer per thread, made by the C library with the thread. */
static ssize_t readline_tls(int fd, void *buf, size_t maxlen)
{
	static _Thread_local struct linebuf lb;

	lb.fd = fd;
	return readline(&lb, buf, maxlen);
}
/* end readline_tls */

static ssize_t (*readline_fn)(int, void *, size_t);

struct reader {
	const char *name;
	int fd;
};

static void *read_one(void *arg)
{
	struct reader *r = arg;
	char line[MAXLINE];

	if (readline_fn(r->fd, line, sizeof(line)) <= 0)
		err_sys("readline");
	printf("thread %s read from pipe %s: %s", r->name, r->name, line);
	return NULL;
}

/* Runs one reader thread and waits for it to end. */
static void run_thread(struct reader *r)
{
	pthread_t tid;
	int err = pthread_create(&tid, NULL, read_one, r);

	if (err != 0) {
		errno = err;
		err_sys("pthread_create");
	}
	pthread_join(tid, NULL);
}

int main(int argc, char **argv)
{
	int a[2], b[2];
	struct reader ra = { "A", -1 }, rb = { "B", -1 };

	if (argc != 2)
		err_quit("usage: rlthreads static|key|tls");
	if (strcmp(argv[1], "static") == 0)
		readline_fn = readline_static;
	else if (strcmp(argv[1], "key") == 0)
		readline_fn = readline_key;
	else if (strcmp(argv[1], "tls") == 0)
		readline_fn = readline_tls;
	else
		err_quit("usage: rlthreads static|key|tls");
	setvbuf(stdout, NULL, _IOLBF, 0);
	Pipe(a);
	Pipe(b);
	Writen(a[1], "a1\na2\n", 6);
	Writen(b[1], "b1\nb2\n", 6);
	ra.fd = a[0];
	rb.fd = b[0];
	run_thread(&ra);
	run_thread(&rb);
	if (readline_fn == readline_key)
		printf("the key's destructor freed %d buffers\n",
		       atomic_load(&rl_freed));
	return 0;
}
