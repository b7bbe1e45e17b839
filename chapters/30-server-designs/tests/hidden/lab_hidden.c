/*
 * Lab 30's hidden tests: more clients at once, a bad request, a request
 * in small pieces, and a reply larger than any send buffer in every
 * design.
 */
#include "lab30.h"

#define FOR_EACH_DESIGN(d, p, n) \
	for (size_t i_ = 0; i_ < NLAB; i_++) \
		if (((d) = lab_designs[i_]), \
		    ((p) = lab_start((d), (n), false)) != NULL && ++ran)

static void two_hundred_clients_at_once(void **state)
{
	const char *d;
	hn_proc *p;
	char why[256];
	int ran = 0;

	(void)state;
	FOR_EACH_DESIGN(d, p, 4)
		TK_EXPECT(ch30_many(lab_port, 200, 100, 8000, why,
				    sizeof(why)) == 200, "%s: of 200 clients "
			  "at once, %s (section 30.1)", d, why);
	lab_some_design(ran);
}

static void bad_request_gets_400(void **state)
{
	const char *d;
	hn_proc *p;
	char buf[256];
	int ran = 0;

	(void)state;
	FOR_EACH_DESIGN(d, p, 4) {
		int fd = tk_connect_here(TK_LOOPBACK, lab_port);
		size_t n;

		TK_EXPECT(write(fd, "PUT /x HTTP/1.1\r\n\r\n", 19) == 19,
			  "write");
		n = tk_read_n(fd, buf, sizeof(buf) - 1, 2000);
		buf[n] = '\0';
		TK_EXPECT(strncmp(buf, "HTTP/1.1 400 ", 13) == 0, "%s: a PUT "
			  "got %s (section 30.2)", d, tk_shown(buf));
		close(fd);
	}
	lab_some_design(ran);
}

static void request_in_many_pieces(void **state)
{
	const char *d;
	hn_proc *p;
	struct ch30_reply r;
	char req[128], piece[8];
	int ran = 0;

	(void)state;
	ch30_request_text(req, sizeof(req), 77);
	FOR_EACH_DESIGN(d, p, 4) {
		int fd = tk_connect_here(TK_LOOPBACK, lab_port);

		for (size_t i = 0; i < strlen(req); i += 7) {
			snprintf(piece, sizeof(piece), "%s", req + i);
			ch30_send_piece(fd, piece, 2000);
		}
		TK_EXPECT(ch30_get_reply(&r, fd, 77, 2000), "%s: a request "
			  "in pieces of 7 bytes got %s (section 30.2)", d,
			  ch30_reply_said(&r));
		close(fd);
	}
	lab_some_design(ran);
}

static void large_reply_every_design(void **state)
{
	const char *d;
	hn_proc *p;
	struct ch30_reply r;
	long big = 2 * ch30_wmem_max();
	int ran = 0;

	(void)state;
	FOR_EACH_DESIGN(d, p, 4) {
		int fd;

		tk_before_connect = lab_small_rcvbuf;
		fd = tk_connect_here(TK_LOOPBACK, lab_port);
		tk_before_connect = NULL;
		ch30_send_request(fd, big);
		TK_EXPECT(ch30_get_reply(&r, fd, big, 8000), "%s: a reply of "
			  "%ld bytes got %s (section 30.2)", d, big,
			  ch30_reply_said(&r));
		close(fd);
	}
	lab_some_design(ran);
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(two_hundred_clients_at_once),
		TK_TEST(bad_request_gets_400),
		TK_TEST(request_in_many_pieces),
		TK_TEST(large_reply_every_design),
	};
	return TK_RUN("lab30_hidden", tests);
}
