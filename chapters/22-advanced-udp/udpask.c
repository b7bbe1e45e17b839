/*
 * udpask - sends one datagram and says where the reply came from.
 * -c connects the socket first: then only a reply from the address
 * asked is taken.  -s N sends N bytes instead of the text.
 *
 * usage: udpask [-c] [-s bytes] host port [text]
 */
#include "lnp.h"

int main(int argc, char **argv)
{
	int c, fd, connected = 0;
	size_t size = 0;
	struct sockaddr_storage to, from;
	socklen_t tolen, fromlen = sizeof(from);
	char buf[65536], a[SOCK_NTOP_LEN];
	const char *text = "hello";
	struct pollfd p;
	ssize_t n;

	while ((c = getopt(argc, argv, "cs:")) != -1) {
		if (c == 'c')
			connected = 1;
		else if (c == 's' && atoi(optarg) > 0 &&
			 atoi(optarg) <= (int)sizeof(buf))
			size = (size_t)atoi(optarg);
		else
			err_quit("usage: udpask [-c] [-s bytes] host port "
				 "[text]");
	}
	if (argc - optind < 2 || argc - optind > 3)
		err_quit("usage: udpask [-c] [-s bytes] host port [text]");
	if (argc - optind == 3)
		text = argv[optind + 2];
	Sock_parse(argv[optind], argv[optind + 1], &to, &tolen);
	fd = Socket(to.ss_family, SOCK_DGRAM, 0);
	if (size == 0)
		size = strlen(text);
	else
		memset(buf, 'x', size);
	if (size == strlen(text))
		memcpy(buf, text, size);

	/* include udpask_send */
	if (connected) {
		Connect(fd, (struct sockaddr *)&to, tolen);
		n = send(fd, buf, size, 0);
	} else {
		n = sendto(fd, buf, size, 0, (struct sockaddr *)&to, tolen);
	}
	if (n < 0)
		err_sys("send");
	p.fd = fd;
	p.events = POLLIN;
	if (Poll(&p, 1, 1000) == 0) {
		printf("no reply within 1 s\n");
		return 1;
	}
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		     &fromlen);
	if (n < 0)
		err_sys("recvfrom");    /* connected: ECONNREFUSED comes here */
	printf("%zd bytes back from %s\n", n,
	       sock_ntop((struct sockaddr *)&from, fromlen, a, sizeof(a)));
	/* end udpask_send */
	return 0;
}
