/*
 * Chapter 28's suite: the ICMP datagram socket and ping_group_range,
 * checksums ours and the kernel's, the naive ping that counts another's
 * replies, and ping, traceroute and tracerr held against iputils ping,
 * traceroute(8) and tracepath on a chain of routers with a lossy hop
 * and an unreachable destination.
 */
#include "ch28.h"
#include <math.h>
#include <netinet/icmp6.h>

#define PING() tk_path("lab-28/ref/ping")
#define TRACE() tk_path("lab-28/ref/traceroute")

/* Appends "HOST$ SHOWN" and P's output (after it ends) to TR. */
static hn_proc *shown(FILE *tr, hn_net *net, const char *host,
		      const char *cmd, char *const argv[])
{
	hn_proc *p = hn_spawn(net, host, argv, NULL);

	TK_EXPECT(tk_exited(p, 5000), "%s did not end in 5 s", cmd);
	if (tr != NULL)
		fprintf(tr, "%s$ %s\n%s%s", host, cmd, hn_stdout(p),
			hn_stderr(p));
	return p;
}

/* Times change from run to run: the transcripts show them as 0.0xx. */
static char *scrub_times(char *t)
{
	t = tk_scrub(t, "= [0-9./]+ ms", "= ... ms");
	t = tk_scrub(t, "[0-9]+\\.[0-9]+ ?ms", "t.ttt ms");
	t = tk_scrub(t, ", time [0-9]+ms", ", time ...ms");
	/* iputils' "pipe N": N requests were out at once (a slow run) */
	t = tk_scrub(t, " ms, pipe [0-9]+", " ms");
	return t;
}

static void close_transcript(FILE *tr, const char *name)
{
	char *text = NULL;
	size_t len = 0;
	FILE *copy;

	/* re-read what was written to scrub it */
	fflush(tr);
	rewind(tr);
	copy = open_memstream(&text, &len);
	for (int c; (c = fgetc(tr)) != EOF;)
		fputc(c, copy);
	fclose(copy);
	fclose(tr);
	text = scrub_times(text);
	tk_transcript(CH, name, text);
	free(text);
}

/* ---- 28.5: the datagram socket ---------------------------------------- */

/* Group OUTSIDE (of the machine) as the test's user namespace sees it:
 * the overflow gid if it is not mapped. */
static int gid_here(int outside)
{
	FILE *f = fopen("/proc/self/gid_map", "r");
	long in, out, n;
	int here = 65534;

	if (f == NULL)
		return -1;
	while (fscanf(f, "%ld %ld %ld", &in, &out, &n) == 3)
		if (outside >= out && outside < out + n)
			here = (int)(in + outside - out);
	fclose(f);
	return here;
}

static void datagram_socket_and_ping_group_range(void **state)
{
	hn_net *net = hn_two_hosts();
	FILE *tr = tmpfile();
	char range[64] = "", want[64];
	int fd, e4, e6;
	hn_proc *p;

	(void)state;
	hn_enter(net, "a");
	fd = open("/proc/sys/net/ipv4/ping_group_range", O_RDONLY);
	TK_EXPECT(fd >= 0 && read(fd, range, sizeof(range) - 1) > 0,
		  "cannot read ping_group_range");
	close(fd);
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	e4 = fd < 0 ? errno : 0;
	close(fd);
	fd = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6);
	e6 = fd < 0 ? errno : 0;
	close(fd);
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	TK_EXPECT(fd >= 0, "root of the test's user namespace should open "
		  "raw sockets in its hosts: %s", strerror(errno));
	close(fd);
	hn_leave(net);
	/* the kernel's 1 0 (nobody), each group as this user namespace
	 * sees it: 65534 (the overflow gid) when it is not mapped */
	snprintf(want, sizeof(want), "%d\t%d\n", gid_here(1), gid_here(0));
	TK_EXPECT(strcmp(range, want) == 0, "ping_group_range in a new "
		  "namespace reads %s, not the kernel's 1 0 as this user "
		  "namespace maps it, %s", tk_shown(range), tk_shown(want));
	TK_EXPECT(e4 == EACCES && e6 == EACCES, "the ICMP datagram sockets "
		  "should be refused (EACCES) by default: %s, %s",
		  strerror(e4), strerror(e6));

	shown(tr, net, "a", "ping -u -c 1 192.0.2.2", (char *[]){
	      (char *)PING(), "-u", "-c", "1", "192.0.2.2", NULL });
	p = shown(tr, net, "a", "/usr/bin/ping -c 1 192.0.2.2", (char *[]){
		  "/usr/bin/ping", "-c", "1", "192.0.2.2", NULL });
	TK_EXPECT(tk_exit_code(p) == 0, "iputils ping failed here: %s",
		  hn_stderr(p));
	ping_group_range(net, "a", "0 0");
	fprintf(tr, "a$ echo 0 0 > /proc/sys/net/ipv4/ping_group_range\n");
	p = shown(tr, net, "a", "ping -u -c 1 192.0.2.2", (char *[]){
		  (char *)PING(), "-u", "-c", "1", "192.0.2.2", NULL });
	TK_EXPECT(tk_exit_code(p) == 0, "ping -u failed after the range "
		  "was set: %s", hn_stderr(p));
	p = shown(tr, net, "a", "ping -u -c 1 2001:db8:1::2", (char *[]){
		  (char *)PING(), "-u", "-c", "1", "2001:db8:1::2", NULL });
	TK_EXPECT(tk_exit_code(p) == 0, "ping -u over IPv6 failed after "
		  "the range was set: %s", hn_stderr(p));
	close_transcript(tr, "pinggroup");
}

/* ---- 28.3: the checksum, ours and the kernel's ------------------------ */

static void checksums_ours_and_the_kernels(void **state)
{
	hn_net *net = hn_two_hosts();
	hn_cap *cap = hn_capture(net, "a", "b");
	unsigned char m[2048];
	int len, fd, off = 2, i;
	hn_proc *p;

	(void)state;
	ping_group_range(net, "a", "0 0");
	p = hn_run(net, "a", PING(), "-c", "1", "-s", "57", "192.0.2.2",
		   NULL);
	TK_EXPECT(tk_exited(p, 3000) && tk_exit_code(p) == 0, "raw ping "
		  "failed: %s", hn_stderr(p));
	p = hn_run(net, "a", PING(), "-u", "-c", "1", "-s", "57",
		   "192.0.2.2", NULL);
	TK_EXPECT(tk_exited(p, 3000) && tk_exit_code(p) == 0, "ping -u "
		  "failed: %s", hn_stderr(p));
	for (i = 0; i < 2; i++) {
		len = cap_icmp(cap, "icmp[icmptype] == icmp-echo", i, m,
			       sizeof(m));
		TK_EXPECT(len == 65 && ch28_sum(m, len, 0) == 0xffff,
			  "request %d (%s): %d bytes, sum 0x%04x", i + 1,
			  i ? "the kernel's checksum" : "ours", len,
			  ch28_sum(m, len, 0));
	}
	/* IPV6_CHECKSUM cannot be changed on a raw ICMPv6 socket */
	hn_enter(net, "a");
	fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	TK_EXPECT(setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &off,
			     sizeof(off)) < 0 && errno == EINVAL,
		  "IPV6_CHECKSUM on a raw ICMPv6 socket should be EINVAL");
	close(fd);
	fd = socket(AF_INET6, SOCK_RAW, IPPROTO_UDP);
	TK_EXPECT(setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &off,
			     sizeof(off)) == 0, "IPV6_CHECKSUM on a raw UDP "
		  "socket: %s", strerror(errno));
	close(fd);
	hn_leave(net);
}

/* ---- 28.4: watch it break ---------------------------------------------- */

static void naive_ping_counts_anothers_replies(void **state)
{
	hn_net *net = hn_chain(3);
	FILE *tr = tmpfile();
	hn_proc *p;
	int run;

	(void)state;
	ch28_nft(net, "r1", "onlyours", "forward",
		 "icmp type echo-request icmp id != 4242 drop");
	for (run = 0; run < 2; run++) {
		const char *cmd = run ? "ping -c 2 -i 50 -W 200 " SERVER :
				  "naiveping -c 2 -W 200 " SERVER;

		p = run ? hn_run(net, "client", PING(), "-c", "2", "-i", "50",
				 "-W", "200", SERVER, NULL)
			: hn_run(net, "client", tk_prog(CH, "naiveping"), "-c",
				 "2", "-W", "200", SERVER, NULL);
		TK_EXPECT(tk_saw(p, run ? "PING" : "sent", 2000), "%s "
			  "printed nothing: %s", cmd, hn_stderr(p));
		foreign_pings(net, 2);
		TK_EXPECT(tk_exited(p, 3000), "%s did not end", cmd);
		fprintf(tr, "client$ %s\n%s", cmd, hn_stdout(p));
		TK_EXPECT(strstr(hn_stdout(p), run ? "2 packets transmitted, "
				 "0 received" : "2 sent, 2 received") != NULL,
			  "%s printed\n%s", cmd, hn_stdout(p));
	}
	close_transcript(tr, "naive");
}

/* ---- 28.8: held against iputils ---------------------------------------- */

static struct pingout checked_ping(hn_proc *p, const char *who)
{
	struct pingout po;

	TK_EXPECT(tk_exited(p, 5000), "%s did not end in 5 s", who);
	po = ping_read(hn_stdout(p));
	TK_EXPECT(po.tx >= 0, "%s printed no summary:\n%s%s", who,
		  hn_stdout(p), hn_stderr(p));
	return po;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median RTT: one slow reply on a loaded machine does not move it. */
static double median_rtt(const struct pingout *po)
{
	double r[MAXLINES];

	if (po->n == 0)
		return 0;
	memcpy(r, po->rtt, po->n * sizeof(r[0]));
	qsort(r, po->n, sizeof(r[0]), cmp_double);
	return r[po->n / 2];
}

static void ping_against_iputils(void **state)
{
	hn_net *net = hn_chain(3);
	struct hn_impair im = { .delay_ms = 10 };
	struct pingout a, b;
	FILE *tr = tmpfile();
	char sa[128], sb[128];
	double ma, mb;
	int i;

	(void)state;
	hn_impair(net, "r3", "server", HN_OUT, &im);
	/* r2 drops every fourth echo request; reloaded before each run */
	const char *lossy = "icmp type echo-request numgen inc mod 4 == 3 "
			    "drop";
	ch28_nft(net, "r2", "lossy", "forward", lossy);
	a = checked_ping(shown(tr, net, "client", "ping -c 8 -i 20 -W 300 "
			       SERVER, (char *[]){ (char *)PING(), "-c", "8",
			       "-i", "20", "-W", "300", SERVER, NULL }),
			 "our ping");
	ch28_nft(net, "r2", "lossy", "forward", lossy);
	b = checked_ping(shown(tr, net, "client", "/usr/bin/ping -c 8 -i "
			       "0.02 -W 0.3 " SERVER, (char *[]){
			       "/usr/bin/ping", "-c", "8", "-i", "0.02", "-W",
			       "0.3", SERVER, NULL }), "iputils ping");
	sa[0] = sb[0] = '\0';
	for (i = 0; i < a.n; i++)
		snprintf(sa + strlen(sa), sizeof(sa) - strlen(sa), " %d/%d",
			 a.seq[i], a.ttl[i]);
	for (i = 0; i < b.n; i++)
		snprintf(sb + strlen(sb), sizeof(sb) - strlen(sb), " %d/%d",
			 b.seq[i], b.ttl[i]);
	TK_EXPECT(strcmp(sa, sb) == 0 && strcmp(sa, " 1/61 2/61 3/61 5/61 "
		  "6/61 7/61") == 0, "replies (seq/ttl): ours%s, iputils%s",
		  sa, sb);
	TK_EXPECT(a.tx == 8 && b.tx == 8 && a.rx == 6 && b.rx == 6 &&
		  a.loss == 25 && b.loss == 25, "loss: ours %d/%d %g%%, "
		  "iputils %d/%d %g%%", a.rx, a.tx, a.loss, b.rx, b.tx,
		  b.loss);
	/* RTTs within noise: all at least the 10 ms of delay, and the
	 * medians within 10 ms, or half the larger, of each other */
	for (i = 0; i < a.n; i++)
		TK_EXPECT(a.rtt[i] >= 10 && b.rtt[i] >= 10, "RTT of seq %d: "
			  "ours %.3f, iputils %.3f ms (10 ms of delay)",
			  a.seq[i], a.rtt[i], b.rtt[i]);
	ma = median_rtt(&a);
	mb = median_rtt(&b);
	TK_EXPECT(fabs(ma - mb) < 10 || fabs(ma - mb) < (ma > mb ? ma : mb) / 2,
		  "median RTTs: ours %.3f, iputils %.3f ms", ma, mb);
	close_transcript(tr, "ping-iputils");

	/* IPv6, through the same chain */
	a = checked_ping(shown(NULL, net, "client", "ping6", (char *[]){
			       (char *)PING(), "-c", "3", "-i", "20", "-W",
			       "300", SERVER6, NULL }), "our ping (IPv6)");
	b = checked_ping(shown(NULL, net, "client", "iputils6", (char *[]){
			       "/usr/bin/ping", "-c", "3", "-i", "0.02", "-W",
			       "0.3", SERVER6, NULL }), "iputils ping (IPv6)");
	TK_EXPECT(a.rx == 3 && b.rx == 3 && a.ttl[0] == b.ttl[0] &&
		  a.ttl[0] == 61, "IPv6: ours %d replies TTL %d, iputils %d "
		  "TTL %d", a.rx, a.ttl[0], b.rx, b.ttl[0]);
}

static void same_route(const char *out_a, const char *out_b,
		       struct route ra, struct route rb, const char *want,
		       const char *what)
{
	int i;

	TK_EXPECT(strcmp(route_text(&ra), want) == 0 &&
		  strcmp(route_text(&rb), want) == 0, "%s: the route should "
		  "be %s; ours %s:\n%s\ntheirs %s:\n%s", what, want,
		  route_text(&ra), out_a, route_text(&rb), out_b);
	for (i = 0; i < ra.n; i++)
		TK_EXPECT(ra.h[i].stars == rb.h[i].stars &&
			  strcmp(ra.h[i].mark, rb.h[i].mark) == 0,
			  "%s: hop %d lost %d of ours, %d of theirs (marks "
			  "'%s', '%s'):\n%s\n%s", what, i + 1, ra.h[i].stars,
			  rb.h[i].stars, ra.h[i].mark, rb.h[i].mark, out_a,
			  out_b);
}

/* The figure's table (book/figures/routes-dot.sh): each hop as each
 * program found it. */
static void route_table(const struct route *a, const struct route *b,
			const struct route *c, const struct route *d)
{
	const struct route *r[4] = { a, b, c, d };
	FILE *t = tk_transcript_open();
	int i, k;

	fprintf(t, "hop|traceroute|traceroute(8)|tracerr|tracepath\n");
	for (i = 0; i < a->n; i++) {
		fprintf(t, "%d", i + 1);
		for (k = 0; k < 4; k++) {
			const struct hop *h = &r[k]->h[i];

			fprintf(t, "|%s", h->addr[0] ? h->addr : "*");
			if (h->stars > 0)
				fprintf(t, " (%d of %d lost)", h->stars,
					h->stars + h->answers);
		}
		fprintf(t, "\n");
	}
	tk_transcript_close(t, CH, "routes");
}

static void traceroute_against_traceroute_and_tracepath(void **state)
{
	hn_net *net = hn_chain(3);
	FILE *tr = tmpfile();
	const char *lossy = "icmp type time-exceeded numgen inc mod 3 == 1 "
			    "drop";
	hn_proc *a, *b, *c;
	struct route ra, rb, rc, rp;

	(void)state;
	/* r2 drops every third time exceeded it sends */
	ch28_nft(net, "r2", "lossy", "output", lossy);
	a = shown(tr, net, "client", "traceroute -q 3 -w 300 " SERVER,
		  (char *[]){ (char *)TRACE(), "-q", "3", "-w", "300", SERVER,
		  NULL });
	ch28_nft(net, "r2", "lossy", "output", lossy);
	b = shown(tr, net, "client", "/usr/sbin/traceroute -n -N 1 -q 3 -w "
		  "0.3 " SERVER, (char *[]){ "/usr/sbin/traceroute", "-n",
		  "-N", "1", "-q", "3", "-w", "0.3", SERVER, NULL });
	ra = route_read(hn_stdout(a));
	rb = route_read(hn_stdout(b));
	same_route(hn_stdout(a), hn_stdout(b), ra, rb, R1 " " R2 " " R3 " "
		   SERVER, "r2 losing every third time exceeded");
	TK_EXPECT(ra.h[1].stars == 1, "hop 2 should lose 1 probe of 3:\n%s",
		  hn_stdout(a));
	close_transcript(tr, "trace-lossy");
	ch28_nft(net, "r2", "lossy", "output", lossy);
	c = shown(NULL, net, "client", "tracerr", (char *[]){
		  (char *)tk_prog(CH, "tracerr"), "-q", "3", "-w", "300",
		  SERVER, NULL });
	rc = route_read(hn_stdout(c));
	same_route(hn_stdout(a), hn_stdout(c), ra, rc, R1 " " R2 " " R3 " "
		   SERVER, "traceroute and tracerr, r2 lossy");

	/* no loss: tracerr (IP_RECVERR) against tracepath, IPv4 and IPv6 */
	hn_nft(net, "r2", "delete table inet lossy\n");
	tr = tmpfile();
	a = shown(tr, net, "client", "tracerr -q 1 " SERVER, (char *[]){
		  (char *)tk_prog(CH, "tracerr"), "-q", "1", SERVER, NULL });
	b = shown(tr, net, "client", "tracepath -n " SERVER, (char *[]){
		  "/usr/bin/tracepath", "-n", SERVER, NULL });
	rp = tracepath_read(hn_stdout(b));
	same_route(hn_stdout(a), hn_stdout(b), route_read(hn_stdout(a)),
		   rp, R1 " " R2 " " R3 " " SERVER, "tracerr and tracepath");
	close_transcript(tr, "tracerr");
	route_table(&ra, &rb, &rc, &rp);
	a = shown(NULL, net, "client", "tracerr6", (char *[]){
		  (char *)tk_prog(CH, "tracerr"), "-q", "1", SERVER6, NULL });
	b = shown(NULL, net, "client", "tracepath6", (char *[]){
		  "/usr/bin/tracepath", "-n", SERVER6, NULL });
	same_route(hn_stdout(a), hn_stdout(b), route_read(hn_stdout(a)),
		   tracepath_read(hn_stdout(b)), R1_6 " " R2_6 " " R3_6 " "
		   SERVER6, "tracerr and tracepath over IPv6");
	a = shown(NULL, net, "client", "traceroute6", (char *[]){
		  (char *)TRACE(), "-q", "1", SERVER6, NULL });
	b = shown(NULL, net, "client", "traceroute(8) -6", (char *[]){
		  "/usr/sbin/traceroute", "-n", "-q", "1", SERVER6, NULL });
	same_route(hn_stdout(a), hn_stdout(b), route_read(hn_stdout(a)),
		   route_read(hn_stdout(b)), R1_6 " " R2_6 " " R3_6 " "
		   SERVER6, "traceroute and traceroute(8) over IPv6");
}

static void unreachable_against_traceroute(void **state)
{
	hn_net *net = hn_chain(3);
	FILE *tr = tmpfile();
	hn_proc *a, *b, *c;

	(void)state;
	hn_unreachable(net, "r2", "server", HN_UNREACH_HOST, 0, 0);
	a = shown(tr, net, "client", "traceroute -q 2 " SERVER, (char *[]){
		  (char *)TRACE(), "-q", "2", SERVER, NULL });
	b = shown(tr, net, "client", "/usr/sbin/traceroute -n -q 2 " SERVER,
		  (char *[]){ "/usr/sbin/traceroute", "-n", "-q", "2", SERVER,
		  NULL });
	c = shown(tr, net, "client", "tracerr -q 2 " SERVER, (char *[]){
		  (char *)tk_prog(CH, "tracerr"), "-q", "2", SERVER, NULL });
	same_route(hn_stdout(a), hn_stdout(b), route_read(hn_stdout(a)),
		   route_read(hn_stdout(b)), R1 " " R2 " " R2,
		   "r2 answering host unreachable");
	TK_EXPECT(strcmp(route_text(&(struct route){ 0 }), "") == 0 &&
		  strcmp(route_text((struct route[]){ route_read(
		  hn_stdout(c)) }), R1 " " R2 " " R2) == 0, "tracerr:\n%s",
		  hn_stdout(c));
	TK_EXPECT(tk_exit_code(a) == 1 && tk_exit_code(c) == 1, "traceroute "
		  "and tracerr should exit 1: %d, %d", tk_exit_code(a),
		  tk_exit_code(c));
	close_transcript(tr, "unreach");
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(datagram_socket_and_ping_group_range),
		TK_TEST(checksums_ours_and_the_kernels),
		TK_TEST(naive_ping_counts_anothers_replies),
		TK_TEST(ping_against_iputils),
		TK_TEST(traceroute_against_traceroute_and_tracepath),
		TK_TEST(unreachable_against_traceroute),
	};
	return TK_RUN("raw", tests);
}
