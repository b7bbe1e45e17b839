/*
 * lab10.h - lab 10's public and hidden tests: the student's streamecho
 * in host b, SCTP clients the test makes in host a (one-to-one sockets,
 * each one association), and what came back.
 */
#ifndef LAB10_H
#define LAB10_H

#include "lnp.h"
#include "sctputil.h"
#include "ch10sctp.h"

#define LAB_PORT 9877
/* An echo on an association that is up comes in milliseconds, even in
 * an emulated VM on a busy machine: a server that sends nothing fails
 * in 5 s, and in the VM once it fell idle (LAB_IDLE_MS). */
#define ECHO_MS 5000
/* In the VM a wait ends once nothing has run there for this long
 * (harness.h, hn_give_up_when_idle): every answer these tests wait for
 * follows at once, so a missing one fails in a second, not at the
 * deadline sized for a busy machine. */
#define LAB_IDLE_MS 1000
#define BIG 70000               /* room for the longest echo */

/* The server, started in host b and listening on SCTP port 9877. */
static inline hn_proc *lab_server(hn_net *net)
{
	hn_proc *s = hn_run(net, "b", tk_lab_prog("streamecho"), "9877",
			    NULL);

	hn_wait_port(s, IPPROTO_SCTP, LAB_PORT, SLOW_MS);
	return s;
}

/* A client association from host a: 32 streams each way, Nagle off
 * (the test's own side sends at once), messages with SCTP_RCVINFO,
 * association changes and shutdown as notifications. */
static inline int lab_client(hn_net *net)
{
	static const uint16_t events[] = { SCTP_ASSOC_CHANGE,
					   SCTP_SHUTDOWN_EVENT };
	struct sctp_initmsg init = { .sinit_num_ostreams = 32,
				     .sinit_max_instreams = 32 };
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, on = 1;

	hn_enter(net, "a");
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP);
	hn_leave(net);
	TK_EXPECT(fd >= 0, "no SCTP socket in host a: %s", strerror(errno));
	TK_EXPECT(setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &init,
			     sizeof(init)) == 0 &&
		  setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &on,
			     sizeof(on)) == 0 &&
		  setsockopt(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on,
			     sizeof(on)) == 0 &&
		  sctp_subscribe(fd, 0, events, 2) == 0,
		  "setting up the test's client failed: %s", strerror(errno));
	hn_sockaddr(net, "b", AF_INET, LAB_PORT, &ss, &len);
	TK_EXPECT(connect(fd, (struct sockaddr *)&ss, len) == 0,
		  "the test's client could not reach the server on SCTP "
		  "port 9877 (is it listening? see 10.2): %s",
		  strerror(errno));
	return fd;
}

static inline void lab_send(int fd, uint16_t stream, uint32_t ppid,
			    const void *text, size_t len)
{
	TK_EXPECT(sctp_send_sndinfo(fd, text, len, NULL, 0, 0, stream, ppid,
				    0) == (ssize_t)len,
		  "the test could not send on stream %u: %s", stream,
		  strerror(errno));
}

/* What the client received: a message or a notification. */
struct got {
	char text[BIG + 1];
	ssize_t len;            /* -1: nothing within the wait */
	int flags;
	struct sctp_msginfo info;
};

/* The next thing the client receives within MS, or len -1. */
static inline struct got *lab_recv(int fd, int ms)
{
	static struct got g;
	struct pollfd p = { fd, POLLIN, 0 };

	memset(&g.info, 0, sizeof(g.info));
	g.len = -1;
	g.flags = 0;
	if (tk_poll(&p, 1, ms) != 1)
		return &g;
	g.len = sctp_recv_whole(fd, g.text, BIG, NULL, NULL, &g.info,
				&g.flags);
	if (g.len >= 0)
		g.text[g.len] = '\0';
	return &g;
}

/* Is G the association change STATE (SCTP_COMM_UP ...)? */
static inline bool lab_is_change(const struct got *g, int state)
{
	const union sctp_notification *sn = (const void *)g->text;

	return g->len >= (ssize_t)sizeof(struct sctp_assoc_change) &&
	       (g->flags & MSG_NOTIFICATION) &&
	       sn->sn_header.sn_type == SCTP_ASSOC_CHANGE &&
	       sn->sn_assoc_change.sac_state == state;
}

/* Reads from FD until its association ended: SCTP_COMM_LOST (an
 * abort), SCTP_SHUTDOWN_COMP, or the end of file, which can come just
 * before SHUTDOWN_COMP's notification once the peer's SHUTDOWN arrived.
 * *GRACEFUL: SHUTDOWN_COMP, or the end of file after
 * SCTP_SHUTDOWN_EVENT (an abort sends no SHUTDOWN).  Returns the last
 * thing read (len -1: nothing within MS). */
static inline struct got *lab_end_of(int fd, int ms, bool *graceful)
{
	const union sctp_notification *sn;
	bool shutdown_seen = false;
	struct got *g;

	for (int i = 0; i < 8; i++) {
		g = lab_recv(fd, ms);
		sn = (const void *)g->text;
		if (g->len > 0 && (g->flags & MSG_NOTIFICATION) &&
		    sn->sn_header.sn_type == SCTP_SHUTDOWN_EVENT)
			shutdown_seen = true;
		if (g->len <= 0 || lab_is_change(g, SCTP_SHUTDOWN_COMP) ||
		    lab_is_change(g, SCTP_COMM_LOST))
			break;
	}
	*graceful = lab_is_change(g, SCTP_SHUTDOWN_COMP) ||
		    (g->len == 0 && shutdown_seen);
	return g;
}

/* The next data message within MS, passing over the COMM_UP that
 * starts the association; len -1 if none came. */
static inline struct got *lab_echo(int fd, int ms)
{
	struct got *g = lab_recv(fd, ms);

	if (lab_is_change(g, SCTP_COMM_UP))
		g = lab_recv(fd, ms);
	return g;
}

/* A short description of G for a failure message. */
static inline const char *lab_shown(const struct got *g)
{
	static char buf[200];
	char line[160];

	if (g->len < 0) {
		snprintf(buf, sizeof(buf), "nothing%s", hn_idle_note());
		return buf;
	}
	if (g->flags & MSG_NOTIFICATION) {
		if (sctp_notification_line(g->text, (size_t)g->len, line,
					   sizeof(line)) < 0)
			snprintf(line, sizeof(line), "a notification");
		snprintf(buf, sizeof(buf), "%s", line);
	} else {
		snprintf(buf, sizeof(buf), "%zd bytes \"%.40s\" on stream "
			 "%u, ppid %u", g->len, g->text, g->info.stream,
			 g->info.ppid);
	}
	return buf;
}

#endif
