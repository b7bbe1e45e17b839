/*
 * tkhelpers.h - what the tests of more than one chapter need, on top of
 * testkit.h and harness.h: a chapter's programs run here (on loopback)
 * and the lines they print, sockets the test makes itself (here or in a
 * host of a network), reads with a deadline, and the check that bad
 * command lines are explained.  A chapter's own test header keeps only
 * what belongs to that chapter.  See harness/README.md, "The test kit".
 */
#ifndef TKHELPERS_H
#define TKHELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <poll.h>
#include <sys/types.h>

#include "harness.h"
#include "testkit.h"

#define TK_LOOPBACK "127.0.0.1"

/* ---- programs ---------------------------------------------------------- */

/* Runs chapter CH's program NAME (build/ch/CH/NAME) here, with the
 * arguments listed, ending with NULL: hn_run(NULL, ...) for a chapter's
 * example.  Fails the test if it is not built. */
hn_proc *tk_run(const char *ch, const char *name, ...)
	__attribute__((sentinel));

/* The other end of the test's TCP connection fd, when it is in this
 * network namespace (a server on loopback, say): the bytes it has
 * received and its program not yet read.  -1 if there is no such socket
 * (not yet, or no longer).  One lookup (sock_diag), not a walk of
 * /proc/net/tcp, which reads the kernel's whole connection table. */
long tk_peer_unread(int fd);

/* ---- programs that wait for what will not come ---------------------- */

/* A watch over programs the harness started (each leads a session: it
 * and all it forked) and this network namespace's TCP connections.  They
 * are still when every thread of theirs sleeps (or is stopped, or dead),
 * none has run since the last look, and no TCP segment is on its way: no
 * connection half open or closing, no byte sent and not yet acknowledged
 * (the kernel changes a socket's state when a program closes it, before
 * its FIN leaves).  Programs still for a while wait for something that
 * will not come; a program that is merely slow, or starved of the CPU,
 * is runnable, never still.  So a test waiting for them can end at once
 * with the answer it would have had at its deadline.  (A process that
 * leaves the session, with setsid(), is no longer watched; nor is a
 * timer: a program asleep in a timed wait longer than the watch's time
 * looks still.) */
struct tk_still {
	unsigned long long mark;        /* what the last look saw run */
	long long since;                /* when it last saw anything move */
	hn_net *net;                    /* NULL: this namespace only */
	const char *hosts[4];           /* else these hosts of net */
};
/* Begins a watch (looks after this count from now). */
void tk_still_start(struct tk_still *w);
/* Begins a watch whose TCP connections are those of the hosts of net
 * named (up to 4, NULL-ended): every host the programs' segments cross.
 * A segment delayed by a hn_impair() is on its way too: its sender has
 * not had it acknowledged. */
void tk_still_in(struct tk_still *w, hn_net *net, const char *const *hosts);
/* Looks again: true once the n programs led by leaders[] (pids) have
 * been still for ms, as seen by this look and the ones before it. */
bool tk_still_for(struct tk_still *w, const pid_t *leaders, int n, int ms);
/* The same for the code a test runs in its own process: true once every
 * thread of this process but the caller's has been still for ms (the
 * student's functions, run in threads of the test, wait for each other,
 * or for the test, which does not come). */
bool tk_threads_still(struct tk_still *w, int ms);
/* Waits for P to exit within timeout_ms, or until it and the programs
 * led by others[] are still for still_ms, watched by w (begun by the
 * caller; NULL: in this namespace): its wait status, or -1 (then *still
 * says whether they were stuck rather than slow). */
int tk_exit_unless_still(hn_proc *p, struct tk_still *w,
			 const pid_t *others, int n, int timeout_ms,
			 int still_ms, bool *still);

/* Whether a line holding NEEDLE came on stdout within timeout_ms, after
 * the lines earlier calls looked at (hn_next_line). */
bool tk_saw(hn_proc *p, const char *needle, int timeout_ms);

/* Waits for the line "listening on port N" that the chapters' servers
 * print when given port 0, and returns N; fails the test if it does not
 * come within timeout_ms, saying why if it can see it (the process limit
 * stopped its forks, it computed the whole time, it died).  A program
 * that a limit or an endless loop kept from listening is not waited for
 * again by the later tests of this run: they fail at once, saying so. */
int tk_listening_port(hn_proc *p, int timeout_ms);

/* Whether the program exited within within_ms (hn_exit_status(p) then
 * gives its wait status). */
bool tk_exited(hn_proc *p, int within_ms);

/* How the program ended, as a shell says it: its exit status, 128 +
 * the signal's number if a signal killed it, -1 while it runs. */
int tk_exit_code(hn_proc *p);

/* A program run with bad arguments, and what it must say on stderr. */
struct tk_bad_args {
	const char *prog;
	const char *args[4];        /* NULL-ended */
	const char *want;
};
/* Runs each of chapter CH's programs with its bad arguments, here: each
 * must exit with status 1 within 2 s, saying `want` on stderr. */
void tk_expect_bad_args(const char *ch, const struct tk_bad_args *c,
			size_t n);

/* ---- processes, as /proc shows them ---------------------------------- */

/* A server's children, their states and how a zombie ended, read from
 * /proc; a wait looks again every millisecond (nothing notifies a state
 * change) until the event or the deadline.  PIDs are those of the
 * sandbox (hn_pid()). */

/* 'R', 'S', 'T' (stopped), 'Z' (zombie) ..., or 0 if there is none. */
char tk_proc_state(pid_t pid);
/* The wait status (as from waitpid) of a zombie: field 52 of stat. */
int tk_zombie_status(pid_t pid);
/* The children of parent now, up to max of them; returns how many. */
int tk_children(pid_t parent, pid_t out[], int max);
/* Waits until parent has at least n children; fills out[].  Returns how
 * many it has at the end. */
int tk_wait_children(pid_t parent, int n, pid_t out[], int max,
		     int timeout_ms);
/* Waits until the process is in state (0: gone).  Returns true if so. */
bool tk_wait_state(pid_t pid, char state, int timeout_ms);
/* Stops a process (SIGSTOP) and waits until it is stopped. */
bool tk_stop(pid_t pid);
/* How many sockets the process holds (its /proc/PID/fd links).  A
 * program started by the harness inherits none of the test's, so every
 * one counted is its own.  Fails the test if /proc cannot be read. */
int tk_sockets_of(pid_t pid);

/* ---- a server's sockets, borrowed (pidfd_getfd(2)) --------------------- */

/* The test started the server, so it may copy the server's descriptors
 * and ask them what the server set on them.  Only descriptors 0 to 63
 * are looked at.  A system that forbids the look (before Linux 5.6,
 * kernel.yama.ptrace_scope 2 or more) fails the test saying so, never
 * blaming the server. */

/* The server's end of the test's TCP connection fd (its own socket whose
 * peer is fd's local address), borrowed: the caller closes it.  -1 if
 * the server holds no such socket or has ended. */
int tk_server_end_of(pid_t pid, int fd);
/* How many TCP connections (sockets not listening, live or broken) the
 * server holds open; 0 once it has ended. */
int tk_server_connections(pid_t pid);
/* The first socket of TYPE (SOCK_DGRAM, ...) among the descriptors of
 * process pid, borrowed with pidfd_getfd: the same open file, so its
 * flags, owner and queues are the process's own.  -1 if it has none or
 * has ended.  Close it when done. */
int tk_socket_of(pid_t pid, int type);
/* An int option of a socket (a borrowed one, say); fails the test if
 * getsockopt fails. */
int tk_sockopt_int(int s, int level, int name);

/* ---- sockets the test makes -------------------------------------------- */

/* A TCP connection from HOST of NET to ADDR (IPv4 or IPv6 text) and
 * PORT, blocking.  NET NULL: from where the calling thread is (the
 * sandbox, on loopback, or the host it hn_enter()ed).  Fails the test,
 * naming both ends, if connect() fails.  Close-on-exec, so a program the
 * test starts later does not keep the connection open. */
int tk_connect(hn_net *net, const char *host, const char *addr, int port);
/* If set, tk_connect calls it on the new socket just before connect():
 * a test that needs an option on the SYN (IP_OPTIONS, say) sets it and
 * puts it back to NULL. */
extern void (*tk_before_connect)(int fd, int family);
/* The same from where the calling thread is: tk_connect(NULL, ...). */
int tk_connect_here(const char *addr, int port);

/* A TCP socket listening in HOST (NET NULL: here) on ADDR ("0.0.0.0",
 * "::", or one address) and PORT, with SO_REUSEADDR and this backlog; it
 * accepts only when the test does.  Fails the test if it cannot. */
int tk_listen(hn_net *net, const char *host, const char *addr, int port,
	      int backlog);

/* Closes fd so that the peer gets a RST (SO_LINGER with zero time). */
void tk_close_rst(int fd);

/* ---- reading with a deadline ------------------------------------------- */

/* Milliseconds from a monotonic clock. */
long long tk_now_ms(void);
/* poll() until one of FDS is ready or the deadline, through EINTR, and
 * in the VM not past the moment it fell idle (hn_give_up_when_idle):
 * poll's result, 0 at the deadline. */
int tk_poll(struct pollfd *fds, nfds_t n, int timeout_ms);
/* Waits until fd is readable (data, end of file or error); false at the
 * deadline (or once the VM fell idle, as tk_poll). */
bool tk_readable(int fd, int timeout_ms);
/* Reads until n bytes arrived, end of file or the deadline; returns the
 * number read. */
size_t tk_read_n(int fd, void *buf, size_t n, int timeout_ms);
/* Reads until a '\n' arrived (or the deadline, or end of file), one byte
 * at a time so it never reads past the line; NUL-terminates; returns the
 * number of bytes read. */
size_t tk_read_line(int fd, char *buf, size_t size, int timeout_ms);

/* ---- echo servers ----------------------------------------------------- */

/* Sends LINE (ending in '\n') on fd and reads one line back within
 * timeout_ms: true if it is the same line.  tk_last_echo() then gives
 * what came back (a line, part of one at the deadline, or ""), for the
 * failure message. */
bool tk_echoes(int fd, const char *line, int timeout_ms);
const char *tk_last_echo(void);

/* ---- real peers -------------------------------------------------------- */

/* nginx (the Debian package) started in HOST as an ordinary program: no
 * daemon, no master process, its pid file, logs and temporary files in
 * a fresh directory of its own, user root (the sandbox maps the test's
 * user to root, and nginx as root would hand its files to "nobody", who
 * does not exist there).  HTTP is what goes inside the http { } block
 * (types, timeouts, server blocks; "%DIR%" is nginx's directory);
 * access_log is off.  Ready when TCP PORT listens. */
hn_proc *tk_nginx(hn_net *net, const char *host, const char *http,
		  int port);

/* ---- names: the resolver pointed at the test's own DNS server --------- */

/* Gives the sandbox its own /etc/resolv.conf, /etc/hosts, /etc/gai.conf
 * and /etc/nsswitch.conf ("hosts: files dns"): files in the sandbox's
 * tmpfs bind-mounted over /etc's in its mount namespace, so the test
 * and every program it runs read them, and nothing outside does.  Each
 * call writes the contents given (NULL: an empty file); glibc sees a
 * new resolv.conf or hosts at its next lookup, a new gai.conf in a new
 * process.  Fails the test if a mount is refused. */
void tk_resolver(const char *resolv_conf, const char *hosts,
		 const char *gai_conf);

/* dnsmasq (the real one, as a peer) in HOST, answering on port 53 of
 * HOST's addresses, UDP and TCP, with these configuration lines (the
 * zone: host-record=, cname=, local=, server= ...) after its own
 * (no-resolv, no-hosts, no daemon, a log of queries on stderr).  Ready
 * when it listens.  Its queries are in its hn_stderr(). */
hn_proc *tk_dnsmasq(hn_net *net, const char *host, const char *zone);

/* ---- SCTP (chapters 9, 10, 23; in the VM where the kernel lacks it) ---- */

/* Asks the VM to carry lksctp-tools' sctp_darn and what
 * tk_sctp_darn_listen() runs it with (stdbuf, so its output comes line
 * by line).  Call before hn_require("sctp"). */
void tk_sctp_ship_peer(void);

/* lksctp-tools' sctp_darn listening in HOST on PORT of HOST's first
 * IPv4 address (-l: prints every notification and message it gets, with
 * the old struct sctp_sndrcvinfo), line-buffered; ready when the port is
 * bound. */
hn_proc *tk_sctp_darn_listen(hn_net *net, const char *host, int port);

/* A one-to-one SCTP socket (SOCK_STREAM, IPPROTO_SCTP) made in HOST and
 * associated with ADDR:PORT (IPv4), SCTP_RECVRCVINFO on (so that
 * recvmsg() gets an SCTP_RCVINFO cmsg with each message).  Returns it,
 * or -1 with errno set when the association could not be made (the
 * test says why in its own words). */
int tk_sctp_connect(hn_net *net, const char *host, const char *addr,
		    int port);

#endif
