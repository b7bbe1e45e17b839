/*
 * tutil.h - small socket helpers shared by the harness's own tests.
 * Each makes its socket inside a host (hn_enter) and fails the test with
 * a message if anything goes wrong.
 */
#ifndef TUTIL_H
#define TUTIL_H

#include "harness.h"

/* A UDP socket in HOST bound to PORT (0: any) of FAMILY. */
int t_udp(hn_net *net, const char *host, int family, int port);
/* A UDP socket in HOST connected to DST's address and PORT. */
int t_udp_to(hn_net *net, const char *host, const char *dst, int family,
	     int port);
/* A listening TCP socket in HOST on PORT. */
int t_listen(hn_net *net, const char *host, int family, int port);
/* A TCP socket in HOST connected to DST:PORT. */
int t_connect(hn_net *net, const char *host, const char *dst, int family,
	      int port);
/* accept() with a deadline. */
int t_accept(int lfd, int timeout_ms);
/* recv() with a deadline: bytes, 0 at end of file, -1 with errno
 * (ETIMEDOUT when nothing came in time). */
ssize_t t_recv(int fd, void *buf, size_t len, int timeout_ms);
/* The local port a socket is bound to. */
int t_port(int fd);
long t_now_ms(void);

#endif
