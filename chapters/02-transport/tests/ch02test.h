/*
 * ch02test.h - what chapter 2's tests share: TCP exchanges made by the
 * test itself in the hosts of a network, what the kernel of a host holds
 * in TIME_WAIT (asked with ss), and an independent reading of a capture
 * with pcap filters, to check capscan's report against.
 *
 * Included by tests/transport.c, tests/lab.c and tests/hidden/lab_hidden.c;
 * every function is static inline, so each test binary takes only what
 * it uses.
 */
#ifndef CH02TEST_H
#define CH02TEST_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#include <pcap/pcap.h>
#include <sys/stat.h>

#define CH02 "02-transport"
#define WAIT_MS 5000          /* the longest any step may take */

/* Chapter 2's program NAME (build/ch/02-transport/NAME). */
static inline const char *ch_prog(const char *name)
{
	return tk_prog(CH02, name);
}

/* ---- sockets of the test, in a host ---------------------------------- */

/* The IPv4 options (IP_OPTIONS) that the next exchange's client socket
 * sends, if IPOPT_LEN is not 0: a test sets them to make IPv4 headers
 * longer than 20 bytes; capture_exchange clears them. */
static unsigned char ipopt[40];
static socklen_t ipopt_len;

static void apply_ipopt(int fd, int family)
{
	if (ipopt_len != 0 && family == AF_INET)
		Setsockopt(fd, IPPROTO_IP, IP_OPTIONS, ipopt, ipopt_len);
}

/* tk_connect, with the IPv4 options a test asked for on every packet of
 * the connection, the SYN included. */
static inline int connect_in(hn_net *net, const char *host,
			     const char *addr, int port)
{
	int fd;

	tk_before_connect = apply_ipopt;
	fd = tk_connect(net, host, addr, port);
	tk_before_connect = NULL;
	return fd;
}

/* Accepts one connection, waiting at most WAIT_MS. */
static inline int accept_within(int listenfd)
{
	struct pollfd p = { .fd = listenfd, .events = POLLIN };
	int fd;

	if (poll(&p, 1, WAIT_MS) != 1)
		TK_FAIL("no connection came within %d ms", WAIT_MS);
	fd = accept4(listenfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		TK_FAIL("accept: %s", strerror(errno));
	return fd;
}

/* Reads until end of file, waiting at most WAIT_MS for each piece;
 * returns how many bytes came. */
static inline size_t read_to_eof(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[BUFFSIZE];
	size_t total = 0;
	ssize_t n;

	for (;;) {
		if (poll(&p, 1, WAIT_MS) != 1)
			TK_FAIL("no end of file within %d ms (%zu bytes "
				"read)", WAIT_MS, total);
		n = read(fd, buf, sizeof(buf));
		if (n == 0)
			return total;
		if (n < 0)
			TK_FAIL("read: %s", strerror(errno));
		total += (size_t)n;
	}
}

/* "192.0.2.1:43512" or "[2001:db8:1::1]:7": the local end of fd. */
static inline char *local_end(int fd, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);

	Getsockname(fd, (struct sockaddr *)&ss, &sslen);
	return Sock_ntop((struct sockaddr *)&ss, sslen, buf, len);
}

static inline char *peer_end(int fd, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);

	Getpeername(fd, (struct sockaddr *)&ss, &sslen);
	return Sock_ntop((struct sockaddr *)&ss, sslen, buf, len);
}

/* The line of `ss -Htan` output OUT whose local end is END, as a
 * pointer into OUT, or NULL; *len gets its length. */
static inline const char *ss_line_of(const char *out, const char *end,
				     size_t *len)
{
	char pattern[SOCK_NTOP_LEN + 2];
	const char *hit;

	snprintf(pattern, sizeof(pattern), " %s ", end);
	if (out == NULL || (hit = strstr(out, pattern)) == NULL)
		return NULL;
	while (hit > out && hit[-1] != '\n')
		hit--;
	*len = strcspn(hit, "\n");
	return hit;
}

/* Whether HOST's kernel holds a TIME_WAIT entry whose local end is END
 * ("192.0.2.2:13"), asked the way a person would: ss.  The peer may see
 * its connection closed a moment before this host has moved its own
 * into TIME_WAIT (Linux sends the last ACK first), so with wait_ms > 0
 * this asks again until the entry shows or the time is up.  *seen (if
 * not NULL) gets ss's last line about END, or "nothing" (free it). */
static inline int in_time_wait(hn_net *net, const char *host,
			       const char *end, int wait_ms, char **seen)
{
	char *out = NULL;
	const char *line = NULL;
	size_t len = 0;
	int found, waited = 0;

	for (;;) {
		free(out);
		out = NULL;
		hn_sh(net, host, WAIT_MS, &out, "ss -Htan");
		line = ss_line_of(out, end, &len);
		found = line != NULL && strncmp(line, "TIME-WAIT", 9) == 0;
		if (found || waited >= wait_ms)
			break;
		poll(NULL, 0, 10);
		waited += 10;
	}
	if (seen != NULL && asprintf(seen, "%.*s", (int)len,
				     line != NULL ? line : "nothing") < 0)
		abort();
	free(out);
	return found;
}

/* A file next to the capture at PATH, named after it with SUFFIX
 * ("-cut.pcap"), so that it stays for Wireshark after the test; the
 * result is allocated (free it) and noted on the test's report. */
static inline char *beside(const char *path, const char *suffix)
{
	size_t stem = strlen(path);
	char *out;

	if (stem > 5 && strcmp(path + stem - 5, ".pcap") == 0)
		stem -= 5;
	if (asprintf(&out, "%.*s%s", (int)stem, path, suffix) < 0)
		abort();
	tk_note("the capture rewritten by the test: %s", out);
	return out;
}

/* ---- reading a capture with pcap filters ----------------------------- */

/* Packet numbers (from 1) of the events of the first connection in a
 * capture, found with BPF filters rather than by decoding headers. */
struct truth {
	long syn, synack, ack;    /* the handshake */
	long fin[2];              /* the first FIN of each side, in order */
	long rst;                 /* the first RST, 0 if none */
};

static inline int filter_matches(pcap_t *pc, const char *expr,
				 const struct pcap_pkthdr *h,
				 const u_char *pkt)
{
	struct bpf_program prog;
	int ok;

	if (pcap_compile(pc, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0)
		TK_FAIL("the test's filter does not compile: %s (%s)", expr,
			pcap_geterr(pc));
	ok = pcap_offline_filter(&prog, h, pkt) != 0;
	pcap_freecode(&prog);
	return ok;
}

/* Reads the capture at PATH; CLIENT and SERVER are the two ends as
 * "host ADDR and port N" pieces of a filter. */
static inline struct truth read_truth(const char *path, const char *client,
				      const char *server)
{
	char errbuf[PCAP_ERRBUF_SIZE], from_c[512], from_s[512];
	struct truth t = { 0 };
	struct pcap_pkthdr *h;
	const u_char *pkt;
	pcap_t *pc = pcap_open_offline(path, errbuf);
	long no = 0;
	int fin_by_client = -1;

	if (pc == NULL)
		TK_FAIL("the test cannot read its capture: %s", errbuf);
	snprintf(from_c, sizeof(from_c), "(src %s and dst %s)", client,
		 server);
	snprintf(from_s, sizeof(from_s), "(src %s and dst %s)", server,
		 client);
	while (pcap_next_ex(pc, &h, &pkt) == 1) {
		char expr[1024];
		int c, s;

		no++;
		snprintf(expr, sizeof(expr), "tcp and %s", from_c);
		c = filter_matches(pc, expr, h, pkt);
		snprintf(expr, sizeof(expr), "tcp and %s", from_s);
		s = filter_matches(pc, expr, h, pkt);
		if (!c && !s)
			continue;
		if (t.syn == 0 && c && filter_matches(pc, HN_SYN, h, pkt))
			t.syn = no;
		else if (t.syn && !t.synack && s &&
			 filter_matches(pc, HN_SYNACK, h, pkt))
			t.synack = no;
		else if (t.synack && !t.ack && c)
			t.ack = no;    /* the client's next segment */
		if (t.ack && !t.rst && filter_matches(pc, HN_RST, h, pkt))
			t.rst = no;
		if (t.ack && !t.rst && filter_matches(pc, HN_FIN, h, pkt)) {
			if (t.fin[0] == 0) {
				t.fin[0] = no;
				fin_by_client = c;
			} else if (t.fin[1] == 0 && fin_by_client != c) {
				t.fin[1] = no;
			}
		}
	}
	pcap_close(pc);
	return t;
}

/* "host 192.0.2.1 and port 43512" for an end given as sock_ntop text. */
static inline char *end_filter(const char *end, char *buf, size_t len)
{
	const char *colon = strrchr(end, ':');
	int port = atoi(colon + 1);
	char host[INET6_ADDRSTRLEN];
	size_t hlen = (size_t)(colon - end);

	if (end[0] == '[') {            /* "[2001:db8::1]:7" */
		end++;
		hlen -= 2;
	}
	snprintf(host, sizeof(host), "%.*s", (int)hlen, end);
	snprintf(buf, len, "host %s and port %d", host, port);
	return buf;
}

/* ---- one exchange, captured at host a's end of its link to b --------- */

/* What a scenario leaves for the checks. */
struct exchange {
	char client[SOCK_NTOP_LEN];   /* the test's socket in host a */
	char server[SOCK_NTOP_LEN];   /* inetd in host b */
	char *path;                   /* the capture file (free it) */
};

enum ending {
	SERVER_CLOSES,                /* daytime: the server's FIN first */
	CLIENT_CLOSES,                /* echo: the client's FIN first */
	CLIENT_RESETS                 /* the client aborts: a RST */
};

static inline int tcp_state(int fd)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	Getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len);
	return info.tcpi_state;
}

/* Waits until the connection behind fd is closed (TCP_CLOSE): its last
 * segment has left or arrived. */
static inline void await_closed(int fd)
{
	int waited;

	for (waited = 0; tcp_state(fd) != TCP_CLOSE; waited++) {
		if (waited >= WAIT_MS)
			TK_FAIL("the test's connection did not close within "
				"%d ms (state %d)", WAIT_MS, tcp_state(fd));
		poll(NULL, 0, 1);
	}
}

/*
 * Sends one UDP datagram from b to a and waits until the capture has it.
 * Captures keep the order of the wire, so everything sent before the
 * marker is in the capture then.
 */
static inline void mark_the_end(hn_net *net, hn_cap *cap, int family)
{
	struct sockaddr_storage to;
	socklen_t len;
	int fd;

	hn_sockaddr(net, "a", family, 9, &to, &len);
	hn_enter(net, "b");
	fd = Socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	hn_leave(net);
	Sendto(fd, "end", 3, 0, (struct sockaddr *)&to, len);
	close(fd);
	hn_cap_wait(cap, "udp and dst port 9", 1, WAIT_MS);
}

/*
 * One connection from the test's socket in a to inetd in b (daytime for
 * SERVER_CLOSES, echo otherwise), over FAMILY, captured at a's end.  The
 * capture is closed (its file complete) when this returns.
 */
static inline struct exchange capture_exchange(hn_net *net, int family,
					       enum ending ending)
{
	struct exchange x;
	struct linger abort_now = { .l_onoff = 1, .l_linger = 0 };
	hn_cap *cap = hn_capture(net, "a", "b");
	const char *addr = hn_addr(net, "b", family);
	int fd;

	hn_inetd(net, "b", "daytime echo");
	fd = connect_in(net, "a", addr, ending == SERVER_CLOSES ? 13 : 7);
	local_end(fd, x.client, sizeof(x.client));
	peer_end(fd, x.server, sizeof(x.server));
	if (ending == SERVER_CLOSES) {
		read_to_eof(fd);             /* the server's FIN came */
		Shutdown(fd, SHUT_WR);       /* ours; the server ACKs it */
	} else {
		char back[6];

		Writen(fd, "hello\n", 6);
		if (readn(fd, back, 6) != 6)
			TK_FAIL("inetd's echo did not answer");
		if (ending == CLIENT_RESETS) {
			Setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_now,
				   sizeof(abort_now));
			close(fd);           /* sends a RST, no FIN */
			fd = -1;
		} else {
			Shutdown(fd, SHUT_WR);
			read_to_eof(fd);     /* the server's FIN came */
		}
	}
	if (fd >= 0) {
		await_closed(fd);
		close(fd);
	}
	mark_the_end(net, cap, family);
	x.path = strdup(hn_cap_path(cap));
	hn_cap_close(cap);
	ipopt_len = 0;
	return x;
}

/*
 * Two daytime connections over IPv4, one after the other, in one capture
 * at a's end: x[0] and x[1] get their ends, both the capture's path (the
 * same file; free x[0].path only).
 */
static inline void capture_two_daytimes(hn_net *net, struct exchange x[2])
{
	hn_cap *cap = hn_capture(net, "a", "b");
	int i, fd[2];

	hn_inetd(net, "b", "daytime");
	for (i = 0; i < 2; i++) {
		fd[i] = tk_connect(net, "a", "192.0.2.2", 13);
		local_end(fd[i], x[i].client, sizeof(x[i].client));
		snprintf(x[i].server, sizeof(x[i].server), "192.0.2.2:13");
		read_to_eof(fd[i]);
		Shutdown(fd[i], SHUT_WR);
		await_closed(fd[i]);
	}
	close(fd[0]);
	close(fd[1]);
	mark_the_end(net, cap, AF_INET);
	x[0].path = x[1].path = strdup(hn_cap_path(cap));
	hn_cap_close(cap);
}

/* ---- captures rewritten by the test --------------------------------- */

/* The offset of the TCP header in an Ethernet frame of either family. */
static inline size_t tcp_offset(const u_char *frame)
{
	return frame[12] == 0x86 ? 14 + 40 : 14 + (size_t)(frame[14] & 15) * 4;
}

/* Whether an Ethernet frame of CAPLEN bytes holds a TCP header whole,
 * with a data offset of at least 5 words. */
static inline int is_tcp(const u_char *frame, size_t caplen)
{
	size_t tcp;

	if (caplen < 14 + 40)
		return 0;
	if (frame[12] == 0x08 && frame[13] == 0x00 && frame[23] != 6)
		return 0;
	if (frame[12] == 0x86 && frame[13] == 0xdd && frame[20] != 6)
		return 0;
	if (!(frame[12] == 0x08 && frame[13] == 0x00) &&
	    !(frame[12] == 0x86 && frame[13] == 0xdd))
		return 0;
	tcp = tcp_offset(frame);
	return caplen >= tcp + 20 && frame[tcp + 12] >> 4 >= 5;
}

/* Copies the capture at FROM to TO, passing each packet through EDIT,
 * which may change its bytes and its captured length, and returns how
 * many times to write it: 0 drops it, 2 writes it twice (a packet seen
 * again, as a retransmission is).  NO is the packet's number. */
typedef int edit_fn(struct pcap_pkthdr *h, u_char *frame, long no,
		    void *arg);

static inline void rewrite(const char *from, const char *to, edit_fn *edit,
			   void *arg, int snaplen)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *in = pcap_open_offline(from, errbuf), *dead;
	struct pcap_pkthdr *h;
	const u_char *pkt;
	pcap_dumper_t *out;
	long no = 0;

	if (in == NULL)
		TK_FAIL("cannot read %s: %s", from, errbuf);
	dead = pcap_open_dead(pcap_datalink(in), snaplen);
	out = pcap_dump_open(dead, to);
	if (out == NULL)
		TK_FAIL("cannot write %s: %s", to, pcap_geterr(dead));
	while (pcap_next_ex(in, &h, &pkt) == 1) {
		struct pcap_pkthdr copy = *h;
		u_char *bytes = malloc(h->caplen);
		int times;

		memcpy(bytes, pkt, h->caplen);
		times = edit(&copy, bytes, ++no, arg);
		while (times-- > 0)
			pcap_dump((u_char *)out, &copy, bytes);
		free(bytes);
	}
	pcap_dump_close(out);
	pcap_close(dead);
	pcap_close(in);
}

/* The report capscan should print for the capture of x. */
static inline char *expected_report(const struct exchange *x,
				    const struct truth *t, int mss_client,
				    int mss_server, const char *first,
				    const char *time_wait)
{
	const char *second = strcmp(first, "client") == 0 ? "server"
							   : "client";
	char fin1[64], fin2[64], rst[64], *out;

	strcpy(fin1, "none");
	strcpy(fin2, "none");
	if (t->fin[0])
		snprintf(fin1, sizeof(fin1), "%s, packet %ld", first,
			 t->fin[0]);
	if (t->fin[1])
		snprintf(fin2, sizeof(fin2), "%s, packet %ld", second,
			 t->fin[1]);
	rst[0] = '\0';
	if (t->rst)
		snprintf(rst, sizeof(rst), "reset: client, packet %ld\n",
			 t->rst);
	if (asprintf(&out, "client: %s\nserver: %s\n"
		     "handshake: packets %ld, %ld, %ld\n"
		     "mss: client %d, server %d\nfirst fin: %s\n"
		     "second fin: %s\n%stime_wait: %s\n", x->client,
		     x->server, t->syn, t->synack, t->ack, mss_client,
		     mss_server, fin1, fin2, rst, time_wait) < 0)
		abort();
	return out;
}

#endif
