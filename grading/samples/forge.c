/*
 * forge.c - ways a lab file could try to forge the tests' results.
 * make_class.py pastes this into a copy of the *starter* readio.c with
 * FORGE_CASE set to one case (and #define FORGE_<CASE>), and TEST_NAMES
 * to the lab's tests.  Each case prints "ok" for every test, as cmocka
 * would, with the grader's sealed verdict lines if it can find the
 * secret.  A forgery that worked would give the starter full marks; the
 * grader must refuse the file, or give no point for a forged pass and
 * flag the student.  "SEAL-FOUND" on stderr means the secret leaked.
 */
#include <setjmp.h>
#include <signal.h>
#include <sys/prctl.h>
#define FORGE_IS(x) (strcmp(#x, forge_case) == 0)
static const char *forge_case = "FORGE_CASE";
static const char *forge_names[] = { TEST_NAMES };
#define FORGE_N (sizeof(forge_names) / sizeof(forge_names[0]))

/* Passing verdicts for every test, sealed with seal if there is one. */
static void forge_print(const char *seal)
{
	for (size_t i = 0; i < FORGE_N; i++) {
		printf("1..1\nok 1 - %s\n", forge_names[i]);
		if (seal != NULL)
			dprintf(3, "{\"seal\":\"%s\",\"test\":\"%s\","
				"\"failed\":0}\n", seal, forge_names[i]);
	}
	fflush(stdout);
}

static void forge_and_leave(const char *seal)
{
	if (seal != NULL)
		fprintf(stderr, "SEAL-FOUND %s\n", seal);
	forge_print(seal);
	_exit(0);
}

/* ---- finding the secret: 32 hex digits in a row ------------------------ */
static char forge_found[33];

static int forge_hex_at(const unsigned char *p, size_t left)
{
	size_t n = 0;

	while (n < left && n <= 32 && ((p[n] >= '0' && p[n] <= '9') ||
				       (p[n] >= 'a' && p[n] <= 'f')))
		n++;
	return n == 32 && (left == 32 || p[32] == '"' || p[32] == '\0' ||
			   p[32] == '\n');
}

static int forge_scan(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i + 32 <= n; i++)
		if (forge_hex_at(p + i, n - i) && (i == 0 ||
		    p[i - 1] == '=' || p[i - 1] == '"' || p[i - 1] == '\0')) {
			memcpy(forge_found, p + i, 32);
			return 1;
		}
	return 0;
}

/* Reads the process's memory through /proc/self/mem, map by map. */
static const char *forge_from_proc_mem(void)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	int mem = open("/proc/self/mem", O_RDONLY);
	char line[512];
	static unsigned char buf[1 << 16];

	if (maps == NULL || mem < 0) {
		fprintf(stderr, "forge: /proc/self/mem: %s\n", strerror(errno));
		return NULL;
	}
	while (fgets(line, sizeof(line), maps) != NULL) {
		unsigned long lo, hi;
		char perm[5];

		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perm) != 3 ||
		    perm[0] != 'r' || strstr(line, "[vvar") != NULL)
			continue;
		for (unsigned long a = lo; a < hi; a += sizeof(buf) - 64) {
			ssize_t got = pread(mem, buf, sizeof(buf), (off_t)a);

			if (got > 0 && forge_scan(buf, (size_t)got))
				return forge_found;
		}
	}
	return NULL;
}

static const char *forge_from_environ(void)
{
	int fd = open("/proc/self/environ", O_RDONLY);
	static unsigned char buf[1 << 16];
	ssize_t got;

	if (fd < 0) {
		fprintf(stderr, "forge: /proc/self/environ: %s\n",
			strerror(errno));
		return NULL;
	}
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	for (ssize_t i = 0; got > 0 && i < got; i++)
		if (strncmp((char *)buf + i, "GRADE_SEAL=", 11) == 0 &&
		    forge_scan(buf + i + 11, (size_t)(got - i - 11)))
			return forge_found;
	return NULL;
}

/* Scans memory from a pointer, without /proc, until it faults. */
static sigjmp_buf forge_fault;

static void forge_on_fault(int sig)
{
	(void)sig;
	siglongjmp(forge_fault, 1);
}

static int forge_walk(const unsigned char *from, long step, size_t most)
{
	volatile size_t done = 0;

	if (sigsetjmp(forge_fault, 1) != 0)
		return 0;
	while (done < most) {
		const unsigned char *p = step > 0 ? from + done :
			from - done - 4096;

		if (forge_scan(p, 4096 + 32))
			return 1;
		done += 4096;
	}
	return 0;
}

static const char *forge_from_scan(void)
{
	struct sigaction sa = { .sa_handler = forge_on_fault }, old_segv,
			 old_bus;
	unsigned char here;
	int found;

	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	found = forge_walk(&here, 1, 8 << 20) ||        /* the stack above */
		forge_walk(&here, -1, 1 << 20) ||       /* and below */
		forge_walk((const unsigned char *)forge_found, -1, 4 << 20) ||
		forge_walk((const unsigned char *)forge_found, 1, 4 << 20);
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return found ? forge_found : NULL;
}

/* ---- code that runs without being called ------------------------------- */
__attribute__((unused)) static void forge_early(void)
{
	const char *seal = getenv("GRADE_SEAL");

	forge_and_leave(seal);
}

#ifdef FORGE_CONSTRUCTOR
__attribute__((constructor)) static void forge_ctor(void)
{
	forge_early();
}
#endif
#ifdef FORGE_DESTRUCTOR
__attribute__((destructor)) static void forge_dtor(void)
{
	forge_print(forge_from_scan());
}
#endif
#ifdef FORGE_INIT_ARRAY
static void (*forge_init_entry)(void)
	__attribute__((section(".init_array"), used)) = forge_early;
#endif
#ifdef FORGE_IFUNC
static int forge_real(void)
{
	return 0;
}

static int (*forge_resolve(void))(void)
{
	forge_early();
	return forge_real;
}

int forge_ifunc(void) __attribute__((ifunc("forge_resolve")));
#endif

static void forge_at_exit(void)
{
	forge_print(forge_from_scan());
}

static void forge(void)
{
	if (FORGE_IS(ATEXIT))
		atexit(forge_at_exit);
	if (FORGE_IS(PROC_MEM))
		forge_and_leave(forge_from_proc_mem());
	if (FORGE_IS(PROC_ENVIRON))
		forge_and_leave(forge_from_environ());
	if (FORGE_IS(SCAN_MEMORY))
		forge_and_leave(forge_from_scan());
	if (FORGE_IS(VERDICT_FD)) {
		int null = open("/dev/null", O_WRONLY);

		forge_print("0123456789abcdef0123456789abcdef");
		dup2(null, 3);          /* the real verdicts go nowhere */
	}
	if (FORGE_IS(FAKE_TAP_EXIT))
		forge_and_leave(NULL);
}

static void forge_once(void)
{
	static int done;

	if (!done++)
		forge();
}
