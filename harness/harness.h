/*
 * harness.h - networks of Linux network namespaces for the workbook's
 * tests: declare a topology in a few lines, run programs in its hosts,
 * break it on purpose (loss, delay, partition, crash, reboot, RST, ICMP),
 * capture what crossed the wire, and tear it all down.
 *
 *   int main(void) {
 *       hn_init();                  // first: own user/net/pid/mount ns
 *       ...cmocka tests...
 *   }
 *   static void daytime_over_the_wire(void **state) {
 *       hn_net *net = hn_up("host client\nhost server\n"
 *                           "link client server 192.0.2.0/24\n");
 *       hn_proc *srv = hn_run(net, "server", prog, NULL);
 *       hn_wait_port(srv, IPPROTO_TCP, 13, 2000);
 *       ...
 *       hn_down(net);
 *   }
 *
 * Errors.  Every call that can fail records a one-line message that names
 * the thing and says what to do (hn_error()).  In "strict" mode, the
 * default, a failure also fails the running test with that message
 * (TK_FAIL), so a test needs no error checks of its own.  With
 * hn_set_strict(0) calls return -1 or NULL instead (netlab, and tests of
 * bad input).  Whatever fails, nothing is left behind: a network that
 * failed to come up is removed, and every network still up when a test
 * ends (passes or fails) is torn down by the test's teardown.
 *
 * Names.  Hosts and routers are named in the topology.  A link end is
 * named by the host and the thing at the other end: the peer host of a
 * point-to-point link, or the LAN's name (hn_loss(net, "client", "r1",
 * ...) acts on the link between client and r1).  Directions are seen from
 * the first name: HN_OUT is host -> peer, HN_IN is peer -> host.
 *
 * See harness/README.md for the topology language and a walk-through.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <stdbool.h>

typedef struct hn_net hn_net;     /* a running topology */
typedef struct hn_proc hn_proc;   /* a program running in a host */
typedef struct hn_cap hn_cap;     /* a packet capture on one link end */

/* ---- the sandbox ------------------------------------------------------ */

/*
 * Call first in main(), before anything else starts threads or
 * processes.  Puts the test binary in its own user, mount, PID and
 * network namespaces (as `unshare -Urnmpf --mount-proc` would; as root
 * the user namespace is skipped): the process forks, the child becomes
 * PID 1 of the new PID namespace and runs the rest of main(); the parent
 * only waits and exits with the child's status, and the child dies with
 * the parent (PR_SET_PDEATHSIG), so Ctrl-C or SIGKILL of the test removes
 * every namespace, process and mount it made.  A fresh /proc is mounted,
 * and a private tmpfs for temporary files (hn_tmpdir(); $TMPDIR points
 * there too).  Every test's teardown (TK_TEST) then takes down networks
 * the test left up.
 *
 * If unprivileged user namespaces are blocked, prints which setting
 * blocks them and the two ways out, and exits 77 (skip).  Root uses a
 * user namespace too when it can (so both take the same path), and
 * falls back to none; HN_ROOTLESS=1 forbids the fallback (to test the
 * rootless path as root).  Calling it again does nothing.
 */
void hn_init(void);

/* The private tmpfs directory, /dev/shm inside the sandbox (empty at
 * start, gone at exit). */
const char *hn_tmpdir(void);

/*
 * Makes sure the kernel has FEATURE ("sctp", "tun", "pf_key", "nfqueue",
 * "netdev-egress"; any other name, e.g. "netem", counts as missing).
 * Returns 0 if it does.  If not, and the VM backend (harness/vm/) is
 * built in, asks it to re-run this test binary inside a VM whose kernel
 * has the feature (that call does not return).  Otherwise prints why and
 * exits 77 (skip).
 */
int hn_require(const char *feature);

/*
 * The VM backend's hook, implemented in harness/vm/ (not here).  Returns
 * only if it cannot run the test in a VM; then -1 and a message on
 * stderr.  Built in when harness/vm/vm.mk sets HN_VM_OBJS.
 */
int hn_vm_rerun(const char *feature);

/*
 * Asks the VM backend to carry into the VM a program of this machine
 * (a name looked up in PATH, /usr/sbin and /sbin: "ip", "tcpdump",
 * "sctp_darn") with its libraries, or a file given by its absolute path
 * ("/etc/protocols").  Call it before hn_require(); it changes nothing
 * when the test runs on this kernel.  In the VM the shipped programs
 * come first in PATH, before busybox's.  A name not found here makes
 * the test skip (exit 77) with the name and what to install.
 */
void hn_vm_ship(const char *program_or_file);
/* What hn_vm_ship() asked for, NULL-terminated (for harness/vm/). */
const char *const *hn_vm_shipped(void);

/* The last error's one-line message ("" if none). */
const char *hn_error(void);

/* strict=1 (default): failures fail the running test.  strict=0: they
 * only return -1/NULL and set hn_error().  Returns the previous value. */
int hn_set_strict(int strict);

/* ---- topologies ------------------------------------------------------- */

/*
 * Builds and starts the topology described by SPEC, one statement a line
 * ('#' starts a comment):
 *
 *   host NAME...                 end hosts (no forwarding)
 *   router NAME...               routers (IPv4 and IPv6 forwarding on)
 *   link A B PREFIX [PREFIX6]    a point-to-point link (veth pair);
 *                                A gets the first address, B the second
 *   lan NAME A B C... PREFIX [PREFIX6]
 *                                a LAN: a bridge with one port per host;
 *                                hosts get addresses in the order named
 *   mtu A B BYTES                MTU of the link (or LAN) between A and B
 *   sysctl HOST|* KEY VALUE      any net.* sysctl, e.g.
 *                                sysctl * net.ipv4.tcp_retries2 8
 *   timing kernel                keep the kernel's default timers
 *                                (default: fast, see hn_timing below)
 *
 * PREFIX is an IPv4 prefix (192.0.2.0/24), PREFIX6 an IPv6 one
 * (2001:db8:1::/64); either order, at least one.  Interfaces are named
 * eth0, eth1... in each host in the order its links are declared.
 * Routes are computed (shortest path through routers; ties go to the
 * link declared first) and installed in every host, so every address is
 * reachable from every host.
 *
 * Every host starts with fast timers so failure stories end in well
 * under a second (see hn_timing).  The call checks that they took; if the
 * kernel refuses one, the test is skipped with a message naming it.
 *
 * Returns the running network, or NULL (typo, unknown host, duplicate
 * address, ... : hn_error() names it; nothing is left behind).
 */
hn_net *hn_up(const char *spec);

/* Tears the network down: kills its programs (SIGKILL), closes captures
 * (their files stay), removes every namespace and interface. */
void hn_down(hn_net *net);

/* One-call shapes (all dual-stack).  Addresses, in order of the hosts:
 *   hn_two_hosts:   "a" 192.0.2.1 2001:db8:1::1 -- "b" 192.0.2.2 ...::2
 *   hn_lan(n):      "h1".."hN" on LAN "lan0", 203.0.113.1.. 2001:db8:3::1..
 *   hn_chain(r):    "client" - "r1" - ... - "rR" - "server" (r 0..7);
 *                   link i (from 0) is 198.51.100.(32*i)/27 and
 *                   2001:db8:1i::/64; the left end gets the first
 *                   address: client 198.51.100.1, r1 .2 and .33, ...
 *   hn_multihomed:  "client" with eth0 -> "r1" (192.0.2.0/26,
 *                   2001:db8:1::/64) and eth1 -> "r2" (192.0.2.64/26,
 *                   2001:db8:2::/64); r1, r2 and "server" share LAN
 *                   "core" (203.0.113.0/24, 2001:db8:3::/64) */
hn_net *hn_two_hosts(void);
hn_net *hn_lan(int nhosts);
hn_net *hn_chain(int nrouters);
hn_net *hn_multihomed(void);

/* The spec the network was built from, expanded (for messages). */
const char *hn_spec(const hn_net *net);

/* The timers every host gets unless the spec says "timing kernel". */
struct hn_timing {
	int tcp_retries2;          /* net.ipv4.tcp_retries2 */
	int tcp_syn_retries;       /* net.ipv4.tcp_syn_retries */
	int tcp_synack_retries;    /* net.ipv4.tcp_synack_retries */
	int keepalive_time_s;      /* net.ipv4.tcp_keepalive_time */
	int keepalive_intvl_s;     /* net.ipv4.tcp_keepalive_intvl */
	int keepalive_probes;      /* net.ipv4.tcp_keepalive_probes */
	int rto_min_ms;            /* RTAX_RTO_MIN on every route */
	int icmp_ratelimit;        /* net.ipv4/6.icmp ratelimit: 0 = off */
	int dad;                   /* IPv6 duplicate address detection */
};
/* The values used: tcp_retries2 1 (a writer whose peer went silent gets
 * ETIMEDOUT after about 0.8 s), SYN retries 1 (connect() to a silent
 * host gives up after 3 s), keepalive after 1 s, then every 1 s, 2
 * probes; rto_min 5 ms; no ICMP rate limit; no IPv6 DAD.  Also set:
 * tcp_orphan_retries 1, tcp_invalid_ratelimit 0, no router
 * solicitations, IPv6 addresses kept when a link goes down. */
const struct hn_timing *hn_timing(void);

/* ---- addresses and acting inside a host ------------------------------- */

/* HOST's first address of FAMILY (AF_INET or AF_INET6) as text, e.g.
 * "192.0.2.2"; NULL if it has none.  Lives as long as the network. */
const char *hn_addr(hn_net *net, const char *host, int family);

/* HOST's address on the link towards PEER (a host or LAN name). */
const char *hn_addr_on(hn_net *net, const char *host, const char *peer,
		       int family);

/* Fills *ss and *len with HOST's first FAMILY address and PORT, ready for
 * connect() or bind().  Returns 0, or -1. */
int hn_sockaddr(hn_net *net, const char *host, int family, int port,
		struct sockaddr_storage *ss, socklen_t *len);

/* The interface name (eth0, ...) of HOST's end of the link to PEER. */
const char *hn_ifname(hn_net *net, const char *host, const char *peer);

/* Switches the calling thread into HOST's network namespace, so the test
 * can make sockets there (they stay in that host after hn_leave()).
 * Returns 0, or -1 (unknown host). */
int hn_enter(hn_net *net, const char *host);
/* Switches the calling thread back to the sandbox's own namespace. */
int hn_leave(hn_net *net);

/* A descriptor for HOST's network namespace (owned by the harness: do not
 * close), for setns(2).  -1 if unknown.  Changes when the host reboots. */
int hn_netns_fd(hn_net *net, const char *host);

/* Runs a shell command line in HOST (NET NULL: here) and waits for it (at
 * most timeout_ms).  Returns its exit status (0..255), or -1 if it could not
 * run or timed out.  If out is not NULL, *out receives its stdout
 * (malloc'd; free it). */
int hn_sh(hn_net *net, const char *host, int timeout_ms, char **out,
	  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- programs --------------------------------------------------------- */

struct hn_spawn_opts {
	const char *stdin_data;    /* stdin from this buffer ... */
	size_t stdin_len;          /* ... of this many bytes (0: strlen) */
	const char *stdin_file;    /* or from this file (neither: a pipe
				      the test writes with hn_write_stdin) */
	const char *cwd;           /* working directory (else unchanged) */
	char *const *env;          /* extra NAME=VALUE strings, NULL-ended */
};

/*
 * Starts ARGV (argv[0] a path, or a name looked up in $PATH) in HOST, with
 * stdout and stderr captured.  OPTS may be NULL.  The program belongs to
 * the network: hn_down() kills what is left.  Returns NULL if the program
 * does not exist or cannot run ("no program ./x in host client: build it
 * with make ...").
 *
 * With NET NULL (HOST is then ignored) the program runs here, in the
 * sandbox's own network namespace, where the test talks to it on
 * loopback; messages call that host "local".  It is killed and reaped
 * when the test ends, passed or failed.  Either way the program starts
 * with SIGPIPE at its default (the test itself ignores it: hn_init).
 */
hn_proc *hn_spawn(hn_net *net, const char *host, char *const argv[],
		  const struct hn_spawn_opts *opts);

/* The same with the arguments listed, ending with NULL:
 *   hn_run(net, "server", "./echosrv", "9877", NULL)
 *   hn_run(NULL, NULL, "./echosrv", "9877", NULL)     (here, loopback) */
hn_proc *hn_run(hn_net *net, const char *host, const char *prog, ...)
	__attribute__((sentinel));
/* The same with the arguments in a va_list (for wrappers of hn_run). */
hn_proc *hn_vrun(hn_net *net, const char *host, const char *prog,
		 va_list args);

/*
 * Waits until the program's host has a socket listening on PORT (TCP:
 * LISTEN; UDP and SCTP: bound) for PROTO (IPPROTO_TCP, IPPROTO_UDP,
 * IPPROTO_SCTP), any address.  Returns 0, or -1 when the program exits
 * first or timeout_ms passes; the error says what was awaited and shows
 * the last lines of the program's output.
 */
int hn_wait_port(hn_proc *p, int proto, int port, int timeout_ms);

/* Waits for a line of stdout or stderr matching the POSIX extended
 * REGEX.  Returns 0, or -1 (exit or timeout, as above). */
int hn_wait_line(hn_proc *p, const char *regex, int timeout_ms);

/* Waits for the program to exit.  Returns its wait status (use
 * WIFEXITED, WEXITSTATUS...), or -1 on timeout (it keeps running). */
int hn_wait_exit(hn_proc *p, int timeout_ms);

/* Has the program exited?  Its wait status if so, else -1, at once; a
 * question, so it never fails the test, even in strict mode. */
int hn_exit_status(hn_proc *p);

/* Questions that wait: like hn_exit_status they never fail the test, so
 * the test says in its own words what went wrong. */

/* The next line of stdout, after the lines earlier calls looked at, that
 * contains NEEDLE (plain text): malloc'd (free it), or NULL if none came
 * within timeout_ms or the program ended first.  Lines passed over are
 * consumed, so a second call finds a later line. */
char *hn_next_line(hn_proc *p, const char *needle, int timeout_ms);

/* 1 once everything on stderr so far contains NEEDLE, within
 * timeout_ms; else 0. */
int hn_stderr_has(hn_proc *p, const char *needle, int timeout_ms);

/* Waits up to timeout_ms for the program to exit: its wait status, or
 * -1 if it is still running. */
int hn_exited_within(hn_proc *p, int timeout_ms);

/*
 * Waits that end when the VM is idle (idle.c).  In the test VM the test
 * and its programs are all that runs, so once the CPU has had nothing
 * to do for IDLE_MS, an answer that has not come is not coming (unless
 * a timer longer than that is due).  After hn_give_up_when_idle(IDLE_MS)
 * the waits above (hn_wait_port, hn_wait_line, hn_wait_exit,
 * hn_next_line, hn_stderr_has, hn_exited_within) and the test kit's
 * tk_readable end then, as they would at their deadline: a wrong answer
 * fails in IDLE_MS, not at a deadline sized for an emulated machine
 * that is busy.  Only for waits on what follows at once; 0 turns it off
 * (the default).  Outside the VM it does nothing: other work shares the
 * CPU there.  hn_idle_note() is "" or says that the last wait ended so,
 * for a failure message.
 */
void hn_give_up_when_idle(int idle_ms);
const char *hn_idle_note(void);

/* The watch a wait keeps: start it, sleep at most hn_idle_nap(w, LEFT)
 * at a time, and give up when hn_idle_over(w). */
typedef struct {
	bool on;
	int cpus;
	long began, since, last;        /* ms (hn_now_ms) */
	long long last_idle;            /* idle ms of all CPUs */
} hn_idle;
void hn_idle_start(hn_idle *w);
int hn_idle_nap(const hn_idle *w, int left_ms);
bool hn_idle_over(hn_idle *w);

/* Writes LEN bytes to the program's stdin pipe, never blocking past
 * timeout_ms, then closes it (end of file).  A program that stops
 * reading and closes its stdin is not an error.  Returns 0, or -1 if the
 * deadline passed first (or stdin is not a pipe). */
int hn_feed(hn_proc *p, const void *buf, size_t len, int timeout_ms);

/* Sends SIG to the program.  Returns 0, or -1 if it has already exited. */
int hn_signal(hn_proc *p, int sig);

/* Kills the program with SIGKILL and reaps it.  Returns its wait status. */
int hn_kill(hn_proc *p);

/* Everything the program wrote so far (NUL-terminated; valid until the
 * test ends, so two calls may stand in one message). */
const char *hn_stdout(hn_proc *p);
const char *hn_stderr(hn_proc *p);

/* The program's pid (in the sandbox's PID namespace). */
pid_t hn_pid(const hn_proc *p);

/* How many of the program's children are zombies right now (exited and
 * never waited for): the fork-server lesson of chapter 5.  Also counts,
 * once the program has exited, orphans it left behind.  -1 on error. */
int hn_zombies(hn_proc *p);

/* Writes LEN bytes to the program's stdin (only when it was started with
 * neither stdin_data nor stdin_file: then stdin is a pipe).  LEN 0 closes
 * the pipe (end of file).  Returns 0, or -1. */
int hn_write_stdin(hn_proc *p, const void *buf, size_t len);

/* ---- faults ----------------------------------------------------------- */

enum hn_dir {
	HN_OUT = 1,                /* host -> peer */
	HN_IN = 2,                 /* peer -> host */
	HN_BOTH = 3
};

/*
 * Drops PERCENT (0..100) of the IP packets crossing the link between HOST
 * and PEER in DIR (ARP is spared).  The choice is pseudo-random but
 * repeatable (seeded from SEED): exactly PERCENT of every 100 packets go
 * (of every 1000 for a fractional percentage).  0 removes it.  Packets
 * are dropped at the sending device's egress, before any capture on it:
 * they left the sender's stack and never arrived.
 */
int hn_loss(hn_net *net, const char *host, const char *peer, int dir,
	    double percent, unsigned seed);

/*
 * Drops exactly the Nth packet (1 = the first) from now on that crosses
 * the link in DIR and matches the nftables expression MATCH (e.g.
 * "udp dport 9000", "tcp flags & syn == syn"; NULL: every IP packet).
 */
int hn_drop_nth(hn_net *net, const char *host, const char *peer, int dir,
		unsigned n, const char *match);

/* The impairer: packets crossing the link in DIR pass through a queue of
 * ours (NFQUEUE, at the sender's postrouting; for HN_IN from a LAN, at
 * HOST's prerouting) that delays, reorders and duplicates them.
 * Fail-open: if the impairer dies, packets flow unimpaired.  A new call
 * for the same link end and direction replaces the old one; hn_clear()
 * lets held packets go at once. */
struct hn_impair {
	int delay_ms;              /* every packet waits this long ... */
	int jitter_ms;             /* ... plus 0..jitter_ms, uniformly */
	double reorder_pct;        /* this % wait an extra reorder_ms ... */
	int reorder_ms;            /* ... so later ones overtake them */
	double dup_pct;            /* this % are sent twice */
	unsigned seed;             /* same seed, same choices */
};
int hn_impair(hn_net *net, const char *host, const char *peer, int dir,
	      const struct hn_impair *im);

/* Removes every loss, drop and impairment on the link HOST - PEER. */
int hn_clear(hn_net *net, const char *host, const char *peer);

/* Partitions the network: IP traffic between any host of SIDE_A and any
 * host of SIDE_B (space-separated names) is dropped as it leaves the
 * sender (its interfaces' egress): at once and silently, send() still
 * succeeds.  Everything else still flows.  (A datagram waiting for ARP
 * when the partition heals goes out then.) */
int hn_partition(hn_net *net, const char *side_a, const char *side_b);
/* Removes every partition. */
int hn_heal(hn_net *net);

enum hn_down_kind {
	HN_LOCAL = 1,              /* HOST's interface goes down: HOST gets
				      ENETUNREACH at once */
	HN_FAR = 2                 /* the link goes silent: nothing passes,
				      nobody is told */
};
int hn_link_down(hn_net *net, const char *host, const char *peer,
		 int kind);
/* Brings it back (routes restored for HN_LOCAL). */
int hn_link_up(hn_net *net, const char *host, const char *peer);

/* Kills one program with SIG (as hn_signal(), for symmetry). */
int hn_proc_kill(hn_proc *p, int sig);

/*
 * The host crashes: first its IP traffic is dropped in both directions
 * (ARP and IPv6 neighbour discovery still answered, so peers see
 * ETIMEDOUT, not EHOSTUNREACH), then every process in it gets SIGKILL;
 * nothing it sends reaches the wire.  It stays crashed until
 * hn_reboot().
 */
int hn_crash(hn_net *net, const char *host);

/* The host comes back with a fresh network namespace holding the same
 * interfaces, addresses, routes and timers, and no sockets, so a peer's
 * next segment is answered with a RST (ECONNRESET).  Crashes it first if
 * it is running.  hn_netns_fd() changes; faults set inside the host are
 * gone with the old namespace; captures at its ends carry on. */
int hn_reboot(hn_net *net, const char *host);

/* Orderly shutdown: every process in the host gets SIGTERM, then SIGKILL
 * after grace_ms; their sockets close normally (FINs go out).  The
 * host's network stays up, so the closing handshakes can finish. */
int hn_shutdown(hn_net *net, const char *host, int grace_ms);

/*
 * Injects a RST into HOST's TCP connection on local port PORT (the first
 * such connection that is not listening): the harness learns the
 * sequence numbers in play by provoking an ACK, and sends HOST a RST from
 * its peer with the exact number HOST expects, so HOST's socket gets
 * ECONNRESET.  The peer is not told.  Returns 0, or -1.
 */
int hn_inject_rst(hn_net *net, const char *host, int port, int timeout_ms);

enum hn_unreach {
	HN_UNREACH_NET = 1,        /* ICMP net unreachable */
	HN_UNREACH_HOST,           /* ICMP host unreachable */
	HN_UNREACH_PORT            /* ICMP port unreachable */
};
/*
 * From now on, AT (a router on the path, or DST itself) answers packets
 * for DST's addresses with ICMP/ICMPv6 unreachable of KIND (nft reject).
 * PROTO (IPPROTO_TCP/UDP, 0 = any) and PORT (0 = any) narrow it.
 */
int hn_unreachable(hn_net *net, const char *at, const char *dst,
		   int kind, int proto, int port);
/* Removes every hn_unreachable() rule in AT. */
int hn_reachable(hn_net *net, const char *at);

/* Sets the MTU of both ends of the link HOST - PEER (all ports of a
 * LAN). */
int hn_mtu(hn_net *net, const char *host, const char *peer, int mtu);

/* Loads an nftables ruleset (nft syntax) into HOST: the escape hatch. */
int hn_nft(hn_net *net, const char *host, const char *ruleset);

/* ---- captures --------------------------------------------------------- */

/*
 * Starts capturing at HOST's end of the link to PEER, before traffic
 * starts.  Segmentation offloads are off on every link, so each packet is
 * what a wire would carry.  The pcap file is written under
 * <build root>/captures/ and its path attached to the test (tk_note), so
 * a failing test names it for Wireshark.
 */
hn_cap *hn_capture(hn_net *net, const char *host, const char *peer);

/* Where the capture is saved. */
const char *hn_cap_path(const hn_cap *cap);

/* How many captured packets so far match the pcap FILTER expression
 * (NULL or "" = all).  Use the HN_* filters below for TCP flags, which
 * work for IPv4 and IPv6.  -1 if the filter does not compile. */
int hn_cap_count(hn_cap *cap, const char *filter);

/* Waits until at least COUNT packets match FILTER.  Returns the count,
 * or -1 on timeout (the error shows what was seen). */
int hn_cap_wait(hn_cap *cap, const char *filter, int count,
		int timeout_ms);

/* The TCP or UDP payload of the INDEXth (0 = first) packet matching
 * FILTER, copied into BUF.  Returns its length, or -1 if there is no
 * such packet. */
ssize_t hn_cap_payload(hn_cap *cap, const char *filter, int index,
		       void *buf, size_t len);

/* The MSS option of the INDEXth TCP packet matching FILTER (a SYN or
 * SYN-ACK), or -1 if none. */
int hn_cap_tcp_mss(hn_cap *cap, const char *filter, int index);

/* A summary line per packet (like tcpdump -n), for messages; malloc'd. */
char *hn_cap_summary(hn_cap *cap, const char *filter);

/* Stops and closes the capture (the file stays).  hn_down() does it. */
void hn_cap_close(hn_cap *cap);

/* Filters for TCP flags over IPv4 and IPv6 (no IPv6 extension headers).
 * Combine them: HN_RST " and src host 192.0.2.2". */
#define HN_TCP_FLAGS(mask, value) \
	"((ip and tcp[13] & " #mask " == " #value ") or " \
	"(ip6 and ip6[6] == 6 and ip6[53] & " #mask " == " #value "))"
#define HN_SYN     HN_TCP_FLAGS(0x12, 0x02)   /* SYN without ACK */
#define HN_SYNACK  HN_TCP_FLAGS(0x12, 0x12)
#define HN_FIN     HN_TCP_FLAGS(0x01, 0x01)
#define HN_RST     HN_TCP_FLAGS(0x04, 0x04)
/* ICMP and ICMPv6 type and code. */
#define HN_ICMP(type, code) \
	"(icmp and icmp[0] == " #type " and icmp[1] == " #code ")"
#define HN_ICMP6(type, code) \
	"(ip6 and ip6[6] == 58 and ip6[40] == " #type \
	" and ip6[41] == " #code ")"
#define HN_ICMP_PORT_UNREACH   HN_ICMP(3, 3)
#define HN_ICMP_HOST_UNREACH   HN_ICMP(3, 1)
#define HN_ICMP_NET_UNREACH    HN_ICMP(3, 0)

/* ---- real peers ------------------------------------------------------- */

/*
 * A Debian program run as a peer, with a generated config in a fresh
 * temporary directory.  In CONFIG and ARGS, "%DIR%" becomes that
 * directory and "%CONF%" the config file's path.
 */
struct hn_peer {
	const char *package;       /* the Debian package, for the error */
	const char *program;       /* e.g. "/usr/sbin/inetd" */
	const char *config_name;   /* file name in the directory */
	const char *config;        /* its contents (NULL: no file) */
	const char *const *args;   /* arguments after the program, NULL-ended */
	int ready_proto;           /* ready when this port listens ... */
	int ready_port;
	const char *ready_line;    /* ... or a line matches this regex */
	int timeout_ms;            /* at most this long (0: 3000) */
};
/* Starts the peer in HOST and waits until it is ready.  A missing
 * program names the package to install ("apt-get install ..."). */
hn_proc *hn_peer_start(hn_net *net, const char *host,
		       const struct hn_peer *peer);

/* openbsd-inetd with some of its built-in services ("daytime echo
 * discard chargen time"), TCP and UDP, ready when all listen. */
hn_proc *hn_inetd(hn_net *net, const char *host, const char *services);

#endif
