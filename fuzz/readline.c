/*
 * fuzz/readline.c - libFuzzer target for readline() (lib/readio.c).
 *
 * The input says how big the caller's buffer is, where the data is cut
 * into pieces, and what the data is.  The pieces go through a
 * SOCK_SEQPACKET socketpair, which keeps each write separate, so every
 * read() readline makes returns at most one piece: the fuzzer chooses
 * the split points exactly.  Then readline is called until end of file
 * and every answer is checked:
 *   - it returns at most maxlen - 1 bytes, NUL-terminated;
 *   - a '\n' can only be the last byte it returns;
 *   - a piece without '\n' that is shorter than maxlen - 1 comes only
 *     at end of file;
 *   - the pieces put together are exactly the data sent, then 0.
 *
 * Input layout: [maxlen code][k][k split lengths, 2 bytes each][data]
 */
#include "lnp.h"

#define CHECK(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#define MAX_SPLITS 16
#define MAX_PIECE 1024
/* readline reads into its own buffer; a bigger packet would be cut. */
#define READ_SIZE sizeof(((struct linebuf *)0)->data)

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len);

/* 2..129 byte by byte, then in steps of 48 up to 6098: past MAXLINE. */
static size_t decode_maxlen(uint8_t code)
{
	return code < 128 ? 2u + code : 2u + (size_t)(code - 128) * 48u;
}

static void send_piece(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		size_t now = n < READ_SIZE ? n : READ_SIZE;

		CHECK(write(fd, p, now) == (ssize_t)now);
		p += now;
		n -= now;
	}
}

/* Writes data in the pieces the input asks for, then the rest. */
static void send_all(int fd, const uint8_t *splits, size_t k,
		     const uint8_t *data, size_t len)
{
	size_t i, off = 0;

	for (i = 0; i < k && off < len; i++) {
		size_t want = (size_t)(splits[2 * i] |
				       splits[2 * i + 1] << 8) % MAX_PIECE + 1;

		if (want > len - off)
			want = len - off;
		send_piece(fd, data + off, want);
		off += want;
	}
	send_piece(fd, data + off, len - off);
}

/* Reads every line back and checks each answer against the data. */
static void check_lines(int fd, size_t maxlen, const uint8_t *data,
			size_t len)
{
	struct linebuf lb;
	char *buf = malloc(maxlen + 1);
	size_t off = 0, calls = 0;

	CHECK(buf != NULL);
	linebuf_init(&lb, fd);
	for (;;) {
		ssize_t n = readline(&lb, buf, maxlen);
		char *nl;

		CHECK(++calls <= len + 1);      /* progress every call */
		CHECK(n >= 0);
		if (n == 0)
			break;
		CHECK((size_t)n <= maxlen - 1 && buf[n] == '\0');
		CHECK(off + (size_t)n <= len);
		CHECK(memcmp(buf, data + off, (size_t)n) == 0);
		nl = memchr(buf, '\n', (size_t)n);
		CHECK(nl == NULL || nl == buf + n - 1);
		off += (size_t)n;
		/* a short piece with no newline: only at end of file */
		if (nl == NULL && (size_t)n < maxlen - 1)
			CHECK(off == len);
	}
	CHECK(off == len);
	CHECK(linebuf_pending(&lb) == 0);
	CHECK(readline(&lb, buf, maxlen) == 0);         /* still EOF */
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	int sv[2];
	size_t maxlen, k;

	if (len < 2)
		return 0;
	maxlen = decode_maxlen(in[0]);
	k = in[1] % MAX_SPLITS;
	if (len < 2 + 2 * k)
		return 0;
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
	send_all(sv[1], in + 2, k, in + 2 + 2 * k, len - 2 - 2 * k);
	CHECK(shutdown(sv[1], SHUT_WR) == 0);
	check_lines(sv[0], maxlen, in + 2 + 2 * k, len - 2 - 2 * k);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
