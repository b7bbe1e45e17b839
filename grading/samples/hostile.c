/*
 * hostile.c - what a hostile submission runs before the real readn().
 * make_class.py pastes this into a copy of the reference readio.c with
 * HOSTILE_CASE set to one case and SECRET_PATHS to files it must not see.
 * The cases that must not hurt the grade (ports, network, secrets,
 * background processes) abort() if the sandbox lets them through, so a
 * leak shows up as a lost test, and print "SANDBOX-LEAK" to say why.
 */
#include <sys/prctl.h>
#define HOSTILE_CASE_IS(x) (strcmp(#x, hostile_case) == 0)
static const char *hostile_case = "HOSTILE_CASE";

static void leak(const char *what)
{
	fprintf(stderr, "SANDBOX-LEAK %s\n", what);
	abort();
}

static void reach_out(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(9) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	inet_pton(AF_INET, "192.0.2.1", &sin.sin_addr);   /* TEST-NET-1 */
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == 0 ||
	    errno != ENETUNREACH)
		leak("network: a route to 192.0.2.1 exists");
	close(s);
}

/* Listens on 300 loopback ports and keeps them all open.  The sandbox's
 * network is its own, so this takes no port from the host or from another
 * submission, and the submission keeps full marks.  The sockets move to
 * descriptors 512 and up: the low numbers stay as the tests left them
 * (a descriptor a test has just closed must stay closed). */
static void bind_ports(void)
{
	for (int port = 20000; port < 20300; port++) {
		struct sockaddr_in sin = { .sin_family = AF_INET,
					   .sin_port = htons(port) };
		int s = socket(AF_INET, SOCK_STREAM, 0);
		int high = s < 0 ? -1 : fcntl(s, F_DUPFD, 512);

		if (s >= 0)
			close(s);
		if (high < 0)
			break;          /* out of descriptors: the limit */
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(high, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			listen(high, 1);
	}
}

static void read_secrets(void)
{
	const char *paths[] = { SECRET_PATHS };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (open(paths[i], O_RDONLY) >= 0)
			leak(paths[i]);
}

static void leave_process(void)
{
	if (fork() == 0) {
		setsid();
		prctl(PR_SET_NAME, "lnp-left-behind");
		for (;;)
			pause();
	}
}

/* Prints a pass for every test of the lab, as cmocka would, and leaves
 * before cmocka can print the truth.  The grader must not believe it. */
static void forge_results(void)
{
	const char *names[] = { TEST_NAMES };
	size_t n = sizeof(names) / sizeof(names[0]);

	printf("1..%zu\n", n);
	for (size_t i = 0; i < n; i++)
		printf("ok %zu - %s\n", i + 1, names[i]);
	fflush(stdout);
	_exit(0);
}

static void hostile(void)
{
	if (HOSTILE_CASE_IS(FORK_BOMB))
		for (;;)
			fork();
	if (HOSTILE_CASE_IS(MEMORY_HOG))
		for (;;) {
			char *p = malloc(1 << 20);

			memset(p, 1, 1 << 20);
		}
	if (HOSTILE_CASE_IS(INFINITE_LOOP))
		for (;;)
			;
	if (HOSTILE_CASE_IS(PRINTS_FOREVER))
		for (;;)
			puts("all work and no play makes a dull grader");
	if (HOSTILE_CASE_IS(SLEEPS)) {
		prctl(PR_SET_NAME, "lnp-sleeper");     /* tests look for it */
		sleep(1000);
	}
	if (HOSTILE_CASE_IS(BINDS_PORTS))
		bind_ports();
	if (HOSTILE_CASE_IS(REACHES_OUT))
		reach_out();
	if (HOSTILE_CASE_IS(READS_SECRETS))
		read_secrets();
	if (HOSTILE_CASE_IS(LEAVES_PROCESSES))
		leave_process();
	if (HOSTILE_CASE_IS(CALLS_EXIT))
		exit(0);
	if (HOSTILE_CASE_IS(FORGES_RESULTS))
		forge_results();
}

static void hostile_once(void)
{
	static int done;

	if (!done++)
		hostile();
}
