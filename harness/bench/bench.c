/*
 * bench.c - how fast the harness is, as `make bench` reports it:
 *
 *   BENCH harness.two_host_up_down <ms> ms    two hosts up and down
 *   BENCH harness.chain_up_down <ms> ms       client-r1-r2-server
 *   BENCH harness.crash_to_etimedout <ms> ms  host crash -> peer's error
 *
 * Each is the median of several runs.
 */
#include "harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, hn_error());
	exit(1);
}

static double up_down(hn_net *(*make)(int), int arg)
{
	double start = now_ms();
	hn_net *net = make(arg);

	if (net == NULL)
		die("bringing a network up");
	hn_down(net);
	return now_ms() - start;
}

static hn_net *two_hosts(int unused)
{
	(void)unused;
	return hn_two_hosts();
}

/* One crash: a writer on a, b's discard service, b crashes; how long
 * until a's write() fails with ETIMEDOUT. */
static double crash_once(void)
{
	hn_net *net = hn_two_hosts();
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[1024] = { 0 };
	int fd, size = 4096, i;
	double start;

	if (net == NULL || hn_inetd(net, "b", "discard") == NULL)
		die("starting the crash scenario");
	hn_sockaddr(net, "b", AF_INET, 9, &ss, &len);
	hn_enter(net, "a");
	fd = socket(AF_INET, SOCK_STREAM, 0);
	hn_leave(net);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 ||
	    write(fd, buf, 1) != 1)
		die("connecting to discard");
	start = now_ms();
	hn_crash(net, "b");
	for (i = 0; i < 100000 && write(fd, buf, sizeof(buf)) > 0; i++)
		;
	if (errno != ETIMEDOUT)
		die("the writer did not get ETIMEDOUT");
	start = now_ms() - start;
	close(fd);
	hn_down(net);
	return start;
}

int main(void)
{
	double t[64];
	int i;

	hn_init();
	hn_set_strict(0);
	for (i = 0; i < 41; i++)
		t[i] = up_down(two_hosts, 0);
	printf("BENCH harness.two_host_up_down %.2f ms\n", median(t, 41));
	for (i = 0; i < 21; i++)
		t[i] = up_down(hn_chain, 2);
	printf("BENCH harness.chain_up_down %.2f ms\n", median(t, 21));
	for (i = 0; i < 5; i++)
		t[i] = crash_once();
	printf("BENCH harness.crash_to_etimedout %.0f ms\n", median(t, 5));
	return 0;
}
