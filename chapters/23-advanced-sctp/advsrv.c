/*
 * advsrv.c - a one-to-many SCTP echo server with chapter 23's options.
 *
 *   advsrv [-a SECS] [-b ADDR]... [-f] PORT
 *
 * -a SECS   the kernel closes an association idle for SECS seconds
 *           (SCTP_AUTOCLOSE, section 23.2);
 * -b ADDR   binds only the IPv4 addresses given (sctp_bindx, 23.5), not
 *           the wildcard; repeat it for each address;
 * -f        each new association is peeled off onto a socket of its own
 *           and served by a child process (sctp_peeloff, 23.8).
 *
 * Prints "listening on port N", each local address it is bound to, one
 * line per notification, and one line per message echoed.  Every
 * message goes back on the stream it came on.
 */
#include "lnp.h"
#include "sctputil.h"

#include <netinet/sctp.h>
#include <sys/wait.h>

#define MAXMSG 65536
#define MAXBIND 8

static char buf[MAXMSG];

static void usage(void)
{
	err_quit("usage: advsrv [-a SECS] [-b ADDR]... [-f] PORT");
}

/* Ends the children that served a peeled-off association. */
static void reap(int signo)
{
	int saved = errno;

	(void)signo;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	errno = saved;
}

/* include bindx */
/* Binds FD to the N addresses of TEXT[], each with PORT, in one call. */
static void bind_subset(int fd, char **text, int n, int port)
{
	struct sockaddr_in addrs[MAXBIND];

	for (int i = 0; i < n; i++) {
		memset(&addrs[i], 0, sizeof(addrs[i]));
		addrs[i].sin_family = AF_INET;
		addrs[i].sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, text[i], &addrs[i].sin_addr) != 1)
			err_quit("advsrv: %s is not an IPv4 address",
				 text[i]);
	}
	if (sctp_bindx(fd, (struct sockaddr *)addrs, n,
		       SCTP_BINDX_ADD_ADDR) < 0)
		err_sys("sctp_bindx");
}
/* end bindx */

/* Prints the local addresses FD is bound to, as a peer learns them. */
static void print_local(int fd)
{
	struct sockaddr *addrs;
	int n = sctp_getladdrs(fd, 0, &addrs);
	char *p = (char *)addrs;

	for (int i = 0; i < n; i++) {
		struct sockaddr *sa = (struct sockaddr *)p;
		socklen_t len = sa->sa_family == AF_INET6 ?
			sizeof(struct sockaddr_in6) :
			sizeof(struct sockaddr_in);
		char text[INET6_ADDRSTRLEN + 8];

		printf("bound to %s\n", Sock_ntop(sa, len, text,
						   sizeof(text)));
		p += len;
	}
	if (n > 0)
		sctp_freeladdrs(addrs);
}

/* include child */
/* The child's life: one association, on a one-to-one style socket of
 * its own, echoed until the peer shuts it down. */
static void serve_peeled(int fd, sctp_assoc_t id)
{
	struct sctp_msginfo info;
	ssize_t n;
	int flags;

	printf("child %d serves association %d\n", (int)getpid(), (int)id);
	fflush(stdout);
	while ((n = sctp_recv_whole(fd, buf, sizeof(buf), NULL, NULL,
				    &info, &flags)) > 0) {
		if (flags & MSG_NOTIFICATION)
			continue;
		printf("child %d echoes %zd bytes on stream %u\n",
		       (int)getpid(), n, info.stream);
		fflush(stdout);
		if (sctp_send_sndinfo(fd, buf, (size_t)n, NULL, 0, 0,
				      info.stream, info.ppid, 0) < 0)
			err_sys("child %d: send", (int)getpid());
	}
	printf("child %d: association %d shut down\n", (int)getpid(),
	       (int)id);
	exit(0);
}

/* On SCTP_COMM_UP: take the association off the one-to-many socket and
 * give it to a child. */
static void peel_and_fork(int fd, sctp_assoc_t id)
{
	int one = sctp_peeloff(fd, id);

	if (one < 0) {
		err_ret("sctp_peeloff(%d)", (int)id);
		return;
	}
	if (Fork() == 0) {
		Close(fd);
		serve_peeled(one, id);
	}
	Close(one);
}
/* end child */

/* Prints notification BUF; returns the association that came up, or 0. */
static sctp_assoc_t report(const char *note, size_t len)
{
	const union sctp_notification *sn = (const void *)note;
	char line[256];

	if (sctp_notification_line(note, len, line, sizeof(line)) >= 0)
		printf("%s\n", line);
	fflush(stdout);
	if (sn->sn_header.sn_type == SCTP_ASSOC_CHANGE &&
	    sn->sn_assoc_change.sac_state == SCTP_COMM_UP)
		return sn->sn_assoc_change.sac_assoc_id;
	return 0;
}

int main(int argc, char **argv)
{
	static const uint16_t events[] = {
		SCTP_ASSOC_CHANGE, SCTP_PEER_ADDR_CHANGE, SCTP_SHUTDOWN_EVENT,
	};
	char *bind_text[MAXBIND];
	int c, fd, port, autoclose = 0, nbind = 0, on = 1;
	bool fork_each = false;

	while ((c = getopt(argc, argv, "a:b:f")) != -1) {
		if (c == 'a' && (autoclose = atoi(optarg)) > 0)
			continue;
		if (c == 'b' && nbind < MAXBIND)
			bind_text[nbind++] = optarg;
		else if (c == 'f')
			fork_each = true;
		else
			usage();
	}
	if (optind != argc - 1)
		usage();
	port = Port_parse(argv[optind]);
	fd = Socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP);
	if (nbind > 0) {
		bind_subset(fd, bind_text, nbind, port);
	} else {
		struct sockaddr_storage any;
		socklen_t len;

		Sock_parse("0.0.0.0", argv[optind], &any, &len);
		Bind(fd, (struct sockaddr *)&any, len);
	}
	if (sctp_subscribe(fd, SCTP_FUTURE_ASSOC, events,
			   sizeof(events) / sizeof(events[0])) < 0)
		err_sys("SCTP_EVENT");
	Setsockopt(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));
/* include autoclose */
	if (autoclose > 0)
		Setsockopt(fd, IPPROTO_SCTP, SCTP_AUTOCLOSE, &autoclose,
			   sizeof(autoclose));
/* end autoclose */
	if (fork_each)
		Signal(SIGCHLD, reap);
	Listen(fd, LISTENQ);
	announce_port(fd);
	print_local(fd);
	fflush(stdout);
	for (;;) {
		struct sctp_msginfo info;
		ssize_t n;
		int flags;
		sctp_assoc_t up;

		n = sctp_recv_whole(fd, buf, sizeof(buf), NULL, NULL, &info,
				    &flags);
		if (n < 0)
			err_sys("recvmsg");
		if (flags & MSG_NOTIFICATION) {
			up = report(buf, (size_t)n);
			if (up != 0 && fork_each)
				peel_and_fork(fd, up);
			continue;
		}
		printf("echoes %zd bytes on stream %u of association %d\n",
		       n, info.stream, (int)info.assoc_id);
		fflush(stdout);
		if (sctp_send_sndinfo(fd, buf, (size_t)n, NULL, 0,
				      info.assoc_id, info.stream, info.ppid,
				      0) < 0)
			err_ret("send to association %d",
				(int)info.assoc_id);
	}
}
