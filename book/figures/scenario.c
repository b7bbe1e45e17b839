/*
 * scenario.c - the real runs behind the book's ladder diagrams.  Each
 * scenario builds a two-host network with the harness, captures the
 * client's link, makes one thing happen to a TCP connection and saves
 * the capture for ladder.c to draw.
 *
 *   scenario NAME OUT.pcap [NOTES]     run one scenario
 *   scenario --list                    name the scenarios
 *
 *   handshake     connect(): SYN, SYN-ACK, ACK
 *   close         the client closes, then the server: FIN, ACK, FIN, ACK
 *   crash-reboot  the server host crashes while the connection is idle,
 *                 the client sends, the host reboots: its fresh kernel
 *                 answers the retransmission with RST
 *
 * NOTES receives "SECONDS LABEL" lines for the events that are not
 * packets (the crash, the reboot), on the capture's clock.
 * Client 192.0.2.1 port 50000, server 192.0.2.2 port 9877, so every run
 * draws the same picture.  Exit status 0, or 1 with a message.
 */
#include "harness.h"
#include "testkit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define CLIENT_PORT 50000
#define SERVER_PORT 9877
#define WAIT_MS 3000

/* The network: two hosts on one link.  The client keeps retrying for a
 * few seconds (tcp_retries2 8 with the harness's 5 ms minimum RTO), so
 * that the server has time to come back after its crash. */
static const char topology[] =
	"host client server\n"
	"link client server 192.0.2.0/24\n"
	"sysctl client net.ipv4.tcp_retries2 8\n";

struct run {
	hn_net *net;
	hn_cap *cap;
	FILE *notes;
	int listener, client, server;   /* sockets; -1 when closed */
};

/* Prints what failed, with the harness's own message if it has one. */
static int failed(const char *what)
{
	const char *why = hn_error();

	fprintf(stderr, "scenario: %s%s%s\n", what, *why ? ": " : "", why);
	return -1;
}

static int failed_errno(const char *what)
{
	fprintf(stderr, "scenario: %s: %s\n", what, strerror(errno));
	return -1;
}

/* Marks an event in the notes, on the capture's clock. */
static void note(struct run *r, const char *label)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	if (r->notes != NULL)
		fprintf(r->notes, "%lld.%06ld %s\n", (long long)now.tv_sec,
			now.tv_nsec / 1000, label);
}

static int tcp_socket_in(struct run *r, const char *host, int port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, on = 1;

	if (hn_enter(r->net, host) < 0)
		return failed("cannot enter the host");
	fd = socket(AF_INET, SOCK_STREAM, 0);
	hn_leave(r->net);
	if (fd < 0)
		return failed_errno("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (hn_sockaddr(r->net, host, AF_INET, port, &ss, &len) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0) {
		close(fd);
		return failed_errno("bind");
	}
	return fd;
}

/* Listens on the server, connects from the client, accepts. */
static int connect_pair(struct run *r)
{
	struct sockaddr_storage ss;
	socklen_t len;

	r->listener = tcp_socket_in(r, "server", SERVER_PORT);
	if (r->listener < 0 || listen(r->listener, 4) < 0)
		return failed_errno("listen");
	r->client = tcp_socket_in(r, "client", CLIENT_PORT);
	if (r->client < 0)
		return -1;
	if (hn_sockaddr(r->net, "server", AF_INET, SERVER_PORT, &ss, &len) < 0)
		return failed("no server address");
	if (connect(r->client, (struct sockaddr *)&ss, len) < 0)
		return failed_errno("connect");
	r->server = accept(r->listener, NULL, NULL);
	if (r->server < 0)
		return failed_errno("accept");
	return 0;
}

/* Waits until the capture holds at least count packets matching filter. */
static int seen(struct run *r, const char *filter, int count)
{
	if (hn_cap_wait(r->cap, filter, count, WAIT_MS) < 0)
		return failed("the expected packets were not captured");
	return 0;
}

static int start_capture(struct run *r)
{
	r->cap = hn_capture(r->net, "client", "server");
	return r->cap ? 0 : failed("cannot capture");
}

/* ---- the scenarios --------------------------------------------------- */

static int handshake(struct run *r)
{
	if (start_capture(r) < 0 || connect_pair(r) < 0)
		return -1;
	return seen(r, "tcp", 3);
}

/* The server's kernel ACKs the client's FIN at once; waiting for that ACK
 * before the server closes keeps it apart from the server's FIN. */
static int four_segment_close(struct run *r)
{
	char byte;

	if (connect_pair(r) < 0 || start_capture(r) < 0)
		return -1;
	close(r->client);
	r->client = -1;
	if (seen(r, "tcp", 2) < 0)
		return -1;
	if (read(r->server, &byte, 1) != 0)
		return failed_errno("the server did not read end of file");
	close(r->server);
	r->server = -1;
	return seen(r, "tcp", 4);
}

static int crash_and_reboot(struct run *r)
{
	static const char hello[] = "hello\n", again[] = "are you there?\n";
	char buf[64];

	if (start_capture(r) < 0 || connect_pair(r) < 0)
		return -1;
	if (write(r->client, hello, sizeof(hello) - 1) < 0 ||
	    read(r->server, buf, sizeof(buf)) <= 0)
		return failed_errno("the first line did not get through");
	if (seen(r, "tcp", 5) < 0)      /* handshake, data, its ACK */
		return -1;
	note(r, "server host crashes");
	if (hn_crash(r->net, "server") < 0)
		return failed("cannot crash the server");
	if (write(r->client, again, sizeof(again) - 1) < 0)
		return failed_errno("write after the crash");
	if (seen(r, "tcp and src host 192.0.2.1 and tcp[tcpflags] & tcp-push "
		 "!= 0", 2) < 0)
		return -1;
	if (hn_reboot(r->net, "server") < 0)
		return failed("cannot reboot the server");
	note(r, "server host is back, without its sockets");
	if (seen(r, HN_RST, 1) < 0)
		return -1;
	if (read(r->client, buf, sizeof(buf)) >= 0 || errno != ECONNRESET)
		return failed_errno("the client should get ECONNRESET");
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct run *);
} scenarios[] = {
	{ "handshake", handshake },
	{ "close", four_segment_close },
	{ "crash-reboot", crash_and_reboot },
};
#define NSCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

/* ---- the program ----------------------------------------------------- */

/* Copies the capture to out (through a temporary name, so a failure leaves
 * no half-written file). */
static int save_capture(const char *from, const char *out)
{
	char tmp[4096], buf[65536];
	FILE *in = fopen(from, "rb"), *to;
	size_t n;
	bool ok = true;

	if (in == NULL)
		return failed_errno(from);
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	to = fopen(tmp, "wb");
	if (to == NULL) {
		fclose(in);
		return failed_errno(tmp);
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ok = ok && fwrite(buf, 1, n, to) == n;
	fclose(in);
	ok = (fclose(to) == 0) && ok;
	if (!ok || rename(tmp, out) != 0) {
		remove(tmp);
		return failed_errno(out);
	}
	return 0;
}

static void close_all(struct run *r)
{
	int *fds[] = { &r->client, &r->server, &r->listener };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

static int run_scenario(int which, const char *out, const char *notes)
{
	struct run r = { .listener = -1, .client = -1, .server = -1 };
	char *path;
	int rc;

	if (notes != NULL && (r.notes = fopen(notes, "w")) == NULL)
		return failed_errno(notes);
	r.net = hn_up(topology);
	if (r.net == NULL) {
		if (r.notes)
			fclose(r.notes);
		return failed("cannot build the network");
	}
	rc = scenarios[which].run(&r);
	path = r.cap ? strdup(hn_cap_path(r.cap)) : NULL;
	if (r.cap)
		hn_cap_close(r.cap);    /* before closing: no stray FIN/RST */
	close_all(&r);
	hn_down(r.net);
	if (rc == 0 && path != NULL)
		rc = save_capture(path, out);
	if (path != NULL)
		remove(path);           /* the harness's copy */
	free(path);
	if (r.notes != NULL && fclose(r.notes) != 0 && rc == 0)
		rc = failed_errno(notes);
	return rc;
}

/* The harness names its capture file after the running test; a name of
 * our own keeps two runs at once (make book and make test) apart. */
static void name_captures(const char *scenario)
{
	static char name[96];
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(name, sizeof(name), "%s-%lld%09ld", scenario,
		 (long long)now.tv_sec, now.tv_nsec);
	tk_current_test = name;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < NSCENARIOS; i++)
			printf("%s\n", scenarios[i].name);
		return 0;
	}
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: scenario NAME OUT.pcap [NOTES]\n"
			"       scenario --list\n");
		return 1;
	}
	for (size_t i = 0; i < NSCENARIOS; i++) {
		if (strcmp(argv[1], scenarios[i].name) != 0)
			continue;
		/* the harness notes each capture's path for failing tests;
		 * this is not a test, and the capture is saved below */
		setenv("TK_REPORT", "/dev/null", 0);
		hn_init();
		hn_set_strict(0);
		name_captures(scenarios[i].name);
		const char *notes = argc == 4 ? argv[3] : NULL;

		return run_scenario((int)i, argv[2], notes) < 0 ? 1 : 0;
	}
	fprintf(stderr, "scenario: no scenario '%s' (scenario --list)\n",
		argv[1]);
	return 1;
}
