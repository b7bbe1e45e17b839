/*
 * tkweb.h - the test kit's web server, for the tests of chapters 16 and
 * 26 (their suites and labs 16 and 26): a network of two hosts,
 * client 192.0.2.1 and server 192.0.2.2; nginx started in the server
 * host as an ordinary program (generated nginx.conf, pid file, logs and
 * temporary files in a fresh directory of the sandbox's tmpfs, `daemon
 * off`); a generated document tree; curl as the independent client to
 * compare with.
 */
#ifndef TKWEB_H
#define TKWEB_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#include <sys/stat.h>

#define WEB_IP "192.0.2.2"
#define WEB_PORT 8080

static hn_net *web_net;
static hn_proc *web_nginx;      /* the server web_up() started */
static char web_root[256];      /* the document tree */

/* A file of the document tree: SIZE bytes from a seeded generator
 * (bytes of every value, so nothing text-only survives by luck).  The
 * bytes of each seed are made once and kept for the tests after: every
 * test writes the same tree. */
__attribute__((unused))
static void web_file(const char *name, size_t size, unsigned seed)
{
	static unsigned char *made[32];
	static size_t made_size[32];
	static unsigned made_seed[32];
	char path[512];
	unsigned char *buf;
	unsigned slot = seed % 32;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", web_root, name);
	if (made[slot] == NULL || made_size[slot] != size ||
	    made_seed[slot] != seed) {
		free(made[slot]);
		buf = made[slot] = malloc(size ? size : 1);
		made_size[slot] = size;
		made_seed[slot] = seed;
		for (size_t i = 0; i < size; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (unsigned char)(seed >> 16);
		}
	}
	buf = made[slot];
	f = fopen(path, "w");
	TK_EXPECT(f != NULL && fwrite(buf, 1, size, f) == size,
		  "could not write %s", path);
	fclose(f);
}

/* The tree every test serves: an HTML page, small and big files. */
__attribute__((unused))
static void web_tree(void)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/index.html", web_root);
	f = fopen(path, "w");
	TK_EXPECT(f != NULL, "could not write %s", path);
	fputs("<!DOCTYPE html>\n<title>Chapter 16</title>\n"
	      "<p>Served by nginx to a non-blocking client.\n", f);
	fclose(f);
	web_file("small.bin", 100, 1);
	web_file("page1.bin", 3000, 2);
	web_file("page2.bin", 20000, 3);
	web_file("page3.bin", 65536, 4);
	web_file("page4.bin", 150000, 5);
	web_file("big.bin", 1 << 20, 6);
	for (int i = 0; i < 8; i++) {
		char name[32];

		snprintf(name, sizeof(name), "img%d.bin", i);
		web_file(name, 2000 + 100 * (size_t)i, 10 + (unsigned)i);
	}
}

/* What nginx serves (tk_nginx() starts it as an ordinary program, its
 * files in its own directory).  A request without a Host header naming
 * the server goes to a default server that answers 421; a client that
 * does not finish its request is dropped after 2 s. */
static const char nginx_http[] =
	"  types { text/html html; }\n"
	"  default_type application/octet-stream;\n"
	"  client_header_timeout 2s;\n"
	"  large_client_header_buffers 4 256k;\n"
	"  server { listen 192.0.2.2:8080 default_server;\n"
	"           listen [2001:db8:1::2]:8080 default_server;\n"
	"           return 421; }\n"
	"  server { listen 192.0.2.2:8080; listen [2001:db8:1::2]:8080;\n"
	"           server_name 192.0.2.2 [2001:db8:1::2];\n"
	"           root %ROOT%; }\n";

/* The network, the tree and nginx, ready. */
__attribute__((unused))
static hn_proc *web_up(void)
{
	char *http = NULL, *at;
	hn_proc *p;

	web_net = hn_up("host client server\n"
			"link client server 192.0.2.0/24 2001:db8:1::/64\n");
	snprintf(web_root, sizeof(web_root), "%s/www-XXXXXX", hn_tmpdir());
	TK_EXPECT(mkdtemp(web_root) != NULL, "mkdtemp failed");
	web_tree();
	at = strstr(nginx_http, "%ROOT%");
	if (asprintf(&http, "%.*s%s%s", (int)(at - nginx_http), nginx_http,
		     web_root, at + 6) < 0)
		abort();
	p = tk_nginx(web_net, "server", http, WEB_PORT);
	free(http);
	web_nginx = p;
	return p;
}

/* Whether the client program p, nginx and the TCP connections of both
 * hosts have sat still for ms (tk_still_for): p waits for what will
 * not come.  Begin w with web_still_start(). */
__attribute__((unused))
static void web_still_start(struct tk_still *w)
{
	static const char *const hosts[] = { "client", "server", NULL };

	tk_still_in(w, web_net, hosts);
}

/* nginx's pid, or p's when web_up() started none. */
__attribute__((unused))
static pid_t web_nginx_pid(hn_proc *p)
{
	return hn_pid(web_nginx != NULL ? web_nginx : p);
}

__attribute__((unused))
static bool web_still(struct tk_still *w, hn_proc *p, int ms)
{
	pid_t who[2] = { hn_pid(p), web_nginx_pid(p) };

	return tk_still_for(w, who, 2, ms);
}

/* Waits for the client program p to exit, at most timeout_ms, or until
 * web_still() for still_ms: its wait status, or -1 (*still says it was
 * stuck rather than slow). */
__attribute__((unused))
static int web_exit_unless_still(hn_proc *p, int timeout_ms, int still_ms,
				 bool *still)
{
	pid_t nginx = web_nginx_pid(p);
	struct tk_still w;

	web_still_start(&w);
	return tk_exit_unless_still(p, &w, &nginx, 1, timeout_ms, still_ms,
				    still);
}

/* A fresh, empty directory for one client's files (the last four
 * stay valid). */
__attribute__((unused))
static char *web_outdir(const char *who)
{
	static char dirs[4][256];
	static int next;
	char *dir = dirs[next++ % 4];

	snprintf(dir, sizeof(dirs[0]), "%s/%s-XXXXXX", hn_tmpdir(), who);
	if (mkdtemp(dir) == NULL)
		TK_FAIL("cannot make a directory for %s", who);
	return dir;
}

/* The whole of a file, malloc'd (*len its size), or NULL. */
__attribute__((unused))
static char *web_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (f == NULL)
		return NULL;
	do {
		buf = realloc(buf, cap += 65536);
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	return buf;
}

/* curl fetches PATH from nginx, from the client host, into DIR/NAME. */
__attribute__((unused))
static void web_curl(const char *dir, const char *path)
{
	const char *name = strrchr(path, '/') + 1;
	int len = (int)strcspn(name, "?");

	TK_EXPECT(hn_sh(web_net, "client", 10000, NULL, "curl -s -o "
			"'%s/%.*s' 'http://" WEB_IP ":%d%s'", dir, len, name,
			WEB_PORT, path) == 0, "curl could not fetch %s", path);
}

#endif
