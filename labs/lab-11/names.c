/*
 * names.c - chapter 11: a host name (or address) and a service name (or
 * port) into a socket, for whichever address family the name has
 * (lab 11).
 *
 * Every function returns a descriptor, or a negative getaddrinfo() code:
 * name_strerror(code) says what went wrong in words (gai_strerror(), or
 * errno's text when the code is EAI_SYSTEM, as it is when every address
 * was tried and none worked).
 */
#include "lnp.h"

struct addrinfo *host_serv(const char *host, const char *serv, int family,
			   int socktype, int *gaierr)
{
	struct addrinfo hints, *res = NULL;
	int n;

	memset(&hints, 0, sizeof(hints));
	// TODO (section 11.8): fill hints (family, socktype, and ask for
	// the canonical name), call getaddrinfo()
	(void)host; (void)serv; (void)family; (void)socktype;
	n = EAI_FAIL;
	if (gaierr != NULL)
		*gaierr = n;
	return n == 0 ? res : NULL;
}

const char *name_strerror(int code)
{
	return code == EAI_SYSTEM ? strerror(errno) : gai_strerror(code);
}


int tcp_connect(const char *host, const char *serv)
{
	// TODO (section 11.9): every address of the name in turn, in
	// getaddrinfo's order, any family; a bounded try for all but the
	// last; return the connected socket or a getaddrinfo code
	(void)host; (void)serv;
	return EAI_FAIL;
}


int tcp_listen(const char *host, const char *serv, socklen_t *addrlenp)
{
	// TODO (section 11.10): a listening TCP socket on the first address
	// that binds, SO_REUSEADDR on (NULL host: the wildcard, IPv6's
	// first); store that address's length in *addrlenp
	(void)host; (void)serv; (void)addrlenp;
	return EAI_FAIL;
}

int udp_client(const char *host, const char *serv, struct sockaddr **saptr,
	       socklen_t *lenp)
{
	// TODO (section 11.11): an unconnected UDP socket for the name's
	// first usable address; that address (malloc'd copy) in *saptr,
	// its length in *lenp
	(void)host; (void)serv; (void)saptr; (void)lenp;
	return EAI_FAIL;
}

int udp_connect(const char *host, const char *serv)
{
	// TODO (section 11.11): a UDP socket connected to the first of the
	// name's addresses that connect() accepts
	(void)host; (void)serv;
	return EAI_FAIL;
}

int udp_server(const char *host, const char *serv, socklen_t *addrlenp)
{
	// TODO (section 11.11): a UDP socket bound to the first address
	// that binds (NULL host: the wildcard, IPv6's first); its length
	// in *addrlenp
	(void)host; (void)serv; (void)addrlenp;
	return EAI_FAIL;
}

/* The wrappers: exit with "tcp_connect for HOST SERV: what went wrong". */
static int checked(int fd, const char *what, const char *host,
		   const char *serv)
{
	if (fd < 0)
		err_quit("%s for %s %s: %s", what, host ? host : "(any)",
			 serv, name_strerror(fd));
	return fd;
}

int Tcp_connect(const char *host, const char *serv)
{
	return checked(tcp_connect(host, serv), "tcp_connect", host, serv);
}

int Tcp_listen(const char *host, const char *serv, socklen_t *addrlenp)
{
	return checked(tcp_listen(host, serv, addrlenp), "tcp_listen", host,
		       serv);
}

int Udp_client(const char *host, const char *serv, struct sockaddr **saptr,
	       socklen_t *lenp)
{
	return checked(udp_client(host, serv, saptr, lenp), "udp_client",
		       host, serv);
}

int Udp_connect(const char *host, const char *serv)
{
	return checked(udp_connect(host, serv), "udp_connect", host, serv);
}

int Udp_server(const char *host, const char *serv, socklen_t *addrlenp)
{
	return checked(udp_server(host, serv, addrlenp), "udp_server", host,
		       serv);
}
