/*
 * bench_daytime.c - how many daytime exchanges per second the chapter's
 * iterative server (daytimetcpsrv) completes for clients on another host:
 * each one a full connection (handshake, one line, both FINs).
 *
 * Prints "BENCH ch01.daytime_exchanges <rate> 1/s".  Run by `make bench`.
 */
#include "ch01test.h"

#include <time.h>

#define EXCHANGES 2000          /* a bounded loop */

/* One exchange from a socket made in host a; returns bytes read. */
static ssize_t one_exchange(const struct sockaddr_in *srv)
{
	char buf[64];
	ssize_t n, total = 0;
	int fd = Socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	Connect(fd, (const struct sockaddr *)srv, sizeof(*srv));
	while ((n = Read(fd, buf, sizeof(buf))) > 0)
		total += n;
	Close(fd);
	return total;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_proc *srv = hn_run(net, "b", ch_prog("daytimetcpsrv"), NULL);
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_port = htons(13) };
	double start, secs;
	int i;

	(void)state;
	hn_wait_port(srv, IPPROTO_TCP, 13, WAIT_MS);
	Inet_pton(AF_INET, "192.0.2.2", &addr.sin_addr);
	hn_enter(net, "a");             /* sockets made now live in a */
	start = now();
	for (i = 0; i < EXCHANGES; i++)
		TK_EXPECT(one_exchange(&addr) == 26, "exchange %d did not "
			  "bring one daytime line", i);
	secs = now() - start;
	hn_leave(net);
	printf("BENCH ch01.daytime_exchanges %.0f 1/s\n", EXCHANGES / secs);
	hn_down(net);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = { TK_TEST(bench) };
	return TK_RUN("ch01 bench", tests);
}
