/*
 * lab09.h - what lab 9's public and hidden tests share: the student's
 * assocsrv in host b of a two-host network (in the harness's VM when
 * this kernel has no SCTP), and one-to-one SCTP clients the test makes
 * in host a.  Every wait has a deadline; a wrong answer fails at once.
 */
#ifndef LAB09_H
#define LAB09_H

#include "harness.h"
#include "testkit.h"
#include "tkhelpers.h"
#include "sctputil.h"

#define LAB_PORT 9877
#define LAB_PORT_S "9877"
#define LAB_WAIT_MS 12000       /* an emulated VM on a busy machine */
/* In the VM a wait ends once nothing has run there for this long
 * (harness.h, hn_give_up_when_idle): every answer these tests wait for
 * follows at once, so a missing one fails in a second, not at the
 * deadline sized for a busy machine. */
#define LAB_IDLE_MS 1000

/* The student's server in host b, with ADDRS (NULL-terminated, may be
 * empty) after the port; once it said it listens. */
static hn_proc *lab_server(hn_net *net, const char *const *addrs)
{
	const char *argv[8] = { LAB_PORT_S };
	hn_proc *srv;
	int n = 1;

	for (; addrs != NULL && *addrs != NULL && n < 7; addrs++)
		argv[n++] = *addrs;
	srv = hn_run(net, "b", tk_lab_prog("assocsrv"), argv[0],
		     n > 1 ? argv[1] : NULL, n > 2 ? argv[2] : NULL, NULL);
	TK_EXPECT(tk_listening_port(srv, LAB_WAIT_MS) == LAB_PORT,
		  "assocsrv did not print \"listening on port %d\"; it "
		  "printed:\n%s%s", LAB_PORT, tk_shown(hn_stdout(srv)),
		  tk_shown(hn_stderr(srv)));
	return srv;
}

/* A one-to-one client in host a, associated with host b's server at
 * ADDR (NULL: b's first address), with SCTP_RCVINFO on; -1 if it could
 * not associate (errno says why). */
static int lab_try_client(hn_net *net, const char *addr)
{
	return tk_sctp_connect(net, "a", addr != NULL ? addr :
			       hn_addr(net, "b", AF_INET), LAB_PORT);
}

static int lab_client(hn_net *net, const char *addr)
{
	int fd = lab_try_client(net, addr);

	TK_EXPECT(fd >= 0, "could not associate with assocsrv: %s",
		  strerror(errno));
	return fd;
}

/* Sends LEN bytes on STREAM with PPID (host order). */
static void lab_send(int fd, const void *buf, size_t len, int stream,
		     uint32_t ppid)
{
	TK_EXPECT(sctp_send_sndinfo(fd, buf, len, NULL, 0, 0,
				    (uint16_t)stream, ppid, 0) ==
		  (ssize_t)len, "sending %zu bytes to assocsrv failed: %s%s",
		  len, strerror(errno), errno == EPIPE ? " (assocsrv's end "
		  "of the association has closed)" : "");
}

/* One whole message from FD within LAB_WAIT_MS: its length (-1 if none
 * came, 0 if the association ended), with its info and flags. */
static ssize_t lab_recv(int fd, void *buf, size_t cap,
			struct sctp_msginfo *info, int *flags)
{
	if (!tk_readable(fd, LAB_WAIT_MS))
		return -1;
	return sctp_recv_whole(fd, buf, cap, NULL, NULL, info, flags);
}

/* The next line of the server's output holding NEEDLE, or a failure
 * saying what was awaited, what came, and which section explains it. */
static char *lab_line(hn_proc *srv, const char *needle, const char *why)
{
	char *line = hn_next_line(srv, needle, LAB_WAIT_MS);

	TK_EXPECT(line != NULL, "%s: assocsrv printed no line with \"%s\" "
		  "within %d ms%s; all it printed:\n%s%s", why, needle,
		  LAB_WAIT_MS, hn_idle_note(), tk_shown(hn_stdout(srv)),
		  tk_shown(hn_stderr(srv)));
	return line;
}

/* The association id in a line "assoc ID ...", or -1. */
static int lab_assoc_of(const char *line)
{
	int id;

	return line != NULL && sscanf(line, "assoc %d", &id) == 1 ? id : -1;
}

/* Waits for the next line "assoc ..." (a new association: it must be
 * "assoc ID SCTP_COMM_UP ...") and returns ID. */
static int lab_comm_up(hn_proc *srv)
{
	char *line = lab_line(srv, "assoc ", "an association came up (see "
			      "9.9: subscribe to SCTP_ASSOC_CHANGE and report "
			      "it)");
	int id = lab_assoc_of(line);

	TK_EXPECT(strstr(line, " SCTP_COMM_UP") != NULL && id > 0,
		  "when an association came up assocsrv printed \"%s\", not "
		  "\"assoc ID SCTP_COMM_UP out O in I\" (see 9.9: "
		  "SCTP_ASSOC_CHANGE and its states; a notification is read "
		  "with MSG_NOTIFICATION in the flags)", line);
	free(line);
	return id;
}

/* Sends TEXT and expects it back whole, on STREAM with PPID; SEE is
 * the section to reread if no answer comes. */
static void lab_expect_echo_see(int fd, const char *text, int stream,
				uint32_t ppid, const char *who,
				const char *see)
{
	char buf[512];
	struct sctp_msginfo info;
	int flags = 0;
	ssize_t n;

	lab_send(fd, text, strlen(text), stream, ppid);
	n = lab_recv(fd, buf, sizeof(buf) - 1, &info, &flags);
	TK_EXPECT(n > 0, "%s sent \"%s\" and got %s within %d ms%s (see "
		  "%s)", who, text, n == 0 ? "the end of the association" :
		  "no answer", LAB_WAIT_MS, hn_idle_note(), see);
	buf[n] = '\0';
	TK_EXPECT(strcmp(buf, text) == 0, "%s sent \"%s\" and got \"%s\" "
		  "back (see 9.6)", who, text, tk_shown(buf));
	TK_EXPECT(info.stream == stream, "%s sent \"%s\" on stream %d; the "
		  "answer came on stream %u (see 9.6: answer on "
		  "sinfo_stream)", who, text, stream, info.stream);
	TK_EXPECT(info.ppid == ppid, "%s sent \"%s\" with payload protocol "
		  "identifier %u; the answer had %u, that is %#x (see 9.6: "
		  "the PPID is opaque, send back the bytes that came)", who,
		  text, ppid, info.ppid, info.ppid);
}

static void lab_expect_echo(int fd, const char *text, int stream,
			    uint32_t ppid, const char *who)
{
	lab_expect_echo_see(fd, text, stream, ppid, who, "9.6");
}

#endif
