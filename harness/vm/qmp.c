/*
 * qmp.c - the few words of qemu's monitor protocol (QMP) that saving
 * the test VM's state takes: JSON lines on a socket, one command and its
 * answer at a time, events in between.  See qemu's "QEMU Machine
 * Protocol Specification" for the protocol and "QMP Reference" for the
 * commands (qmp_capabilities, stop, getfd, migrate).
 */
#include "vm.h"
#include "hn_int.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads one line (without its "\r\n") into q->line.  -1 at end of
 * file, on an error or at the deadline. */
static int read_line(struct qmp *q)
{
	char *nl;
	ssize_t n;
	struct pollfd pfd = { .fd = q->fd, .events = POLLIN };

	for (;;) {
		nl = memchr(q->buf, '\n', q->len);
		if (nl != NULL) {
			size_t take = (size_t)(nl - q->buf);

			if (take > 0 && q->buf[take - 1] == '\r')
				take--;
			snprintf(q->line, sizeof(q->line), "%.*s", (int)take,
				 q->buf);
			q->len -= (size_t)(nl + 1 - q->buf);
			memmove(q->buf, nl + 1, q->len);
			return 0;
		}
		if (q->len == sizeof(q->buf))
			q->len = 0;        /* a line too long to matter */
		if (now_ms() >= q->deadline)
			return -1;
		if (poll(&pfd, 1, (int)(q->deadline - now_ms())) < 0 &&
		    errno != EINTR)
			return -1;
		if (pfd.revents == 0)
			continue;
		n = read(q->fd, q->buf + q->len, sizeof(q->buf) - q->len);
		if (n <= 0)
			return -1;
		q->len += (size_t)n;
	}
}

int qmp_command(struct qmp *q, const char *json, int fd)
{
	/* qemu's getfd command takes the descriptor that comes with it */
	if (hn_send_with_fd(q->fd, json, strlen(json), fd) !=
	    (ssize_t)strlen(json)) {
		snprintf(q->line, sizeof(q->line), "cannot send to qemu: %s",
			 strerror(errno));
		return -1;
	}
	/* events may come first; the answer is "return" or "error" */
	while (read_line(q) == 0) {
		if (strncmp(q->line, "{\"return\"", 9) == 0)
			return 0;
		if (strncmp(q->line, "{\"error\"", 8) == 0)
			return -1;
	}
	snprintf(q->line, sizeof(q->line), "qemu did not answer %.60s",
		 json);
	return -1;
}

int qmp_start(struct qmp *q, int fd, long deadline)
{
	q->fd = fd;
	q->len = 0;
	q->deadline = deadline;
	/* the greeting, then leave capabilities negotiation mode */
	if (read_line(q) < 0 || strstr(q->line, "\"QMP\"") == NULL) {
		snprintf(q->line, sizeof(q->line), "no QMP greeting from "
			 "qemu");
		return -1;
	}
	return qmp_command(q, "{\"execute\": \"qmp_capabilities\"}\n", -1);
}

int qmp_wait_migration(struct qmp *q)
{
	while (read_line(q) == 0) {
		if (strstr(q->line, "\"MIGRATION\"") == NULL)
			continue;
		if (strstr(q->line, "\"completed\"") != NULL)
			return 0;
		if (strstr(q->line, "\"failed\"") != NULL ||
		    strstr(q->line, "\"cancelled\"") != NULL)
			return -1;
	}
	snprintf(q->line, sizeof(q->line), "the migration did not end in "
		 "time");
	return -1;
}
