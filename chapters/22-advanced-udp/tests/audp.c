/*
 * Chapter 22's suite: what IP_PKTINFO tells a UDP server (destination
 * address, interface), what MSG_TRUNC tells and does, the reply from the
 * wrong address on a host with two addresses and its two fixes, and the
 * lab's estimator beside the kernel's own on a delayed path.
 */
#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#include <limits.h>
#include <math.h>

#define CH "22-advanced-udp"
#define TWO_HOSTS "host client server\n" \
		  "link client server 192.0.2.0/24 2001:db8:1::/64\n"

static char *ports_scrubbed(const char *text)
{
	char *t = strdup(text);

	/* the client's ephemeral port changes from run to run */
	t = tk_scrub(t, "192\\.0\\.2\\.1:[0-9]+", "192.0.2.1:PORT");
	t = tk_scrub(t, "\\[2001:db8:1::1\\]:[0-9]+", "[2001:db8:1::1]:PORT");
	t = tk_scrub(t, "127\\.0\\.0\\.1:[0-9]+ to", "127.0.0.1:PORT to");
	t = tk_scrub(t, "192\\.0\\.2\\.1\\]:[0-9]+", "192.0.2.1]:PORT");
	return t;
}

/* Runs udpask in the client host and returns its output (one line). */
static const char *ask(hn_net *net, const char *const *args, int want)
{
	hn_proc *p;

	if (args[3] == NULL)
		p = hn_run(net, "client", tk_prog(CH, "udpask"), args[0],
			   args[1], args[2], NULL);
	else
		p = hn_run(net, "client", tk_prog(CH, "udpask"), args[0],
			   args[1], args[2], args[3], NULL);
	TK_EXPECT(tk_exited(p, 3000) && tk_exit_code(p) == want,
		  "udpask %s %s %s ended with %d, not %d: %s", args[0],
		  args[1], args[2], tk_exit_code(p), want,
		  tk_shown(hn_stderr(p)));
	return hn_stdout(p);
}

/* ---- 22.2: destination address and interface ----------------------------- */

static void pktinfo_names_destination_and_interface(void **state)
{
	hn_net *net = hn_up(TWO_HOSTS);
	hn_proc *s4 = hn_run(net, "server", tk_prog(CH, "udpdst"), "9877",
			     NULL);
	hn_proc *s6 = hn_run(net, "server", tk_prog(CH, "udpdst"), "-6",
			     "9878", NULL);
	const char *out4, *out6, *outm;
	char *l4, *l6, *lm;
	char *t;

	(void)state;
	TK_EXPECT(tk_saw(s4, "listening on port 9877", 2000) &&
		  tk_saw(s6, "listening on port 9878", 2000),
		  "udpdst did not start: %s", tk_shown(hn_stderr(s4)));
	out4 = ask(net, (const char *[]){ "192.0.2.2", "9877", "hello",
					  NULL }, 0);
	l4 = hn_next_line(s4, "bytes from", 2000);
	out6 = ask(net, (const char *[]){ "2001:db8:1::2", "9878", "hello",
					  NULL }, 0);
	l6 = hn_next_line(s6, "bytes from", 2000);
	outm = ask(net, (const char *[]){ "192.0.2.2", "9878", "hello",
					  NULL }, 0);
	lm = hn_next_line(s6, "bytes from", 2000);
	TK_EXPECT(l4 && strstr(l4, "to 192.0.2.2 on eth0"), "udpdst said "
		  "\"%s\" for a datagram to 192.0.2.2", l4 ? l4 : "nothing");
	TK_EXPECT(l6 && strstr(l6, "to 2001:db8:1::2 on eth0"), "udpdst -6 "
		  "said \"%s\"", l6 ? l6 : "nothing");
	TK_EXPECT(lm && strstr(lm, "to ::ffff:192.0.2.2 on eth0"),
		  "udpdst -6 said \"%s\" for an IPv4 datagram", lm ? lm :
		  "nothing");
	{
		char *text;
		size_t len;
		FILE *m = open_memstream(&text, &len);

		fprintf(m, "server$ udpdst 9877 &\nlistening on port 9877\n"
			"server$ udpdst -6 9878 &\nlistening on port 9878\n"
			"client$ udpask 192.0.2.2 9877 hello\n%s\n%s"
			"client$ udpask 2001:db8:1::2 9878 hello\n%s\n%s"
			"client$ udpask 192.0.2.2 9878 hello\n%s\n%s",
			l4, out4, l6, out6, lm, outm);
		fclose(m);
		t = ports_scrubbed(text);
		free(text);
	}
	tk_transcript(CH, "pktinfo", t);
	free(t);
	free(l4);
	free(l6);
	free(lm);
}

/* ---- 22.3: MSG_TRUNC ----------------------------------------------------- */

static void msg_trunc_measured(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	char big[100], buf[100];
	struct iovec iov = { .iov_base = buf, .iov_len = 10 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int r = Socket(AF_INET, SOCK_DGRAM, 0), s;
	ssize_t n;
	hn_proc *srv, *cli;
	char *t, *text;
	size_t len;
	FILE *m;

	(void)state;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	Bind(r, (struct sockaddr *)&a, alen);
	Getsockname(r, (struct sockaddr *)&a, &alen);
	s = Socket(AF_INET, SOCK_DGRAM, 0);
	Connect(s, (struct sockaddr *)&a, alen);
	memset(big, 'x', sizeof(big));

	/* recvmsg, 10-byte buffer: 10 returned, MSG_TRUNC in msg_flags */
	Send(s, big, 100, 0);
	n = recvmsg(r, &msg, 0);
	TK_EXPECT(n == 10 && (msg.msg_flags & MSG_TRUNC), "recvmsg of a "
		  "100-byte datagram into 10 bytes returned %zd, msg_flags "
		  "%#x", n, msg.msg_flags);
	/* the rest is gone: nothing more to read */
	n = recv(r, buf, sizeof(buf), MSG_DONTWAIT);
	TK_EXPECT(n == -1 && errno == EAGAIN, "after a truncated read, "
		  "recv returned %zd: the rest of the datagram is not "
		  "discarded?", n);
	/* MSG_TRUNC as a flag: the real length, 10 bytes copied */
	Send(s, big, 100, 0);
	memset(buf, 0, sizeof(buf));
	n = recv(r, buf, 10, MSG_TRUNC);
	TK_EXPECT(n == 100 && buf[9] == 'x' && buf[10] == '\0',
		  "recv(MSG_TRUNC) into 10 bytes returned %zd", n);
	/* with MSG_PEEK: learn the size first, then read it whole */
	Send(s, big, 100, 0);
	n = recv(r, NULL, 0, MSG_PEEK | MSG_TRUNC);
	TK_EXPECT(n == 100, "recv(NULL, 0, MSG_PEEK|MSG_TRUNC) returned %zd",
		  n);
	n = recv(r, buf, sizeof(buf), 0);
	TK_EXPECT(n == 100, "after the peek, recv returned %zd", n);
	close(r);
	close(s);

	srv = tk_run(CH, "udpdst", "-b", "10", "0", NULL);
	{
		int port = tk_listening_port(srv, 2000);
		char ps[16];
		char *l;

		snprintf(ps, sizeof(ps), "%d", port);
		cli = tk_run(CH, "udpask", "-s", "100", "127.0.0.1", ps, NULL);
		TK_EXPECT(tk_exited(cli, 3000) && tk_exit_code(cli) == 0,
			  "udpask failed: %s", tk_shown(hn_stderr(cli)));
		l = hn_next_line(srv, "bytes from", 2000);
		TK_EXPECT(l && strstr(l, "100 bytes") && strstr(l,
			  "(truncated)"), "udpdst -b 10 said \"%s\"",
			  l ? l : "nothing");
		TK_EXPECT(strstr(hn_stdout(cli), "10 bytes back") != NULL,
			  "udpask said \"%s\"", tk_chomp(hn_stdout(cli)));
		m = open_memstream(&text, &len);
		fprintf(m, "$ udpdst -b 10 9877 &\nlistening on port 9877\n"
			"$ udpask -s 100 127.0.0.1 9877\n%s\n%s", l,
			hn_stdout(cli));
		fclose(m);
		free(l);
	}
	t = ports_scrubbed(text);
	free(text);
	t = tk_scrub(t, "127\\.0\\.0\\.1:[0-9]+\n", "127.0.0.1:9877\n");
	tk_transcript(CH, "trunc", t);
	free(t);
}

/* ---- 22.4: a server with two addresses ----------------------------------- */

static void wrong_source_on_two_addresses(void **state)
{
	hn_net *net = hn_up(TWO_HOSTS);
	hn_cap *cap = hn_capture(net, "client", "server");
	hn_proc *ip = hn_run(net, "server", "/usr/sbin/ip", "addr", "add",
			     "192.0.2.3/24", "dev", "eth0", NULL);
	hn_proc *wild, *fixed;
	const char *a1, *a2, *a3, *a4;
	struct sockaddr_in me = { .sin_family = AF_INET };
	int bound;
	char *text, *t;
	size_t len;
	FILE *m;

	(void)state;
	TK_EXPECT(hn_wait_exit(ip, 2000) == 0, "ip addr add failed: %s",
		  tk_shown(hn_stderr(ip)));
	wild = hn_run(net, "server", tk_prog(CH, "udpdst"), "9877", NULL);
	fixed = hn_run(net, "server", tk_prog(CH, "udpdst"), "-p", "9878",
		       NULL);
	TK_EXPECT(tk_saw(wild, "listening", 2000) &&
		  tk_saw(fixed, "listening", 2000), "udpdst did not start");

	/* unconnected: the reply comes, from the other address */
	a1 = ask(net, (const char *[]){ "192.0.2.3", "9877", "hello", NULL },
		 0);
	TK_EXPECT(strstr(a1, "from 192.0.2.2:9877") != NULL, "asked at "
		  "192.0.2.3, the reply came %s", tk_chomp(a1));
	/* connected: that reply is not for this socket */
	a2 = ask(net, (const char *[]){ "-c", "192.0.2.3", "9877", "hello" },
		 1);
	TK_EXPECT(strstr(a2, "no reply") != NULL, "the connected client "
		  "said %s", tk_chomp(a2));
	TK_EXPECT(hn_cap_wait(cap, HN_ICMP_PORT_UNREACH " and src host "
			      "192.0.2.1", 1, 2000) >= 1, "the client host "
		  "sent no port unreachable for the reply from 192.0.2.2");
	/* fixed with IP_PKTINFO on sendmsg */
	a3 = ask(net, (const char *[]){ "-c", "192.0.2.3", "9878", "hello" },
		 0);
	TK_EXPECT(strstr(a3, "from 192.0.2.3:9878") != NULL, "udpdst -p "
		  "answered %s", tk_chomp(a3));
	/* or with a socket bound to that address */
	hn_enter(net, "server");
	bound = Socket(AF_INET, SOCK_DGRAM, 0);
	hn_leave(net);
	inet_pton(AF_INET, "192.0.2.3", &me.sin_addr);
	me.sin_port = htons(9879);
	Bind(bound, (struct sockaddr *)&me, sizeof(me));
	{
		hn_proc *p = hn_run(net, "client", tk_prog(CH, "udpask"), "-c",
				    "192.0.2.3", "9879", "hello", NULL);
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		char buf[64];
		ssize_t n;

		TK_EXPECT(tk_readable(bound, 2000), "nothing came to the "
			  "socket bound to 192.0.2.3");
		n = recvfrom(bound, buf, sizeof(buf), 0,
			     (struct sockaddr *)&from, &flen);
		Sendto(bound, buf, (size_t)n, 0, (struct sockaddr *)&from,
		       flen);
		TK_EXPECT(tk_exited(p, 3000), "udpask did not end");
		a4 = hn_stdout(p);
		TK_EXPECT(strstr(a4, "from 192.0.2.3:9879") != NULL, "the "
			  "bound socket's reply came %s", tk_chomp(a4));
	}
	close(bound);
	m = open_memstream(&text, &len);
	fprintf(m, "server$ ip addr add 192.0.2.3/24 dev eth0\n"
		"server$ udpdst 9877 &\nlistening on port 9877\n"
		"server$ udpdst -p 9878 &\nlistening on port 9878\n"
		"client$ udpask 192.0.2.3 9877 hello\n%s"
		"client$ udpask -c 192.0.2.3 9877 hello\n%s"
		"client$ udpask -c 192.0.2.3 9878 hello\n%s", a1, a2, a3);
	fclose(m);
	t = ports_scrubbed(text);
	free(text);
	tk_transcript(CH, "wrongsrc", t);
	free(t);
}

/* ---- 22.9: the lab's estimator beside the kernel's ----------------------- */

struct est { double us[3], tcp[3]; };

static int parse_rounds(const char *out, struct est *e, int max)
{
	int n = 0;
	const char *p = out;

	while ((p = strchr(p, '\n')) != NULL && n < max) {
		int round;

		p++;
		if (sscanf(p, "%d %lf %lf %lf %lf %lf %lf", &round,
			   &e[n].us[0], &e[n].us[1], &e[n].us[2], &e[n].tcp[0],
			   &e[n].tcp[1], &e[n].tcp[2]) == 7)
			n++;
	}
	return n;
}

static void estimator_beside_the_kernels(void **state)
{
	hn_net *net = hn_up(TWO_HOSTS "timing kernel\n");
	struct hn_impair im = { .delay_ms = 10, .jitter_ms = 20, .seed = 22 };
	struct est e[40];
	hn_proc *p;
	int n;

	(void)state;
	hn_inetd(net, "server", "echo");
	hn_impair(net, "client", "server", HN_OUT, &im);
	p = hn_run(net, "client", tk_prog(CH, "rttcmp"), "-n", "40", "-m",
		   "200", "192.0.2.2", "7", NULL);
	TK_EXPECT(tk_exited(p, 15000) && tk_exit_code(p) == 0, "rttcmp "
		  "failed: %s", tk_shown(hn_stderr(p)));
	n = parse_rounds(hn_stdout(p), e, 40);
	TK_EXPECT(n == 40, "rttcmp printed %d rounds, not 40", n);
	/* both see the same path: 10 to 30 ms, plus the way back */
	TK_EXPECT(e[39].us[0] >= 10 && e[39].us[0] < 60 &&
		  e[39].tcp[0] >= 10 && e[39].tcp[0] < 60,
		  "after 40 rounds on a 10-30 ms path SRTT is %.1f ms (ours) "
		  "and %.1f ms (the kernel's)", e[39].us[0], e[39].tcp[0]);
	/* ours is clamped at 200 ms; the kernel's RTO is above 200 ms */
	TK_EXPECT(fabs(e[39].us[2] - 200) < 0.05 &&
		  e[39].tcp[2] >= e[39].tcp[0] + 196,
		  "the RTOs after 40 rounds: %.1f ms (ours, floor 200) and "
		  "%.1f ms (the kernel's, SRTT + 200 ms at least, in 4 ms "
		  "ticks)", e[39].us[2], e[39].tcp[2]);
	if (getenv("TK_UPDATE_TRANSCRIPTS") != NULL) {
		char top[PATH_MAX] = "", path[PATH_MAX + 64];
		FILE *f = fopen(tk_path(".buildroot"), "r");

		if (f != NULL && fgets(top, sizeof(top), f) != NULL)
			top[strcspn(top, "\n")] = '\0';
		if (f != NULL)
			fclose(f);
		snprintf(path, sizeof(path), "%s/chapters/" CH
			 "/transcripts/rttcmp.txt", top);
		f = fopen(path, "w");

		if (f != NULL) {
			fprintf(f, "client$ rttcmp -n 40 -m 200 192.0.2.2 7\n"
				"%s", hn_stdout(p));
			fclose(f);
		}
	}
}

int main(void)
{
	hn_init();
	const struct CMUnitTest tests[] = {
		TK_TEST(pktinfo_names_destination_and_interface),
		TK_TEST(msg_trunc_measured),
		TK_TEST(wrong_source_on_two_addresses),
		TK_TEST(estimator_beside_the_kernels),
	};
	return TK_RUN("audp", tests);
}
