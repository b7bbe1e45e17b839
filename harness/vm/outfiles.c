/*
 * outfiles.c - files a test wrote in the VM, brought back to the host.
 *
 * A test in the VM writes its captures (hn_capture) into
 * /hn/out/captures and, with TK_UPDATE_TRANSCRIPTS=1, its transcripts
 * into /hn/out/transcripts/<chapter>/.  When the test is over, the VM's
 * init sends each file on the control port:
 *
 *   file captures/NAME SIZE          then lines "data 0a 1b ..." (od -tx1)
 *   file transcripts/CHAPTER/NAME SIZE                 then "endfile"
 *
 * and this file writes it where the same test on the host would have:
 * captures into $HN_CAPTURE_DIR or <build root>/captures, transcripts into
 * <source>/chapters/CHAPTER/transcripts (only when TK_UPDATE_TRANSCRIPTS=1
 * here too).  What runs in the VM may be a student's code, root in the
 * VM: so a name is one plain component (letters, digits, . _ + -, not
 * starting with a dot), the chapter must already exist, the last
 * component is never followed if it is a link, a file is written under
 * a temporary name and renamed only if it came whole, and a run brings
 * back at most VM_OUT_MAX_BYTES.
 */
#include "vm.h"
#include "testkit.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The most a run brings back, all files together. */
#define VM_OUT_MAX_BYTES (64L << 20)

/* A plain file name: no slash, no leading dot, a short safe alphabet. */
static bool plain_name(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 200 || s[0] == '.')
		return false;
	for (i = 0; i < len; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "0123456789._+-", s[i]) == NULL || s[i] == '\0')
			return false;
	return true;
}

/* The repository's top directory, from the build root's marker. */
static bool source_root(char *top, size_t len)
{
	char marker[PATH_MAX];
	FILE *f;
	bool ok;

	snprintf(marker, sizeof(marker), "%s/.buildroot", tk_build_root());
	f = fopen(marker, "r");
	if (f == NULL)
		return false;
	ok = fgets(top, (int)len, f) != NULL;
	fclose(f);
	top[strcspn(top, "\n")] = '\0';
	return ok && top[0] == '/';
}

/* Where REL ("captures/NAME", "transcripts/CH/NAME") goes on the host,
 * or false (with the reason in WHY) if it goes nowhere. */
static bool host_path(const char *rel, char *path, size_t len,
		      const char **why)
{
	const char *name, *chosen = getenv("HN_CAPTURE_DIR");
	const char *update = getenv("TK_UPDATE_TRANSCRIPTS");
	char top[PATH_MAX - 256], dir[PATH_MAX];
	struct stat sb;

	if (strncmp(rel, "captures/", 9) == 0) {
		name = rel + 9;
		if (!plain_name(name, strlen(name)))
			return *why = "not a plain file name", false;
		if (chosen != NULL && chosen[0] != '\0')
			snprintf(dir, sizeof(dir), "%s", chosen);
		else
			snprintf(dir, sizeof(dir), "%s/captures",
				 tk_build_root());
		mkdir(dir, 0777);
		snprintf(path, len, "%.3000s/%s", dir, name);
		return true;
	}
	if (strncmp(rel, "transcripts/", 12) != 0)
		return *why = "neither a capture nor a transcript", false;
	if (update == NULL || strcmp(update, "1") != 0)
		return *why = "TK_UPDATE_TRANSCRIPTS is not 1 here", false;
	name = strchr(rel + 12, '/');
	if (name == NULL || !plain_name(rel + 12, (size_t)(name - rel - 12)) ||
	    !plain_name(name + 1, strlen(name + 1)))
		return *why = "not chapter/name", false;
	if (!source_root(top, sizeof(top)))
		return *why = "no source tree (.buildroot)", false;
	snprintf(dir, sizeof(dir), "%s/chapters/%.*s", top,
		 (int)(name - rel - 12), rel + 12);
	if (lstat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return *why = "no such chapter here", false;
	strncat(dir, "/transcripts", sizeof(dir) - strlen(dir) - 1);
	mkdir(dir, 0777);
	snprintf(path, len, "%s%s", dir, name);
	return true;
}

void vm_out_begin(struct vm_out *o, const char *line)
{
	char rel[512];
	const char *why = "";
	long size;

	vm_out_abandon(o);
	if (sscanf(line, "%511s %ld", rel, &size) != 2 || size < 0 ||
	    size > VM_OUT_MAX_BYTES - o->total) {
		fprintf(stderr, "harness/vm: a file from the VM is refused "
			"(bad header or past %ld MB in all): %.80s\n",
			VM_OUT_MAX_BYTES >> 20, line);
		return;
	}
	if (!host_path(rel, o->path, sizeof(o->path), &why)) {
		if (strncmp(rel, "transcripts/", 12) != 0 ||
		    strcmp(why, "TK_UPDATE_TRANSCRIPTS is not 1 here") != 0)
			fprintf(stderr, "harness/vm: the VM's file %.200s is "
				"not brought back: %s\n", rel, why);
		return;
	}
	snprintf(o->tmp, sizeof(o->tmp), "%s.%d.part", o->path,
		 (int)getpid());
	o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		     O_CLOEXEC, 0644);
	if (o->fd < 0) {
		fprintf(stderr, "harness/vm: cannot write %s: %s\n", o->tmp,
			strerror(errno));
		return;
	}
	o->want = size;
	o->got = 0;
	vm_debug("bringing back %s (%ld bytes)", rel, size);
}

void vm_out_data(struct vm_out *o, const char *hex)
{
	unsigned char buf[256];
	size_t n = 0;
	unsigned int byte;
	int used;

	if (o->fd < 0)
		return;
	while (n < sizeof(buf) && sscanf(hex, " %2x%n", &byte, &used) == 1) {
		buf[n++] = (unsigned char)byte;
		hex += used;
	}
	if (o->got + (long)n > o->want ||
	    write(o->fd, buf, n) != (ssize_t)n) {
		fprintf(stderr, "harness/vm: %s: more bytes than announced or "
			"a failed write: dropped\n", o->path);
		vm_out_abandon(o);
		return;
	}
	o->got += (long)n;
}

void vm_out_end(struct vm_out *o)
{
	if (o->fd < 0)
		return;
	if (o->got != o->want) {
		fprintf(stderr, "harness/vm: %s came short (%ld of %ld "
			"bytes): dropped\n", o->path, o->got, o->want);
		vm_out_abandon(o);
		return;
	}
	if (close(o->fd) != 0 || rename(o->tmp, o->path) != 0) {
		fprintf(stderr, "harness/vm: cannot keep %s: %s\n", o->path,
			strerror(errno));
		unlink(o->tmp);
	}
	o->fd = -1;
	o->total += o->got;
}

void vm_out_abandon(struct vm_out *o)
{
	if (o->fd < 0)
		return;
	close(o->fd);
	unlink(o->tmp);
	o->fd = -1;
}
