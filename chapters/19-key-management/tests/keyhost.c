/*
 * Chapter 19's suite on this machine's own kernel (no VM): which key
 * management sockets it has (keyprobe), and what XFRM netlink answers
 * an ESP SA when the kernel has no ESP (xfrmadd).  The transcripts are
 * this machine's; on a kernel that has PF_KEY or ESP the test checks
 * keyprobe against the harness's own probe instead.
 */
#include "ch19test.h"

#include <linux/pfkeyv2.h>

static void which_key_sockets_here(void **state)
{
	int fd = socket(PF_KEY, SOCK_RAW, PF_KEY_V2), e = errno;
	hn_proc *p = tk_run(CH19, "keyprobe", NULL);
	char *text;

	(void)state;
	assert_int_equal(hn_wait_exit(p, RUN_MS), 0);
	if (fd >= 0) {
		close(fd);
		assert_int_equal(strncmp(strchr(hn_stdout(p), ')') + 1,
					 "        a socket", 16), 0);
		return;         /* this kernel has PF_KEY: no transcript */
	}
	assert_int_equal(e, EAFNOSUPPORT);
	/* where the kernel shows its configuration, it says why */
	if (access("/proc/config.gz", R_OK) == 0) {
		char *conf = NULL;

		assert_int_equal(hn_sh(NULL, NULL, RUN_MS, &conf, "zcat "
				       "/proc/config.gz | grep -E "
				       "'CONFIG_(NET_KEY|XFRM_USER)[ =]'"), 0);
		assert_string_equal(conf, "CONFIG_XFRM_USER=y\n"
				    "# CONFIG_NET_KEY is not set\n");
		free(conf);
	}
	if (asprintf(&text, "$ keyprobe\n%s", hn_stdout(p)) < 0)
		abort();
	tk_transcript(CH19, "keyprobe", text);
	free(text);
}

static void esp_sa_without_esp(void **state)
{
	hn_proc *p = tk_run(CH19, "xfrmadd", "192.0.2.1", "192.0.2.2",
			    "0x1000", "hmac(sha256)", KEY_SHA256, "cbc(aes)",
			    KEY_AES128, NULL);
	char *text;

	(void)state;
	assert_int_not_equal(hn_wait_exit(p, RUN_MS), -1);
	if (tk_exit_code(p) == 0)
		return;         /* this kernel has ESP: no transcript */
	if (asprintf(&text, "$ xfrmadd 192.0.2.1 192.0.2.2 0x1000 "
		     "'hmac(sha256)' %s 'cbc(aes)' %s\n%s", KEY_SHA256,
		     KEY_AES128, hn_stdout(p)) < 0)
		abort();
	tk_transcript(CH19, "xfrmadd-host", text);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(which_key_sockets_here),
		TK_TEST(esp_sa_without_esp),
	};

	hn_init();
	return TK_RUN("keyhost", tests);
}
