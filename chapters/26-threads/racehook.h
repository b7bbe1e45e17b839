/*
 * racehook.h - the tests' hook for section 26.5 (-w): it makes the
 * unlucky interleaving of the &connfd race happen every time, instead of
 * once in a while.  With the hook on, the thread of the first connection
 * waits, before it looks at its argument, until the main thread has
 * accepted the second connection; the other threads do not wait.
 */
#ifndef RACEHOOK_H
#define RACEHOOK_H

#include <pthread.h>
#include <stdbool.h>

static bool hook_on;                    /* -w given */
static int hook_accepted;               /* connections accepted so far */
static pthread_mutex_t hook_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hook_cond = PTHREAD_COND_INITIALIZER;

/* The main thread: one more connection accepted. */
static void hook_accept(void)
{
	pthread_mutex_lock(&hook_mutex);
	hook_accepted++;
	pthread_cond_broadcast(&hook_cond);
	pthread_mutex_unlock(&hook_mutex);
}

/* A new thread, first thing: the first connection's thread waits for
 * the second accept(). */
static void hook_start(void)
{
	if (!hook_on)
		return;
	pthread_mutex_lock(&hook_mutex);
	if (hook_accepted == 1)
		while (hook_accepted < 2)
			pthread_cond_wait(&hook_cond, &hook_mutex);
	pthread_mutex_unlock(&hook_mutex);
}

#endif
