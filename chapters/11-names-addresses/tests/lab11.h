/*
 * lab11.h - what lab 11's public and hidden tests share: the network
 * and zone of tests/names11.h with the kernel's own timers, and the
 * student's functions called in a child process in the client host,
 * so that one that blocks is stopped at a deadline and said so.
 */
#ifndef LAB11_H
#define LAB11_H

#include "names11.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>

#define PORT "9877"
#define PORTN 9877

/* What a call of the student's function gave, seen from the child. */
struct call {
	bool finished;          /* false: still running at the deadline */
	long long ms;           /* how long it took */
	int rc;                 /* the return value */
	int err;                /* errno after it */
	char text[160];         /* name_strerror(rc), or the peer/local */
	int family;             /* the socket's family, type, O_NONBLOCK */
	int type;
	int nonblock;
	int leaked;             /* descriptors left open besides rc */
	socklen_t len;          /* *addrlenp / *lenp */
	char addr[128];         /* udp_client's *saptr */
};

enum which { DO_TCP_CONNECT, DO_TCP_LISTEN, DO_UDP_CLIENT, DO_UDP_CONNECT,
	     DO_UDP_SERVER };

static hn_net *lab_net;

static inline hn_net *lab_up(void)
{
	lab_net = hn_up(NAMES11_TOPO "timing kernel\n");
	tk_dnsmasq(lab_net, "dns", NAMES11_ZONE);
	tk_resolver(NAMES11_RESOLV, NAMES11_HOSTS, NULL);
	return lab_net;
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n - 3;           /* ".", ".." and the directory's own */
}

static void describe(struct call *c)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss), tl = sizeof(c->type);
	int fl;

	if (c->rc < 0) {
		snprintf(c->text, sizeof(c->text), "%s", name_strerror(c->rc));
		return;
	}
	if (getpeername(c->rc, (struct sockaddr *)&ss, &len) < 0) {
		len = sizeof(ss);
		getsockname(c->rc, (struct sockaddr *)&ss, &len);
	}
	if (sock_ntop((struct sockaddr *)&ss, len, c->text,
		      sizeof(c->text)) == NULL)
		snprintf(c->text, sizeof(c->text), "(no address)");
	c->family = ss.ss_family;
	getsockopt(c->rc, SOL_SOCKET, SO_TYPE, &c->type, &tl);
	fl = fcntl(c->rc, F_GETFL);
	c->nonblock = fl >= 0 && (fl & O_NONBLOCK) != 0;
}

static void do_call(struct call *c, enum which w, const char *name,
		    const char *serv)
{
	struct sockaddr *sa = NULL;
	int before = open_fds();

	errno = 0;
	switch (w) {
	case DO_TCP_CONNECT: c->rc = tcp_connect(name, serv); break;
	case DO_TCP_LISTEN: c->rc = tcp_listen(name, serv, &c->len); break;
	case DO_UDP_CLIENT:
		c->rc = udp_client(name, serv, &sa, &c->len);
		break;
	case DO_UDP_CONNECT: c->rc = udp_connect(name, serv); break;
	case DO_UDP_SERVER: c->rc = udp_server(name, serv, &c->len); break;
	}
	c->err = errno;
	c->finished = true;
	c->leaked = open_fds() - before - (c->rc >= 0);
	describe(c);
	if (sa != NULL && c->len > 0 &&
	    c->len <= sizeof(struct sockaddr_storage) &&
	    sock_ntop(sa, c->len, c->addr, sizeof(c->addr)) == NULL)
		snprintf(c->addr, sizeof(c->addr), "(not an address)");
	free(sa);
}

/* Calls the function in HOST: tcp_connect in a child (it may block: at
 * most limit_ms; the socket is closed with the child), the others here
 * (their socket, c.rc, is the test's to use and close). */
static inline struct call lab_call(const char *host, enum which w,
			    const char *name, const char *serv,
			    int limit_ms)
{
	struct call c;
	int pfd[2];
	pid_t pid;
	long long t0 = tk_now_ms();

	memset(&c, 0, sizeof(c));
	hn_enter(lab_net, host);
	if (w != DO_TCP_CONNECT) {
		do_call(&c, w, name, serv);
		hn_leave(lab_net);
		c.ms = tk_now_ms() - t0;
		return c;
	}
	if (pipe(pfd) < 0 || (pid = fork()) < 0) {
		hn_leave(lab_net);
		TK_FAIL("pipe or fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(pfd[0]);
		do_call(&c, w, name, serv);
		_exit(write(pfd[1], &c, sizeof(c)) == sizeof(c) ? 0 : 1);
	}
	hn_leave(lab_net);
	close(pfd[1]);
	if (!tk_readable(pfd[0], limit_ms) ||
	    tk_read_n(pfd[0], &c, sizeof(c), 1000) != sizeof(c)) {
		memset(&c, 0, sizeof(c));
		kill(pid, SIGKILL);
	}
	waitpid(pid, NULL, 0);
	close(pfd[0]);
	c.ms = tk_now_ms() - t0;
	return c;
}

/* The local port of a socket. */
static inline int sock_get_port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	getsockname(fd, (struct sockaddr *)&ss, &len);
	return sock_get_port((struct sockaddr *)&ss, len);
}

#define TK_CALLED(c, fn) \
	TK_EXPECT((c).finished, "%s did not return within %lld ms", fn, \
		  (c).ms)

#endif
