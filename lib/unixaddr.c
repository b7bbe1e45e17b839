/*
 * unixaddr.c - Unix domain socket addresses from a name (chapter 15): a
 * path name, or "@name" for a name in Linux's abstract namespace.
 */
#include "lnp.h"

/* include unix_addr */
int unix_addr(const char *name, struct sockaddr_un *sun, socklen_t *len)
{
	size_t n = strlen(name);
	size_t base = offsetof(struct sockaddr_un, sun_path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (n == 0 || (name[0] == '@' && n == 1)) {
		errno = EINVAL;
		return -1;
	}
	if (name[0] == '@') {
		/* abstract: a NUL byte, then the name; the length counts
		 * exactly the bytes used, and no NUL ends the name */
		if (n > sizeof(sun->sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(sun->sun_path + 1, name + 1, n - 1);
		*len = (socklen_t)(base + n);
		return 0;
	}
	if (n >= sizeof(sun->sun_path)) {     /* room for the NUL too */
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun->sun_path, name, n + 1);
	*len = (socklen_t)(base + n + 1);
	return 0;
}
/* end unix_addr */

void Unix_addr(const char *name, struct sockaddr_un *sun, socklen_t *len)
{
	if (unix_addr(name, sun, len) < 0)
		err_sys("unix_addr %s", name);
}
