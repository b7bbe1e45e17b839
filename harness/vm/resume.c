/*
 * resume.c - hn-resume CLOCK SEED: run by the test VM's init right after
 * the host restored the VM from its snapshot (harness/vm/README.md).
 *
 * Every run restores the same saved state, so without this each one
 * would start with the clock of the day the snapshot was made and with
 * the same state of the kernel's random number generator: the same
 * ephemeral ports, SCTP verification tags and stack canaries in every
 * run.  CLOCK is the host's wall clock as SECONDS.NANOSECONDS; SEED is
 * 32 random bytes from the host, in hex.  The seed is added to the
 * kernel's entropy pool and the generator is reseeded at once
 * (RNDRESEEDCRNG, random(4)).
 *
 * Built static (harness/vm/vm.mk): the VM has no C library of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define SEED_BYTES 32

static int set_clock(const char *text)
{
	struct timespec ts = { 0, 0 };
	const char *dot;
	char *end;

	ts.tv_sec = (time_t)strtoll(text, &end, 10);
	dot = end;
	if (*dot == '.')          /* nine digits: nanoseconds */
		ts.tv_nsec = strtol(dot + 1, &end, 10);
	if (*end != '\0' || end == text || ts.tv_nsec < 0 ||
	    (*dot == '.' && end - dot != 10)) {
		fprintf(stderr, "hn-resume: not a clock: %s\n", text);
		return -1;
	}
	if (clock_settime(CLOCK_REALTIME, &ts) < 0) {
		perror("hn-resume: clock_settime");
		return -1;
	}
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int reseed(const char *hex)
{
	struct {
		struct rand_pool_info info;
		unsigned char bytes[SEED_BYTES];
	} seed;
	int i, hi, lo, fd;

	if (strlen(hex) != 2 * SEED_BYTES) {
		fprintf(stderr, "hn-resume: the seed is not %d hex bytes\n",
			SEED_BYTES);
		return -1;
	}
	for (i = 0; i < SEED_BYTES; i++) {
		hi = hex_digit(hex[2 * i]);
		lo = hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			fprintf(stderr, "hn-resume: not hex: %s\n", hex);
			return -1;
		}
		seed.bytes[i] = (unsigned char)(hi << 4 | lo);
	}
	seed.info.entropy_count = 8 * SEED_BYTES;
	seed.info.buf_size = SEED_BYTES;
	fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, RNDADDENTROPY, &seed) < 0 ||
	    ioctl(fd, RNDRESEEDCRNG) < 0) {
		perror("hn-resume: reseeding /dev/urandom");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	/* it sets the clock: never on the host (the file is the VM's) */
	if (access("/hn/preload", F_OK) != 0) {
		fprintf(stderr, "hn-resume: only the test VM's init runs "
			"this (no /hn/preload here)\n");
		return 2;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: hn-resume SECONDS.NANOSECONDS "
			"SEED(64 hex digits)\n");
		return 2;
	}
	return set_clock(argv[1]) == 0 && reseed(argv[2]) == 0 ? 0 : 1;
}
