/*
 * bcast20.h - chapter 20's test scene: a far host, a router and a LAN of
 * four hosts (h1 the client, h2..h4 running a UDP echo server of ours),
 * and the look at /proc that tells a program blocked for ever from one
 * that is only slow.
 */
#ifndef BCAST20_H
#define BCAST20_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include <sys/syscall.h>

#define BC_PORT "9877"
#define BC_BCAST "203.0.113.255"        /* the LAN's directed broadcast */
#define BC_SERVERS 3

/* far 192.0.2.1 -- r1 192.0.2.2 / 203.0.113.1; h1 .2, h2 .3, h3 .4,
 * h4 .5 on lan0. */
static inline hn_net *bc_up(void)
{
	hn_net *net = hn_up("host far h1 h2 h3 h4\n"
			    "router r1\n"
			    "link far r1 192.0.2.0/24\n"
			    "lan lan0 r1 h1 h2 h3 h4 203.0.113.0/24\n");
	static const char *const hosts[] = { "h2", "h3", "h4" };

	for (int i = 0; i < BC_SERVERS; i++) {
		hn_proc *s = hn_run(net, hosts[i], tk_prog("08-elementary-udp",
				    "udpserv"), BC_PORT, NULL);

		hn_wait_port(s, IPPROTO_UDP, atoi(BC_PORT), 2000);
	}
	return net;
}

/* Runs PROG in HOST with BCAST_RACE=RACE (NULL: not forced). */
static inline hn_proc *bc_run(hn_net *net, const char *host,
			      const char *race, char *const argv[])
{
	char env[32];
	char *envv[] = { env, NULL };
	struct hn_spawn_opts o = { .env = envv };

	snprintf(env, sizeof(env), "BCAST_RACE=%s", race ? race : "");
	if (race == NULL)
		envv[0] = NULL;
	return hn_spawn(net, host, argv, &o);
}

/* Whether PID is asleep inside system call NR (as /proc/PID/syscall
 * says: its first field is the call's number while it blocks), looked
 * at every millisecond for at most ms. */
static inline bool bc_blocked_in(pid_t pid, long nr, int ms)
{
	char path[64], buf[256];
	long start = tk_now_ms();

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	do {
		FILE *f = fopen(path, "r");

		if (f == NULL)
			return false;   /* it has gone */
		bool in = fgets(buf, sizeof(buf), f) != NULL &&
			  strtol(buf, NULL, 10) == nr;

		fclose(f);
		if (in && tk_proc_state(pid) == 'S')
			return true;
		tk_tick();
	} while (tk_now_ms() - start < ms);
	return false;
}

/* Whether PID has no signal pending (SigPnd and ShdPnd of its status
 * are zero): nothing is on its way to interrupt it. */
static inline bool bc_nothing_pending(pid_t pid)
{
	char path[64], line[128];
	int zero = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL)
		if ((!strncmp(line, "SigPnd:", 7) ||
		     !strncmp(line, "ShdPnd:", 7)) &&
		    strtoull(line + 7, NULL, 16) == 0)
			zero++;
	fclose(f);
	return zero == 2;
}

/* How many lines of TEXT start with PREFIX. */
static inline int bc_lines(const char *text, const char *prefix)
{
	int n = 0;

	for (const char *p = text; p && *p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, prefix, strlen(prefix)))
			n++;
	}
	return n;
}

static int bc_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* TEXT with its lines starting with PREFIX sorted in place among
 * themselves (replies come in any order; a transcript must not). */
static inline char *bc_sorted(const char *text, const char *prefix)
{
	char *copy = strdup(text), *lines[64], *out;
	int n = 0, k = 0;
	size_t len = strlen(text) + 2;

	for (char *s = strtok(copy, "\n"); s && n < 64; s = strtok(NULL, "\n"))
		lines[n++] = s;
	char *sel[64];
	int m = 0;

	for (int i = 0; i < n; i++)
		if (!strncmp(lines[i], prefix, strlen(prefix)))
			sel[m++] = lines[i];
	qsort(sel, (size_t)m, sizeof(sel[0]), bc_cmp);
	out = calloc(1, len);
	for (int i = 0; i < n; i++) {
		const char *l = !strncmp(lines[i], prefix, strlen(prefix))
				? sel[k++] : lines[i];

		strcat(out, l);
		strcat(out, "\n");
	}
	free(copy);
	return out;     /* the caller frees it */
}

#endif
