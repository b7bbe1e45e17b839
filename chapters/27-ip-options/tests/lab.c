#include "harness.h"
#include "testkit.h"
static void placeholder(void **state) { (void)state; }
int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = { TK_TEST(placeholder) };
	return TK_RUN("lab27", tests);
}
