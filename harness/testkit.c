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
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

const char *tk_current_test = "?";

/* A student runs the tests as an ordinary user, whose soft limit on open
 * descriptors is usually 1024; root's (and CI's) is often much higher.
 * Every test, and every program it starts, gets at most the ordinary
 * limit, so that a program that only works with root's limit (a poll()
 * array longer than the limit fails with EINVAL) fails for everyone. */
#define TK_NOFILE 1024

static void ordinary_user_limits(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > TK_NOFILE) {
		rl.rlim_cur = TK_NOFILE;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Set once a test has failed through tk_fail_at. */
static int a_test_failed;

int tk_begin(void **state)
{
	tk_current_test = *state;
	ordinary_user_limits();
	/* The mutant check (tools/mutants.py) needs only the first failure:
	 * with TK_STOP_AFTER_FAIL set, the tests after it are skipped. */
	if (a_test_failed && getenv("TK_STOP_AFTER_FAIL") != NULL)
		skip();
	return 0;
}

void (*tk_test_end_hook)(void);

static void close_open_transcripts(void);

int tk_end(void **state)
{
	(void)state;
	close_open_transcripts();
	if (tk_test_end_hook != NULL)
		tk_test_end_hook();
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
	a_test_failed = 1;
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

static char *message_buffer(void)
{
	static char bufs[6][1024];
	static int next;

	next = (next + 1) % 6;
	return bufs[next];
}

const char *tk_shown(const char *text)
{
	char *out = message_buffer();
	size_t used = 0, len = strlen(text), i;

	for (i = 0; i < len && used < 300; i++) {
		const char *esc = text[i] == '\r' ? "\\r" :
				  text[i] == '\n' ? "\\n" :
				  text[i] == '\t' ? "\\t" : NULL;

		if (esc != NULL) {
			memcpy(out + used, esc, 2);
			used += 2;
		} else {
			out[used++] = text[i];
		}
	}
	if (i < len)
		used += (size_t)snprintf(out + used, 1024 - used,
					 "... (%zu bytes in all)", len);
	out[used] = '\0';
	return out;
}

const char *tk_chomp(const char *text)
{
	char *out = message_buffer();
	size_t len = strlen(text);

	if (len > 900)
		len = 900;
	while (len > 0 && text[len - 1] == '\n')
		len--;
	memcpy(out, text, len);
	out[len] = '\0';
	return out;
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

/* Paths handed out live until exit: they are remembered here, so they
 * stay reachable and LeakSanitizer does not count them as leaks even when
 * a test never frees one. */
static char *remember(char *path)
{
	static char **kept;
	static size_t nkept, room;

	if (nkept == room) {
		room = room ? 2 * room : 32;
		kept = realloc(kept, room * sizeof(*kept));
		if (kept == NULL)
			abort();
	}
	kept[nkept++] = path;
	return path;
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
	return remember(out);
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
	return remember(out);
}

/* A path of tk_path() or tk_sibling() for (CH, NAME), made once;
 * CH NULL means a sibling. */
static const char *path_once(const char *ch, const char *name)
{
	static struct { char key[192]; const char *path; } seen[64];
	static int nseen;
	char key[192];
	int i;

	snprintf(key, sizeof(key), "%s/%s", ch != NULL ? ch : "", name);
	for (i = 0; i < nseen; i++)
		if (strcmp(seen[i].key, key) == 0)
			return seen[i].path;
	if (nseen == 64)
		TK_FAIL("tk_prog: more than 64 programs");
	snprintf(seen[nseen].key, sizeof(seen[nseen].key), "%s", key);
	seen[nseen].path = ch != NULL ? tk_path("ch/%s/%s", ch, name)
				      : tk_sibling(name);
	return seen[nseen++].path;
}

const char *tk_prog(const char *ch, const char *name)
{
	return path_once(ch, name);
}

const char *tk_lab_prog(const char *name)
{
	return path_once(NULL, name);
}

void tk_tick(void)
{
	struct timespec tick = { 0, 1000000 };

	nanosleep(&tick, NULL);
}

#include <regex.h>
#include <sys/stat.h>

char *tk_scrub(char *text, const char *regex, const char *repl)
{
	regex_t re;
	regmatch_t m;
	char *out = NULL;
	size_t outlen = 0;
	FILE *mem;
	const char *p = text;

	if (regcomp(&re, regex, REG_EXTENDED | REG_NEWLINE) != 0)
		TK_FAIL("tk_scrub: bad regex %s", regex);
	mem = open_memstream(&out, &outlen);
	while (*p != '\0' && regexec(&re, p, 1, &m, p == text ? 0 :
				     REG_NOTBOL) == 0) {
		fwrite(p, 1, (size_t)m.rm_so, mem);
		fputs(repl, mem);
		if (m.rm_eo == m.rm_so) {       /* empty match: move on */
			if (p[m.rm_eo] == '\0')
				break;
			fputc(p[m.rm_eo], mem);
			p += 1;
		}
		p += m.rm_eo;
	}
	fputs(p, mem);
	fclose(mem);
	regfree(&re);
	free(text);
	return out;
}

/* The repository's top directory, which make wrote into .buildroot. */
static const char *source_root(void)
{
	static char top[PATH_MAX - 128];
	char marker[PATH_MAX];
	FILE *f;

	if (top[0] != '\0')
		return top;
	snprintf(marker, sizeof(marker), "%s/.buildroot", tk_build_root());
	f = fopen(marker, "r");
	if (f == NULL || fgets(top, sizeof(top), f) == NULL)
		TK_FAIL("cannot read %s: rebuild with make", marker);
	fclose(f);
	top[strcspn(top, "\n")] = '\0';
	return top;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int c;

	if (f == NULL)
		return NULL;
	mem = open_memstream(&buf, &len);
	while ((c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(mem);
	fclose(f);
	return buf;
}

void tk_transcript(const char *chapter, const char *name, const char *text)
{
	char dir[PATH_MAX + 64], path[PATH_MAX + 128];
	const char *update = getenv("TK_UPDATE_TRANSCRIPTS");
	char *want;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/chapters/%s/transcripts",
		 source_root(), chapter);
	snprintf(path, sizeof(path), "%s/%s.txt", dir, name);
	if (update != NULL && strcmp(update, "1") == 0 &&
	    getenv("HN_IN_VM") != NULL) {
		/* in the test VM: the VM's init sends it to the host's tree
		 * (harness/vm/outfiles.c) */
		snprintf(dir, sizeof(dir), "/hn/out/transcripts/%s", chapter);
		snprintf(path, sizeof(path), "%s/%s.txt", dir, name);
	}
	if (update != NULL && strcmp(update, "1") == 0) {
		mkdir(dir, 0777);
		f = fopen(path, "w");
		if (f == NULL)
			TK_FAIL("cannot write transcript %s", path);
		fputs(text, f);
		fclose(f);
		return;
	}
	want = slurp(path);
	if (want == NULL)
		TK_FAIL("transcript %s is missing: run the test with "
			"TK_UPDATE_TRANSCRIPTS=1 to create it", path);
	if (strcmp(want, text) != 0)
		TK_FAIL("the program's output changed from the transcript the "
			"book shows (%s).\n--- book:\n%s--- now:\n%s"
			"(if the change is right, rerun with "
			"TK_UPDATE_TRANSCRIPTS=1 and commit)", path, want,
			text);
	free(want);
}

void tk_transcript_of(const char *chapter, const char *name,
		      const char *command, const char *output)
{
	char *text;

	size_t len = strlen(output);

	if (asprintf(&text, "$ %s\n%s%s", command, output,
		     len > 0 && output[len - 1] != '\n' ? "$\n" : "") < 0)
		abort();
	tk_transcript(chapter, name, text);
	free(text);
}

/* The transcripts being written, with the buffers their streams fill. */
static struct open_transcript {
	FILE *tr;
	char *text;
	size_t len;
} open_tr[4];

FILE *tk_transcript_open(void)
{
	for (int i = 0; i < 4; i++)
		if (open_tr[i].tr == NULL) {
			open_tr[i].tr = open_memstream(&open_tr[i].text,
						       &open_tr[i].len);
			if (open_tr[i].tr == NULL)
				abort();
			return open_tr[i].tr;
		}
	TK_FAIL("tk_transcript_open: more than 4 transcripts open");
}

void tk_transcript_close(FILE *tr, const char *chapter, const char *name)
{
	for (int i = 0; i < 4; i++)
		if (open_tr[i].tr == tr && tr != NULL) {
			char *text;

			fclose(tr);
			text = open_tr[i].text;
			open_tr[i] = (struct open_transcript){ 0 };
			if (name != NULL)
				tk_transcript(chapter, name, text);
			free(text);
			return;
		}
}

static void close_open_transcripts(void)
{
	for (int i = 0; i < 4; i++)
		tk_transcript_close(open_tr[i].tr, NULL, NULL);
}
