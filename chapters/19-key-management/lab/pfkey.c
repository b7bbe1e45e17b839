/*
 * pfkey - the kernel's database of IPsec security associations (SAs)
 * through a PF_KEY socket (RFC 2367).  Each SA is printed on one line:
 *   esp spi 0xSPI src ADDR dst ADDR mode M auth ALG 0xKEY enc ALG 0xKEY
 * Usage: pfkey [-x] register | dump | get SRC DST SPI | delete SRC DST SPI
 *        pfkey [-x] add SRC DST SPI AUTH-ALG AUTH-KEY ENC-ALG ENC-KEY
 *        pfkey [-x] -        (the same commands, one a line, on stdin)
 * With -x every message sent and received is shown, 8 bytes a line.
 */
#include "lnp.h"

#include <linux/ipsec.h>
#include <linux/pfkeyv2.h>

#define BUFSIZE 65536          /* a dump message holds one SA */
#define REPLY_MS 2000          /* the kernel answers before this */

static int show_bytes;          /* -x */
static uint32_t next_seq = 1;   /* the seq of our next request */

/* The algorithms by their PF_KEY numbers (pfkeyv2.h) and the names the
 * kernel's crypto API and ip xfrm give them. */
static const struct alg {
	int id;
	const char *name;
} auth_algs[] = {
	{ SADB_AALG_MD5HMAC, "hmac(md5)" },
	{ SADB_AALG_SHA1HMAC, "hmac(sha1)" },
	{ SADB_X_AALG_SHA2_256HMAC, "hmac(sha256)" },
	{ SADB_X_AALG_SHA2_384HMAC, "hmac(sha384)" },
	{ SADB_X_AALG_SHA2_512HMAC, "hmac(sha512)" },
	{ SADB_X_AALG_NULL, "digest_null" },
	{ 0, NULL }
}, enc_algs[] = {
	{ SADB_EALG_NULL, "ecb(cipher_null)" },
	{ SADB_EALG_3DESCBC, "cbc(des3_ede)" },
	{ SADB_X_EALG_AESCBC, "cbc(aes)" },
	{ SADB_X_EALG_AESCTR, "rfc3686(ctr(aes))" },
	{ 0, NULL }
};

static const char *alg_name(const struct alg *t, int id)
{
	static char other[16];

	for (; t->name != NULL; t++)
		if (t->id == id)
			return t->name;
	snprintf(other, sizeof(other), "alg-%d", id);
	return other;
}

static int alg_id(const struct alg *t, const char *name)
{
	for (; t->name != NULL; t++)
		if (strcmp(t->name, name) == 0)
			return t->id;
	err_quit("unknown algorithm %s", name);
}

/* The names of the extension types, for -x. */
static const char *ext_name(int type)
{
	static const char *names[] = {
		[SADB_EXT_SA] = "sa",
		[SADB_EXT_LIFETIME_CURRENT] = "lifetime_cur",
		[SADB_EXT_LIFETIME_HARD] = "lifetime_hard",
		[SADB_EXT_LIFETIME_SOFT] = "lifetime_soft",
		[SADB_EXT_ADDRESS_SRC] = "address_src",
		[SADB_EXT_ADDRESS_DST] = "address_dst",
		[SADB_EXT_ADDRESS_PROXY] = "address_proxy",
		[SADB_EXT_KEY_AUTH] = "key_auth",
		[SADB_EXT_KEY_ENCRYPT] = "key_encrypt",
		[SADB_EXT_SUPPORTED_AUTH] = "supported_auth",
		[SADB_EXT_SUPPORTED_ENCRYPT] = "supported_enc",
		[SADB_X_EXT_SA2] = "x_sa2",
	};

	if (type > 0 && type < (int)(sizeof(names) / sizeof(names[0])) &&
	    names[type] != NULL)
		return names[type];
	return "ext";
}

/* -x: the message in BUF, 8 bytes a line, each extension named where
 * it starts (its first two bytes are its length in 8-byte units). */
static void dump_bytes(const char *dir, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t next_ext = sizeof(struct sadb_msg);

	printf("%s %zu bytes\n", dir, len);
	for (size_t off = 0; off < len; off += 8) {
		const char *label = "";

		if (off == 0) {
			label = "sadb_msg";
		} else if (off == next_ext && off + 4 <= len) {
			const struct sadb_ext *e = (const void *)(p + off);

			label = ext_name(e->sadb_ext_type);
			next_ext += e->sadb_ext_len > 0 ?
				    e->sadb_ext_len * 8u : len;
		}
		printf("  %3zu %-14s", off, label);
		for (size_t i = off; i < off + 8 && i < len; i++)
			printf(" %02x", p[i]);
		printf("\n");
	}
}

/* include pfkey_build */
/* Starts the message in BUF: a struct sadb_msg of TYPE for SATYPE,
 * with the next sequence number and our process ID. */
static struct sadb_msg *msg_start(void *buf, int type, int satype)
{
	struct sadb_msg *m = buf;

	memset(m, 0, sizeof(*m));
	/* BEGIN SOLUTION */
	m->sadb_msg_version = PF_KEY_V2;
	m->sadb_msg_type = (uint8_t)type;
	m->sadb_msg_satype = (uint8_t)satype;
	m->sadb_msg_len = sizeof(*m) / 8;
	m->sadb_msg_seq = next_seq++;
	m->sadb_msg_pid = (uint32_t)getpid();
	/* END SOLUTION */
	/* STARTER
	// TODO (section 19.3): fill in the version (PF_KEY_V2), TYPE,
	// SATYPE, the length (in 8-byte units: the header alone so far),
	// a sequence number (next_seq++) and our process ID.
	(void)type;
	(void)satype;
	(void)next_seq;
	STARTER */
	return m;
}

/* Appends an extension of TYPE whose structure and data take LEN
 * bytes, zeroed, padded to a multiple of 8; grows the message's
 * length.  Returns the extension, for the caller to fill in. */
static void *ext_add(struct sadb_msg *m, int type, size_t len)
{
	/* BEGIN SOLUTION */
	size_t units = (len + 7) / 8;
	struct sadb_ext *e = (void *)((char *)m + m->sadb_msg_len * 8);

	memset(e, 0, units * 8);
	e->sadb_ext_len = (uint16_t)units;
	e->sadb_ext_type = (uint16_t)type;
	m->sadb_msg_len += (uint16_t)units;
	return e;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 19.3): the extension starts where the message
	// ends; its length, like the message's, counts 8-byte units,
	// rounded up.  (Until then, a scratch space outside the message.)
	static uint64_t scratch[64];
	(void)m;
	(void)type;
	(void)len;
	return scratch;
	STARTER */
}
/* end pfkey_build */

/* include pfkey_addr */
/* Appends an address extension of TYPE holding SA (an IPv4 or IPv6
 * socket address). */
static void add_address(struct sadb_msg *m, int type,
			const struct sockaddr_storage *ss)
{
	size_t salen = ss->ss_family == AF_INET ?
		       sizeof(struct sockaddr_in) :
		       sizeof(struct sockaddr_in6);
	struct sadb_address *a = ext_add(m, type, sizeof(*a) + salen);

	memcpy(a + 1, ss, salen);
	/* BEGIN SOLUTION */
	a->sadb_address_prefixlen = ss->ss_family == AF_INET ? 32 : 128;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 19.3): the prefix length: the whole address,
	// in bits.
	STARTER */
}
/* end pfkey_addr */

/* include pfkey_key */
/* Appends a key extension of TYPE holding LEN bytes of KEY. */
static void add_key(struct sadb_msg *m, int type, const uint8_t *key,
		    size_t len)
{
	struct sadb_key *k = ext_add(m, type, sizeof(*k) + len);

	/* BEGIN SOLUTION */
	k->sadb_key_bits = (uint16_t)(len * 8);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 19.3): how long the key is (RFC 2367 counts it
	// in bits).
	STARTER */
	memcpy(k + 1, key, len);
}

/* Appends the SA extension: SPI (as a number), the algorithms. */
static void add_sa(struct sadb_msg *m, uint32_t spi, int aalg, int ealg)
{
	struct sadb_sa *sa = ext_add(m, SADB_EXT_SA, sizeof(*sa));

	/* BEGIN SOLUTION */
	sa->sadb_sa_spi = htonl(spi);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 19.3): the SPI, as it travels in ESP headers.
	(void)spi;
	STARTER */
	sa->sadb_sa_state = SADB_SASTATE_MATURE;
	sa->sadb_sa_auth = (uint8_t)aalg;
	sa->sadb_sa_encrypt = (uint8_t)ealg;
}
/* end pfkey_key */

/* Sends the message M: its length says how many bytes it holds. */
static void msg_send(int fd, const struct sadb_msg *m)
{
	size_t len = m->sadb_msg_len * 8u;

	if (show_bytes)
		dump_bytes("sent", m, len);
	if (write(fd, m, len) != (ssize_t)len)
		err_sys("write");
}

/* include pfkey_reply */
/* Is M the kernel's answer to REQ?  A dump's answers carry a countdown
 * in sadb_msg_seq, so only its type and process ID are compared. */
static bool is_reply(const struct sadb_msg *m, const struct sadb_msg *req)
{
	/* BEGIN SOLUTION */
	if (m->sadb_msg_pid != req->sadb_msg_pid ||
	    m->sadb_msg_type != req->sadb_msg_type)
		return false;
	return req->sadb_msg_type == SADB_DUMP ||
	       m->sadb_msg_seq == req->sadb_msg_seq;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 19.6): every PF_KEY socket also gets copies of
	// other processes' changes: compare the process ID, the type
	// and (except for a dump) the sequence number with REQ's.
	(void)m;
	(void)req;
	return true;
	STARTER */
}

/* Reads the answer to REQ into BUF, passing over every other message.
 * Returns its length, or -1 if none came in REPLY_MS. */
static ssize_t msg_reply(int fd, const struct sadb_msg *req, void *buf)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	for (;;) {
		if (poll(&pfd, 1, REPLY_MS) <= 0)
			return -1;
		if ((n = read(fd, buf, BUFSIZE)) < 0)
			err_sys("read");
		if (show_bytes)
			dump_bytes("received", buf, (size_t)n);
		if ((size_t)n >= sizeof(struct sadb_msg) &&
		    is_reply(buf, req))
			return n;
	}
}
/* end pfkey_reply */

/* include pfkey_ext */
/* The extension of TYPE in the message M, or NULL. */
static void *ext_find(const struct sadb_msg *m, int type)
{
	const char *p = (const char *)m;
	size_t len = m->sadb_msg_len * 8u;

	/* BEGIN SOLUTION */
	for (size_t off = sizeof(*m); off + sizeof(struct sadb_ext) <= len;) {
		const struct sadb_ext *e = (const void *)(p + off);

		if (e->sadb_ext_len == 0)
			break;
		if (e->sadb_ext_type == type)
			return (void *)e;
		off += e->sadb_ext_len * 8u;
	}
	/* END SOLUTION */
	/* STARTER
	// TODO (section 19.3): walk the extensions after the header;
	// each starts with its length, in 8-byte units, and its type.
	(void)p;
	(void)len;
	(void)type;
	STARTER */
	return NULL;
}
/* end pfkey_ext */

static void print_address(const char *what, const struct sadb_address *a)
{
	char host[INET6_ADDRSTRLEN] = "?";
	const struct sockaddr *sa = (const void *)(a + 1);

	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  host, sizeof(host));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr,
			  host, sizeof(host));
	printf(" %s %s", what, host);
}

static void print_key(const char *what, const char *alg,
		      const struct sadb_key *k)
{
	const uint8_t *b = (const void *)(k + 1);

	printf(" %s %s 0x", what, alg);
	for (int i = 0; i < (k->sadb_key_bits + 7) / 8; i++)
		printf("%02x", b[i]);
}

/* include pfkey_print */
/* Prints the SA in the message M on one line. */
static void print_sa(const struct sadb_msg *m)
{
	const struct sadb_sa *sa = ext_find(m, SADB_EXT_SA);
	const struct sadb_address *src = ext_find(m, SADB_EXT_ADDRESS_SRC);
	const struct sadb_address *dst = ext_find(m, SADB_EXT_ADDRESS_DST);
	const struct sadb_key *ak = ext_find(m, SADB_EXT_KEY_AUTH);
	const struct sadb_key *ek = ext_find(m, SADB_EXT_KEY_ENCRYPT);
	const struct sadb_x_sa2 *sa2 = ext_find(m, SADB_X_EXT_SA2);

	if (sa == NULL || src == NULL || dst == NULL) {
		printf("(an SA message without its SA or addresses)\n");
		return;
	}
	printf("%s spi 0x%08x",
	       m->sadb_msg_satype == SADB_SATYPE_ESP ? "esp" : "other",
	       ntohl(sa->sadb_sa_spi));
	print_address("src", src);
	print_address("dst", dst);
	if (sa2 != NULL)
		printf(" mode %s", sa2->sadb_x_sa2_mode == IPSEC_MODE_TUNNEL ?
		       "tunnel" : "transport");
	if (ak != NULL)
		print_key("auth", alg_name(auth_algs, sa->sadb_sa_auth), ak);
	if (ek != NULL)
		print_key("enc", alg_name(enc_algs, sa->sadb_sa_encrypt), ek);
	printf("\n");
}
/* end pfkey_print */

/* The kernel's error in reply M, or 0. */
static int reply_errno(const struct sadb_msg *m)
{
	/* BEGIN SOLUTION */
	return m->sadb_msg_errno;
	/* END SOLUTION */
	/* STARTER
	// TODO (section 19.5): a refused request is answered with a bare
	// header whose sadb_msg_errno says why.
	(void)m;
	return 0;
	STARTER */
}

/* Sends REQ and reads its answer into BUF; prints why on failure.
 * Returns 0 or -1. */
static int request(int fd, const char *what, struct sadb_msg *req,
		   void *buf)
{
	int e;

	msg_send(fd, req);
	if (msg_reply(fd, req, buf) < 0) {
		err_msg("%s: no answer from the kernel", what);
		return -1;
	}
	if ((e = reply_errno(buf)) != 0) {
		err_msg("%s: %s", what, strerror(e));
		return -1;
	}
	return 0;
}

/* include pfkey_register */
/* SADB_REGISTER for ESP: the kernel answers with the algorithms it
 * supports, one sadb_alg each in two extensions. */
static int cmd_register(int fd, void *buf)
{
	char req[64];
	struct sadb_msg *m = msg_start(req, SADB_REGISTER, SADB_SATYPE_ESP);
	static const struct {
		int ext;
		const char *what;
		const struct alg *names;
	} kinds[] = { { SADB_EXT_SUPPORTED_AUTH, "auth", auth_algs },
		      { SADB_EXT_SUPPORTED_ENCRYPT, "enc", enc_algs } };

	if (request(fd, "register", m, buf) < 0)
		return -1;
	for (int k = 0; k < 2; k++) {
		struct sadb_supported *s = ext_find(buf, kinds[k].ext);
		struct sadb_alg *a = (void *)(s + 1);
		int n;

		if (s == NULL)
			continue;
		n = (int)((s->sadb_supported_len * 8 - sizeof(*s)) /
			  sizeof(*a));
		for (int i = 0; i < n; i++)
			printf("%s %d %s %d-%d\n", kinds[k].what,
			       a[i].sadb_alg_id,
			       alg_name(kinds[k].names, a[i].sadb_alg_id),
			       a[i].sadb_alg_minbits, a[i].sadb_alg_maxbits);
	}
	return 0;
}
/* end pfkey_register */

/* include pfkey_dump */
/* SADB_DUMP: one message for each SA; the last has sadb_msg_seq 0.
 * An empty database is an answer with the error ENOENT. */
static int cmd_dump(int fd, void *buf)
{
	char req[64];
	struct sadb_msg *m = msg_start(req, SADB_DUMP, SADB_SATYPE_UNSPEC);
	struct sadb_msg *r = buf;

	msg_send(fd, m);
	/* BEGIN SOLUTION */
	do {
		if (msg_reply(fd, m, buf) < 0) {
			err_msg("dump: no answer from the kernel");
			return -1;
		}
		if (r->sadb_msg_errno == ENOENT) {
			printf("no SAs\n");
			return 0;
		}
		if (reply_errno(r) != 0) {
			err_msg("dump: %s", strerror(reply_errno(r)));
			return -1;
		}
		print_sa(r);
	} while (r->sadb_msg_seq != 0);
	/* END SOLUTION */
	/* STARTER
	// TODO (section 19.7): read answers (msg_reply) and print each
	// SA (print_sa) until the one whose sadb_msg_seq is 0; an empty
	// database is one answer with the error ENOENT: print "no SAs".
	(void)r;
	STARTER */
	return 0;
}
/* end pfkey_dump */

/* Reads an IPv4 or IPv6 address into SS. */
static void parse_addr(const char *text, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text,
		      &((struct sockaddr_in *)ss)->sin_addr) == 1)
		ss->ss_family = AF_INET;
	else if (inet_pton(AF_INET6, text,
			   &((struct sockaddr_in6 *)ss)->sin6_addr) == 1)
		ss->ss_family = AF_INET6;
	else
		err_quit("%s is not an IPv4 or IPv6 address", text);
}

/* Reads a key given in hexadecimal, "0x" first, into KEY. */
static size_t parse_key(const char *text, uint8_t *key, size_t max)
{
	size_t n = 0;

	if (strncmp(text, "0x", 2) != 0 || strlen(text) % 2 != 0)
		err_quit("a key is 0x and pairs of hex digits: %s",
			 text);
	for (text += 2; *text != '\0' && n < max; text += 2, n++)
		if (sscanf(text, "%2hhx", &key[n]) != 1)
			err_quit("bad hex digits in key: %s", text);
	return n;
}

/* SRC DST SPI: the message's SA and address extensions. */
static void add_ids(struct sadb_msg *m, char **arg, int aalg, int ealg)
{
	struct sockaddr_storage src, dst;

	parse_addr(arg[0], &src);
	parse_addr(arg[1], &dst);
	if (src.ss_family != dst.ss_family)
		err_quit("%s and %s are not of one family", arg[0],
			 arg[1]);
	add_sa(m, (uint32_t)strtoul(arg[2], NULL, 0), aalg, ealg);
	add_address(m, SADB_EXT_ADDRESS_SRC, &src);
	add_address(m, SADB_EXT_ADDRESS_DST, &dst);
}

/* include pfkey_add */
/* SADB_ADD of an ESP SA in transport mode: SRC DST SPI, then the
 * authentication and encryption algorithms and keys. */
static int cmd_add(int fd, void *buf, char **arg)
{
	char req[512];
	uint8_t akey[64], ekey[64];
	size_t alen = parse_key(arg[4], akey, sizeof(akey));
	size_t elen = parse_key(arg[6], ekey, sizeof(ekey));
	struct sadb_msg *m = msg_start(req, SADB_ADD, SADB_SATYPE_ESP);

	add_ids(m, arg, alg_id(auth_algs, arg[3]), alg_id(enc_algs, arg[5]));
	add_key(m, SADB_EXT_KEY_AUTH, akey, alen);
	add_key(m, SADB_EXT_KEY_ENCRYPT, ekey, elen);
	if (request(fd, "add", m, buf) < 0)
		return -1;
	printf("added ");
	print_sa(buf);
	return 0;
}
/* end pfkey_add */

/* SADB_GET or SADB_DELETE of the SA SRC DST SPI. */
static int cmd_get_delete(int fd, void *buf, int type, char **arg)
{
	char req[256];
	struct sadb_msg *m = msg_start(req, type, SADB_SATYPE_ESP);

	add_ids(m, arg, 0, 0);
	if (request(fd, type == SADB_GET ? "get" : "delete", m, buf) < 0)
		return -1;
	if (type == SADB_DELETE)
		printf("deleted ");
	print_sa(buf);
	return 0;
}

/* Runs the command in ARG (N words).  Returns 0, or -1 if it failed. */
static int command(int fd, void *buf, char **arg, int n)
{
	int rc = -1;

	if (n == 1 && strcmp(arg[0], "register") == 0)
		rc = cmd_register(fd, buf);
	else if (n == 1 && strcmp(arg[0], "dump") == 0)
		rc = cmd_dump(fd, buf);
	else if (n == 8 && strcmp(arg[0], "add") == 0)
		rc = cmd_add(fd, buf, arg + 1);
	else if (n == 4 && strcmp(arg[0], "get") == 0)
		rc = cmd_get_delete(fd, buf, SADB_GET, arg + 1);
	else if (n == 4 && strcmp(arg[0], "delete") == 0)
		rc = cmd_get_delete(fd, buf, SADB_DELETE, arg + 1);
	else
		err_msg("unknown command or wrong number of words: "
			"%s", n > 0 ? arg[0] : "(none)");
	fflush(stdout);
	return rc;
}

/* Commands from stdin, one a line, all on the one socket. */
static int commands_from_stdin(int fd, void *buf)
{
	char line[1024], *arg[16];
	int failed = 0;

	while (fgets(line, sizeof(line), stdin) != NULL) {
		int n = 0;

		for (char *w = strtok(line, " \t\n"); w != NULL && n < 16;
		     w = strtok(NULL, " \t\n"))
			arg[n++] = w;
		if (n > 0 && command(fd, buf, arg, n) < 0)
			failed = 1;
	}
	return failed;
}

int main(int argc, char **argv)
{
	static uint64_t buf[BUFSIZE / 8];   /* aligned for the structs */
	int fd, first = 1;

	if (argc > 1 && strcmp(argv[1], "-x") == 0) {
		show_bytes = 1;
		first = 2;
	}
	if (argc <= first)
		err_quit("usage: pfkey [-x] register | dump | get SRC DST SPI"
			 " | delete SRC DST SPI | add SRC DST SPI AUTH-ALG "
			 "AUTH-KEY ENC-ALG ENC-KEY | -");
	/* include pfkey_socket */
	if ((fd = socket(PF_KEY, SOCK_RAW, PF_KEY_V2)) < 0)
		err_sys("socket(PF_KEY)");
	/* end pfkey_socket */
	if (strcmp(argv[first], "-") == 0)
		return commands_from_stdin(fd, buf);
	return command(fd, buf, argv + first, argc - first) < 0 ? 1 : 0;
}
