/*
 * Chapter 19's suite, in the VM (this kernel has no PF_KEY): keyprobe
 * where both key sockets exist; pfkey's register, add (the bytes of the
 * message), get, dump and delete, each compared with `ip xfrm state` in
 * the same host; the dump's sequence numbers; pfkey_naive taking
 * another process's notification for its answer; an SA added by
 * xfrmadd over XFRM netlink, seen by PF_KEY and by ip.
 */
#include "ch19test.h"

/* Runs PROG (a program of the chapter or "ip") with its arguments in
 * host a, to its end; writes "a$ COMMAND" and its output to TR (if not
 * NULL), quoting the words a shell would not take bare. */
static hn_proc *step(hn_net *net, FILE *tr, const char *prog, ...)
	__attribute__((sentinel));
static hn_proc *step(hn_net *net, FILE *tr, const char *prog, ...)
{
	const char *path = strcmp(prog, "ip") == 0 ? "ip" :
			   tk_prog(CH19, prog);
	va_list ap;
	hn_proc *p;

	va_start(ap, prog);
	p = ch19_vrun(net, "19", path, ap);
	va_end(ap);
	if (tr == NULL)
		return p;
	fprintf(tr, "a$ %s", prog);
	va_start(ap, prog);
	for (const char *w; (w = va_arg(ap, const char *)) != NULL;)
		fprintf(tr, strpbrk(w, "()") ? " '%s'" : " %s", w);
	va_end(ap);
	fprintf(tr, "\n%s%s", hn_stdout(p), hn_stderr(p));
	return p;
}

#define ADD_V4 "192.0.2.1", "192.0.2.2", "0x1000", "hmac(sha256)", \
	       KEY_SHA256, "cbc(aes)", KEY_AES128

static const struct t_sa SA_V4 = {
	.spi = "0x00001000", .src = "192.0.2.1", .dst = "192.0.2.2",
	.mode = "transport", .aalg = "hmac(sha256)", .akey = KEY_SHA256,
	.ealg = "cbc(aes)", .ekey = KEY_AES128 };

/* The last line of TEXT, read as an SA line of pfkey. */
static bool last_sa(const char *text, struct t_sa *sa)
{
	const char *l = text;

	for (const char *c = text; *c != '\0'; c++)
		if (c[0] == '\n' && c[1] != '\0')
			l = c + 1;
	return read_pfkey_sa(l, sa);
}

static void keyprobe_in_the_vm(void **state)
{
	hn_net *net = ch19_host();
	FILE *tr = tk_transcript_open();
	hn_proc *p = step(net, tr, "keyprobe", NULL);

	(void)state;
	assert_int_equal(hn_wait_exit(p, 0), 0);
	assert_non_null(strstr(strstr(hn_stdout(p), "a socket") + 1,
			       "a socket"));      /* both lines */
	tk_transcript_close(tr, CH19, "keyprobe-vm");
}

static void register_lists_algorithms(void **state)
{
	hn_net *net = ch19_host();
	FILE *tr = tk_transcript_open();
	hn_proc *p = step(net, tr, "pfkey", "register", NULL);

	(void)state;
	assert_int_equal(hn_wait_exit(p, 0), 0);
	assert_non_null(strstr(hn_stdout(p), "enc 12 cbc(aes) 128-256\n"));
	tk_transcript_close(tr, CH19, "register");
}

/* The PID is the 4 bytes after the sequence number in the header's
 * second line (offset 8): shown as "pp", since it changes each run. */
static char *hide_pids(char *text)
{
	for (char *l = strstr(text, "\n    8 "); l != NULL;
	     l = strstr(l + 1, "\n    8 ")) {
		char *end = strchr(l + 1, '\n');

		if (end == NULL || end - l < 13)
			break;
		for (char *c = end - 11; c < end; c += 3)
			c[0] = c[1] = 'p';
	}
	return text;
}

/* The SA's lifetime_cur holds the time it was added (its third line):
 * shown as "tt". */
static char *hide_addtime(char *text)
{
	char *l = strstr(text, "lifetime_cur");

	for (int i = 0; l != NULL && i < 2; i++)
		l = strchr(l + 1, '\n');
	if (l != NULL && strchr(l + 1, '\n') != NULL)
		for (char *c = strchr(l + 1, '\n') - 23; c[-1] == ' ';
		     c += 3)
			c[0] = c[1] = 't';
	return text;
}

static void add_message_bytes(void **state)
{
	hn_net *net = ch19_host();
	hn_proc *p = step(net, NULL, "pfkey", "-x", "add", ADD_V4, NULL);
	unsigned len_lo, len_hi, sent;
	const char *out = hn_stdout(p), *hdr;
	char *text;

	(void)state;
	assert_int_equal(hn_wait_exit(p, 0), 0);
	/* the header's length counts 8-byte units of the whole message */
	assert_int_equal(sscanf(out, "sent %u bytes", &sent), 1);
	hdr = strstr(out, "sadb_msg");
	assert_non_null(hdr);
	assert_int_equal(sscanf(hdr + 8, " %*x %*x %*x %*x %x %x", &len_lo,
				&len_hi), 2);
	assert_int_equal((len_hi << 8 | len_lo) * 8, sent);
	if (asprintf(&text, "a$ pfkey -x add 192.0.2.1 192.0.2.2 0x1000 "
		     "'hmac(sha256)' %s 'cbc(aes)' %s\n%s", KEY_SHA256,
		     KEY_AES128, out) < 0)
		abort();
	tk_transcript(CH19, "add-bytes", hide_addtime(hide_pids(text)));
	free(text);
	/* IPv6 and a 160-bit key: 2 + 2 + 5 + 5 + 4 + 5 units */
	p = step(net, NULL, "pfkey", "-x", "add", "2001:db8::1",
		 "2001:db8::2", "0x2001", "hmac(sha1)", KEY_SHA1, "cbc(aes)",
		 KEY_AES256, NULL);
	assert_int_equal(hn_wait_exit(p, 0), 0);
	assert_int_equal(strncmp(hn_stdout(p), "sent 184 bytes\n", 15), 0);
}

/* add, ip xfrm state, get, delete, ip xfrm state: every SA pfkey
 * prints is the one ip shows. */
static void add_get_delete_story(void **state)
{
	hn_net *net = ch19_host();
	FILE *tr = tk_transcript_open();
	struct t_sa got, ip[4];
	hn_proc *p;

	(void)state;
	p = step(net, tr, "pfkey", "add", ADD_V4, NULL);
	assert_true(hn_wait_exit(p, 0) == 0 && last_sa(hn_stdout(p), &got));
	assert_string_equal(sa_differs(&got, &SA_V4), "");
	p = step(net, tr, "ip", "xfrm", "state", NULL);
	assert_int_equal(read_ip_states(hn_stdout(p), ip, 4), 1);
	assert_string_equal(sa_differs(&ip[0], &SA_V4), "");
	p = step(net, tr, "pfkey", "get", "192.0.2.1", "192.0.2.2", "0x1000",
		 NULL);
	assert_true(hn_wait_exit(p, 0) == 0 && last_sa(hn_stdout(p), &got));
	assert_string_equal(sa_differs(&got, &SA_V4), "");
	p = step(net, tr, "pfkey", "add", ADD_V4, NULL);
	assert_true(hn_wait_exit(p, 0) != 0 &&
		    strstr(hn_stderr(p), "File exists") != NULL);
	p = step(net, tr, "pfkey", "delete", "192.0.2.1", "192.0.2.2",
		 "0x1000", NULL);
	assert_int_equal(hn_wait_exit(p, 0), 0);
	p = step(net, tr, "pfkey", "get", "192.0.2.1", "192.0.2.2", "0x1000",
		 NULL);
	assert_true(hn_wait_exit(p, 0) != 0 &&
		    strstr(hn_stderr(p), "No such process") != NULL);
	p = step(net, tr, "ip", "xfrm", "state", NULL);
	assert_string_equal(hn_stdout(p), "");
	tk_transcript_close(tr, CH19, "story");
}

/* The seq of each message pfkey -x received, in order, into SEQ;
 * the first one's errno into *ERR.  Returns how many. */
static int received_seqs(const char *out, unsigned seq[], int max,
			 unsigned *err)
{
	int n = 0;

	for (const char *r = strstr(out, "received "); r != NULL && n < max;
	     r = strstr(r + 1, "received ")) {
		const char *l0 = strstr(r, "sadb_msg"), *l8;
		unsigned b[4], e;

		assert_non_null(l0);
		assert_int_equal(sscanf(l0 + 8, " %*x %*x %x", &e), 1);
		if (n == 0)
			*err = e;
		l8 = strstr(l0, "\n    8 ");
		assert_non_null(l8);
		assert_int_equal(sscanf(l8 + 7, " %x %x %x %x", &b[0], &b[1],
					&b[2], &b[3]), 4);
		seq[n++] = b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24;
	}
	return n;
}

/* Three SAs: three messages, sequence numbers 1, 2 and then 0 for the
 * last; an empty database: one message with the error ENOENT. */
static void dump_numbers_its_messages(void **state)
{
	hn_net *net = ch19_host();
	FILE *tr = tk_transcript_open();
	unsigned seq[8], err = 0;
	struct t_sa ip[4];
	hn_proc *p = step(net, NULL, "pfkey", "-x", "dump", NULL);

	(void)state;
	assert_int_equal(received_seqs(hn_stdout(p), seq, 8, &err), 1);
	assert_int_equal(err, ENOENT);
	ip_add_sa(net, "192.0.2.1", "192.0.2.2", "0x1000", "hmac(sha256)",
		  KEY_SHA256, "cbc(aes)", KEY_AES128);
	ip_add_sa(net, "192.0.2.1", "192.0.2.3", "0x1001", "hmac(sha1)",
		  KEY_SHA1, "cbc(aes)", KEY_AES128);
	ip_add_sa(net, "2001:db8::1", "2001:db8::2", "0x2001", "hmac(sha1)",
		  KEY_SHA1, "cbc(aes)", KEY_AES256);
	p = step(net, NULL, "pfkey", "-x", "dump", NULL);
	assert_int_equal(received_seqs(hn_stdout(p), seq, 8, &err), 3);
	assert_true(seq[0] == 1 && seq[1] == 2 && seq[2] == 0);
	p = step(net, tr, "pfkey", "dump", NULL);
	assert_int_equal(hn_wait_exit(p, 0), 0);
	/* ip shows the same three, in the same order */
	hn_proc *q = step(net, tr, "ip", "xfrm", "state", NULL);
	assert_int_equal(read_ip_states(hn_stdout(q), ip, 4), 3);
	const char *l = hn_stdout(p);
	for (int i = 0; i < 3; i++, l = strchr(l, '\n') + 1) {
		struct t_sa got;
		char one[512];

		snprintf(one, sizeof(one), "%.*s", (int)strcspn(l, "\n"), l);
		assert_true(read_pfkey_sa(one, &got));
		assert_string_equal(sa_differs(&got, &ip[i]), "");
	}
	tk_transcript_close(tr, CH19, "dump");
}

/* pfkey_naive (pfkey taking the first message it reads for the answer)
 * and pfkey, each reading commands on stdin; between the two commands
 * ip adds an SA, and the kernel queues a copy of that change on the
 * program's socket. */
static char *one_socket_two_commands(hn_net *net, const char *prog,
					   FILE *tr, char **then_get)
{
	hn_proc *p = hn_run(net, "a", tk_prog(CH19, prog), "-", NULL);
	const char add[] = "add 192.0.2.1 192.0.2.2 0x1000 hmac(sha256) "
			   KEY_SHA256 " cbc(aes) " KEY_AES128 "\n";
	char *line;

	hn_write_stdin(p, "dump\n", 5);
	line = hn_next_line(p, "", RUN_MS);
	assert_non_null(line);
	fprintf(tr, "a$ %s -\n" TK_TYPED "dump\n%s\n", prog, line);
	free(line);
	step(net, tr, "ip", "xfrm", "state", "add", "src", "192.0.2.1",
	     "dst", "192.0.2.3", "proto", "esp", "spi", "0x3000", "mode",
	     "transport", "auth", "hmac(sha1)", KEY_SHA1, "enc", "cbc(aes)",
	     KEY_AES128, NULL);
	hn_write_stdin(p, add, strlen(add));
	line = hn_next_line(p, "", RUN_MS);
	assert_non_null(line);
	fprintf(tr, TK_TYPED "%s%s\n", add, line);
	if (then_get != NULL) {         /* exercise 19.3: then a get */
		hn_write_stdin(p, "get 192.0.2.1 192.0.2.3 0x3000\n", 31);
		*then_get = hn_next_line(p, "", RUN_MS);
	}
	hn_kill(p);
	return line;
}

static void naive_takes_a_notification(void **state)
{
	hn_net *net = ch19_host();
	FILE *tr = tk_transcript_open();
	struct t_sa got;
	char *get = NULL, *line;

	(void)state;
	line = one_socket_two_commands(net, "pfkey_naive", tr, &get);
	assert_true(read_pfkey_sa(line, &got));
	free(line);
	/* it printed the SA ip added, not its own */
	assert_string_equal(got.spi, "0x00003000");
	/* and then, asked for ip's SA, its own add's answer */
	assert_true(get != NULL && read_pfkey_sa(get, &got));
	assert_string_equal(got.spi, "0x00001000");
	free(get);
	tk_transcript_close(tr, CH19, "naive");

	net = ch19_host();
	tr = tk_transcript_open();
	line = one_socket_two_commands(net, "pfkey", tr, NULL);
	assert_true(read_pfkey_sa(line, &got));
	free(line);
	assert_string_equal(sa_differs(&got, &SA_V4), "");
	tk_transcript_close(tr, CH19, "matched");
}

/* An SA added over XFRM netlink is in the one database PF_KEY dumps. */
static void xfrm_netlink_sa_seen_by_pfkey(void **state)
{
	hn_net *net = ch19_host();
	FILE *tr = tk_transcript_open();
	struct t_sa got, ip[2];
	hn_proc *p;

	(void)state;
	p = step(net, tr, "xfrmadd", ADD_V4, NULL);
	assert_int_equal(hn_wait_exit(p, 0), 0);
	p = step(net, tr, "pfkey", "dump", NULL);
	assert_true(hn_wait_exit(p, 0) == 0 && last_sa(hn_stdout(p), &got));
	assert_string_equal(sa_differs(&got, &SA_V4), "");
	p = step(net, tr, "ip", "xfrm", "state", NULL);
	assert_int_equal(read_ip_states(hn_stdout(p), ip, 2), 1);
	assert_string_equal(sa_differs(&ip[0], &SA_V4), "");
	p = step(net, tr, "xfrmadd", ADD_V4, NULL);
	assert_int_not_equal(hn_wait_exit(p, 0), 0);
	tk_transcript_close(tr, CH19, "xfrmadd");
}

/* Exercise 19.5: a truncation length PF_KEY has no field for. */
static void truncation_not_in_pfkey(void **state)
{
	hn_net *net = ch19_host();
	hn_proc *p, *ip;
	char *text;

	(void)state;
	p = step(net, NULL, "ip", "xfrm", "state", "add", "src", "192.0.2.1",
		 "dst", "192.0.2.2", "proto", "esp", "spi", "0x1000", "mode",
		 "transport", "auth-trunc", "hmac(sha256)", KEY_SHA256, "128",
		 "enc", "cbc(aes)", KEY_AES128, NULL);
	assert_int_equal(hn_wait_exit(p, 0), 0);
	ip = step(net, NULL, "ip", "xfrm", "state", NULL);
	assert_non_null(strstr(hn_stdout(ip), "1e1f 128\n"));
	p = step(net, NULL, "pfkey", "-x", "dump", NULL);
	assert_int_equal(hn_wait_exit(p, 0), 0);
	/* the same 280 bytes as for an SA added with the default, 96 */
	assert_non_null(strstr(hn_stdout(p), "received 280 bytes\n"));
	if (asprintf(&text, "a$ ip xfrm state add src 192.0.2.1 dst "
		     "192.0.2.2 proto esp spi 0x1000 mode transport "
		     "auth-trunc 'hmac(sha256)' %s 128 enc 'cbc(aes)' %s\n"
		     "a$ ip xfrm state\n%sa$ pfkey -x dump\n%s", KEY_SHA256,
		     KEY_AES128, hn_stdout(ip), hn_stdout(p)) < 0)
		abort();
	tk_transcript(CH19, "trunc", hide_addtime(hide_pids(text)));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(keyprobe_in_the_vm),
		TK_TEST(register_lists_algorithms),
		TK_TEST(add_message_bytes),
		TK_TEST(add_get_delete_story),
		TK_TEST(dump_numbers_its_messages),
		TK_TEST(naive_takes_a_notification),
		TK_TEST(xfrm_netlink_sa_seen_by_pfkey),
		TK_TEST(truncation_not_in_pfkey),
	};

	ch19_main();
	return TK_RUN("keys", tests);
}
