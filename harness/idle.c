/*
 * idle.c - giving up on a wait once the machine has nothing to do.
 *
 * In the test VM (harness/vm) the test and the programs it started are
 * all that runs.  When the answer a test waits for has not come and the
 * CPU has been idle for a while, nothing is on its way: no program is
 * computing, no packet is being handled.  Only a timer could still wake
 * something, so a test that waits for what follows at once (an echo,
 * a line a server prints when an association comes up) can fail there
 * and then, instead of at a deadline sized for a slow, emulated machine
 * that other sandboxes share.  That is what makes a wrong answer fail
 * in about a second in the VM.
 *
 * Idle is read from /proc/stat (idle and iowait time of all CPUs),
 * sampled every IDLE_NAP_MS (or more) while a wait goes on.  A sample
 * in which the CPUs were busy for more than a small part of the time
 * starts the window again.  On the host, where other work shares the CPUs, idle
 * time says nothing about the test, so none of this is switched on.
 */
#include "hn_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define IDLE_NAP_MS 50      /* how often a watched wait looks */
#define BUSY_SLACK_MS 15    /* busy time a sample may have and be idle */

static int idle_window_ms;  /* 0: waits run to their deadline */
static long gave_up_after;  /* ms the last watched wait lasted, or 0 */

void hn_give_up_when_idle(int idle_ms)
{
	idle_window_ms = idle_ms > 0 && getenv("HN_IN_VM") != NULL ?
			 idle_ms : 0;
}

/* A monotonic clock in ms (as hn_now_ms; here too so that this file
 * links alone, into the VM backend's own test helper). */
static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Idle time of all CPUs together, in ms; -1 if /proc/stat says not. */
static long long idle_ms_now(void)
{
	unsigned long long v[8] = { 0 };
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/stat", "re");
	int n;

	if (f == NULL)
		return -1;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
		   &v[3], &v[4]);
	fclose(f);
	if (n != 5 || hz <= 0)
		return -1;
	return (long long)((v[3] + v[4]) * 1000 / (unsigned long long)hz);
}

void hn_idle_start(hn_idle *w)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	gave_up_after = 0;
	w->on = idle_window_ms > 0;
	w->cpus = cpus > 0 ? (int)cpus : 1;
	w->began = w->since = w->last = now_ms();
	w->last_idle = w->on ? idle_ms_now() : -1;
	if (w->last_idle < 0)
		w->on = false;
}

int hn_idle_nap(const hn_idle *w, int left_ms)
{
	return w->on && left_ms > IDLE_NAP_MS ? IDLE_NAP_MS : left_ms;
}

bool hn_idle_over(hn_idle *w)
{
	long now = now_ms();
	long long idle;

	/* a shorter sample says nothing: idle time moves in steps of a
	 * clock tick (10 ms), so a busy CPU could look idle in it */
	if (!w->on || now - w->last < IDLE_NAP_MS)
		return false;
	idle = idle_ms_now();
	if (idle < 0)
		return false;
	/* busy for more than a fifth of the sample: the window restarts */
	if ((now - w->last) * w->cpus - (idle - w->last_idle) >
	    BUSY_SLACK_MS + (now - w->last) * w->cpus / 5)
		w->since = now;
	w->last = now;
	w->last_idle = idle;
	if (now - w->since < idle_window_ms)
		return false;
	gave_up_after = now - w->began;
	return true;
}

const char *hn_idle_note(void)
{
	static char note[160];

	if (gave_up_after == 0)
		return "";
	snprintf(note, sizeof(note), " (the wait ended after %ld ms: "
		 "nothing had run in the VM for %d ms, so nothing was "
		 "coming)", gave_up_after, idle_window_ms);
	return note;
}
