/*
 * sctputil.c - SCTP helpers shared by chapters 9, 10 and 23: names of
 * notifications and states, event subscription, one line per
 * notification, whole messages read and sent with their ancillary data.
 *
 * Built into liblnp.a only where <netinet/sctp.h> exists (Debian's
 * libsctp-dev); elsewhere this file compiles to nothing.
 */
#if defined(__has_include)
#if __has_include(<netinet/sctp.h>)
#define HAVE_SCTP_H 1
#endif
#endif

#ifdef HAVE_SCTP_H
#include "sctputil.h"

#include <ctype.h>
#include <strings.h>

/* ---- names ---------------------------------------------------------- */

struct named {
	int value;
	const char *name;
};

#define N(x) { x, #x }
static const struct named event_names[] = {
	N(SCTP_DATA_IO_EVENT), N(SCTP_ASSOC_CHANGE), N(SCTP_PEER_ADDR_CHANGE),
	N(SCTP_SEND_FAILED), N(SCTP_REMOTE_ERROR), N(SCTP_SHUTDOWN_EVENT),
	N(SCTP_PARTIAL_DELIVERY_EVENT), N(SCTP_ADAPTATION_INDICATION),
	N(SCTP_AUTHENTICATION_EVENT), N(SCTP_SENDER_DRY_EVENT),
	N(SCTP_STREAM_RESET_EVENT), N(SCTP_ASSOC_RESET_EVENT),
	N(SCTP_STREAM_CHANGE_EVENT), N(SCTP_SEND_FAILED_EVENT),
};
static const struct named assoc_states[] = {
	N(SCTP_COMM_UP), N(SCTP_COMM_LOST), N(SCTP_RESTART),
	N(SCTP_SHUTDOWN_COMP), N(SCTP_CANT_STR_ASSOC),
};
static const struct named paddr_states[] = {
	N(SCTP_ADDR_AVAILABLE), N(SCTP_ADDR_UNREACHABLE), N(SCTP_ADDR_REMOVED),
	N(SCTP_ADDR_ADDED), N(SCTP_ADDR_MADE_PRIM), N(SCTP_ADDR_CONFIRMED),
	N(SCTP_ADDR_POTENTIALLY_FAILED),
};
#undef N

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const struct named *t, size_t n, int value)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return "?";
}

const char *sctp_event_name(unsigned type)
{
	return name_of(event_names, COUNT(event_names), (int)type);
}

const char *sctp_assoc_state_name(unsigned state)
{
	return name_of(assoc_states, COUNT(assoc_states), (int)state);
}

const char *sctp_paddr_state_name(int state)
{
	return name_of(paddr_states, COUNT(paddr_states), state);
}

int sctp_event_type(const char *name)
{
	if (strncasecmp(name, "SCTP_", 5) == 0)
		name += 5;
	for (size_t i = 0; i < COUNT(event_names); i++)
		if (strcasecmp(event_names[i].name + 5, name) == 0)
			return event_names[i].value;
	return -1;
}

/* ---- subscription --------------------------------------------------- */

/* include sctp_subscribe */
int sctp_subscribe(int fd, sctp_assoc_t assoc, const uint16_t *types,
		   size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct sctp_event ev = { .se_assoc_id = assoc,
					 .se_type = types[i], .se_on = 1 };

		if (setsockopt(fd, IPPROTO_SCTP, SCTP_EVENT, &ev,
			       sizeof(ev)) < 0)
			return -1;
	}
	return 0;
}
/* end sctp_subscribe */

/* ---- one line per notification -------------------------------------- */

/* "192.0.2.1" for an address in a sockaddr_storage. */
static const char *addr_text(const struct sockaddr_storage *ss, char *buf,
			     socklen_t len)
{
	const void *a = NULL;

	if (ss->ss_family == AF_INET)
		a = &((const struct sockaddr_in *)ss)->sin_addr;
	else if (ss->ss_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	if (a == NULL || inet_ntop(ss->ss_family, a, buf, len) == NULL)
		snprintf(buf, len, "family %d", ss->ss_family);
	return buf;
}

static int assoc_change_line(const struct sctp_assoc_change *c, char *out,
			     size_t outlen)
{
	return snprintf(out, outlen, "SCTP_ASSOC_CHANGE %s assoc %d out %u "
			"in %u error %u", sctp_assoc_state_name(c->sac_state),
			(int)c->sac_assoc_id, c->sac_outbound_streams,
			c->sac_inbound_streams, c->sac_error);
}

static int paddr_change_line(const struct sctp_paddr_change *c, char *out,
			     size_t outlen)
{
	char a[INET6_ADDRSTRLEN + 16];
	struct sockaddr_storage ss;

	memcpy(&ss, &c->spc_aaddr, sizeof(ss));  /* the struct is packed */
	return snprintf(out, outlen, "SCTP_PEER_ADDR_CHANGE %s %s assoc %d "
			"error %d", sctp_paddr_state_name(c->spc_state),
			addr_text(&ss, a, sizeof(a)), (int)c->spc_assoc_id,
			c->spc_error);
}

/* include sctp_notification_line */
int sctp_notification_line(const void *buf, size_t len, char *out,
			   size_t outlen)
{
	const union sctp_notification *sn = buf;
	const char *name;
	int id;

	if (len < sizeof(sn->sn_header) || len < sn->sn_header.sn_length)
		return -1;
	name = sctp_event_name(sn->sn_header.sn_type);
	switch (sn->sn_header.sn_type) {
	case SCTP_ASSOC_CHANGE:
		return assoc_change_line(&sn->sn_assoc_change, out, outlen);
	case SCTP_PEER_ADDR_CHANGE:
		return paddr_change_line(&sn->sn_paddr_change, out, outlen);
	case SCTP_REMOTE_ERROR:
		return snprintf(out, outlen, "%s assoc %d cause %u", name,
				(int)sn->sn_remote_error.sre_assoc_id,
				ntohs(sn->sn_remote_error.sre_error));
	case SCTP_SEND_FAILED:
		return snprintf(out, outlen, "%s %s assoc %d error %u "
				"stream %u", name,
				sn->sn_send_failed.ssf_flags == SCTP_DATA_SENT
				? "SCTP_DATA_SENT" : "SCTP_DATA_UNSENT",
				(int)sn->sn_send_failed.ssf_assoc_id,
				sn->sn_send_failed.ssf_error,
				sn->sn_send_failed.ssf_info.sinfo_stream);
	case SCTP_SEND_FAILED_EVENT:
		return snprintf(out, outlen, "%s %s assoc %d error %u "
				"stream %u", name,
				sn->sn_send_failed_event.ssf_flags ==
				SCTP_DATA_SENT ? "SCTP_DATA_SENT" :
				"SCTP_DATA_UNSENT",
				(int)sn->sn_send_failed_event.ssf_assoc_id,
				sn->sn_send_failed_event.ssf_error,
				sn->sn_send_failed_event.ssfe_info.snd_sid);
	case SCTP_ADAPTATION_INDICATION:
		return snprintf(out, outlen, "%s assoc %d indication %#x",
				name, (int)sn->sn_adaptation_event.sai_assoc_id,
				sn->sn_adaptation_event.sai_adaptation_ind);
	case SCTP_PARTIAL_DELIVERY_EVENT:
		return snprintf(out, outlen, "%s assoc %d %s stream %u",
				name, (int)sn->sn_pdapi_event.pdapi_assoc_id,
				sn->sn_pdapi_event.pdapi_indication ==
				SCTP_PARTIAL_DELIVERY_ABORTED ?
				"SCTP_PARTIAL_DELIVERY_ABORTED" : "?",
				sn->sn_pdapi_event.pdapi_stream);
	case SCTP_AUTHENTICATION_EVENT:
		id = sn->sn_authkey_event.auth_indication;
		return snprintf(out, outlen, "%s assoc %d %s key %u", name,
				(int)sn->sn_authkey_event.auth_assoc_id,
				id == SCTP_AUTH_NEW_KEY ? "SCTP_AUTH_NEW_KEY" :
				id == SCTP_AUTH_FREE_KEY ? "SCTP_AUTH_FREE_KEY"
				: id == SCTP_AUTH_NO_AUTH ? "SCTP_AUTH_NO_AUTH"
				: "?", sn->sn_authkey_event.auth_keynumber);
	case SCTP_SHUTDOWN_EVENT:
		id = (int)sn->sn_shutdown_event.sse_assoc_id;
		break;
	case SCTP_SENDER_DRY_EVENT:
		id = (int)sn->sn_sender_dry_event.sender_dry_assoc_id;
		break;
	case SCTP_STREAM_RESET_EVENT:
		id = (int)sn->sn_strreset_event.strreset_assoc_id;
		break;
	case SCTP_ASSOC_RESET_EVENT:
		id = (int)sn->sn_assocreset_event.assocreset_assoc_id;
		break;
	case SCTP_STREAM_CHANGE_EVENT:
		return snprintf(out, outlen, "%s assoc %d in %u out %u", name,
				(int)sn->sn_strchange_event.strchange_assoc_id,
				sn->sn_strchange_event.strchange_instrms,
				sn->sn_strchange_event.strchange_outstrms);
	default:
		return snprintf(out, outlen, "notification %#x",
				sn->sn_header.sn_type);
	}
	return snprintf(out, outlen, "%s assoc %d", name, id);
}
/* end sctp_notification_line */

/* ---- whole messages ------------------------------------------------- */

/* Copies what a part's control data says into INFO. */
static void take_cmsgs(struct msghdr *mh, struct sctp_msginfo *info)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL;
	     c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != IPPROTO_SCTP)
			continue;
		if (c->cmsg_type == SCTP_RCVINFO) {
			struct sctp_rcvinfo r;

			memcpy(&r, CMSG_DATA(c), sizeof(r));
			*info = (struct sctp_msginfo){ true, r.rcv_sid,
				r.rcv_ssn, r.rcv_flags, ntohl(r.rcv_ppid),
				r.rcv_tsn, r.rcv_assoc_id };
		} else if (c->cmsg_type == SCTP_SNDRCV && !info->have) {
			struct sctp_sndrcvinfo s;

			memcpy(&s, CMSG_DATA(c), sizeof(s));
			*info = (struct sctp_msginfo){ true, s.sinfo_stream,
				s.sinfo_ssn, s.sinfo_flags, ntohl(s.sinfo_ppid),
				s.sinfo_tsn, s.sinfo_assoc_id };
		}
	}
}

/* include sctp_recv_whole */
ssize_t sctp_recv_whole(int fd, void *buf, size_t cap, struct sockaddr *from,
			socklen_t *fromlen, struct sctp_msginfo *info,
			int *flags)
{
	char control[CMSG_SPACE(sizeof(struct sctp_rcvinfo)) +
		     CMSG_SPACE(sizeof(struct sctp_sndrcvinfo))];
	struct sctp_msginfo got = { 0 };
	size_t have = 0;
	int last = 0;

	do {
		struct iovec iov = { (char *)buf + have, cap - have };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = control,
				     .msg_controllen = sizeof(control) };
		ssize_t n;

		if (have == 0 && from != NULL) {
			mh.msg_name = from;     /* the first part's sender */
			mh.msg_namelen = *fromlen;
		}
		n = recvmsg(fd, &mh, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0 && have == 0 && !(mh.msg_flags & MSG_EOR)) {
			last = mh.msg_flags;
			break;          /* end of file (one-to-one socket) */
		}
		if (have == 0 && from != NULL)
			*fromlen = mh.msg_namelen;
		take_cmsgs(&mh, &got);
		have += (size_t)n;
		last = mh.msg_flags;
	} while (!(last & MSG_EOR) && have < cap);
	if (info != NULL)
		*info = got;
	if (flags != NULL)
		*flags = last;
	return (ssize_t)have;
}
/* end sctp_recv_whole */

/* include sctp_send_sndinfo */
ssize_t sctp_send_sndinfo(int fd, const void *buf, size_t len,
			  const struct sockaddr *to, socklen_t tolen,
			  sctp_assoc_t assoc, uint16_t stream, uint32_t ppid,
			  uint16_t sndflags)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct sctp_sndinfo))];
		struct cmsghdr align;
	} control = { { 0 } };
	struct sctp_sndinfo snd = { .snd_sid = stream, .snd_flags = sndflags,
				    .snd_ppid = htonl(ppid),
				    .snd_assoc_id = assoc };
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_name = (void *)to, .msg_namelen = tolen,
			     .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

	c->cmsg_level = IPPROTO_SCTP;
	c->cmsg_type = SCTP_SNDINFO;
	c->cmsg_len = CMSG_LEN(sizeof(snd));
	memcpy(CMSG_DATA(c), &snd, sizeof(snd));
	return sendmsg(fd, &mh, MSG_NOSIGNAL);
}
/* end sctp_send_sndinfo */

#else
/* No <netinet/sctp.h> here: nothing to build (ISO C wants a
 * declaration in every file). */
typedef int sctputil_unavailable;
#endif
