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
 *
 * On the host it exits 77 when hn_vm_rerun() gives up, as hn_require()
 * does.
 */
#include "harness.h"
#include "lnp.h"

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

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: vm_helper FEATURE speak ARG | "
			"vm_helper FEATURE hang\n");
		return 2;
	}
	if (getenv("HN_IN_VM") == NULL) {
		hn_vm_rerun(argv[1]);
		return 77;
	}
	if (strcmp(argv[2], "speak") == 0)
		return speak(argc > 3 ? argv[3] : "");
	printf("waiting\n");
	fflush(stdout);
	for (;;)
		pause();        /* until the host stops the VM */
}
