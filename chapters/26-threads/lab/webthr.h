/*
 * webthr.h - lab 26: a web client that fetches N files at once with one
 * thread per file (section 26.8).  webthr.c (yours) holds the threads'
 * bookkeeping; webthr_main.c (given) the command line.
 */
#ifndef WEBTHR_H
#define WEBTHR_H

#include "lnp.h"

#include <pthread.h>

/* A file's life: WAITING for a thread; RUNNING in its thread; DONE, its
 * thread about to end (counted in ndone); JOINED, its thread waited
 * for by pthread_join(). */
enum fstate { F_WAITING, F_RUNNING, F_DONE, F_JOINED };

struct fetchset;

struct file {
	const char *path;       /* as given: "/docs/a.html?x=1" */
	enum fstate state;      /* guarded by fs->mutex */
	pthread_t tid;          /* its thread, from RUNNING on */
	bool failed;            /* set by its thread, read after the join */
	struct fetchset *fs;
};

struct fetchset {
	const char *host, *port, *dir;
	struct sockaddr_storage server;
	socklen_t server_len;
	int maxconn;            /* threads running at once, at most */
	int nfiles;
	struct file *files;
	void (*fetch)(struct file *);   /* fetch_one (the tests: their own) */
	pthread_mutex_t mutex;  /* guards every state and ndone */
	pthread_cond_t cond;    /* signalled when a file turns DONE */
	int ndone;              /* files DONE and not yet JOINED */
};

/* Fills fs for PATHS (nfiles of them), mutex and condition initialised. */
void fetchset_init(struct fetchset *fs, const char *host, const char *port,
		   const char *dir, int maxconn, char **paths, int nfiles);
/* One file, with blocking calls, in its own thread: connects, sends the
 * request, reads the response to end of file, saves the body as DIR/NAME
 * and prints one line ("/a.html: 200, 87 bytes"). */
void fetch_one(struct file *f);
/* A thread's last act: f is DONE; the main thread is told. */
void file_done(struct file *f);
/* The main thread: waits until some file is DONE; marks it JOINED and
 * returns it (its thread is still to be joined). */
struct file *wait_done(struct fetchset *fs);
/* Every file, at most fs->maxconn threads at once, each joined; 0 when
 * every file was fetched, 1 otherwise. */
int fetch_all(struct fetchset *fs);

#endif
