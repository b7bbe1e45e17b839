/*
 * vm_helper.c - a program for vm_backend.c to run: it asks the VM
 * backend to run it again in the VM, as hn_require() would, and there
 * does what it is told.
 *
 *   vm_helper FEATURE speak ARG   in the VM: one line to stdout (with
 *                                 ARG and whether SCTP works), one to
 *                                 stderr, one testkit report line;
 *                                 exit status 7
 *   vm_helper FEATURE hang        in the VM: say "waiting", then wait
 *                                 for ever (for the timeout and Ctrl-C)
 *   vm_helper FEATURE fresh       in the VM: 16 random bytes in hex and
 *                                 the wall clock's seconds, one line
 *   vm_helper FEATURE files EVIL  ships ip and /etc/protocols (hn_vm_ship)
 *                                 and, in the VM, prints ip's version,
 *                                 writes a capture of every byte value,
 *                                 and forges control lines that try to
 *                                 write EVIL outside the capture folder
 *
 * On the host it exits 77 when hn_vm_rerun() gives up, as hn_require()
 * does.
 */
#include "harness.h"
#include "lnp.h"

#include <poll.h>
#include <spawn.h>
#include <sys/random.h>
#include <time.h>

extern char **environ;

static int sctp_works(void)
{
	int fd = socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int speak(const char *arg)
{
	const char *report = getenv("TK_REPORT");
	FILE *f;

	printf("stdout: arg=[%s] sctp=%s\n", arg, sctp_works() ? "yes" : "no");
	fprintf(stderr, "stderr: from the VM\n");
	if (report != NULL && (f = fopen(report, "a")) != NULL) {
		fprintf(f, "{\"test\":\"speak\",\"kind\":\"note\","
			"\"where\":\"\",\"message\":\"from the VM\"}\n");
		fclose(f);
	}
	return 7;
}

/* A capture of PCAP_BYTES bytes, every byte value, as the VM's init
 * will send it back; then a forger's lines on the control port. */
#define PCAP_BYTES 70000

static int files(const char *evil)
{
	const char *dir = getenv("HN_CAPTURE_DIR");
	char path[512], *ip[] = { "ip", "-V", NULL };
	FILE *f, *ctl;
	int i, status;
	pid_t pid;

	/* execvp, not system(): busybox's sh runs its own applets first */
	fflush(stdout);
	if (posix_spawnp(&pid, "ip", NULL, NULL, ip, environ) != 0 ||
	    waitpid(pid, &status, 0) != pid || status != 0 ||
	    access("/etc/protocols", R_OK) != 0)
		return 3;
	snprintf(path, sizeof(path), "%s/all-bytes.pcap",
		 dir != NULL ? dir : ".");
	f = fopen(path, "w");
	if (f == NULL)
		return 4;
	for (i = 0; i < PCAP_BYTES; i++)
		fputc(i % 251, f);
	fclose(f);
	/* what a hostile test could send: it is root in the VM */
	ctl = fopen("/dev/ttyS3", "w");
	if (ctl == NULL)
		return 5;
	fprintf(ctl, "file captures/../%s 2\ndata 41 42\nendfile\n", evil);
	fprintf(ctl, "file /tmp/%s 2\ndata 41 42\nendfile\n", evil);
	fprintf(ctl, "file transcripts/../%s 2\ndata 41 42\nendfile\n",
		evil);
	fprintf(ctl, "file captures/short.pcap 9\ndata 41 42\nendfile\n");
	fclose(ctl);
	return 0;
}

/* Keeps the CPU busy for MS, then writes a byte to FD and exits. */
static void spin_then_write(int fd, int ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000 +
	       (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
	if (write(fd, "x", 1) != 1)
		_exit(1);
	_exit(0);
}

/* Waits up to 20 s for a pipe, giving up once the VM was idle for
 * 300 ms: prints how long it waited and why it stopped.  BUSY: a child
 * computes for 1.5 s before it writes (the wait must not give up). */
static int idle(bool busy)
{
	struct timespec t0, t1;
	struct pollfd p = { .events = POLLIN };
	int fds[2], n = 0, waited = 0;
	hn_idle w;

	if (pipe(fds) < 0)
		return 1;
	p.fd = fds[0];
	if (busy && fork() == 0)
		spin_then_write(fds[1], 1500);
	hn_give_up_when_idle(300);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	hn_idle_start(&w);
	while (n == 0 && waited < 20000 && !hn_idle_over(&w)) {
		n = poll(&p, 1, hn_idle_nap(&w, 20000 - waited));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		waited = (int)((t1.tv_sec - t0.tv_sec) * 1000 +
			       (t1.tv_nsec - t0.tv_nsec) / 1000000);
	}
	printf("waited %d ms%s%s\n", waited, n > 0 ? " readable" : "",
	       hn_idle_note());
	return 0;
}

/* What must differ between two VMs restored from the same snapshot,
 * and what must be today's. */
static int fresh(void)
{
	unsigned char r[16];
	size_t i;

	/* GRND_NONBLOCK: a generator never seeded fails, not waits */
	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
		printf("getrandom: %s\n", strerror(errno));
		return 1;
	}
	printf("random ");
	for (i = 0; i < sizeof(r); i++)
		printf("%02x", r[i]);
	printf(" clock %lld\n", (long long)time(NULL));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 1 && getenv("HN_IN_VM") != NULL) {
		printf("also ran\n");         /* as HN_VM_ALSO's program */
		return 3;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: vm_helper FEATURE speak ARG | "
			"vm_helper FEATURE hang | "
			"vm_helper FEATURE files EVIL | "
			"vm_helper FEATURE idle|busy | "
			"vm_helper FEATURE fresh\n");
		return 2;
	}
	if (getenv("HN_IN_VM") == NULL) {
		if (strcmp(argv[2], "files") == 0) {
			hn_vm_ship("ip");
			hn_vm_ship("/etc/protocols");
		}
		hn_vm_rerun(argv[1]);
		return 77;
	}
	if (strcmp(argv[2], "speak") == 0)
		return speak(argc > 3 ? argv[3] : "");
	if (strcmp(argv[2], "fresh") == 0)
		return fresh();
	if (strcmp(argv[2], "files") == 0 && argc > 3)
		return files(argv[3]);
	if (strcmp(argv[2], "idle") == 0 || strcmp(argv[2], "busy") == 0)
		return idle(strcmp(argv[2], "busy") == 0);
	printf("waiting\n");
	fflush(stdout);
	for (;;)
		pause();        /* until the host stops the VM */
}
