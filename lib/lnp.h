/*
 * lnp.h - the workbook's helper library ("Linux network programming").
 *
 * One include gives a program the headers it needs for sockets and the
 * helpers the chapters build up.  Naming rule: a function named after a
 * system call but Capitalised (Socket, Connect, ...) is a *wrapper*: it
 * calls the real function and, if that fails, prints a message naming the
 * call and exits.  Every lower-case function here is a *library* function:
 * it returns an error (usually -1 with errno set) and never exits.
 */
#ifndef LNP_H
#define LNP_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Sizes used throughout the book's programs. */
#define MAXLINE 4096          /* a text line */
#define BUFFSIZE 8192         /* a read or write buffer */
#define LISTENQ 1024          /* the listen() backlog */
#define SERV_PORT 9877        /* the echo examples' default port */
#define SOCK_NTOP_LEN 128     /* room for any sock_ntop() result */

typedef void sigfunc(int);

/* ---- error functions (error.c) ---------------------------------------- */
/* Fatal, with errno's text: for a failed system call. */
void err_sys(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
/* Fatal, without errno: for a failure that is not a system call's. */
void err_quit(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
/* Non-fatal, with errno's text. */
void err_ret(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Non-fatal, without errno. */
void err_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- reliable I/O (readio.c, lab 3) ------------------------------------ */
ssize_t readn(int fd, void *buf, size_t n);
ssize_t writen(int fd, const void *buf, size_t n);

/*
 * A line reader owns its buffer, so two descriptors, or two threads, never
 * share one.  Initialise one per descriptor with linebuf_init().
 */
struct linebuf {
	int fd;
	size_t count;         /* bytes buffered and not yet returned */
	size_t start;         /* index of the first of them */
	char data[MAXLINE];
};
void linebuf_init(struct linebuf *lb, int fd);
/* Reads one line (up to and including '\n') into buf, at most maxlen-1
 * bytes, and NUL-terminates it.  Returns the number of bytes stored, 0 at
 * end of file with nothing read, -1 on error.  A line longer than the
 * caller's buffer comes back in pieces: the rest arrives on the next call.
 * After an error, the part of a line already read (up to MAXLINE bytes)
 * stays in the reader and comes back first on the next call. */
ssize_t readline(struct linebuf *lb, void *buf, size_t maxlen);
/* How many bytes the reader holds that readline() has not returned yet. */
size_t linebuf_pending(const struct linebuf *lb);

/* ---- socket address helpers (sock_ntop.c, lab 3) ------------------------ */
/* "192.0.2.1:7", "[2001:db8::1]:7", "/path/of/socket" or "@abstract".
 * Return buf, or NULL with errno = EAFNOSUPPORT (unknown family),
 * EINVAL (salen too short for the family) or ENOSPC (buf too small). */
char *sock_ntop(const struct sockaddr *sa, socklen_t salen,
		char *buf, size_t buflen);
char *sock_ntop_host(const struct sockaddr *sa, socklen_t salen,
		     char *buf, size_t buflen);
/* Port in host byte order, or -1 (errno set; EAFNOSUPPORT for AF_UNIX). */
int sock_get_port(const struct sockaddr *sa, socklen_t salen);
int sock_set_port(struct sockaddr *sa, socklen_t salen, int port);
/* addr points at a struct in_addr or in6_addr matching sa's family, or
 * at a NUL-terminated path for AF_UNIX. */
int sock_set_addr(struct sockaddr *sa, socklen_t salen, const void *addr);
int sock_set_wild(struct sockaddr *sa, socklen_t salen);
/* 0 when equal, 1 when different, -1 (errno set) on bad input. */
int sock_cmp_addr(const struct sockaddr *a, const struct sockaddr *b,
		  socklen_t salen);
int sock_cmp_port(const struct sockaddr *a, const struct sockaddr *b,
		  socklen_t salen);
/* Binds sockfd to the wildcard address and an ephemeral port; returns the
 * port chosen (host byte order) or -1. */
int sock_bind_wild(int sockfd, int family);

/* ---- signals (signal.c) ------------------------------------------------- */
/* Installs func with sigaction; interrupted system calls are restarted
 * (SA_RESTART), except that SIGALRM interrupts them, so it can time out a
 * blocking call.  Returns the previous handler, or SIG_ERR. */
sigfunc *signal_install(int signo, sigfunc *func);
/* The same, but no call is ever restarted: they fail with EINTR. */
sigfunc *signal_intr(int signo, sigfunc *func);

/* ---- wrappers: exit with a message naming the call ---------------------- */
int Socket(int family, int type, int protocol);
void Bind(int fd, const struct sockaddr *sa, socklen_t salen);
void Connect(int fd, const struct sockaddr *sa, socklen_t salen);
void Listen(int fd, int backlog);
int Accept(int fd, struct sockaddr *sa, socklen_t *salenp);
void Getpeername(int fd, struct sockaddr *sa, socklen_t *salenp);
void Getsockname(int fd, struct sockaddr *sa, socklen_t *salenp);
void Getsockopt(int fd, int level, int name, void *val, socklen_t *lenp);
void Setsockopt(int fd, int level, int name, const void *val,
		socklen_t len);
void Shutdown(int fd, int how);
ssize_t Recv(int fd, void *buf, size_t n, int flags);
void Send(int fd, const void *buf, size_t n, int flags);
ssize_t Recvfrom(int fd, void *buf, size_t n, int flags,
		 struct sockaddr *sa, socklen_t *salenp);
void Sendto(int fd, const void *buf, size_t n, int flags,
	    const struct sockaddr *sa, socklen_t salen);
int Select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv);
int Poll(struct pollfd *fds, nfds_t nfds, int timeout);
void Socketpair(int family, int type, int protocol, int sv[2]);

pid_t Fork(void);
void Close(int fd);
ssize_t Read(int fd, void *buf, size_t n);
void Write(int fd, const void *buf, size_t n);
void Pipe(int fds[2]);
void Dup2(int oldfd, int newfd);
void *Malloc(size_t n);
sigfunc *Signal(int signo, sigfunc *func);

char *Fgets(char *buf, int n, FILE *fp);
void Fputs(const char *s, FILE *fp);

void Inet_pton(int family, const char *src, void *dst);
const char *Inet_ntop(int family, const void *src, char *dst,
		      socklen_t len);

ssize_t Readn(int fd, void *buf, size_t n);
void Writen(int fd, const void *buf, size_t n);
ssize_t Readline(struct linebuf *lb, void *buf, size_t maxlen);
char *Sock_ntop(const struct sockaddr *sa, socklen_t salen,
		char *buf, size_t buflen);

/* ---- chapters 6, 7 and 8: ports and addresses from the command line
 * (servport.c) ------------------------------------------------------------ */
/* "192.0.2.1" or "2001:db8::1" and "9877" into a socket address.  Returns
 * 0, or -1 with errno EINVAL (bad port) or EAFNOSUPPORT (bad address). */
int sock_parse(const char *host, const char *port,
	       struct sockaddr_storage *ss, socklen_t *salen);
void Sock_parse(const char *host, const char *port,
		struct sockaddr_storage *ss, socklen_t *salen);
/* A port number 0..65535, or -1 with errno EINVAL. */
int port_parse(const char *text);
int Port_parse(const char *text);
/* A TCP socket listening on the IPv4 wildcard address and port (0: any
 * free port), with SO_REUSEADDR if asked; or -1 with errno set. */
int tcp_listen_port(int port, bool reuseaddr);
int Tcp_listen_port(int port, bool reuseaddr);
/* A UDP socket bound to the IPv4 wildcard address and port, or -1. */
int udp_bind_port(int port);
int Udp_bind_port(int port);
/* Prints "listening on port N" for fd's local port, flushes stdout and
 * returns N (or -1): how tests and scripts find a server's port 0. */
int announce_port(int fd);

/* ---- chapter 5: the echo client and server (str_echo.c, str_cli.c) ---- */
/* Echoes sockfd's input back to it until end of file: 0, or -1 (errno). */
int str_echo(int sockfd);
/* str_cli's results besides -1 (errno set). */
#define STR_CLI_INPUT_DONE 0     /* the input ran out: a normal end */
#define STR_CLI_SERVER_CLOSED 1  /* the server closed before it answered */
/* Sends each line of in to sockfd, prints each answer line on stdout. */
int str_cli(FILE *in, int sockfd);

/* ---- chapter 11: names and services into sockets (names.c, lab 11) ---
 * Each returns a descriptor, or a negative getaddrinfo() code that
 * name_strerror() puts into words (EAI_SYSTEM: errno says it, the error
 * of the last address tried).  host_serv returns getaddrinfo's list
 * (AI_CANONNAME asked), or NULL with the code in *gaierr. */
#define TCP_CONNECT_TRY_MS 750   /* each address but the last, at most */
struct addrinfo *host_serv(const char *host, const char *serv, int family,
			   int socktype, int *gaierr);
const char *name_strerror(int code);
int tcp_connect(const char *host, const char *serv);
int tcp_listen(const char *host, const char *serv, socklen_t *addrlenp);
int udp_client(const char *host, const char *serv, struct sockaddr **saptr,
	       socklen_t *lenp);
int udp_connect(const char *host, const char *serv);
int udp_server(const char *host, const char *serv, socklen_t *addrlenp);
int Tcp_connect(const char *host, const char *serv);
int Tcp_listen(const char *host, const char *serv, socklen_t *addrlenp);
int Udp_client(const char *host, const char *serv, struct sockaddr **saptr,
	       socklen_t *lenp);
int Udp_connect(const char *host, const char *serv);
int Udp_server(const char *host, const char *serv, socklen_t *addrlenp);

/* ---- chapter 15: Unix domain addresses (unixaddr.c) ------------------- */
/* NAME is a path ("/run/x.sock") or "@name", a name in Linux's abstract
 * namespace (no file).  Fills *sun and *len (the length that bind() and
 * connect() want).  Returns 0, or -1 with errno EINVAL (empty name) or
 * ENAMETOOLONG (it does not fit in sun_path). */
int unix_addr(const char *name, struct sockaddr_un *sun, socklen_t *len);
void Unix_addr(const char *name, struct sockaddr_un *sun, socklen_t *len);

/* ---- chapter 13: daemons (daemon.c) ------------------------------------ */
/* True once the process is a daemon: the error functions then log with
 * syslog(LOG_ERR) instead of writing on stderr. */
extern bool daemon_proc;
/* Turns the caller into a daemon: returns 0 in the daemon (the caller's
 * own process has ended), or -1 with errno set.  Logs as PNAME[pid] to
 * FACILITY (LOG_DAEMON, LOG_LOCAL0 ...). */
int daemon_init(const char *pname, int facility);
/* For a server that inetd started: log as PNAME[pid] to FACILITY. */
void daemon_inetd(const char *pname, int facility);

#endif /* LNP_H */
