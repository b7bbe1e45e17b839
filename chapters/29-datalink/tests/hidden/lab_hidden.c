/*
 * Lab 29 hidden tests (grading only): a VLAN-tagged capture file, and a
 * live capture on "any", whose link type is the cooked one.
 */
#include "../lab29.h"
#include <sys/socket.h>
#include <unistd.h>

static void vlan_tagged_file(void **state)
{
	struct pk k[2];
	unsigned char ip[2048];
	const char *f;
	hn_proc *p;
	char *want;

	(void)state;
	pk_frame(&k[0], DLT_EN10MB + 1000, 4, ip, pk_ip4(ip, "192.0.2.1",
		 "192.0.2.2", 0, 17, 40000, 53, 34, 0));
	pk_frame(&k[1], DLT_EN10MB + 1000, 6, ip, pk_ip6(ip,
		 "2001:db8:1::1", "2001:db8:1::2", 6, 41000, 80, 9, 0));
	f = lab29_file("vlan", DLT_EN10MB, 65535, k, 2);
	p = sniff_file(f, NULL);
	want = tcpdump_lines(f, NULL);
	TK_EXPECT(*lab29_diff(hn_stdout(p), want) == '\0', "a frame with a "
		  "VLAN tag (type 0x8100, 4 bytes more): %s (29.6)",
		  lab29_diff(hn_stdout(p), want));
	free(want);
}

static void live_any_interface(void **state)
{
	hn_net *net = hn_two_hosts();
	const char *args[] = { "-i", "any", "-c", "1", "udp", "port", "9999",
			       NULL };
	hn_proc *p = sniff_start(net, "b", args);
	char *line;
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(9999) };
	long long end = tk_now_ms() + 2000;
	int s;

	(void)state;
	inet_pton(AF_INET, "192.0.2.2", &sin.sin_addr);
	hn_enter(net, "a");
	s = socket(AF_INET, SOCK_DGRAM, 0);
	hn_leave(net);
	/* one datagram every 50 ms until the first line: when sniff's
	 * filter is in place is not visible from here ("any" is cooked) */
	while ((line = hn_next_line(p, "udp", 50)) == NULL &&
	       tk_now_ms() < end && hn_exit_status(p) == -1)
		sendto(s, "hello", 5, 0, (struct sockaddr *)&sin, sizeof(sin));
	close(s);
	TK_EXPECT(line != NULL && strstr(line, "udp 192.0.2.1.") == line &&
		  strstr(line, "> 192.0.2.2.9999 length 5") != NULL,
		  "sniff -i any (link type DLT_LINUX_SLL, 16 bytes) printed "
		  "%s for a datagram of 5 bytes to 192.0.2.2.9999 (29.6)",
		  line ? line : "nothing in 2 s");
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(vlan_tagged_file),
		TK_TEST(live_any_interface),
	};

	hn_init();
	return TK_RUN("lab29_hidden", tests);
}
