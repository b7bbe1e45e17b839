/*
 * netlab.c - the netlab command, driven as a person would drive it:
 * up, exec, fault, info, down, run; and a typo in a topology file.
 * Its state goes to a directory of the sandbox's tmpfs
 * ($XDG_RUNTIME_DIR), which must be empty again afterwards.
 */
#include "harness.h"
#include "testkit.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char state[256], topo[256];

static const char *prog(void)
{
	static char *path;

	if (path == NULL)
		path = tk_path("netlab");
	return path;
}

/* Runs "netlab ARGS" through the shell; returns its exit status and
 * puts stdout and stderr in OUT. */
static int netlab(char *out, size_t len, const char *args)
{
	char cmd[1024];
	size_t n = 0;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "\"%s\" %s 2>&1", prog(), args);
	p = popen(cmd, "r");
	TK_EXPECT(p != NULL, "cannot run %s", cmd);
	while (n + 1 < len && fgets(out + n, (int)(len - n), p) != NULL)
		n += strlen(out + n);
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void write_topology(const char *text)
{
	FILE *f = fopen(topo, "w");

	fputs(text, f);
	fclose(f);
}

static int files_in_state(void)
{
	DIR *d = opendir(state);
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	if (d != NULL)
		closedir(d);
	return n;
}

/* A test that failed may have left its network up: take it down. */
static void down_everything(void)
{
	char out[4096], *name, *save = NULL, args[128];

	netlab(out, sizeof(out), "ls");
	for (name = strtok_r(out, "\n", &save); name != NULL;
	     name = strtok_r(NULL, "\n", &save)) {
		char junk[4096];

		snprintf(args, sizeof(args), "-n %s down", name);
		netlab(junk, sizeof(junk), args);
	}
}

static int setup(void **st)
{
	(void)st;
	snprintf(state, sizeof(state), "%s/xdg", hn_tmpdir());
	mkdir(state, 0700);
	setenv("XDG_RUNTIME_DIR", state, 1);
	snprintf(state, sizeof(state), "%s/xdg/netlab", hn_tmpdir());
	snprintf(topo, sizeof(topo), "%s/lab.txt", hn_tmpdir());
	return 0;
}

static void up_exec_fault_down(void **st)
{
	char out[8192];
	int rc;

	(void)st;
	down_everything();
	write_topology("host client server\nrouter r1\n"
		       "link client r1 192.0.2.0/24 2001:db8:1::/64\n"
		       "link r1 server 198.51.100.0/24\n");
	rc = netlab(out, sizeof(out), "up ");
	TK_EXPECT(rc != 0, "netlab up without a file succeeded");
	snprintf(out, sizeof(out), "up \"%s\" mylab", topo);
	rc = netlab(out, sizeof(out), out);
	TK_EXPECT(rc == 0 && strstr(out, "network mylab is up") &&
		  strstr(out, "client   eth0  192.0.2.1"),
		  "netlab up said (%d):\n%s", rc, out);
	rc = netlab(out, sizeof(out), "exec server cat /proc/net/dev");
	TK_EXPECT(rc == 0 && strstr(out, "eth0"), "netlab exec gave (%d):\n%s",
		  rc, out);
	rc = netlab(out, sizeof(out), "exec client sh -c 'exit 3'");
	TK_EXPECT(rc == 3, "the command's exit status 3 came back as %d", rc);
	rc = netlab(out, sizeof(out), "fault partition client server,r1");
	TK_EXPECT(rc == 0 && strstr(out, "ok"), "fault said (%d):\n%s", rc,
		  out);
	rc = netlab(out, sizeof(out), "fault crash nosuch");
	TK_EXPECT(rc == 1 && strstr(out, "no host \"nosuch\""),
		  "a fault on an unknown host said (%d):\n%s", rc, out);
	rc = netlab(out, sizeof(out), "info");
	TK_EXPECT(rc == 0 && strstr(out, "r1       eth1  198.51.100.1"),
		  "netlab info said:\n%s", out);
	rc = netlab(out, sizeof(out), "down");
	TK_EXPECT(rc == 0 && strstr(out, "network mylab is down"),
		  "netlab down said (%d):\n%s", rc, out);
	TK_EXPECT(files_in_state() == 0, "netlab down left files in %s",
		  state);
}

static void a_typo_is_named_and_nothing_stays(void **st)
{
	char out[4096], args[512];
	int rc;

	(void)st;
	down_everything();
	write_topology("host a b\nlink a b 192.0.2.0/24\nlnk a b 10/8\n");
	snprintf(args, sizeof(args), "up \"%s\"", topo);
	rc = netlab(out, sizeof(out), args);
	TK_EXPECT(rc == 1 && strstr(out, "line 3: unknown statement "
				    "\"lnk\"") && strchr(out, '\n') ==
		  out + strlen(out) - 1,
		  "a typo gave (%d):\n%s", rc, out);
	TK_EXPECT(files_in_state() == 0, "a failed up left files in %s",
		  state);
	rc = netlab(out, sizeof(out), "exec a true");
	TK_EXPECT(rc == 1 && strstr(out, "no network is up"),
		  "exec with nothing up said (%d):\n%s", rc, out);
}

static void run_is_up_script_down(void **st)
{
	char out[4096], args[1024];
	int rc;

	(void)st;
	down_everything();
	write_topology("host a b\nlink a b 192.0.2.0/24\n");
	snprintf(args, sizeof(args), "run \"%s\" -- sh -c '\"%s\" exec b cat "
		 "/proc/net/dev >/dev/null && echo inside; exit 5'", topo,
		 prog());
	rc = netlab(out, sizeof(out), args);
	TK_EXPECT(rc == 5 && strstr(out, "inside"), "netlab run gave (%d):\n%s",
		  rc, out);
	TK_EXPECT(files_in_state() == 0, "netlab run left files in %s",
		  state);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(up_exec_fault_down),
		TK_TEST(a_typo_is_named_and_nothing_stays),
		TK_TEST(run_is_up_script_down),
	};
	return cmocka_run_group_tests_name("harness_netlab", tests, setup,
					   NULL);
}
