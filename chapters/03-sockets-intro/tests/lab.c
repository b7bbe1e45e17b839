/* Lab 3 public tests (placeholder being extended). */
#include "lnp.h"
#include "testkit.h"

static void readn_reads_across_short_reads(void **state)
{
	int sv[2];
	char buf[16];
	ssize_t n;

	(void)state;
	Socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	Write(sv[1], "hello ", 6);
	Write(sv[1], "world!", 6);
	Close(sv[1]);
	n = readn(sv[0], buf, 12);
	TK_EXPECT(n == 12, "readn returned %zd for 12 bytes sent in two "
		  "writes (errno: %s)", n, strerror(errno));
	Close(sv[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(readn_reads_across_short_reads),
	};
	return TK_RUN("lab03", tests);
}
