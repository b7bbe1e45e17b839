/*
 * peers.c - real Debian programs as peers: openbsd-inetd's daytime read
 * from another host, generated configs, and the errors for a missing
 * package or a peer that never becomes ready.
 */
#include "harness.h"
#include "testkit.h"
#include "tutil.h"

#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <string.h>
#include <unistd.h>

/* "Mon Nov 24 10:00:00 2025\r\n", the daytime format of inetd */
static void looks_like_daytime(const char *text, ssize_t n)
{
	regex_t re;
	int ok;

	regcomp(&re, "^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} +[0-9]+ "
		"[0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}",
		REG_EXTENDED | REG_NOSUB);
	ok = n > 0 && regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	TK_EXPECT(ok, "daytime answered %zd bytes: \"%.*s\"", n,
		  (int)(n > 0 ? n : 0), text);
}

static void inetd_daytime_from_another_host(void **state)
{
	hn_net *net = hn_two_hosts();
	int tcp, udp;
	char buf[128] = "";
	ssize_t n;

	(void)state;
	hn_inetd(net, "b", "daytime echo");
	tcp = t_connect(net, "a", "b", AF_INET, 13);
	n = t_recv(tcp, buf, sizeof(buf) - 1, 2000);
	looks_like_daytime(buf, n);
	udp = t_udp_to(net, "a", "b", AF_INET6, 13);
	send(udp, "", 0, 0);
	memset(buf, 0, sizeof(buf));
	n = t_recv(udp, buf, sizeof(buf) - 1, 2000);
	looks_like_daytime(buf, n);
	close(tcp);
	close(udp);
	hn_down(net);
}

static int peer_dirs_left(void)
{
	DIR *d = opendir(hn_tmpdir());
	struct dirent *e;
	int n = 0;

	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, "peer-", 5) == 0;
	closedir(d);
	return n;
}

static void a_generated_config_reaches_the_peer(void **state)
{
	hn_net *net = hn_two_hosts();
	static const char *const args[] = { "-c", "cat %CONF%; exec cat",
					    NULL };
	struct hn_peer pr = {
		.package = "dash", .program = "/bin/sh",
		.config_name = "greeting.conf",
		.config = "hello from %DIR%\n",
		.args = args,
		.ready_line = "^hello from /dev/shm/peer-",
	};
	hn_proc *p = hn_peer_start(net, "b", &pr);

	(void)state;
	TK_EXPECT(strstr(hn_stdout(p), "/dev/shm/peer-") != NULL,
		  "the peer printed \"%s\"", hn_stdout(p));
	hn_down(net);
	TK_EXPECT(peer_dirs_left() == 0, "a peer's directory was left in %s",
		  hn_tmpdir());
}

static void missing_package_and_never_ready(void **state)
{
	hn_net *net = hn_two_hosts();
	struct hn_peer missing = {
		.package = "no-such-package",
		.program = "/usr/sbin/no-such-daemon",
	};
	static const char *const args[] = { "-c", "exec cat", NULL };
	struct hn_peer lazy = {
		.package = "dash", .program = "/bin/sh", .args = args,
		.ready_proto = IPPROTO_TCP, .ready_port = 12345,
		.timeout_ms = 200,
	};
	int old = hn_set_strict(0);

	(void)state;
	TK_EXPECT(hn_peer_start(net, "b", &missing) == NULL &&
		  strstr(hn_error(), "/usr/sbin/no-such-daemon is not "
			 "installed: apt-get install no-such-package") &&
		  !strchr(hn_error(), '\n'),
		  "a missing package said: %s", hn_error());
	TK_EXPECT(hn_peer_start(net, "b", &lazy) == NULL &&
		  strstr(hn_error(), "waited 200 ms for /bin/sh in host b to "
			 "listen on TCP port 12345"),
		  "a peer that never got ready said: %s", hn_error());
	TK_EXPECT(hn_inetd(net, "b", "daytime gopher") == NULL &&
		  strstr(hn_error(), "\"gopher\" is not one of its built-in"),
		  "an unknown inetd service said: %s", hn_error());
	hn_set_strict(old);
	hn_down(net);
	TK_EXPECT(peer_dirs_left() == 0, "a failed peer left its directory");
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(inetd_daytime_from_another_host),
		TK_TEST(a_generated_config_reaches_the_peer),
		TK_TEST(missing_package_and_never_ready),
	};
	return TK_RUN("harness_peers", tests);
}
