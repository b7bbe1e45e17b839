/*
 * netlab.c - the harness's networks, for people.
 *
 *   netlab up TOPOLOGY-FILE [NAME]     bring a network up (in the background)
 *   netlab exec HOST CMD [ARG...]      run a command in a host
 *   netlab shell HOST                  an interactive shell in a host
 *   netlab fault WHAT ...              inject a fault (netlab help fault)
 *   netlab capture HOST PEER [FILE]    tcpdump on HOST's link to PEER
 *   netlab info                        the topology and the addresses
 *   netlab ls                          the networks that are up
 *   netlab down                        take the network down
 *   netlab run TOPOLOGY-FILE -- CMD... up, run CMD (which may call
 *                                      netlab exec ...), down
 *
 * No root needed.  `up` starts a holder process: it makes the sandbox
 * (hn_init: user, PID, mount and network namespaces), builds the network
 * and then answers requests on a Unix socket in $XDG_RUNTIME_DIR/netlab/
 * (or /tmp/netlab-UID/).  `exec` asks it for the host's network namespace
 * (the descriptor comes back over the socket), joins the holder's user
 * and PID namespaces and that network namespace, and runs the command:
 * it keeps the terminal, and `down` ends it with the rest.
 * With several networks up, pick one with -n NAME or $NETLAB_NAME.
 */
#include "hn_int.h"

#include <pcap/pcap.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORDS 64
#define MAX_MSG 16384

static const char *lab_name;      /* -n NAME, $NETLAB_NAME, or the one up */

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("netlab: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* ---- where labs live ---------------------------------------------------- */

static const char *state_dir(void)
{
	static char dir[256];
	const char *run = getenv("XDG_RUNTIME_DIR");
	struct stat st;

	if (dir[0] != '\0')
		return dir;
	if (run != NULL && *run == '/')
		snprintf(dir, sizeof(dir), "%s/netlab", run);
	else
		snprintf(dir, sizeof(dir), "/tmp/netlab-%u",
			 (unsigned)getuid());
	mkdir(dir, 0700);
	/* someone else's directory, or a link, could be a trap */
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != getuid())
		die("%s is not a directory of yours; remove it", dir);
	return dir;
}

static void lab_file(char *buf, size_t len, const char *name,
		     const char *ext)
{
	if ((size_t)snprintf(buf, len, "%s/%s.%s", state_dir(), name, ext)
	    >= len)
		die("the lab name %s is too long", name);
}

static int connect_to(const char *name)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	lab_file(sun.sun_path, sizeof(sun.sun_path), name, "sock");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Names of the labs that are up (their sockets answer). */
static int labs_up(char names[][64], int max)
{
	DIR *d = opendir(state_dir());
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL && n < max) {
		char *dot = strrchr(e->d_name, '.');
		int fd;

		if (dot == NULL || strcmp(dot, ".sock") != 0 ||
		    (size_t)(dot - e->d_name) >= 64)
			continue;
		snprintf(names[n], 64, "%.*s", (int)(dot - e->d_name),
			 e->d_name);
		fd = connect_to(names[n]);
		if (fd >= 0) {
			close(fd);
			n++;
		}
	}
	if (d != NULL)
		closedir(d);
	return n;
}

static const char *which_lab(void)
{
	static char names[16][64];
	int n;

	if (lab_name != NULL)
		return lab_name;
	if (getenv("NETLAB_NAME") != NULL)
		return getenv("NETLAB_NAME");
	n = labs_up(names, 16);
	if (n == 0)
		die("no network is up (start one with netlab up FILE)");
	if (n > 1)
		die("%d networks are up (%s, %s%s): pick one with -n NAME", n,
		    names[0], names[1], n > 2 ? ", ..." : "");
	return names[0];
}

/* ---- messages: words out, a reply (and maybe a descriptor) back --------- */

static int send_words(int fd, int argc, char **argv)
{
	char buf[MAX_MSG];
	size_t n = 0;
	int i;

	for (i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]) + 1;

		if (n + len > sizeof(buf))
			return -1;
		memcpy(buf + n, argv[i], len);
		n += len;
	}
	return write(fd, buf, n) == (ssize_t)n ? 0 : -1;
}

static int recv_words(int fd, char *buf, size_t len, char **argv)
{
	ssize_t n = read(fd, buf, len - 1);
	int argc = 0;
	char *p;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (p = buf; p < buf + n && argc < MAX_WORDS - 1; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	return argc;
}

/* A reply: "0" or "1" (ok, error), the text; an fd rides along. */
static void send_reply(int fd, bool ok, const char *text, int passfd)
{
	char buf[MAX_MSG];
	size_t len = (size_t)snprintf(buf, sizeof(buf), "%c%s",
				      ok ? '0' : '1', text);

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	/* a client that is gone gets nothing: no error to report */
	(void)hn_send_with_fd(fd, buf, len, passfd);
}

/* Returns true for ok; the text goes to TEXT, a descriptor to *PASSFD. */
static bool recv_reply(int fd, char *text, size_t len, int *passfd)
{
	char buf[MAX_MSG], ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl,
			      .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);

	if (passfd != NULL)
		*passfd = -1;
	if (n <= 0) {
		snprintf(text, len, "the lab's holder process did not answer");
		return false;
	}
	buf[n] = '\0';
	c = CMSG_FIRSTHDR(&msg);
	if (c != NULL && c->cmsg_type == SCM_RIGHTS && passfd != NULL)
		memcpy(passfd, CMSG_DATA(c), sizeof(int));
	snprintf(text, len, "%s", buf + 1);
	return buf[0] == '0';
}

/* Sends a request to the lab; dies with its error, or returns the
 * connection (still open: SO_PEERCRED names the holder). */
static int ask(int argc, char **argv, char *text, size_t len, int *passfd)
{
	const char *name = which_lab();
	int fd = connect_to(name);

	if (fd < 0)
		die("network %s is not up (netlab ls shows what is)", name);
	if (send_words(fd, argc, argv) < 0 ||
	    !recv_reply(fd, text, len, passfd))
		die("%s", text);
	return fd;
}

/* ---- the holder: answers requests --------------------------------------- */

static hn_net *net;

static int parse_dir(const char *word, int dflt)
{
	if (word == NULL)
		return dflt;
	if (strcmp(word, "out") == 0)
		return HN_OUT;
	if (strcmp(word, "in") == 0)
		return HN_IN;
	if (strcmp(word, "both") == 0)
		return HN_BOTH;
	return -1;
}

/* "a,b" -> "a b" for hn_partition */
static char *side(const char *words)
{
	char *s = strdup(words), *p;

	for (p = s; *p != '\0'; p++)
		if (*p == ',')
			*p = ' ';
	return s;
}

static int fault_impair(int argc, char **argv)
{
	struct hn_impair im = { .seed = 1 };
	int dir = HN_BOTH, i;

	for (i = 3; i < argc; i++) {
		char *v = strchr(argv[i], '=');

		if (v == NULL)
			return hn_err("impair: expected key=value, got %s",
				      argv[i]);
		*v++ = '\0';
		if (strcmp(argv[i], "delay") == 0)
			im.delay_ms = atoi(v);
		else if (strcmp(argv[i], "jitter") == 0)
			im.jitter_ms = atoi(v);
		else if (strcmp(argv[i], "reorder") == 0)
			sscanf(v, "%lf/%d", &im.reorder_pct, &im.reorder_ms);
		else if (strcmp(argv[i], "dup") == 0)
			im.dup_pct = atof(v);
		else if (strcmp(argv[i], "seed") == 0)
			im.seed = (unsigned)atoi(v);
		else if (strcmp(argv[i], "dir") == 0)
			dir = parse_dir(v, -1);
		else
			return hn_err("impair: unknown key %s", argv[i]);
	}
	return hn_impair(net, argv[1], argv[2], dir, &im);
}

static int fault_drop(int argc, char **argv)
{
	char match[1024] = "";
	int i, n = 0;

	for (i = 5; i < argc; i++)
		n += snprintf(match + n, sizeof(match) - (size_t)n, "%s ",
			      argv[i]);
	return hn_drop_nth(net, argv[1], argv[2],
			   parse_dir(argc > 4 ? argv[4] : NULL, HN_OUT),
			   (unsigned)atoi(argv[3]), n ? match : NULL);
}

static int unreach_kind(const char *w)
{
	return strcmp(w, "net") == 0 ? HN_UNREACH_NET :
	       strcmp(w, "host") == 0 ? HN_UNREACH_HOST :
	       strcmp(w, "port") == 0 ? HN_UNREACH_PORT : -1;
}

static int fault_unreach(int argc, char **argv)
{
	int proto = 0;

	if (argc > 4)
		proto = strcmp(argv[4], "tcp") == 0 ? IPPROTO_TCP : IPPROTO_UDP;
	return hn_unreachable(net, argv[1], argv[2], unreach_kind(argv[3]),
			      proto, argc > 5 ? atoi(argv[5]) : 0);
}

/* ARGV without the word "fault": what, then its arguments. */
static int fault(int argc, char **argv)
{
	const char *w = argv[0];
	char *a, *b;
	int rc;

	if (strcmp(w, "heal") == 0)
		return hn_heal(net);
	if (argc >= 2 && strcmp(w, "crash") == 0)
		return hn_crash(net, argv[1]);
	if (argc >= 2 && strcmp(w, "reboot") == 0)
		return hn_reboot(net, argv[1]);
	if (argc >= 2 && strcmp(w, "shutdown") == 0)
		return hn_shutdown(net, argv[1],
				   argc > 2 ? atoi(argv[2]) : 2000);
	if (argc >= 2 && strcmp(w, "reachable") == 0)
		return hn_reachable(net, argv[1]);
	if (argc >= 3 && strcmp(w, "rst") == 0)
		return hn_inject_rst(net, argv[1], atoi(argv[2]), 2000);
	if (argc >= 3 && strcmp(w, "partition") == 0) {
		a = side(argv[1]);
		b = side(argv[2]);
		rc = hn_partition(net, a, b);
		free(a);
		free(b);
		return rc;
	}
	if (argc >= 3 && strcmp(w, "clear") == 0)
		return hn_clear(net, argv[1], argv[2]);
	if (argc >= 3 && strcmp(w, "up") == 0)
		return hn_link_up(net, argv[1], argv[2]);
	if (argc >= 4 && strcmp(w, "down") == 0)
		return hn_link_down(net, argv[1], argv[2],
				    strcmp(argv[3], "far") == 0 ? HN_FAR :
				    HN_LOCAL);
	if (argc >= 4 && strcmp(w, "loss") == 0)
		return hn_loss(net, argv[1], argv[2],
			       parse_dir(argc > 4 ? argv[4] : NULL, HN_BOTH),
			       atof(argv[3]), argc > 5 ? (unsigned)atoi(argv[5])
			       : 1);
	if (argc >= 4 && strcmp(w, "drop") == 0)
		return fault_drop(argc, argv);
	if (argc >= 4 && strcmp(w, "mtu") == 0)
		return hn_mtu(net, argv[1], argv[2], atoi(argv[3]));
	if (argc >= 4 && strcmp(w, "unreachable") == 0)
		return fault_unreach(argc, argv);
	if (argc >= 4 && strcmp(w, "impair") == 0)
		return fault_impair(argc, argv);
	return hn_err("unknown fault or missing arguments: %s (see netlab "
		      "help fault)", w);
}

static void describe(char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "%s", net->spec);
	int h, i;

	for (h = 0; h < net->t.nhosts && n < len; h++)
		for (i = 0; i < net->t.hosts[h].nifs && n < len; i++) {
			const struct hn_if *f = &net->t.hosts[h].ifs[i];

			n += (size_t)snprintf(out + n, len - n,
				"%-8s %-5s %-15s %s\n", net->t.hosts[h].name,
				f->name, f->text[0], f->text[1]);
		}
}

/* Answers one request.  Returns 1 when the lab should go down. */
static int handle(int fd, int argc, char **argv)
{
	char text[MAX_MSG] = "";
	int nsfd = -1, rc = 0;

	if (argc >= 2 && strcmp(argv[0], "ns") == 0) {
		nsfd = hn_netns_fd(net, argv[1]);
		rc = nsfd < 0 ? -1 : 0;
	} else if (argc >= 3 && strcmp(argv[0], "ifname") == 0) {
		const char *ifn = hn_ifname(net, argv[1], argv[2]);

		rc = ifn == NULL ? -1 : 0;
		snprintf(text, sizeof(text), "%s", ifn ? ifn : "");
	} else if (argc >= 1 && strcmp(argv[0], "info") == 0)
		describe(text, sizeof(text));
	else if (argc >= 2 && strcmp(argv[0], "fault") == 0)
		rc = fault(argc - 1, argv + 1);
	else if (argc >= 1 && strcmp(argv[0], "down") == 0)
		rc = 1;
	else
		rc = hn_err("unknown request %s", argc > 0 ? argv[0] : "");
	if (rc < 0)
		snprintf(text, sizeof(text), "%s", hn_error());
	send_reply(fd, rc >= 0, text, nsfd);
	return rc == 1;
}

/* Programs run with netlab exec join our PID namespace; when they
 * outlive their parent they become ours to reap. */
static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Serves requests until one says "down"; returns that connection, still
 * open, so its client learns the lab is gone when it closes. */
static int serve(int lsock)
{
	sigset_t chld;
	int sfd;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	sfd = signalfd(-1, &chld, SFD_CLOEXEC);
	for (;;) {
		struct pollfd pfd[2] = { { .fd = lsock, .events = POLLIN },
					 { .fd = sfd, .events = POLLIN } };
		struct signalfd_siginfo si;
		char buf[MAX_MSG], *argv[MAX_WORDS];
		int fd, argc;
		struct timeval limit = { .tv_sec = 5 };

		if (poll(pfd, 2, -1) < 0)
			continue;
		if (pfd[1].revents & POLLIN) {
			if (read(sfd, &si, sizeof(si)) < 0)
				continue;
			reap();
		}
		if (!(pfd[0].revents & POLLIN))
			continue;
		fd = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
		argc = recv_words(fd, buf, sizeof(buf), argv);
		if (argc > 0 && handle(fd, argc, argv))
			return fd;
		close(fd);
	}
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/* The state directory, opened before the sandbox is made: the holder's
 * private tmpfs may hide it (if it lives under /dev/shm) afterwards. */
static int state_fd = AT_FDCWD;

static void remove_files(const char *name)
{
	char file[128];

	snprintf(file, sizeof(file), "%s.sock", name);
	unlinkat(state_fd, file, 0);
	snprintf(file, sizeof(file), "%s.bashrc", name);
	unlinkat(state_fd, file, 0);
}

static int listen_at(const char *name)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	lab_file(sun.sun_path, sizeof(sun.sun_path), name, "sock");
	unlink(sun.sun_path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(fd, 16) < 0)
		return hn_err("cannot listen on %s: %s", sun.sun_path,
			      strerror(errno));
	return fd;
}

static void tell(int ready, bool ok, const char *text)
{
	char msg[MAX_MSG];

	snprintf(msg, sizeof(msg), "%c%s", ok ? '0' : '1', text);
	if (write(ready, msg, strlen(msg) + 1) < 0)
		_exit(1);
}

/* The holder's life, after fork and setsid.  READY gets "0"+the
 * description, or "1"+the error, ending with a NUL.  The socket and the
 * files are made before the sandbox, in the filesystem people see. */
static void __attribute__((noreturn))
holder(const char *name, const char *spec, int ready)
{
	char text[MAX_MSG], path[512];
	int lsock, last, null = open("/dev/null", O_RDWR);

	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	state_fd = open(state_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	lsock = listen_at(name);
	if (lsock < 0) {
		tell(ready, false, hn_error());
		_exit(1);
	}
	lab_file(path, sizeof(path), name, "bashrc");
	write_file(path, "[ -f ~/.bashrc ] && . ~/.bashrc\n"
		   "PS1=\"[$NETLAB_NAME:$NETLAB_HOST] $PS1\"\n");
	hn_init();
	hn_set_strict(0);
	net = hn_up(spec);
	if (net == NULL) {
		remove_files(name);
		tell(ready, false, hn_error());
		_exit(1);
	}
	describe(text, sizeof(text));
	tell(ready, true, text);
	close(ready);
	last = serve(lsock);
	hn_down(net);
	remove_files(name);
	close(last);
	_exit(0);
}

/* ---- the commands ------------------------------------------------------- */

static char *read_spec(const char *file)
{
	FILE *f = fopen(file, "r");
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int c;

	if (f == NULL)
		die("cannot read topology file %s: %s", file, strerror(errno));
	mem = open_memstream(&text, &len);
	while ((c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(mem);
	fclose(f);
	return text;
}

/* Starts a holder for NAME; returns 0 (and prints the description unless
 * QUIET), or dies with the error. */
static void lab_up(const char *file, const char *name, bool quiet)
{
	char *spec = read_spec(file), text[MAX_MSG];
	int pp[2], fd = connect_to(name);
	ssize_t n, got = 0;
	pid_t pid;

	if (fd >= 0)
		die("network %s is already up (netlab -n %s down)", name, name);
	remove_files(name);              /* a holder that died left them */
	if (pipe2(pp, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(pp[0]);
		setsid();
		holder(name, spec, pp[1]);
	}
	close(pp[1]);
	free(spec);
	/* up to the NUL: the holder's sandbox parent keeps the pipe open */
	while ((got == 0 || text[got - 1] != '\0') &&
	       (n = read(pp[0], text + got, sizeof(text) - 1 - (size_t)got))
	       > 0)
		got += n;
	close(pp[0]);
	text[got] = '\0';
	if (got == 0 || text[0] != '0') {
		waitpid(pid, NULL, 0);
		die("%s: %s", file, got ? text + 1 : "the holder died");
	}
	if (!quiet)
		printf("network %s is up:\n%s", name, text + 1);
}

static int cmd_up(int argc, char **argv)
{
	char copy[256], *base, *dot;

	if (argc < 2)
		die("usage: netlab up TOPOLOGY-FILE [NAME]");
	snprintf(copy, sizeof(copy), "%s", argv[1]);
	base = basename(copy);
	dot = strchr(base, '.');
	if (dot != NULL)
		*dot = '\0';
	lab_up(argv[1], argc > 2 ? argv[2] : base, false);
	return 0;
}

static bool same_ns(int fd, const char *mine)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(mine, &b) == 0 &&
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* Joins the holder's user and PID namespaces and HOST's network
 * namespace; the next fork lands in the holder's PID namespace. */
static void join(const char *host)
{
	char text[MAX_MSG], path[64];
	char *req[] = { "ns", (char *)host };
	int netfd, fd = ask(2, req, text, sizeof(text), &netfd), userfd, pidfd;
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 ||
	    netfd < 0)
		die("the holder sent no namespace for %s", host);
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)cr.pid);
	userfd = open(path, O_RDONLY | O_CLOEXEC);
	/* the socket was made by the holder's first process, which made
	 * the sandbox: its children, PID 1 among them, live in this one */
	snprintf(path, sizeof(path), "/proc/%d/ns/pid_for_children",
		 (int)cr.pid);
	pidfd = open(path, O_RDONLY | O_CLOEXEC);
	if (userfd < 0 || pidfd < 0)
		die("cannot see the holder's namespaces: %s", strerror(errno));
	if (!same_ns(userfd, "/proc/self/ns/user") &&
	    setns(userfd, CLONE_NEWUSER) < 0)
		die("cannot join the lab's user namespace: %s",
		    strerror(errno));
	if (setns(netfd, CLONE_NEWNET) < 0 || setns(pidfd, CLONE_NEWPID) < 0)
		die("cannot join host %s: %s", host, strerror(errno));
	close(userfd);
	close(pidfd);
	close(netfd);
}

/* Ends a process that has joined a lab's namespaces.  _exit: nothing is
 * left to clean up, and exit handlers that start threads (the leak
 * checker of SAN=1 builds) would lose them in the joined PID namespace
 * and wait forever. */
static void __attribute__((noreturn)) finish_joined(int status)
{
	fflush(NULL);
	_exit(status);
}

/* Runs ARGV in HOST with ENV added, and exits with its exit status. */
static void __attribute__((noreturn))
run_in(const char *host, char **argv, char **env)
{
	int status, i;
	pid_t pid;

	join(host);
	setenv("NETLAB_NAME", which_lab(), 1);
	setenv("NETLAB_HOST", host, 1);
	for (i = 0; env != NULL && env[i] != NULL; i++)
		putenv(env[i]);
	pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "netlab: cannot run %s in %s: %s\n", argv[0],
			host, strerror(errno));
		_exit(127);
	}
	signal(SIGINT, SIG_IGN);          /* the terminal's ^C is theirs */
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	finish_joined(WIFEXITED(status) ? WEXITSTATUS(status) :
		      128 + WTERMSIG(status));
}

static int cmd_exec(int argc, char **argv)
{
	if (argc < 3)
		die("usage: netlab exec HOST COMMAND [ARG...]");
	run_in(argv[1], argv + 2, NULL);
}

static int cmd_shell(int argc, char **argv)
{
	char rc[512];
	char *sh[] = { "bash", "--rcfile", rc, "-i", NULL };

	if (argc < 2)
		die("usage: netlab shell HOST");
	lab_file(rc, sizeof(rc), which_lab(), "bashrc");
	run_in(argv[1], sh, NULL);
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void print_packet(unsigned char *dump, const struct pcap_pkthdr *h,
			 const unsigned char *bytes)
{
	if (dump != NULL)
		pcap_dump(dump, h, bytes);
	printf("%ld.%06ld ", (long)h->ts.tv_sec, (long)h->ts.tv_usec);
	hn_cap_print(stdout, h, bytes);
	fflush(stdout);
}

/* Captures in the host with libpcap (tcpdump would try to change user,
 * which a user namespace does not allow) until ^C. */
static int cmd_capture(int argc, char **argv)
{
	char text[MAX_MSG], err[PCAP_ERRBUF_SIZE];
	char *req[] = { "ifname", argc > 1 ? argv[1] : "",
			argc > 2 ? argv[2] : "" };
	struct sigaction sa = { .sa_handler = on_interrupt };
	pcap_dumper_t *dump = NULL;
	pcap_t *pc;

	if (argc < 3)
		die("usage: netlab capture HOST PEER [FILE.pcap]");
	close(ask(3, req, text, sizeof(text), NULL));
	join(argv[1]);
	pc = pcap_open_live(text, 65535, 1, 100, err);
	if (pc == NULL)
		die("cannot capture on %s in %s: %s", text, argv[1], err);
	if (argc > 3 && (dump = pcap_dump_open(pc, argv[3])) == NULL)
		die("cannot write %s: %s", argv[3], pcap_geterr(pc));
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "capturing on %s's %s (the link to %s); ^C stops\n",
		argv[1], text, argv[2]);
	while (!interrupted && pcap_dispatch(pc, -1, print_packet,
					     (unsigned char *)dump) >= 0)
		if (dump != NULL)
			pcap_dump_flush(dump);
	if (dump != NULL)
		pcap_dump_close(dump);
	pcap_close(pc);
	finish_joined(0);
}

static int cmd_simple(int argc, char **argv)
{
	char text[MAX_MSG];

	close(ask(argc, argv, text, sizeof(text), NULL));
	fputs(text, stdout);
	if (strcmp(argv[0], "fault") == 0)
		printf("ok\n");
	return 0;
}

static int cmd_ls(void)
{
	char names[64][64];
	int n = labs_up(names, 64), i;

	for (i = 0; i < n; i++)
		printf("%s\n", names[i]);
	return 0;
}

static int cmd_down(void)
{
	char *req[] = { "down" };
	char text[MAX_MSG];
	const char *name = which_lab();
	int fd = ask(1, req, text, sizeof(text), NULL);

	/* the holder closes the connection when it has gone */
	while (read(fd, text, sizeof(text)) > 0)
		;
	close(fd);
	printf("network %s is down\n", name);
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	static char name[64];
	char *req[] = { "down" }, text[MAX_MSG];
	int status, fd;
	pid_t pid;

	if (argc < 4 || strcmp(argv[2], "--") != 0)
		die("usage: netlab run TOPOLOGY-FILE -- COMMAND [ARG...]");
	snprintf(name, sizeof(name), "run-%d", (int)getpid());
	lab_name = name;
	lab_up(argv[1], name, true);
	setenv("NETLAB_NAME", name, 1);
	pid = fork();
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		fprintf(stderr, "netlab: cannot run %s: %s\n", argv[3],
			strerror(errno));
		_exit(127);
	}
	signal(SIGINT, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	fd = ask(1, req, text, sizeof(text), NULL);
	while (read(fd, text, sizeof(text)) > 0)
		;
	close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
	       WTERMSIG(status);
}

static const char usage[] =
"usage: netlab [-n NAME] COMMAND ...\n"
"  up FILE [NAME]          bring the topology in FILE up (see\n"
"                          harness/README.md for the language)\n"
"  exec HOST CMD [ARG...]  run a command in a host\n"
"  shell HOST              an interactive shell in a host\n"
"  capture HOST PEER [F]   tcpdump on HOST's link to PEER (-w F)\n"
"  fault WHAT ...          inject a fault (netlab help fault)\n"
"  info | ls | down        show it, list networks, take it down\n"
"  run FILE -- CMD...      up, run CMD (it may use netlab exec), down\n";

static const char fault_usage[] =
"netlab fault ...\n"
"  crash HOST | reboot HOST | shutdown HOST [GRACE-MS]\n"
"  loss HOST PEER PERCENT [out|in|both] [SEED]\n"
"  drop HOST PEER N [out|in|both] [NFT MATCH...]   drop the Nth packet\n"
"  impair HOST PEER delay=MS jitter=MS reorder=PCT/MS dup=PCT seed=N\n"
"         dir=out|in|both\n"
"  partition A,B C,D | heal\n"
"  down HOST PEER local|far | up HOST PEER | clear HOST PEER\n"
"  unreachable AT DST net|host|port [tcp|udp] [PORT] | reachable AT\n"
"  mtu HOST PEER BYTES | rst HOST LOCAL-PORT\n";

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		lab_name = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2 || strcmp(argv[1], "help") == 0) {
		fputs(argc > 2 && strcmp(argv[2], "fault") == 0 ? fault_usage
		      : usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	argc--;
	argv++;
	if (strcmp(argv[0], "up") == 0)
		return cmd_up(argc, argv);
	if (strcmp(argv[0], "exec") == 0)
		return cmd_exec(argc, argv);
	if (strcmp(argv[0], "shell") == 0)
		return cmd_shell(argc, argv);
	if (strcmp(argv[0], "capture") == 0)
		return cmd_capture(argc, argv);
	if (strcmp(argv[0], "fault") == 0 && argc > 1)
		return cmd_simple(argc, argv);
	if (strcmp(argv[0], "info") == 0)
		return cmd_simple(1, argv);
	if (strcmp(argv[0], "ls") == 0)
		return cmd_ls();
	if (strcmp(argv[0], "down") == 0)
		return cmd_down();
	if (strcmp(argv[0], "run") == 0)
		return cmd_run(argc, argv);
	fputs(usage, stderr);
	return 2;
}
