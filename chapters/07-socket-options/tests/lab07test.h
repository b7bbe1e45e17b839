/*
 * lab07test.h - what lab 7's public and hidden tests both check: the
 * keepalive options of the server's own socket for a connection.
 */
#ifndef LAB07TEST_H
#define LAB07TEST_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

/* The server's end of the test's connection fd (it printed "connected")
 * has keepalive on with the timers of -k IDLE,INTVL,CNT, read from the
 * socket itself: no timer is waited for, so a server whose options are
 * wrong fails at once, saying which.  WHOSE names that socket in the
 * message ("the socket accept() returned for a client"). */
static inline void expect_keepalive(hn_proc *srv, int fd, int idle,
				    int intvl, int cnt, const char *whose)
{
	int s = tk_server_end_of(hn_pid(srv), fd), on, i, v, c;

	TK_EXPECT(s >= 0, "the server printed \"connected\" but holds no "
		  "socket connected to the client");
	on = tk_sockopt_int(s, SOL_SOCKET, SO_KEEPALIVE);
	i = tk_sockopt_int(s, IPPROTO_TCP, TCP_KEEPIDLE);
	v = tk_sockopt_int(s, IPPROTO_TCP, TCP_KEEPINTVL);
	c = tk_sockopt_int(s, IPPROTO_TCP, TCP_KEEPCNT);
	close(s);
	TK_EXPECT(on == 1, "SO_KEEPALIVE is off on %s, so no probe will "
		  "ever be sent on it: turn it on, at level SOL_SOCKET, on "
		  "that socket (see 7.5)", whose);
	TK_EXPECT(i == idle && v == intvl && c == cnt, "with -k %d,%d,%d "
		  "%s has TCP_KEEPIDLE %d, TCP_KEEPINTVL %d, TCP_KEEPCNT %d "
		  "(the kernel's defaults are 7200, 75, 9): set each from -k "
		  "on the connected socket, at level IPPROTO_TCP (see 7.5)",
		  idle, intvl, cnt, whose, i, v, c);
}

#endif
