/*
 * hn_int.h - the harness's insides, shared by its files (not for tests).
 */
#ifndef HN_INT_H
#define HN_INT_H

#include "harness.h"

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>

#define HN_NAME_MAX 16         /* host, router and LAN names */
#define HN_MAX_HOSTS 32
#define HN_MAX_LINKS 64
#define HN_MAX_IFS 8           /* interfaces a host */
#define HN_MAX_LAN 16          /* hosts on one LAN */
#define HN_MAX_SYSCTLS 16
#define HN_MARK 0x484e         /* packets the harness itself re-sends */

/* An address with its prefix length; family 0 means "none". */
struct hn_prefix {
	int family;
	int len;
	union {
		struct in_addr v4;
		struct in6_addr v6;
		unsigned char bytes[16];
	} a;
};

/* One host's end of a link. */
struct hn_if {
	char name[IFNAMSIZ];        /* eth0, eth1, ... in the host */
	int link;                   /* index into net->links */
	struct hn_prefix addr4, addr6;
	char text[2][INET6_ADDRSTRLEN];  /* addr4, addr6 as text, or "" */
	bool local_down;            /* hn_link_down(HN_LOCAL) */
};

struct hn_host {
	char name[HN_NAME_MAX];
	bool router;
	int nsfd;                   /* its network namespace, -1 if none */
	struct hn_if ifs[HN_MAX_IFS];
	int nifs;
	bool crashed;
};

/* A point-to-point link (two members) or a LAN (a bridge). */
struct hn_link {
	char name[HN_NAME_MAX];     /* the LAN's name; "" for a link */
	bool lan;
	int members[HN_MAX_LAN];    /* host indexes, in the order named */
	int ifidx[HN_MAX_LAN];      /* each member's interface index */
	int nmembers;
	struct hn_prefix net4, net6;
	int mtu;                    /* 0: the default */
};

struct hn_sysctl {
	int host;                   /* -1: every host */
	char key[96];
	char value[32];
};

/* A parsed topology (no side effects yet). */
struct hn_topo {
	struct hn_host hosts[HN_MAX_HOSTS];
	int nhosts;
	struct hn_link links[HN_MAX_LINKS];
	int nlinks;
	struct hn_sysctl sysctls[HN_MAX_SYSCTLS];
	int nsysctls;
	bool kernel_timing;         /* "timing kernel" */
};

struct hn_impairer {
	pid_t pid;
	int host;                   /* where the queue is */
	int link;
	int end;                    /* the host whose link end it impairs */
	int dir;                    /* HN_OUT or HN_IN, seen from END */
	struct hn_impairer *next;
};

struct hn_net {
	struct hn_topo t;
	char *spec;
	int fabric_nsfd;            /* bridges live here (-1 if no LAN) */
	hn_proc *procs;
	hn_cap *caps;
	struct hn_impairer *impairers;
	int ncaps_made;
	hn_net *next_live;          /* list of networks still up */
};

/* Output a test was given earlier, kept until the program is freed. */
struct hn_text {
	char *text;
	struct hn_text *next;
};

struct hn_proc {
	hn_net *net;
	int host;
	pid_t pid;
	int pidfd;
	bool exited;
	int status;
	int stdin_fd;               /* write end of a stdin pipe, or -1 */
	char *name;                 /* argv[0], for messages */
	char outpath[2][64];        /* stdout and stderr files */
	char *text[2];              /* what was last read of each */
	struct hn_text *retired;    /* earlier texts, still valid */
	size_t seen;                /* stdout consumed by hn_next_line */
	char *peerdir, *peerconf;   /* a peer's temporary directory */
	hn_proc *next;
};

/* ---- errors (sandbox.c) ------------------------------------------------ */
/* Records a one-line error and returns -1. */
/* Sends LEN bytes of BUF on the Unix-domain socket SOCK, with the
 * descriptor FD attached unless it is -1 (fdpass.c); as sendmsg(). */
ssize_t hn_send_with_fd(int sock, const void *buf, size_t len, int fd);

int hn_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* At the end of a public call: in strict mode, a failure fails the test. */
int hn_check(int rc);
void *hn_check_ptr(void *p);
/* Skips the running test (strict mode) after recording the message. */
int hn_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The sandbox's own network namespace. */
int hn_sandbox_nsfd(void);
/* Has hn_init() made the sandbox? */
bool hn_sandboxed(void);

/* ---- namespaces (ns.c) -------------------------------------------------- */
/* Makes a new network namespace; returns a descriptor for it. */
int hn_ns_new(void);
/* Enters NSFD with the calling thread / goes back to the sandbox's. */
int hn_ns_enter(int nsfd);
void hn_ns_leave(void);
/* Writes a sysctl of the current namespace ("net.ipv4.tcp_retries2");
 * verify=true reads it back.  Returns 0, or -1 with hn_err set. */
int hn_sysctl_set(const char *key, const char *value, bool verify);

/* ---- topology (topo.c) -------------------------------------------------- */
int hn_topo_parse(struct hn_topo *t, const char *spec);
int hn_host_find(const struct hn_topo *t, const char *name);
/* " a b r1": every host's name, for messages. */
const char *hn_host_names(const struct hn_topo *t);
/* Records "no host X in this network (hosts: ...)"; returns -1. */
int hn_no_host(const hn_net *net, const char *host);
/* The interface of host H on the link to PEER (host or LAN name). */
struct hn_if *hn_if_find(struct hn_topo *t, int h, const char *peer);
/* Looks up host and peer, or records an error naming the unknown one. */
int hn_end_find(hn_net *net, const char *host, const char *peer,
		int *h, struct hn_if **ifp);
/* The route HOST needs for LINK: the gateway host and the interface to
 * reach it through; -1 if the link is attached or unreachable. */
int hn_route_via(const struct hn_topo *t, int host, int link, int *ifn);
int hn_prefix_parse(const char *text, struct hn_prefix *p);
/* The name of a LAN's bridge port for member M of link K: "l<K>p<M>". */
void hn_port_name(char name[IFNAMSIZ], int k, int m);
/* The NTH address (1 = first) inside prefix NET. */
struct hn_prefix hn_prefix_nth(const struct hn_prefix *net, int nth);
const char *hn_prefix_ntop(const struct hn_prefix *p, char *buf,
			   size_t len);

/* ---- netlink (netlink.c) ------------------------------------------------ */
struct mnl_socket;
struct mnl_socket *hn_nl_open(void);   /* in the current namespace */
void hn_nl_close(struct mnl_socket *nl);
/*
 * A veth pair: NAME in namespace NSFD, PEER in PEER_NSFD.  The two ends
 * get different interface indexes (INDEX, PEER_INDEX): the kernel's link
 * watcher treats a device whose index equals its peer's as unhurried,
 * and may leave it "down" for up to a second after both ends are up.
 */
struct hn_veth {
	const char *name, *peer;
	int nsfd, peer_nsfd;
	int index, peer_index;
	int mtu;
};
int hn_nl_veth(struct mnl_socket *nl, const struct hn_veth *v);
int hn_nl_bridge(struct mnl_socket *nl, const char *name);
int hn_nl_link_set(struct mnl_socket *nl, const char *ifname, int up,
		   int master, int mtu, int nsfd);
int hn_nl_addr(struct mnl_socket *nl, const char *ifname,
	       const struct hn_prefix *addr);
int hn_nl_route(struct mnl_socket *nl, const struct hn_prefix *dst,
		const struct hn_prefix *gw, const char *ifname,
		int rto_min_ms);
int hn_offloads_off(const char *ifname);
/* Waits until the N interfaces NAMES of the current namespace are
 * operationally up: until the kernel's link watcher has seen the
 * carrier, packets sent on a new link can vanish. */
int hn_nl_wait_up(const char *const *names, int n, int timeout_ms);

/* ---- hosts (net.c) ------------------------------------------------------ */
/* Gives host H a fresh namespace with its timers and its interfaces (moved
 * from OLDNS when >= 0) configured. */
int hn_host_configure(hn_net *net, int h);
/* Kills every process whose network namespace is host H's (SIGNAL), and
 * with SIGKILL waits until they are gone. */
int hn_host_kill_all(hn_net *net, int h, int sig);
int hn_host_routes(hn_net *net, int h, struct mnl_socket *nl);
/* Runs FN(net, h) inside host H's namespace. */
int hn_in_host(hn_net *net, int h, int (*fn)(hn_net *, int));
/* Waits until every end of link K is operationally up. */
int hn_link_wait_up(hn_net *net, int k);
/* Inside host H: waits until its links are up (hn_nl_wait_up). */
int hn_host_wait_links(hn_net *net, int h);
/* Runs nft commands in host H's namespace (or NSFD if h < 0). */
int hn_nft_in(hn_net *net, int h, int nsfd, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int hn_nft_quiet(hn_net *net, int h, const char *cmds);

/* ---- processes (proc.c) ------------------------------------------------- */
void hn_proc_reap(hn_proc *p, bool block);
void hn_procs_free(hn_net *net);
/* Kills and reaps the programs run here (net NULL). */
void hn_local_procs_free(void);
/* Processes in a network namespace, by the inode of its descriptor. */
int hn_pids_in_ns(int nsfd, pid_t *pids, int max);
/* The last lines of the program's output, for messages. */
const char *hn_proc_tail(hn_proc *p);
int hn_wait_pid_gone(pid_t pid, int timeout_ms);
long hn_now_ms(void);

/* ---- captures (capture.c) ---------------------------------------------- */
void hn_caps_close_all(hn_net *net);
/* Reopens captures at host H after it rebooted. */
void hn_caps_reopen(hn_net *net, int h);
/* A nonblocking pcap handle on every interface of host H ("any"),
 * filtered, for the harness's own use (RST injection). */
struct pcap *hn_pcap_any(hn_net *net, int h, const char *filter);
/* One line about a captured Ethernet frame, like tcpdump -n. */
struct pcap_pkthdr;
void hn_cap_print(FILE *out, const struct pcap_pkthdr *hdr,
		  const unsigned char *data);

/* ---- impairer (impair.c) ------------------------------------------------ */
/* Stops impairers (of LINK, or in HOST; -1 = any).  Gently, held packets
 * go out at once; or not (GENTLY false: they are dropped). */
void hn_impairers_stop(hn_net *net, int link, int host, bool gently);
/* Adds "queue num NUM bypass" (the xt NFQUEUE target through nft_compat)
 * as the only rule of CHAIN in inet table TABLE of the current ns. */
int hn_nfq_rule(const char *table, const char *chain, int num);

/* ---- teardown hooks (testkit) ------------------------------------------- */
void hn_down_all(void);

#endif
