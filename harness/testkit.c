/*
 * testkit.c - named failures and build-tree paths for the tests.
 */
#include "testkit.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *tk_current_test = "?";

int tk_begin(void **state)
{
	tk_current_test = *state;
	return 0;
}

/* Appends s to out as a JSON string body (quotes not included). */
static void json_escape(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
}

static void report(const char *kind, const char *where, const char *msg)
{
	const char *path = getenv("TK_REPORT");
	FILE *out;

	if (path == NULL) {
		fprintf(stderr, "%s %s: %s\n", kind, tk_current_test, msg);
		return;
	}
	out = fopen(path, "a");
	if (out == NULL)
		return;
	fprintf(out, "{\"test\":\"");
	json_escape(out, tk_current_test);
	fprintf(out, "\",\"kind\":\"%s\",\"where\":\"", kind);
	json_escape(out, where);
	fprintf(out, "\",\"message\":\"");
	json_escape(out, msg);
	fprintf(out, "\"}\n");
	fclose(out);
}

void tk_fail_at(const char *file, int line, const char *fmt, ...)
{
	char msg[4096], where[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(where, sizeof(where), "%s:%d", file, line);
	report("fail", where, msg);
	_fail(file, line);
	abort();        /* _fail longjmps out; this is never reached */
}

void tk_note(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report("note", "", msg);
}

const char *tk_build_root(void)
{
	static char root[PATH_MAX];
	char probe[PATH_MAX + 16];
	ssize_t n;

	if (root[0] != '\0')
		return root;
	n = readlink("/proc/self/exe", root, sizeof(root) - 1);
	if (n < 0) {
		strcpy(root, ".");
		return root;
	}
	root[n] = '\0';
	/* climb from the binary's directory to the one with .buildroot */
	while (strcmp(root, "/") != 0) {
		char *slash = strrchr(root, '/');

		if (slash == root)
			slash[1] = '\0';
		else
			*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/.buildroot", root);
		if (access(probe, F_OK) == 0)
			return root;
	}
	strcpy(root, "build");
	return root;
}

char *tk_path(const char *fmt, ...)
{
	char rel[PATH_MAX], *out;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (asprintf(&out, "%s/%s", tk_build_root(), rel) < 0)
		abort();
	return out;
}

char *tk_sibling(const char *name)
{
	char exe[PATH_MAX], *out;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		abort();
	exe[n] = '\0';
	if (asprintf(&out, "%s/%s", dirname(exe), name) < 0)
		abort();
	return out;
}
