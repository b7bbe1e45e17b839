/*
 * ifnames - interface names and indexes: if_nameindex() lists them,
 * if_nametoindex() and if_indextoname() translate one each way.
 * Usage: ifnames [NAME|INDEX]...
 */
#include "lnp.h"

#include <ctype.h>
#include <net/if.h>

/* include ifnames */
int main(int argc, char **argv)
{
	struct if_nameindex *all = if_nameindex();
	char name[IF_NAMESIZE];

	if (all == NULL)
		err_sys("if_nameindex");
	for (struct if_nameindex *p = all; p->if_index != 0; p++)
		printf("%u %s\n", p->if_index, p->if_name);
	if_freenameindex(all);

	for (int i = 1; i < argc; i++) {
		if (isdigit((unsigned char)argv[i][0])) {
			unsigned idx = (unsigned)atoi(argv[i]);

			if (if_indextoname(idx, name) == NULL)
				printf("index %u: %s\n", idx, strerror(errno));
			else
				printf("index %u is %s\n", idx, name);
		} else {
			unsigned idx = if_nametoindex(argv[i]);

			if (idx == 0)
				printf("%s: %s\n", argv[i], strerror(errno));
			else
				printf("%s is index %u\n", argv[i], idx);
		}
	}
	return 0;
}
/* end ifnames */
