/*
 * serv_prefork.c - designs 2, 3 and 4: N children made in advance, each
 * calling accept() on the listening socket they share, with no lock
 * around accept() (-l none), a file lock (-l fcntl) or a process-shared
 * pthread mutex (-l mutex).  SIGTERM ends the children, then the parent.
 * Usage: serv_prefork [-n children] [-l none|fcntl|mutex] port
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "lnp.h"
#include "web30.h"

enum lock { LOCK_NONE, LOCK_FCNTL, LOCK_MUTEX };
static enum lock lock_kind;
static int lock_fd = -1;
static pthread_mutex_t *mutex;

/* include lock_init */
static void lock_init(void)
{
	char path[] = "/tmp/serv_prefork.XXXXXX";
	pthread_mutexattr_t attr;

	if (lock_kind == LOCK_FCNTL) {
		if ((lock_fd = mkstemp(path)) < 0)
			err_sys("mkstemp");
		unlink(path);           /* the descriptor keeps it */
	} else if (lock_kind == LOCK_MUTEX) {
		mutex = mmap(NULL, sizeof(*mutex), PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (mutex == MAP_FAILED)
			err_sys("mmap");
		pthread_mutexattr_init(&attr);
		pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
		pthread_mutex_init(mutex, &attr);
		pthread_mutexattr_destroy(&attr);
	}
}
/* end lock_init */

/* include lock_take */
static void lock_take(bool take)
{
	struct flock fl = { .l_type = take ? F_WRLCK : F_UNLCK,
			    .l_whence = SEEK_SET };

	if (lock_kind == LOCK_FCNTL) {
		while (fcntl(lock_fd, take ? F_SETLKW : F_SETLK, &fl) < 0)
			if (errno != EINTR)
				err_sys("fcntl lock");
	} else if (lock_kind == LOCK_MUTEX) {
		if (take)
			pthread_mutex_lock(mutex);
		else
			pthread_mutex_unlock(mutex);
	}
}
/* end lock_take */

/* include child_main */
static void child_main(int listenfd)
{
	int connfd;

	for (;;) {
		lock_take(true);
		connfd = accept(listenfd, NULL, NULL);
		lock_take(false);
		if (connfd < 0)
			continue;       /* ECONNABORTED, EINTR: next one */
		web_serve(connfd);
		close(connfd);
	}
}
/* end child_main */

static volatile sig_atomic_t stop;

static void on_term(int signo)
{
	(void)signo;
	stop = 1;
}

int main(int argc, char **argv)
{
	int c, n = 4, listenfd;
	pid_t *kids;
	sigset_t none;

	while ((c = getopt(argc, argv, "n:l:")) != -1) {
		if (c == 'n' && (n = atoi(optarg)) > 0 && n <= 1000)
			continue;
		if (c == 'l' && strcmp(optarg, "none") == 0)
			lock_kind = LOCK_NONE;
		else if (c == 'l' && strcmp(optarg, "fcntl") == 0)
			lock_kind = LOCK_FCNTL;
		else if (c == 'l' && strcmp(optarg, "mutex") == 0)
			lock_kind = LOCK_MUTEX;
		else
			err_quit("usage: serv_prefork [-n children] "
				 "[-l none|fcntl|mutex] port");
	}
	if (optind != argc - 1)
		err_quit("usage: serv_prefork [-n children] "
			 "[-l none|fcntl|mutex] port");
	signal(SIGPIPE, SIG_IGN);
	listenfd = web_listen(Port_parse(argv[optind]), false, false);
	if (listenfd < 0)
		err_sys("listen");
	lock_init();
	kids = Malloc(sizeof(*kids) * (size_t)n);
/* include prefork_spawn */
	for (int i = 0; i < n; i++)
		if ((kids[i] = Fork()) == 0) {
			signal(SIGTERM, SIG_DFL);
			child_main(listenfd);
		}
	signal_intr(SIGTERM, on_term);
	announce_port(listenfd);
	sigemptyset(&none);
	while (!stop)
		sigsuspend(&none);
	for (int i = 0; i < n; i++)     /* SIGTERM: children first */
		kill(kids[i], SIGTERM);
	while (wait(NULL) > 0)
		;
/* end prefork_spawn */
	free(kids);
	return 0;
}
