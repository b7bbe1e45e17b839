/*
 * ns.c - network namespaces held by file descriptors, and sysctls.
 *
 * A host is a network namespace that nothing names: unshare(CLONE_NEWNET)
 * moves the calling thread into a new one, we keep a descriptor for it
 * (/proc/thread-self/ns/net) and setns() back.  When the last descriptor
 * and the last process in it are gone, the kernel removes it.
 */
#include "hn_int.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int hn_ns_new(void)
{
	int fd;

	if (unshare(CLONE_NEWNET) < 0)
		return hn_err("cannot create a network namespace: %s",
			      strerror(errno));
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		hn_err("cannot open the new network namespace: %s",
		       strerror(errno));
	hn_ns_leave();
	return fd;
}

int hn_ns_enter(int nsfd)
{
	if (setns(nsfd, CLONE_NEWNET) < 0)
		return hn_err("cannot enter a host's network namespace: %s",
			      strerror(errno));
	return 0;
}

void hn_ns_leave(void)
{
	if (setns(hn_sandbox_nsfd(), CLONE_NEWNET) < 0)
		abort();        /* we would be lost in a host: stop here */
}

/* "net.ipv4.tcp_retries2" -> "/proc/sys/net/ipv4/tcp_retries2" */
static void sysctl_path(const char *key, char *path, size_t len)
{
	size_t i, n = (size_t)snprintf(path, len, "/proc/sys/");

	for (i = 0; key[i] != '\0' && n + 1 < len; i++)
		path[n++] = key[i] == '.' ? '/' : key[i];
	path[n] = '\0';
}

static int sysctl_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int hn_sysctl_set(const char *key, const char *value, bool verify)
{
	char path[256], back[64] = "";
	int fd = -1;
	ssize_t n = -1;

	sysctl_path(key, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = write(fd, value, strlen(value));
		close(fd);
	}
	if (n != (ssize_t)strlen(value))
		return hn_err("the kernel refused sysctl %s=%s (%s)", key,
			      value, strerror(errno));
	if (!verify)
		return 0;
	if (sysctl_read(path, back, sizeof(back)) < 0 ||
	    strcmp(back, value) != 0)
		return hn_err("the kernel did not keep sysctl %s=%s (reads "
			      "back \"%s\")", key, value, back);
	return 0;
}
