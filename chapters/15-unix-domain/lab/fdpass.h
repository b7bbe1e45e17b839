/*
 * fdpass.h - Lab 15: pass an open descriptor between processes and find
 * out who the peer is.  Every function returns -1 with errno set on
 * failure, and never exits.
 */
#ifndef FDPASS_H
#define FDPASS_H

#include <sys/types.h>
#include <sys/socket.h>

/* A Unix domain stream socket listening on PATH.  A socket file that an
 * earlier server left at PATH is removed first; any other file there is
 * left alone (bind then fails with EADDRINUSE).  A PATH that does not
 * fit in sun_path with its NUL: -1, errno ENAMETOOLONG, nothing bound.
 * (section 15.2, 15.4) */
int unix_listen(const char *path);

/* A Unix domain stream socket connected to PATH (given). */
int unix_connect(const char *path);

/* Sends the open descriptor fd over the Unix socket sock, with one byte
 * of data.  fd stays open in the caller.  0, or -1.  (section 15.7) */
int send_fd(int sock, int fd);

/* Receives one byte and the descriptor sent with it, and returns the
 * new descriptor (close-on-exec); if several came with the byte, the
 * first, the others being closed.  -1 with errno: EPIPE at end of file,
 * EBADMSG when the byte came without a descriptor, EMSGSIZE when the
 * control data was cut short (MSG_CTRUNC: every descriptor that did
 * arrive is closed).  Works on a socket that has SO_PASSCRED on, where
 * credentials arrive as well.  (section 15.7) */
int recv_fd(int sock);

/* The credentials the kernel recorded for the peer of a connected
 * socket (SO_PEERCRED).  0, or -1.  (section 15.8) */
int peer_cred(int sock, struct ucred *cred);

/* Asks for the sender's credentials with every message that arrives on
 * sock from now on (SO_PASSCRED).  0, or -1.  (section 15.8) */
int passcred_on(int sock);

/* Receives one message (at most len bytes) into buf and the credentials
 * the kernel attached to it into *cred.  Returns the message's length,
 * 0 at end of file, or -1: EBADMSG when no credentials came with it
 * (then *cred is not to be used).  Whatever the data says about its
 * sender is only a claim.  (section 15.8) */
ssize_t recv_cred(int sock, void *buf, size_t len, struct ucred *cred);

#endif
