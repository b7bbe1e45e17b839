/*
 * impair.c - delay, jitter, reordering and duplication without netem.
 *
 * An nftables rule hands the link's packets to a netfilter queue (the xt
 * NFQUEUE target, through nft_compat, because this kernel has no native
 * nft "queue"), with "bypass": if nobody listens, packets pass.  An
 * impairer process of ours reads the queue, holds each packet for its
 * delay and then lets it go; a duplicate is sent through a raw socket
 * whose mark keeps it out of the queue.  Every choice comes from a
 * seeded generator, so the same seed gives the same run.
 */
#include "hn_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 4096

/* ---- the impairer process ---------------------------------------------- */

struct held {
	long long due_us;
	uint32_t id;
	bool dup;
	int len;
	unsigned char *pkt;        /* a copy, only when dup */
};

struct impairer {
	struct hn_impair im;
	unsigned rng[2];           /* IPv4's and IPv6's: IPv6 neighbour
				      discovery does not shift IPv4's */
	int fam;                   /* which one the packet in hand uses */
	struct nfq_q_handle *qh;
	struct held held[MAX_HELD];
	int nheld;
	int raw4, raw6;
};

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static unsigned rnd(struct impairer *s)
{
	unsigned *r = &s->rng[s->fam];

	*r ^= *r << 13;
	*r ^= *r >> 17;
	*r ^= *r << 5;
	return *r;
}

static bool chance(struct impairer *s, double pct)
{
	return pct > 0 && (rnd(s) % 1000000) < pct * 10000.0;
}

/* Keeps held[] sorted by due time (stable: equal times keep order). */
static void hold(struct impairer *s, struct held h)
{
	int i = s->nheld;

	while (i > 0 && s->held[i - 1].due_us > h.due_us) {
		s->held[i] = s->held[i - 1];
		i--;
	}
	s->held[i] = h;
	s->nheld++;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg,
		     struct nfq_data *nfa, void *arg)
{
	struct impairer *s = arg;
	struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
	const struct hn_impair *im = &s->im;
	unsigned char *data;
	struct held h = { 0 };
	long long delay;
	int len = nfq_get_payload(nfa, &data);

	(void)msg;
	h.id = ntohl(ph->packet_id);
	s->fam = len > 0 && (data[0] >> 4) == 6;
	if (s->nheld == MAX_HELD)    /* full: let it go now */
		return nfq_set_verdict(qh, h.id, NF_ACCEPT, 0, NULL);
	delay = im->delay_ms * 1000LL;
	if (im->jitter_ms > 0)
		delay += rnd(s) % (unsigned)(im->jitter_ms * 1000 + 1);
	if (chance(s, im->reorder_pct))
		delay += im->reorder_ms * 1000LL;
	h.due_us = now_us() + delay;
	if (chance(s, im->dup_pct) && len > 0) {
		h.dup = true;
		h.len = len;
		h.pkt = malloc((size_t)len);
		memcpy(h.pkt, data, (size_t)len);
	}
	hold(s, h);
	return 0;
}

/* Sends a copy of an IP packet through a raw socket (header included). */
static void send_copy(struct impairer *s, const unsigned char *pkt, int len)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

	if ((pkt[0] >> 4) == 4 && len >= 20) {
		memcpy(&sin.sin_addr, pkt + 16, 4);
		sendto(s->raw4, pkt, (size_t)len, 0, (void *)&sin,
		       sizeof(sin));
	} else if ((pkt[0] >> 4) == 6 && len >= 40) {
		memcpy(&sin6.sin6_addr, pkt + 24, 16);
		sendto(s->raw6, pkt, (size_t)len, 0, (void *)&sin6,
		       sizeof(sin6));
	}
}

/* Lets go every packet due by NOW. */
static void release_due(struct impairer *s, long long now)
{
	int i, n = 0;

	while (n < s->nheld && s->held[n].due_us <= now)
		n++;
	for (i = 0; i < n; i++) {
		struct held *h = &s->held[i];

		nfq_set_verdict(s->qh, h->id, NF_ACCEPT, 0, NULL);
		if (h->dup)
			send_copy(s, h->pkt, h->len);
		free(h->pkt);
	}
	memmove(s->held, s->held + n, (size_t)(s->nheld - n) *
		sizeof(s->held[0]));
	s->nheld -= n;
}

static int open_raw(int family)
{
	int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	int mark = HN_MARK;

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark));
	return fd;
}

static volatile sig_atomic_t stopping;

static void stop_gently(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Serves the queue until SIGTERM, then lets every held packet go and
 * exits.  SIGTERM is blocked except inside ppoll(), so it cannot slip in
 * between the check and the wait. */
static void __attribute__((noreturn)) impairer_loop(struct nfq_handle *nh,
						    struct impairer *s)
{
	static char buf[65536 + 4096];
	struct sigaction sa = { .sa_handler = stop_gently };
	sigset_t term, none;
	int fd = nfq_fd(nh);

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &term, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stopping) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct timespec ts, *wait = NULL;
		ssize_t n;

		if (s->nheld > 0) {
			long long left = s->held[0].due_us - now_us();

			left = left < 0 ? 0 : left;
			ts.tv_sec = left / 1000000;
			ts.tv_nsec = (left % 1000000) * 1000;
			wait = &ts;
		}
		if (ppoll(&pfd, 1, wait, &none) > 0) {
			n = recv(fd, buf, sizeof(buf), 0);
			if (n > 0)
				nfq_handle_packet(nh, buf, (int)n);
		}
		release_due(s, now_us());
	}
	release_due(s, LLONG_MAX);
	_exit(0);
}

/* The child: binds the queue, says so on READY, then serves it. */
static void __attribute__((noreturn))
impairer_main(int nsfd, int num, const struct hn_impair *im, int ready)
{
	static struct impairer s;
	struct nfq_handle *nh;
	char ok = 1;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (hn_ns_enter(nsfd) < 0)
		_exit(1);
	s.im = *im;
	s.rng[0] = s.rng[1] = im->seed * 2654435761u + 12345;
	s.raw4 = open_raw(AF_INET);
	s.raw6 = open_raw(AF_INET6);
	nh = nfq_open();
	s.qh = nh == NULL ? NULL : nfq_create_queue(nh, (uint16_t)num,
						     on_packet, &s);
	if (s.qh == NULL ||
	    nfq_set_mode(s.qh, NFQNL_COPY_PACKET, 0xffff) < 0)
		_exit(1);
	nfq_set_queue_flags(s.qh, NFQA_CFG_F_FAIL_OPEN, NFQA_CFG_F_FAIL_OPEN);
	nfq_set_queue_maxlen(s.qh, MAX_HELD);
	if (write(ready, &ok, 1) != 1)
		_exit(1);
	close(ready);
	impairer_loop(nh, &s);
}

static pid_t start_impairer(int nsfd, int num, const struct hn_impair *im)
{
	int pp[2];
	pid_t pid;
	char ok = 0;
	struct pollfd pfd;

	if (pipe2(pp, O_CLOEXEC) < 0)
		return hn_err("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		close(pp[0]);
		impairer_main(nsfd, num, im, pp[1]);
	}
	close(pp[1]);
	pfd.fd = pp[0];
	pfd.events = POLLIN;
	if (pid < 0 || poll(&pfd, 1, 3000) != 1 || read(pp[0], &ok, 1) != 1) {
		close(pp[0]);
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		return hn_err("the impairer could not bind netfilter queue %d "
			      "(the kernel needs "
			      "CONFIG_NETFILTER_NETLINK_QUEUE)", num);
	}
	close(pp[0]);
	return pid;
}

/* ---- hn_impair ---------------------------------------------------------- */

/* Stops the impairers that match: LINK, HOST (where the queue is), and
 * END and DIR (the link end and direction they impair); -1 is any.
 * GENTLY: SIGTERM, so held packets go out; else SIGKILL drops them. */
static void stop_some(hn_net *net, int link, int host, int end, int dir,
		      bool gently)
{
	struct hn_impairer **pp = &net->impairers;

	while (*pp != NULL) {
		struct hn_impairer *im = *pp;

		if ((link >= 0 && im->link != link) ||
		    (host >= 0 && im->host != host) ||
		    (end >= 0 && im->end != end) ||
		    (dir >= 0 && im->dir != dir)) {
			pp = &im->next;
			continue;
		}
		if (!gently || kill(im->pid, SIGTERM) < 0 ||
		    hn_wait_pid_gone(im->pid, 1000) < 0)
			kill(im->pid, SIGKILL);
		waitpid(im->pid, NULL, 0);
		*pp = im->next;
		free(im);
	}
}

void hn_impairers_stop(hn_net *net, int link, int host, bool gently)
{
	stop_some(net, link, host, -1, -1, gently);
}

static void stop_matching(hn_net *net, int link, int end, int dir)
{
	stop_some(net, link, -1, end, dir, true);
}

/* Where the queue goes for direction D of host H's interface IFP:
 * outgoing at the sender's postrouting; incoming from a LAN at H's
 * prerouting. */
struct spot {
	int host;
	char dev[IFNAMSIZ];
	bool prerouting;
};

static struct spot spot_for(hn_net *net, int h, const struct hn_if *ifp,
			    int d)
{
	const struct hn_link *l = &net->t.links[ifp->link];
	struct spot s = { .host = h };
	int i;

	snprintf(s.dev, sizeof(s.dev), "%s", ifp->name);
	if (d == HN_OUT)
		return s;
	if (l->lan) {
		s.prerouting = true;
		return s;
	}
	for (i = 0; i < l->nmembers; i++)
		if (l->members[i] != h) {
			s.host = l->members[i];
			snprintf(s.dev, sizeof(s.dev), "%s",
				 net->t.hosts[s.host].ifs[l->ifidx[i]].name);
		}
	return s;
}

static int queue_rules(hn_net *net, const struct spot *s, int num)
{
	const char *fams[] = { "ip", "ip6" };
	char table[32];
	int i, rc = 0;

	snprintf(table, sizeof(table), "hnimp_%s_%s", s->dev,
		 s->prerouting ? "i" : "o");
	for (i = 0; i < 2 && rc == 0; i++)
		rc = hn_nft_in(net, s->host, -1,
			"add table %s %s\ndelete table %s %s\n"
			"add table %s %s\n"
			"add chain %s %s q\n"
			"add chain %s %s imp { type filter hook %s priority "
			"0; }\n"
			"add rule %s %s imp %s \"%s\" meta mark != 0x%x "
			"jump q\n",
			fams[i], table, fams[i], table, fams[i], table,
			fams[i], table, fams[i], table,
			s->prerouting ? "prerouting" : "postrouting",
			fams[i], table, s->prerouting ? "iifname" : "oifname",
			s->dev, HN_MARK);
	if (rc == 0 && hn_ns_enter(net->t.hosts[s->host].nsfd) == 0) {
		rc = hn_nfq_rule(table, "q", num);
		hn_ns_leave();
	}
	return rc;
}

static int impair_one(hn_net *net, int h, struct hn_if *ifp, int d,
		      const struct hn_impair *im)
{
	static int next_queue = 1;
	struct spot s = spot_for(net, h, ifp, d);
	struct hn_impairer *rec;
	int num = next_queue++;
	pid_t pid;

	stop_matching(net, ifp->link, h, d);    /* a new one replaces it */
	pid = start_impairer(net->t.hosts[s.host].nsfd, num, im);
	if (pid < 0)
		return -1;
	rec = calloc(1, sizeof(*rec));
	rec->pid = pid;
	rec->host = s.host;
	rec->link = ifp->link;
	rec->dir = d;
	rec->end = h;
	rec->next = net->impairers;
	net->impairers = rec;
	return queue_rules(net, &s, num);
}

int hn_impair(hn_net *net, const char *host, const char *peer, int dir,
	      const struct hn_impair *im)
{
	struct hn_if *ifp;
	int h;

	if (hn_end_find(net, host, peer, &h, &ifp) < 0)
		return hn_check(-1);
	if (dir < HN_OUT || dir > HN_BOTH || im == NULL || im->delay_ms < 0 ||
	    im->jitter_ms < 0 || im->reorder_ms < 0)
		return hn_check(hn_err("hn_impair: bad direction or negative "
				       "time"));
	if ((dir & HN_OUT) && impair_one(net, h, ifp, HN_OUT, im) < 0)
		return hn_check(-1);
	if ((dir & HN_IN) && impair_one(net, h, ifp, HN_IN, im) < 0)
		return hn_check(-1);
	return 0;
}
