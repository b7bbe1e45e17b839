/*
 * Lab 19's public tests: the student's pfkey, run in the VM (the kernel
 * here has no PF_KEY), compared field by field with `ip xfrm state` on
 * the same database (the SAs a test needs are added by the test itself
 * over XFRM netlink, as ip does): an SA added over IPv4 and one over
 * IPv6, the algorithms registered, get and delete, the kernel's errors,
 * an answer found behind another process's notification, and dumps of
 * several SAs and of none.
 */
#include "lab19.h"

static void add_seen_by_ip(void **state)
{
	hn_net *net = ch19_host();
	hn_proc *p = PFKEY(net, S_MSG, "add", SA_V4.src, SA_V4.dst, "0x1000",
			   SA_V4.aalg, SA_V4.akey, SA_V4.ealg, SA_V4.ekey);

	(void)state;
	lab_sa_line(p, "add", &SA_V4, S_MSG);
	lab_ip_shows(net, &SA_V4, 1, S_MSG);
}

/* IPv6: a 28-byte sockaddr_in6 and a 20-byte key both need padding. */
static void add_ipv6_sha1(void **state)
{
	hn_net *net = ch19_host();
	hn_proc *p = PFKEY(net, S_MSG, "add", SA_V6.src, SA_V6.dst, "0x2001",
			   SA_V6.aalg, SA_V6.akey, SA_V6.ealg, SA_V6.ekey);

	(void)state;
	lab_sa_line(p, "add (IPv6, hmac(sha1): 20-byte key)", &SA_V6, S_MSG);
	lab_ip_shows(net, &SA_V6, 1, S_MSG);
}

static void register_algorithms(void **state)
{
	hn_net *net = ch19_host();
	hn_proc *p = PFKEY(net, S_REG, "register");
	const char *want[] = { "auth 3 hmac(sha1) 160-160\n",
			       "auth 5 hmac(sha256) 256-256\n",
			       "enc 12 cbc(aes) 128-256\n" };

	(void)state;
	TK_EXPECT(hn_wait_exit(p, 0) == 0, "pfkey register failed: \"%s\": "
		  "see %s", tk_shown(hn_stderr(p)), S_REG);
	for (int i = 0; i < 3; i++)
		TK_EXPECT(strstr(hn_stdout(p), want[i]) != NULL, "pfkey "
			  "register printed \"%s\", without the line \"%s\": "
			  "see %s", tk_shown(hn_stdout(p)), tk_chomp(
			  strdup(want[i])), S_REG);
}

static void get_and_delete(void **state)
{
	hn_net *net = ch19_host();
	hn_proc *p;

	(void)state;
	lab_ip_add(net, &SA_V4);
	p = PFKEY(net, S_ADD, "get", SA_V4.src, SA_V4.dst, "0x1000");
	lab_sa_line(p, "get", &SA_V4, S_ADD);
	p = PFKEY(net, S_ADD, "delete", SA_V4.src, SA_V4.dst, "0x1000");
	TK_EXPECT(hn_wait_exit(p, 0) == 0 &&
		  strncmp(hn_stdout(p), "deleted ", 8) == 0, "pfkey delete "
		  "printed \"%s\" and said \"%s\": see %s",
		  tk_shown(hn_stdout(p)), tk_shown(hn_stderr(p)), S_ADD);
	lab_ip_shows(net, NULL, 0, S_ADD);
}

static void errors_from_the_kernel(void **state)
{
	hn_net *net = ch19_host();
	hn_proc *p;

	(void)state;
	lab_ip_add(net, &SA_V4);
	p = PFKEY(net, S_ADD, "add", SA_V4.src, SA_V4.dst, "0x1000",
		  SA_V4.aalg, SA_V4.akey, SA_V4.ealg, SA_V4.ekey);
	TK_EXPECT(hn_wait_exit(p, 0) != 0 &&
		  hn_stderr_has(p, "File exists", 0), "adding an SA that "
		  "exists: pfkey printed \"%s\", said \"%s\" and exited "
		  "%d; the kernel answers EEXIST in sadb_msg_errno: see %s",
		  tk_shown(hn_stdout(p)), tk_shown(hn_stderr(p)),
		  tk_exit_code(p), S_ADD);
	p = PFKEY(net, S_ADD, "get", SA_V4.src, SA_V4.dst, "0x1001");
	TK_EXPECT(hn_wait_exit(p, 0) != 0 &&
		  hn_stderr_has(p, "No such process", 0), "getting an SA "
		  "that does not exist: pfkey printed \"%s\", said \"%s\" "
		  "and exited %d; the kernel answers ESRCH: see %s",
		  tk_shown(hn_stdout(p)), tk_shown(hn_stderr(p)),
		  tk_exit_code(p), S_ADD);
}

/* pfkey reads commands on stdin, one socket for all; between two of
 * them the test adds another SA over XFRM netlink, as ip would, and the
 * kernel queues a copy of that change (someone else's SADB_ADD) on
 * pfkey's socket. */
static void answer_behind_a_notification(void **state)
{
	hn_net *net = ch19_host();
	hn_proc *p = hn_run(net, "a", tk_lab_prog("pfkey"), "-", NULL);
	struct t_sa other = lab_sa_like(&SA_V4, 0x3000, "192.0.2.3");
	char *line, first[256];
	const char add[] = "add 192.0.2.1 192.0.2.2 0x1000 hmac(sha256) "
			   KEY_SHA256 " cbc(aes) " KEY_AES128 "\n";

	(void)state;
	hn_write_stdin(p, "dump\n", 5);
	line = hn_next_line(p, "", RUN_MS);
	snprintf(first, sizeof(first), "%s", line ? line : "nothing");
	free(line);
	TK_EXPECT(strcmp(first, "no SAs") == 0, "pfkey - answered \"dump\" "
		  "of an empty database with \"%s\" (and said \"%s\"), not "
		  "\"no SAs\": see %s", first, tk_shown(hn_stderr(p)), S_DUMP);
	lab_ip_add(net, &other);
	hn_write_stdin(p, add, strlen(add));
	hn_write_stdin(p, "", 0);
	TK_EXPECT(hn_exited_within(p, RUN_MS) != -1, "pfkey - did not end "
		  "after its last command: see %s", S_SEQ);
	lab_sa_line(p, "add, after another process added another SA",
		    &SA_V4, S_SEQ);
}

static void dump_every_sa(void **state)
{
	hn_net *net = ch19_host();
	struct t_sa sas[3] = { SA_V4, SA_V6,
			       lab_sa_like(&SA_V4, 0x1002, "192.0.2.9") };
	hn_proc *p;
	int found = 0;

	(void)state;
	for (int i = 0; i < 3; i++)
		lab_ip_add(net, &sas[i]);
	p = PFKEY(net, S_DUMP, "dump");
	TK_EXPECT(hn_wait_exit(p, 0) == 0, "pfkey dump of 3 SAs failed: "
		  "\"%s\": see %s", tk_shown(hn_stderr(p)), S_DUMP);
	for (const char *l = hn_stdout(p); *l != '\0';
	     l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != '\0')) {
		struct t_sa got;
		char one[1024];

		snprintf(one, sizeof(one), "%.*s", (int)strcspn(l, "\n"), l);
		TK_EXPECT(read_pfkey_sa(one, &got), "pfkey dump printed "
			  "\"%s\", not an SA line: see %s", one, S_DUMP);
		for (int i = 0; i < 3; i++)
			if (sa_differs(&got, &sas[i])[0] == '\0')
				found |= 1 << i;
	}
	TK_EXPECT(found == 7, "ip xfrm state shows 3 SAs; pfkey dump "
		  "printed:\n%s(%s): see %s", hn_stdout(p), found == 1 ||
		  found == 2 || found == 4 ? "only one of them: the dump is "
		  "one message for each SA" : "not each of them once",
		  S_DUMP);
}

static void dump_empty(void **state)
{
	hn_net *net = ch19_host();
	hn_proc *p = PFKEY(net, S_DUMP, "dump");

	(void)state;
	TK_EXPECT(hn_wait_exit(p, 0) == 0 &&
		  strcmp(hn_stdout(p), "no SAs\n") == 0, "pfkey dump of an "
		  "empty database printed \"%s\" and said \"%s\", not \"no "
		  "SAs\": see %s", tk_shown(hn_stdout(p)),
		  tk_shown(hn_stderr(p)), S_DUMP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(add_seen_by_ip),
		TK_TEST(add_ipv6_sha1),
		TK_TEST(register_algorithms),
		TK_TEST(get_and_delete),
		TK_TEST(errors_from_the_kernel),
		TK_TEST(answer_behind_a_notification),
		TK_TEST(dump_every_sa),
		TK_TEST(dump_empty),
	};

	ch19_main();
	hn_give_up_when_idle(LAB_IDLE_MS);
	return TK_RUN("lab19", tests);
}
