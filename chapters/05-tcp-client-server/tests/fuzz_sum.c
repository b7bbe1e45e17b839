/*
 * fuzz_sum.c - libFuzzer target for lab 5's sum_reply() (the reference,
 * chapters/05-tcp-client-server/lab/sumsrv.c), run by `make fuzz`.
 *
 * The input is one request's bytes, in a heap block of exactly that size
 * so that AddressSanitizer catches any read past the length given.  The
 * reply is checked against a second, independent reading of the same
 * bytes, done here with 128-bit arithmetic:
 *   - it is one line, "SUM\n" or "error: REASON\n" with a known reason;
 *   - it is the first reason in the protocol's order (each reason is
 *     checked for both fields before the next);
 *   - a sum is the exact sum of the two numbers.
 */
#include "lnp.h"
#include "sumsrv.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len);

static bool blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* Reads [+-]digits from s[0..n) into *v (saturating far beyond 64 bits);
 * false if the field is not a number. */
static bool number(const uint8_t *s, size_t n, __int128 *v)
{
	size_t i = 0;
	int sign = 1;

	if (n > 0 && (s[0] == '+' || s[0] == '-'))
		sign = s[i++] == '-' ? -1 : 1;
	if (i == n)
		return false;
	*v = 0;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (*v < ((__int128)1 << 100))
			*v = *v * 10 + (s[i] - '0');
	}
	*v *= sign;
	return true;
}

/* The reply the protocol demands, written independently of sumsrv.c. */
static void expected(const uint8_t *s, size_t n, char *out, size_t size)
{
	const __int128 lo = -((__int128)1 << 63), hi = ((__int128)1 << 63) - 1;
	size_t start[3], end[3];
	int fields = 0;
	__int128 v[2];

	if (n > SUM_MAX_LINE) {
		snprintf(out, size, "error: line too long\n");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\t' && (s[i] < 0x20 || s[i] > 0x7e)) {
			snprintf(out, size, "error: binary data\n");
			return;
		}
	for (size_t i = 0; i < n && fields < 3; ) {
		while (i < n && blank(s[i]))
			i++;
		if (i == n)
			break;
		start[fields] = i;
		while (i < n && !blank(s[i]))
			i++;
		end[fields++] = i;
	}
	if (fields != 2) {
		snprintf(out, size, "error: need two numbers\n");
		return;
	}
	/* each reason for both fields before the next reason */
	if (!number(s + start[0], end[0] - start[0], &v[0]) ||
	    !number(s + start[1], end[1] - start[1], &v[1])) {
		snprintf(out, size, "error: not a number\n");
		return;
	}
	if (v[0] < lo || v[0] > hi || v[1] < lo || v[1] > hi) {
		snprintf(out, size, "error: out of range\n");
		return;
	}
	if (v[0] + v[1] < lo || v[0] + v[1] > hi)
		snprintf(out, size, "error: sum out of range\n");
	else
		snprintf(out, size, "%lld\n", (long long)(v[0] + v[1]));
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	char reply[SUM_REPLY_SIZE], want[SUM_REPLY_SIZE];
	char *line = malloc(len > 0 ? len : 1);

	CHECK(line != NULL);
	if (len > 0)
		memcpy(line, in, len);
	memset(reply, 'x', sizeof(reply));
	sum_reply(line, len, reply, sizeof(reply));
	CHECK(memchr(reply, '\0', sizeof(reply)) != NULL);
	expected(in, len, want, sizeof(want));
	CHECK(strcmp(reply, want) == 0);
	free(line);
	return 0;
}
