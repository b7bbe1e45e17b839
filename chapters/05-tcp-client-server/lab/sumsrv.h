/*
 * sumsrv.h - Lab 5, part 2: the sum service's two functions.
 */
#ifndef SUMSRV_H
#define SUMSRV_H

#include <stddef.h>

/* The longest request: its bytes, not counting its "\n" or "\r\n". */
#define SUM_MAX_LINE 256
/* Room enough for any reply, its '\n' and a NUL. */
#define SUM_REPLY_SIZE 64

/* Answers one request.  line holds len bytes, without the '\n'; they may
 * be anything at all (NUL bytes included).  Writes the NUL-terminated
 * reply, "7\n" or "error: REASON\n", into reply (size bytes, at least
 * SUM_REPLY_SIZE). */
void sum_reply(const char *line, size_t len, char *reply, size_t size);

/* Answers every request line that arrives on sockfd, in order, until the
 * client closes its end.  Returns 0 then, or -1 on error (errno set). */
int sum_serve(int sockfd);

#endif
