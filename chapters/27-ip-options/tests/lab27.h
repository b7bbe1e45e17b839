/*
 * lab27.h - how lab 27's tests (public and hidden) run the student's
 * rrcli in the client host of a chain of routers, against the chapter's
 * rrserv or against a server the test plays itself, and say in words
 * what went wrong.
 */
#ifndef LAB27_H
#define LAB27_H

#include "ch27.h"

#define RRSERV_PORT "9878"
#define OWN_PORT 9879		/* where the test plays the server */

/* hn_chain(n) with rrserv running in the server host. */
static inline hn_net *rr_chain(int nrouters)
{
	hn_net *net = hn_chain(nrouters);
	hn_proc *s = hn_run(net, "server", tk_prog(CH, "rrserv"),
			    RRSERV_PORT, NULL);

	TK_EXPECT(tk_listening_port(s, 2000) == atoi(RRSERV_PORT),
		  "rrserv did not start: %s", hn_stderr(s));
	return net;
}

/* Runs the student's rrcli in the client host against ADDR PORT and
 * waits at most 3 s (its own limit is 2 s) for it to end. */
static inline hn_proc *rrcli_run(hn_net *net, const char *addr,
				 const char *port)
{
	static char *prog;
	hn_proc *p;

	if (prog == NULL)
		prog = tk_sibling("rrcli");
	p = hn_run(net, "client", prog, addr, port, NULL);
	TK_EXPECT(tk_exited(p, 3000), "rrcli was still running after 3 s "
		  "(it should give up after 2 s): %s",
		  tk_shown(hn_stdout(p)));
	return p;
}

/* What rrcli's output says went wrong, with the section to read. */
static inline const char *rrcli_diagnosis(hn_proc *p)
{
	const char *err = hn_stderr(p);

	if (strstr(err, "setsockopt") != NULL &&
	    strstr(err, "Invalid argument") != NULL)
		return " The kernel refused the option: its length counts "
		       "code, length and pointer (3 bytes) plus 4 a slot, and "
		       "the pointer starts at 4: see 27.4.";
	if (strstr(err, "no record route option") != NULL)
		return " The reply's options come as a control message of "
		       "type IP_RECVOPTS, after setsockopt(IP_RECVOPTS) (see "
		       "27.4); among them a NOP is one byte and every other "
		       "option gives its own length (see 27.2).";
	if (strstr(err, "no reply") != NULL)
		return " No reply came: a host drops a packet whose option "
		       "is malformed (a length that is not 3 + 4 a slot): see "
		       "27.4.";
	return "";
}

/* Expects rrcli's output to be the route HOPS (addresses separated by
 * spaces) out of NSLOTS slots, line for line. */
static inline void expect_route(hn_proc *p, int nslots,
				const char *hops, const char *what)
{
	char want[1024], a[INET_ADDRSTRLEN + 1];
	const char *h = hops;
	int n = 0, off;

	want[0] = '\0';
	while (sscanf(h, "%16s%n", a, &off) == 1) {
		n++;
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "hop %d %s\n", n, a);
		h += off;
	}
	char *full = NULL;
	if (asprintf(&full, "route: %d hops recorded of %d\n%s", n, nslots,
		     want) < 0)
		abort();
	TK_EXPECT(tk_exit_code(p) == 0, "rrcli failed %s (it said: %s)%s",
		  what, tk_chomp(hn_stderr(p)), rrcli_diagnosis(p));
	TK_EXPECT(strcmp(hn_stdout(p), full) == 0, "%s, rrcli printed\n%s"
		  "\ninstead of\n%s", what, tk_chomp(hn_stdout(p)),
		  tk_chomp(full));
	free(full);
}

/* The test plays the server in the server host: a UDP socket on
 * OWN_PORT that answers rrcli's datagram itself, its reply carrying
 * the options OPT (LEN bytes, set with IP_OPTIONS). */
static inline hn_proc *own_server_reply(hn_net *net,
					const unsigned char *opt, int len)
{
	struct sockaddr_in me = { .sin_family = AF_INET,
				  .sin_port = htons(OWN_PORT) };
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	char port[16], buf[512];
	hn_proc *p;
	ssize_t n;
	int fd;

	hn_enter(net, "server");
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	TK_EXPECT(fd >= 0 && bind(fd, (struct sockaddr *)&me,
				  sizeof(me)) == 0 &&
		  setsockopt(fd, IPPROTO_IP, IP_OPTIONS, opt, len) == 0,
		  "the test cannot set up its server: %s", strerror(errno));
	hn_leave(net);
	snprintf(port, sizeof(port), "%d", OWN_PORT);
	p = hn_run(net, "client", tk_sibling("rrcli"), SERVER, port, NULL);
	TK_EXPECT(tk_readable(fd, 2000), "no datagram from rrcli came in 2 s "
		  "(it said: %s)%s", tk_chomp(hn_stderr(p)),
		  rrcli_diagnosis(p));
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		     &fromlen);
	TK_EXPECT(n >= 0 && sendto(fd, buf, n, 0, (struct sockaddr *)&from,
				   fromlen) == n, "the test cannot reply: %s",
		  strerror(errno));
	close(fd);
	TK_EXPECT(tk_exited(p, 3000), "rrcli was still running 3 s after "
		  "the reply");
	return p;
}

#endif
