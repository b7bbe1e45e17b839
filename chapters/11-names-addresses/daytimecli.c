/*
 * daytimecli.c - a daytime client that knows no address family: the
 * name is tried address by address by tcp_connect() (section 11.9).
 *
 * usage: daytimecli HOST [SERVICE]     (SERVICE: "daytime" by default)
 */
#include "lnp.h"

/* include daytimecli_main */
int main(int argc, char **argv)
{
	char buf[MAXLINE + 1], peer[SOCK_NTOP_LEN];
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	ssize_t n;
	int fd;

	if (argc < 2 || argc > 3)
		err_quit("usage: daytimecli HOST [SERVICE]");
	fd = Tcp_connect(argv[1], argc == 3 ? argv[2] : "daytime");
	Getpeername(fd, (struct sockaddr *)&ss, &len);
	printf("connected to %s\n", Sock_ntop((struct sockaddr *)&ss, len,
					      peer, sizeof(peer)));
	while ((n = Read(fd, buf, MAXLINE)) > 0) {
		buf[n] = '\0';
		Fputs(buf, stdout);
	}
	Close(fd);
	return 0;
}
/* end daytimecli_main */
