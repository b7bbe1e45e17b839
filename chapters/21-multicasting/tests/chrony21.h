/*
 * chrony21.h - chapter 21's real NTP server: Debian's chronyd, started
 * in a host of the test network as an ordinary program (-x: it never
 * touches a clock; -d: in the foreground; -u root: the sandbox's root,
 * the user who ran the tests), with `local` as its only time source and
 * its clock shifted by libfaketime, so that a client must measure an
 * offset.  Its files stay in the peer's own directory.
 */
#ifndef CHRONY21_H
#define CHRONY21_H

#include "harness.h"
#include "testkit.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define CHRONYD "/usr/sbin/chronyd"

/* libfaketime's library, wherever the architecture puts it, or NULL. */
static inline const char *chrony21_faketime(void)
{
	static char path[256];
	glob_t g;

	if (path[0] != '\0')
		return path;
	if (glob("/usr/lib/*/faketime/libfaketime.so.1", 0, NULL, &g) != 0)
		return NULL;
	snprintf(path, sizeof(path), "%s", g.gl_pathv[0]);
	globfree(&g);
	return path;
}

/* chronyd in HOST, its clock AHEAD (libfaketime's FAKETIME, e.g.
 * "+2.5"; NULL: the true time), serving stratum 3 from `local`, with
 * EXTRA configuration lines ("broadcast 1 203.0.113.255\n").  Ready
 * when it listens on UDP port 123. */
static inline hn_proc *chrony21_start(hn_net *net, const char *host,
				      const char *ahead, const char *extra)
{
	static char ft[64], pre[300];
	const char *lib = chrony21_faketime();
	const char *args[16];
	char *conf;
	int n = 0;
	hn_proc *p;

	TK_EXPECT(access(CHRONYD, X_OK) == 0, "chronyd is not installed: "
		  "apt-get install chrony (tools/packages.txt)");
	TK_EXPECT(ahead == NULL || lib != NULL, "libfaketime is not "
		  "installed: apt-get install libfaketime "
		  "(tools/packages.txt)");
	if (ahead != NULL) {
		snprintf(ft, sizeof(ft), "FAKETIME=%s", ahead);
		snprintf(pre, sizeof(pre), "LD_PRELOAD=%s", lib);
		args[n++] = ft;
		args[n++] = pre;
	}
	args[n++] = CHRONYD;
	args[n++] = "-x";
	args[n++] = "-d";
	args[n++] = "-u";
	args[n++] = "root";
	args[n++] = "-f";
	args[n++] = "%CONF%";
	args[n] = NULL;
	if (asprintf(&conf, "local stratum 3\nallow all\ncmdport 0\n"
		     "bindcmdaddress /\npidfile %%DIR%%/chronyd.pid\n%s",
		     extra != NULL ? extra : "") < 0)
		abort();
	struct hn_peer peer = {
		.package = "coreutils", .program = "/usr/bin/env",
		.config_name = "chrony.conf", .config = conf, .args = args,
		.ready_proto = IPPROTO_UDP, .ready_port = 123,
	};
	p = hn_peer_start(net, host, &peer);
	free(conf);
	return p;
}

/* chrony's own view of SERVER's offset, measured from HOST by a second
 * chronyd that only asks and prints (-Q): "System clock wrong by X
 * seconds".  Returns X (the server's clock minus ours, as SNTP's
 * offset), or fails the test. */
static inline double chrony21_view(hn_net *net, const char *host,
				   const char *server)
{
	char line[128];
	const char *p;
	double x = 0;
	hn_proc *q;

	snprintf(line, sizeof(line), "server %s iburst minpoll -6 "
		 "maxpoll -6", server);
	q = hn_run(net, host, CHRONYD, "-Q", "-f", "/dev/null", "-u",
		   "root", "-t", "3", line, NULL);
	TK_EXPECT(hn_exited_within(q, 4000) == 0, "chronyd -Q asking %s "
		  "failed: %s", server, tk_shown(hn_stderr(q)));
	p = strstr(hn_stderr(q), "wrong by ");
	if (p == NULL)
		p = strstr(hn_stdout(q), "wrong by ");
	TK_EXPECT(p != NULL && sscanf(p, "wrong by %lf", &x) == 1,
		  "chronyd -Q did not say how wrong the clock is: %s",
		  tk_shown(hn_stderr(q)));
	return x;
}

#endif
