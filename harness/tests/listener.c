/*
 * listener.c - a helper program for the harness's own tests.
 *
 *   listener tcp|udp PORT   waits for a line on stdin, then listens on
 *                           PORT (IPv4 and IPv6) and prints "listening";
 *                           exits at end of stdin
 *   listener zombies N      forks N children that exit at once, never
 *                           reaps them, prints "forked N", waits for EOF
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void wait_for_eof(void)
{
	char buf[256];

	while (fgets(buf, sizeof(buf), stdin) != NULL)
		;
}

static int listen_on(int type, int port)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons((uint16_t)port) };
	int fd = socket(AF_INET6, type, 0), off = 0;

	/* one dual-stack socket answers IPv4 and IPv6 */
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 8) < 0)) {
		perror("listener");
		exit(1);
	}
	return fd;
}

static void make_zombies(int n)
{
	siginfo_t si;
	int i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		/* wait until it has exited, but leave it unreaped */
		waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
	}
	printf("forked %d\n", n);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	char line[256];

	if (argc != 3) {
		fprintf(stderr, "usage: listener tcp|udp PORT | zombies N\n");
		return 2;
	}
	if (strcmp(argv[1], "zombies") == 0) {
		make_zombies(atoi(argv[2]));
		wait_for_eof();
		return 0;
	}
	if (fgets(line, sizeof(line), stdin) == NULL)
		return 1;
	listen_on(strcmp(argv[1], "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM,
		  atoi(argv[2]));
	printf("listening\n");
	fflush(stdout);
	wait_for_eof();
	return 0;
}
