/*
 * peer.c - real Debian programs as peers: a generated config in a fresh
 * directory of the sandbox's tmpfs, the program started in a host, and a
 * wait until it is ready.
 */
#include "hn_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* TEXT with every "%DIR%" and "%CONF%" replaced; malloc'd. */
static char *expand(const char *text, const char *dir, const char *conf)
{
	char *out;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	while (*text != '\0') {
		if (strncmp(text, "%DIR%", 5) == 0) {
			fputs(dir, f);
			text += 5;
		} else if (strncmp(text, "%CONF%", 6) == 0) {
			fputs(conf, f);
			text += 6;
		} else
			fputc(*text++, f);
	}
	fclose(f);
	return out;
}

static int write_config(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return hn_err("cannot write %s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
	return 0;
}

static hn_proc *start_peer(hn_net *net, const char *host,
			   const struct hn_peer *pr, char *dir, char *conf)
{
	const char *argv[32];
	char *expanded[32];
	int n = 0, i;
	hn_proc *p;

	argv[n++] = pr->program;
	for (i = 0; pr->args != NULL && pr->args[i] != NULL && n < 31; i++)
		argv[n++] = expanded[i] = expand(pr->args[i], dir, conf);
	argv[n] = NULL;
	p = hn_spawn(net, host, (char *const *)argv, NULL);
	while (--n > 0)
		free(expanded[n - 1]);
	if (p != NULL) {
		p->peerdir = dir;
		p->peerconf = conf;
	}
	return p;
}

static int wait_ready(hn_proc *p, const struct hn_peer *pr)
{
	int ms = pr->timeout_ms > 0 ? pr->timeout_ms : 3000;

	if (pr->ready_port > 0 &&
	    hn_wait_port(p, pr->ready_proto ? pr->ready_proto : IPPROTO_TCP,
			 pr->ready_port, ms) < 0)
		return -1;
	if (pr->ready_line != NULL && hn_wait_line(p, pr->ready_line, ms) < 0)
		return -1;
	return 0;
}

static hn_proc *peer_start(hn_net *net, const char *host,
			   const struct hn_peer *pr)
{
	char tmpl[128], *dir, *conf = NULL, *text;
	hn_proc *p;

	if (access(pr->program, X_OK) < 0) {
		hn_err("%s is not installed: apt-get install %s (or run make "
		       "deps as root)", pr->program, pr->package);
		return NULL;
	}
	snprintf(tmpl, sizeof(tmpl), "%s/peer-XXXXXX", hn_tmpdir());
	dir = mkdtemp(tmpl) == NULL ? NULL : strdup(tmpl);
	if (dir == NULL) {
		hn_err("cannot make a directory for %s: %s", pr->program,
		       strerror(errno));
		return NULL;
	}
	if (asprintf(&conf, "%s/%s", dir, pr->config_name != NULL ?
		     pr->config_name : "config") < 0)
		abort();
	if (pr->config != NULL) {
		text = expand(pr->config, dir, conf);
		if (write_config(conf, text) < 0) {
			free(text);
			free(conf);
			rmdir(dir);
			free(dir);
			return NULL;
		}
		free(text);
	}
	p = start_peer(net, host, pr, dir, conf);
	if (p == NULL) {
		unlink(conf);
		rmdir(dir);
		free(conf);
		free(dir);
		return NULL;
	}
	if (wait_ready(p, pr) < 0) {
		hn_kill(p);
		return NULL;
	}
	return p;
}

hn_proc *hn_peer_start(hn_net *net, const char *host,
		       const struct hn_peer *pr)
{
	int old = hn_set_strict(0);
	hn_proc *p = peer_start(net, host, pr);

	hn_set_strict(old);
	return hn_check_ptr(p);
}

/* ---- openbsd-inetd ---------------------------------------------------- */

static int service_port(const char *name)
{
	static const struct { const char *name; int port; } known[] = {
		{ "echo", 7 }, { "discard", 9 }, { "daytime", 13 },
		{ "chargen", 19 }, { "time", 37 },
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(known[i].name, name) == 0)
			return known[i].port;
	return -1;
}

static char *inetd_config(const char *services, int *ports, int *nports)
{
	char *copy = strdup(services), *name, *save = NULL, *conf;
	size_t len;
	FILE *f = open_memstream(&conf, &len);

	*nports = 0;
	for (name = strtok_r(copy, " ,", &save); name != NULL;
	     name = strtok_r(NULL, " ,", &save)) {
		int port = service_port(name);

		if (port < 0 || *nports == 8) {
			hn_err("inetd: \"%s\" is not one of its built-in "
			       "services (echo discard daytime chargen time)",
			       name);
			fclose(f);
			free(conf);
			free(copy);
			return NULL;
		}
		ports[(*nports)++] = port;
		fprintf(f, "%s stream tcp nowait root internal\n"
			"%s dgram udp wait root internal\n"
			"%s stream tcp6 nowait root internal\n"
			"%s dgram udp6 wait root internal\n",
			name, name, name, name);
	}
	fclose(f);
	free(copy);
	return conf;
}

static hn_proc *inetd(hn_net *net, const char *host, const char *services)
{
	static const char *const args[] = { "-d", "-i", "%CONF%", NULL };
	int ports[8], n, i;
	char *conf = inetd_config(services, ports, &n);
	struct hn_peer pr = {
		.package = "openbsd-inetd",
		.program = "/usr/sbin/inetd",
		.config_name = "inetd.conf",
		.config = conf,
		.args = args,
	};
	hn_proc *p;

	if (conf == NULL)
		return NULL;
	p = peer_start(net, host, &pr);
	free(conf);
	for (i = 0; p != NULL && i < n; i++)
		if (hn_wait_port(p, IPPROTO_TCP, ports[i], 3000) < 0 ||
		    hn_wait_port(p, IPPROTO_UDP, ports[i], 3000) < 0) {
			hn_kill(p);
			p = NULL;
		}
	return p;
}

hn_proc *hn_inetd(hn_net *net, const char *host, const char *services)
{
	int old = hn_set_strict(0);
	hn_proc *p = inetd(net, host, services);

	hn_set_strict(old);
	return hn_check_ptr(p);
}
