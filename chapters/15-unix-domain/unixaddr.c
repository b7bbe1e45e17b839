/*
 * unixaddr.c - what Linux does with Unix domain addresses (sections 15.2
 * and 15.4), measured: the lengths bind() takes and getsockname() gives,
 * the file a path name creates and its permissions, a name still in use
 * after its socket is closed, abstract names and autobind.  It works in
 * DIR (which must exist) and removes what it made.
 *
 * Usage: unixaddr DIR
 */
#include "lnp.h"

#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define BASE offsetof(struct sockaddr_un, sun_path)

/* "ok", or the errno's name for the failed call (EADDRINUSE ...). */
static const char *result(int rc)
{
	return rc == 0 ? "ok" : strerrorname_np(errno);
}

static int try_bind(int fd, const struct sockaddr_un *sun, socklen_t len)
{
	return bind(fd, (const struct sockaddr *)sun, len);
}

/* A new socket of type, connected to sun, closed at once. */
static int try_connect(const struct sockaddr_un *sun, socklen_t len)
{
	int fd = Socket(AF_UNIX, SOCK_STREAM, 0), rc, saved;

	rc = connect(fd, (const struct sockaddr *)sun, len);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* The name and length getsockname() reports for fd; a name longer than
 * a line is told by its length ("a 108-byte path"). */
static void print_name(const char *what, int fd)
{
	struct sockaddr_storage sun;   /* room for more than sockaddr_un */
	socklen_t len = sizeof(sun);
	char text[SOCK_NTOP_LEN + 8];

	Getsockname(fd, (struct sockaddr *)&sun, &len);
	if (len <= BASE)
		snprintf(text, sizeof(text), "(unnamed)");
	else
		Sock_ntop((struct sockaddr *)&sun, len, text, sizeof(text));
	size_t n = strlen(text);

	if (n > 80)
		snprintf(text, sizeof(text), "a %zu-byte path", n);
	printf("%s: getsockname gives %s, length %u\n", what, text,
	       (unsigned)len);
}

/* include path_names */
static void path_names(const char *dir)
{
	struct sockaddr_un sun;
	struct stat st;
	socklen_t len;
	char path[200];
	int a, b;

	snprintf(path, sizeof(path), "%s/s", dir);
	Unix_addr(path, &sun, &len);
	a = Socket(AF_UNIX, SOCK_STREAM, 0);
	printf("bind %s, length %u: %s\n", path, (unsigned)len,
	       result(try_bind(a, &sun, len)));
	print_name("path", a);
	if (lstat(path, &st) < 0)
		err_sys("lstat %s", path);
	printf("the file: %s, mode %04o (umask 022)\n",
	       S_ISSOCK(st.st_mode) ? "a socket" : "not a socket",
	       (unsigned)(st.st_mode & 07777));
	Listen(a, 5);
	b = Socket(AF_UNIX, SOCK_STREAM, 0);
	printf("a second socket binds it: %s\n",
	       result(try_bind(b, &sun, len)));
	printf("connect while it listens: %s\n",
	       result(try_connect(&sun, len)));
	Close(a);
	printf("its socket closed, the file is %s\n",
	       lstat(path, &st) == 0 ? "still there" : "gone");
	printf("connect now: %s\n", result(try_connect(&sun, len)));
	printf("bind now: %s\n", result(try_bind(b, &sun, len)));
	unlink(path);
	printf("after unlink, bind: %s\n", result(try_bind(b, &sun, len)));
	Close(b);
	unlink(path);
}
/* end path_names */

static void drop_privileges(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		err_sys("capget");
	data[0].effective = data[1].effective = 0;
	if (syscall(SYS_capset, &hdr, data) < 0)
		err_sys("capset");
}

/* include permissions */
/* connect() needs write permission on the socket file. */
static void permissions(const char *dir)
{
	struct sockaddr_un sun;
	socklen_t len;
	char path[200];
	int fd, status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/p", dir);
	Unix_addr(path, &sun, &len);
	fd = Socket(AF_UNIX, SOCK_STREAM, 0);
	Bind(fd, (struct sockaddr *)&sun, len);
	Listen(fd, 5);
	for (int i = 0; i < 2; i++) {
		mode_t mode = i == 0 ? 0200 : 0500;  /* w only; r-x only */

		if (chmod(path, mode) < 0)
			err_sys("chmod");
		fflush(stdout);
		if ((pid = Fork()) == 0) {
			drop_privileges();   /* judged as the owner only */
			printf("mode %04o, connect by its owner: %s\n",
			       (unsigned)mode, result(try_connect(&sun, len)));
			fflush(stdout);
			_exit(0);
		}
		if (waitpid(pid, &status, 0) < 0)
			err_sys("waitpid");
	}
	Close(fd);
	unlink(path);
}
/* end permissions */

/* include abstract_names */
static void abstract_names(void)
{
	struct sockaddr_un sun;
	socklen_t len;
	int a, b;

	Unix_addr("@unixaddr-demo", &sun, &len);
	a = Socket(AF_UNIX, SOCK_STREAM, 0);
	printf("bind @unixaddr-demo, length %u: %s\n", (unsigned)len,
	       result(try_bind(a, &sun, len)));
	print_name("abstract", a);
	Listen(a, 5);
	printf("connect, length %u: %s\n", (unsigned)len,
	       result(try_connect(&sun, len)));
	printf("connect, length %u (a NUL counted too): %s\n",
	       (unsigned)len + 1, result(try_connect(&sun, len + 1)));
	Close(a);
	printf("its socket closed, connect: %s\n",
	       result(try_connect(&sun, len)));
	b = Socket(AF_UNIX, SOCK_STREAM, 0);
	printf("and bind: %s\n", result(try_bind(b, &sun, len)));
	Close(b);
}
/* end abstract_names */

/* include lengths */
static void lengths(const char *dir)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct sockaddr_storage big = { 0 };
	size_t room = sizeof(sun.sun_path);
	int fd;

	printf("sizeof(struct sockaddr_un) %zu, sun_path %zu bytes\n",
	       sizeof(sun), room);
	fd = Socket(AF_UNIX, SOCK_STREAM, 0);
	printf("bind, length %zu (the family only): %s\n",
	       sizeof(sa_family_t),
	       result(try_bind(fd, &sun, sizeof(sa_family_t))));
	print_name("autobind", fd);
	Close(fd);

	/* the whole structure's length, the path NUL-terminated inside */
	snprintf(sun.sun_path, room, "%s/n", dir);
	fd = Socket(AF_UNIX, SOCK_STREAM, 0);
	printf("bind %s, length %zu (the whole structure): %s\n",
	       sun.sun_path, sizeof(sun),
	       result(try_bind(fd, &sun, sizeof(sun))));
	print_name("whole", fd);
	Close(fd);
	unlink(sun.sun_path);

	/* a path that fills sun_path: no room for a NUL */
	memset(sun.sun_path, 'x', room);
	memcpy(sun.sun_path, dir, strlen(dir));
	sun.sun_path[strlen(dir)] = '/';
	fd = Socket(AF_UNIX, SOCK_STREAM, 0);
	printf("bind a %zu-byte path, no NUL, length %zu: %s\n", room,
	       sizeof(sun), result(try_bind(fd, &sun, sizeof(sun))));
	print_name("full", fd);
	Close(fd);
	{
		char path[sizeof(sun.sun_path) + 1];

		memcpy(path, sun.sun_path, room);
		path[room] = '\0';
		unlink(path);
	}
	fd = Socket(AF_UNIX, SOCK_STREAM, 0);
	memcpy(&big, &sun, sizeof(sun));
	printf("bind, length %zu (past the structure): %s\n",
	       sizeof(sun) + 1, result(bind(fd, (struct sockaddr *)&big,
					    sizeof(sun) + 1)));
	Close(fd);
}
/* end lengths */

int main(int argc, char **argv)
{
	if (argc != 2)
		err_quit("usage: unixaddr DIR");
	if (strlen(argv[1]) > 60)
		err_quit("unixaddr: DIR must be at most 60 bytes long");
	umask(022);
	lengths(argv[1]);
	path_names(argv[1]);
	permissions(argv[1]);
	abstract_names();
	return 0;
}
