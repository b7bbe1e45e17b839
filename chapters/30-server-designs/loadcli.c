/*
 * loadcli.c - the load client of chapter 30: C threads, each making R
 * requests one after the other, each on a new connection ("GET /N",
 * read to the end, check every byte), then the requests per second.
 * Usage: loadcli [-c clients] [-r requests] [-s bytes] host port
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netdb.h>

#include "lnp.h"
#include "web30.h"

static const char *host;
static struct addrinfo *ai;             /* the server, looked up once */
static int requests = 100;
static long size = 64;

struct result {
	long ok, bad;
	char why[128];
};

/* include one_request */
/* One request on a new connection; 0 if the reply was whole and right,
 * else -1 with the reason in why. */
static int one_request(char *why, size_t whylen)
{
	char req[64], buf[16384], *body;
	size_t have = 0, hdr = 0;
	long len, i;
	ssize_t n;
	int fd = socket(ai->ai_family, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (fd >= 0)
			close(fd);
		snprintf(why, whylen, "connect: %s", strerror(errno));
		return -1;
	}
	n = snprintf(req, sizeof(req), "GET /%ld HTTP/1.1\r\nHost: %s\r\n"
		     "Connection: close\r\n\r\n", size, host);
	if (writen(fd, req, (size_t)n) != n) {
		snprintf(why, whylen, "write: %s", strerror(errno));
		close(fd);
		return -1;
	}
	len = -1;
	i = 0;
	while ((n = read(fd, buf + have, sizeof(buf) - 1 - have)) > 0) {
		have += (size_t)n;
		if (len < 0) {          /* the header: up to a blank line */
			buf[have] = 0;
			if ((body = strstr(buf, "\r\n\r\n")) == NULL)
				continue;
			if (strncmp(buf, "HTTP/1.1 200 ", 13) != 0)
				break;
			hdr = (size_t)(body + 4 - buf);
			len = size;
		}
		for (size_t k = hdr; k < have; k++, i++)
			if (i >= len || buf[k] != web_byte(i))
				goto wrong;
		have = hdr = 0;
	}
	close(fd);
	if (len >= 0 && i == len)
		return 0;
	snprintf(why, whylen, "%ld of %ld bytes of body, then %s", i, size,
		 n < 0 ? strerror(errno) : "end of file");
	return -1;
wrong:
	close(fd);
	snprintf(why, whylen, "byte %ld of the body is wrong", i);
	return -1;
}
/* end one_request */

static void *client(void *arg)
{
	struct result *r = arg;

	for (int i = 0; i < requests; i++)
		if (one_request(r->why, sizeof(r->why)) == 0)
			r->ok++;
		else
			r->bad++;
	return NULL;
}

int main(int argc, char **argv)
{
	int c, clients = 10;
	struct timespec t0, t1;
	struct result *res;
	pthread_t *tids;
	long ok = 0, bad = 0;
	double secs;

	while ((c = getopt(argc, argv, "c:r:s:")) != -1) {
		if (c == 'c' && (clients = atoi(optarg)) > 0 &&
		    clients <= 1000)
			continue;
		if (c == 'r' && (requests = atoi(optarg)) > 0)
			continue;
		if (c == 's' && (size = atol(optarg)) >= 0 &&
		    size <= WEB_BODY_MAX)
			continue;
		err_quit("usage: loadcli [-c clients] [-r requests] "
			 "[-s bytes] host port");
	}
	if (optind != argc - 2)
		err_quit("usage: loadcli [-c clients] [-r requests] "
			 "[-s bytes] host port");
	host = argv[optind];
	if ((c = getaddrinfo(host, argv[optind + 1], &(struct addrinfo){
			.ai_socktype = SOCK_STREAM }, &ai)) != 0)
		err_quit("%s port %s: %s", host, argv[optind + 1],
			 gai_strerror(c));
	res = calloc((size_t)clients, sizeof(*res));
	tids = calloc((size_t)clients, sizeof(*tids));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < clients; i++)
		if (pthread_create(&tids[i], NULL, client, &res[i]) != 0)
			err_quit("pthread_create failed");
	for (int i = 0; i < clients; i++) {
		pthread_join(tids[i], NULL);
		ok += res[i].ok;
		bad += res[i].bad;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%d clients x %d requests of %ld bytes: %ld right, %ld wrong"
	       " in %.3f s: %.0f requests/s\n", clients, requests, size, ok,
	       bad, secs, (double)ok / secs);
	for (int i = 0; i < clients; i++)
		if (res[i].bad > 0) {
			printf("client %d: %s\n", i, res[i].why);
			break;
		}
	freeaddrinfo(ai);
	free(res);
	free(tids);
	return bad == 0 ? 0 : 1;
}
