/*
 * sigio25.h - what chapter 25's suite and lab 25's tests share: a UDP
 * echo server run here (on loopback, port 9877 of the test's own
 * network namespace), its socket borrowed to see its flags and its
 * queue, bursts sent while it is stopped, and its stdout made a pipe
 * the test can hold full (the server then sleeps writing its report).
 */
#ifndef SIGIO25_H
#define SIGIO25_H

#include "lnp.h"
#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"

#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/sock_diag.h>

#define S25_PORT 9877
#define S25_PORT_TEXT "9877"

/* A UDP socket of the test's, connected to the server's port. */
static inline int s25_client(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	Sock_parse("127.0.0.1", S25_PORT_TEXT, &ss, &len);
	fd = Socket(AF_INET, SOCK_DGRAM, 0);
	Connect(fd, (struct sockaddr *)&ss, len);
	return fd;
}

/* The server's UDP socket, borrowed (the same open file: its flags
 * and owner are the server's), or -1. */
static inline int s25_server_socket(pid_t pid)
{
	return tk_socket_of(pid, SOCK_DGRAM);
}

/* Bytes queued to be read on a socket (its receive memory). */
static inline int s25_rmem(int fd)
{
	int mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0)
		return -1;
	return mem[SK_MEMINFO_RMEM_ALLOC];
}

/* Waits until the queue of the (borrowed) socket holds more than
 * `before` bytes; false after ms. */
static inline bool s25_wait_rmem_above(int sock, int before, int ms)
{
	long long end = tk_now_ms() + ms;

	while (s25_rmem(sock) <= before)
		if (tk_now_ms() > end)
			return false;
		else
			tk_tick();
	return true;
}

/* Sends one datagram to the server and waits until it is queued on
 * the server's socket (borrowed: sock). */
static inline void s25_send_queued(int cli, int sock, const void *buf,
				   size_t len)
{
	int before = s25_rmem(sock);

	if (send(cli, buf, len, 0) < 0)
		TK_FAIL("the test could not send a datagram: %s",
			strerror(errno));
	if (!s25_wait_rmem_above(sock, before, 2000))
		TK_FAIL("a datagram the test sent was not queued on the "
			"server's socket within 2 s");
}

/* The first field of /proc/PID/syscall: the system call the process
 * is blocked in (-1: running, or unknown). */
static inline long s25_syscall_of(pid_t pid)
{
	char path[64], buf[64] = "";
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(buf, sizeof(buf), f) != NULL)
		nr = strtol(buf, NULL, 10);
	fclose(f);
	return buf[0] >= '0' && buf[0] <= '9' ? nr : -1;
}

/* Waits until the process sleeps in system call nr. */
static inline bool s25_wait_syscall(pid_t pid, long nr, int ms)
{
	long long end = tk_now_ms() + ms;

	while (s25_syscall_of(pid) != nr || tk_proc_state(pid) != 'S')
		if (tk_now_ms() > end)
			return false;
		else
			tk_tick();
	return true;
}

/* A number from /proc/PID/status: the hex mask or count after NAME. */
static inline unsigned long long s25_status(pid_t pid, const char *name,
					    int base)
{
	char path[64], line[256];
	unsigned long long v = 0;
	size_t n = strlen(name);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, name, n) == 0 && line[n] == ':')
			v = strtoull(line + n + 1, NULL, base);
	fclose(f);
	return v;
}

#define S25_SIGIO_BIT (1ULL << (SIGIO - 1))

/* Whether SIGIO is pending for the process (blocked, so kept). */
static inline bool s25_sigio_pending(pid_t pid)
{
	return ((s25_status(pid, "ShdPnd", 16) |
		 s25_status(pid, "SigPnd", 16)) & S25_SIGIO_BIT) != 0;
}

/* Reads a datagram with a deadline: its length, or -1. */
static inline ssize_t s25_recv(int fd, char *buf, size_t size, int ms)
{
	ssize_t n;

	if (!tk_readable(fd, ms))
		return -1;
	n = recv(fd, buf, size - 1, MSG_DONTWAIT);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* ---- a server whose stdout is a pipe the test holds ------------------ */

struct s25_held {
	hn_proc *p;
	int rd, wr;             /* the pipe's two ends, held by the test */
	char text[8192];        /* what the server wrote, junk left out */
	size_t len;
};

/* Reads what the server wrote (skipping the test's junk, 'x'), until a
 * line holds NEEDLE or ms pass. */
static inline bool s25_held_saw(struct s25_held *h, const char *needle,
				int ms)
{
	long long end = tk_now_ms() + ms;

	for (;;) {
		char buf[4096];
		ssize_t n;

		while ((n = read(h->rd, buf, sizeof(buf))) > 0)
			for (ssize_t i = 0; i < n; i++)
				if (buf[i] != 'x' &&
				    h->len < sizeof(h->text) - 1)
					h->text[h->len++] = buf[i];
		h->text[h->len] = '\0';
		if (strstr(h->text, needle) != NULL)
			return true;
		if (tk_now_ms() > end || !tk_readable(h->rd,
				(int)(end - tk_now_ms())))
			return strstr(h->text, needle) != NULL;
	}
}

/* Starts PROG on port 9877 with stdout a FIFO; waits for its
 * "listening on port" line. */
static inline void s25_start_held(struct s25_held *h, const char *prog)
{
	char path[64];

	memset(h, 0, sizeof(*h));
	snprintf(path, sizeof(path), "/dev/shm/sigio25-%d", (int)getpid());
	unlink(path);
	if (mkfifo(path, 0600) < 0 ||
	    (h->rd = open(path, O_RDONLY | O_NONBLOCK)) < 0)
		TK_FAIL("cannot make the FIFO %s: %s", path, strerror(errno));
	h->p = hn_run(NULL, NULL, "/bin/sh", "-c", "exec \"$0\" "
		      S25_PORT_TEXT " >\"$1\"", prog, path, NULL);
	h->wr = open(path, O_WRONLY | O_NONBLOCK);
	if (h->wr < 0)
		TK_FAIL("cannot open the FIFO for writing: %s",
			strerror(errno));
	if (!s25_held_saw(h, "listening on port", 2000))
		TK_FAIL("%s did not print \"listening on port\"; it said: "
			"%s", prog, tk_chomp(hn_stderr(h->p)));
	unlink(path);           /* both ends are open: no trace left */
}

/* Fills the pipe, so that the server's next write sleeps. */
static inline void s25_hold(struct s25_held *h)
{
	char junk[4096];

	memset(junk, 'x', sizeof(junk));
	while (write(h->wr, junk, sizeof(junk)) > 0)
		;
	while (write(h->wr, junk, 1) > 0)
		;
}

static inline void s25_held_close(struct s25_held *h)
{
	close(h->rd);
	close(h->wr);
}

#endif
