/*
 * lab20.h - lab 20's scene: h1 runs the student's whoisthere; h2 and h3
 * run chapter 8's echo server; h4 is the test's own socket, which
 * answers when, and as often as, the test decides.  And the words that
 * say why a client that should have ended is still running.
 */
#ifndef LAB20_H
#define LAB20_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#define LAB_BCAST "203.0.113.255"
#define LAB_PORT 9877

struct lab {
	hn_net *net;
	int h4;                 /* the test's server socket in h4 */
	hn_proc *cli;
};

/* hn_lan(4): h1 203.0.113.1 ... h4 203.0.113.4. */
static inline void lab_up(struct lab *l)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(LAB_PORT) };
	char port[8];

	snprintf(port, sizeof(port), "%d", LAB_PORT);
	l->cli = NULL;
	l->net = hn_lan(4);
	for (const char *const *h = (const char *const[]){ "h2", "h3", NULL };
	     *h != NULL; h++) {
		hn_wait_port(hn_run(l->net, *h, tk_prog("08-elementary-udp",
				    "udpserv"), port, NULL), IPPROTO_UDP,
			     LAB_PORT, 2000);
	}
	hn_enter(l->net, "h4");
	l->h4 = Socket(AF_INET, SOCK_DGRAM, 0);
	Bind(l->h4, (struct sockaddr *)&sin, sizeof(sin));
	hn_leave(l->net);
}

/* Starts whoisthere in h1 with a window of MS, BCAST_RACE=RACE (NULL:
 * not forced); stdin is a pipe (hn_write_stdin). */
static inline hn_proc *lab_client(struct lab *l, const char *ms,
				  const char *race)
{
	char env[32];
	char *envv[] = { env, NULL };
	char *argv[] = { (char *)tk_lab_prog("whoisthere"), LAB_BCAST,
			 "9877", (char *)ms, NULL };
	struct hn_spawn_opts o = { .env = race ? envv : NULL };

	snprintf(env, sizeof(env), "BCAST_RACE=%s", race ? race : "");
	return l->cli = hn_spawn(l->net, "h1", argv, &o);
}

/* Whether a request is waiting at h4 within ms; false at once when
 * none came and none will: the client has ended, or its sendto()
 * failed (without SO_BROADCAST: EACCES). */
static inline bool lab_h4_readable(struct lab *l, int ms)
{
	long long end = tk_now_ms() + ms;

	while (!tk_readable(l->h4, 20)) {
		if (tk_now_ms() >= end)
			return false;
		if (l->cli != NULL && (hn_exit_status(l->cli) != -1 ||
				       strstr(hn_stderr(l->cli), "sendto")))
			return tk_readable(l->h4, 20);
	}
	return true;
}

/* The test's server in h4 takes the next request (within ms) and
 * answers it COPIES times.  False if no request came. */
static inline bool lab_h4_answers(struct lab *l, int copies, int ms)
{
	char buf[MAXLINE];
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	ssize_t n;

	if (!lab_h4_readable(l, ms))
		return false;
	n = recvfrom(l->h4, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		     &len);
	if (n < 0)
		return false;
	for (int i = 0; i < copies; i++)
		sendto(l->h4, buf, (size_t)n, 0, (struct sockaddr *)&from,
		       len);
	return true;
}

/* Why the client has not ended, in words that name the section to
 * reread: SIGALRM pending but blocked, or asleep with nothing coming. */
static inline const char *lab_why_running(hn_proc *p)
{
	static char why[400];
	char path[64], line[128];
	unsigned long long pnd = 0, blk = 0, bit = 1ULL << (SIGALRM - 1);
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)hn_pid(p));
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL) {
			if (!strncmp(line, "SigPnd:", 7) ||
			    !strncmp(line, "ShdPnd:", 7))
				pnd |= strtoull(line + 7, NULL, 16);
			if (!strncmp(line, "SigBlk:", 7))
				blk = strtoull(line + 7, NULL, 16);
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)hn_pid(p));
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(line, sizeof(line), f) != NULL)
			nr = strtol(line, NULL, 10);
		fclose(f);
	}
	if ((pnd & bit) && (blk & bit))
		snprintf(why, sizeof(why), "SIGALRM came and waits, blocked, "
			 "while the client sleeps in system call %ld: the "
			 "wait must unblock it (pselect's last argument; see "
			 "20.6)", nr);
	else
		snprintf(why, sizeof(why), "it sleeps in system call %ld "
			 "with no signal on its way: its timer fired before "
			 "the wait, or was never set for this request (see "
			 "20.5 and 20.4)", nr);
	return why;
}

#endif
