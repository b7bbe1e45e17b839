/*
 * bookcheck.c - the fast book check that `make test` runs: without
 * building the book, every page converts (its listings, regions,
 * transcripts and figures resolve), no internal link is dead, no id is
 * defined twice, and every figure's source exists and builds.  Then the
 * include filter's failures are checked: each names the file and line.
 *
 * It runs stage 1 of the book build (pandoc with book/pandoc/page.yaml
 * and book/filters/include.lua), the very command book/book.mk runs, so
 * the check and the build cannot disagree.
 */
#include "bkrun.h"
#include "testkit.h"

#include <glob.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_PAGES 128
#define PARALLEL 4              /* pandoc runs at once (2 cores, shared) */

static const char *scratch;

/* One page of the book and what converting it gave. */
struct page {
	char src[256];          /* chapters/03-sockets-intro/README.md */
	char key[32];           /* ch03, using, ... */
	char chapter[8];        /* "3", or "" outside the chapters */
	char aux[320];          /* its aux table in the scratch directory */
	int status;
	char *err;              /* pandoc's stderr */
};

static struct page pages[MAX_PAGES];
static int npages = -1;         /* -1: not converted yet */

/* ---- running stage 1 ----------------------------------------------- */

static void stage1_argv(char *argv[16], char args[4][320], const char *src,
			const char *key, const char *chapter, const char *out,
			const char *aux)
{
	snprintf(args[0], sizeof(args[0]), "book-key=%s", key);
	snprintf(args[1], sizeof(args[1]), "book-chapter=%s", chapter);
	snprintf(args[2], sizeof(args[2]), "book-aux=%s", aux);
	snprintf(args[3], sizeof(args[3]), "%s", out);
	char *v[] = { "pandoc", "-d", "book/pandoc/page.yaml", (char *)src,
		      "-o", args[3], "-M", args[0], "-M", args[1], "-M",
		      args[2], NULL };
	memcpy(argv, v, sizeof(v));
}

/* Converts one Markdown file; returns pandoc's exit status and, in *err,
 * what it printed. */
static int convert(const char *src, const char *key, const char *chapter,
		   char **err)
{
	char *argv[16], args[4][320], out[300], aux[300];

	snprintf(out, sizeof(out), "%s/%s.json", scratch, key);
	snprintf(aux, sizeof(aux), "%s/%s.tsv", scratch, key);
	stage1_argv(argv, args, src, key, chapter, out, aux);
	return bk_run(argv, NULL, err);
}

static void add_page(const char *src, const char *key, const char *chapter)
{
	struct page *p;

	if (npages == MAX_PAGES)
		TK_FAIL("more than %d pages: raise MAX_PAGES in %s", MAX_PAGES,
			__FILE__);
	p = &pages[npages++];
	snprintf(p->src, sizeof(p->src), "%s", src);
	snprintf(p->key, sizeof(p->key), "%s", key);
	snprintf(p->chapter, sizeof(p->chapter), "%s", chapter);
	snprintf(p->aux, sizeof(p->aux), "%s/%s.tsv", scratch, key);
}

/* The same pages as book/book.mk: front and back matter, every
 * chapters/NN-slug/README.md and every lab's task, lab/LAB.md. */
static void find_pages(void)
{
	static const char *const patterns[] = {
		"book/front/*.md", "book/back/*.md", "chapters/*/README.md",
		"chapters/*/lab/LAB.md",
	};

	npages = 0;
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		glob_t g;

		if (glob(patterns[i], 0, NULL, &g) != 0)
			continue;
		for (size_t j = 0; j < g.gl_pathc; j++) {
			const char *path = g.gl_pathv[j];
			char key[32], chapter[8] = "";

			if (i < 2) {
				const char *base = strrchr(path, '/') + 1;

				snprintf(key, sizeof(key), "%.*s",
					 (int)(strcspn(base, ".")), base);
			} else if (i == 2) {
				int nn = atoi(path + strlen("chapters/"));

				snprintf(key, sizeof(key), "ch%02d", nn);
				snprintf(chapter, sizeof(chapter), "%d", nn);
			} else {
				int nn = atoi(path + strlen("chapters/"));

				snprintf(key, sizeof(key), "lab%02d", nn);
			}
			add_page(path, key, chapter);
		}
		globfree(&g);
	}
}

/* Converts every page once, PARALLEL at a time; the tests share the
 * results. */
static void convert_all(void)
{
	struct bk_proc procs[MAX_PAGES];
	char *argv[16], args[MAX_PAGES][4][320], out[300];

	if (npages >= 0)
		return;
	find_pages();
	for (int started = 0, done = 0; done < npages;) {
		while (started < npages && started - done < PARALLEL) {
			struct page *p = &pages[started];

			snprintf(out, sizeof(out), "%s/%s.json", scratch,
				 p->key);
			stage1_argv(argv, args[started], p->src, p->key,
				    p->chapter, out, p->aux);
			if (bk_start(&procs[started], argv) < 0)
				TK_FAIL("cannot run pandoc: is it installed? "
					"(make deps)");
			started++;
		}
		pages[done].status = bk_finish(&procs[done], NULL,
					       &pages[done].err);
		done++;
	}
}

/* ---- the book as it is --------------------------------------------- */

static void every_page_converts(void **state)
{
	char report[4096] = "";
	size_t used = 0;
	int bad = 0;

	(void)state;
	convert_all();
	for (int i = 0; i < npages; i++) {
		if (pages[i].status == 0)
			continue;
		bad++;
		used += (size_t)snprintf(report + used, sizeof(report) - used,
					 "%s", pages[i].err ? pages[i].err :
					 "(no message)\n");
		if (used >= sizeof(report))
			break;
	}
	TK_EXPECT(bad == 0, "%d of %d book pages do not convert (make book "
		  "would stop):\n%s", bad, npages, report);
}

/* Looks for "KIND\tNAME\t" rows in every page's aux table; returns the
 * page key that has one, or NULL. */
static const char *page_defining(const char *kind, const char *name,
				 const char *except)
{
	char needle[300];

	snprintf(needle, sizeof(needle), "\n%s\t%s\t", kind, name);
	for (int i = 0; i < npages; i++) {
		char *aux = bk_slurp(pages[i].aux);
		char *text = NULL;
		bool found;

		if (aux == NULL || strcmp(pages[i].key, except) == 0) {
			free(aux);
			continue;
		}
		if (asprintf(&text, "\n%s", aux) < 0)
			abort();
		found = strstr(text, needle) != NULL;
		free(text);
		free(aux);
		if (found)
			return pages[i].key;
	}
	return NULL;
}

/* Calls fn(page, fields...) for every row of KIND in every aux table. */
static int each_row(const char *kind,
		    int (*fn)(const struct page *, char *a, char *b,
			      char *report, size_t len),
		    char *report, size_t len)
{
	int bad = 0;
	size_t klen = strlen(kind);

	for (int i = 0; i < npages; i++) {
		char *aux = bk_slurp(pages[i].aux), *line, *save = NULL;

		if (aux == NULL)
			continue;
		for (line = strtok_r(aux, "\n", &save); line != NULL;
		     line = strtok_r(NULL, "\n", &save)) {
			char *a, *b;

			if (strncmp(line, kind, klen) != 0 ||
			    line[klen] != '\t')
				continue;
			a = line + klen + 1;
			b = strchr(a, '\t');
			if (b != NULL)
				*b++ = '\0';
			else
				b = "";
			bad += fn(&pages[i], a, b, report + strlen(report),
				  len - strlen(report));
		}
		free(aux);
	}
	return bad;
}

static int check_link(const struct page *p, char *target, char *where,
		      char *report, size_t len)
{
	(void)p;
	if (page_defining("id", target, "") != NULL ||
	    page_defining("figid", target, "") != NULL)
		return 0;
	snprintf(report, len, "%s: link to #%s: no page defines it\n", where,
		 target);
	return 1;
}

static void internal_links_resolve(void **state)
{
	char report[4096] = "";
	int bad;

	(void)state;
	convert_all();
	bad = each_row("link", check_link, report, sizeof(report));
	TK_EXPECT(bad == 0, "%d dead internal links:\n%s", bad, report);
}

static int check_unique(const struct page *p, char *id, char *label,
			char *report, size_t len)
{
	const char *other = page_defining("id", id, p->key);

	(void)label;
	if (other == NULL)
		return 0;
	snprintf(report, len, "%s: #%s is also defined on page %s\n", p->src,
		 id, other);
	return 1;
}

static void ids_are_unique(void **state)
{
	char report[4096] = "";
	int bad;

	(void)state;
	convert_all();
	bad = each_row("id", check_unique, report, sizeof(report));
	TK_EXPECT(bad == 0, "%d ids defined on two pages (links to them "
		  "cannot be resolved):\n%s", bad, report);
}

/* ---- figures ----------------------------------------------------------- */

/* Do the needles occur in this order in text? */
static bool in_order(const char *text, const char *const needles[])
{
	const char *at = text;

	for (int i = 0; needles[i] != NULL; i++) {
		at = at ? strstr(at, needles[i]) : NULL;
		if (at == NULL)
			return false;
		at += strlen(needles[i]);
	}
	return true;
}

/* Is NAME among the scenarios the scenario program knows? */
static bool scenario_known(const char *name)
{
	char *prog = tk_path("book-tools/scenario"), *out = NULL;
	char *argv[] = { prog, "--list", NULL };
	bool known;

	if (access(prog, X_OK) != 0) {
		/* not built in this tree (see BOOK_SCENARIO in book.mk) */
		tk_note("%s is not built: scenario %s not checked", prog,
			name);
		free(prog);
		return true;
	}
	if (bk_run(argv, &out, NULL) != 0) {
		free(out);
		TK_FAIL("%s --list failed: build it with make", prog);
	}
	free(prog);
	known = false;
	for (char *save = NULL, *w = strtok_r(out, " \n", &save); w != NULL;
	     w = strtok_r(NULL, " \n", &save))
		known = known || strcmp(w, name) == 0;
	free(out);
	return known;
}

static void figures_have_sources_that_build(void **state)
{
	char *list = bk_slurp("book/figures/figures.txt"), *save = NULL;
	char name[64], kind[16], src[128], path[200];
	int figures = 0;

	(void)state;
	TK_EXPECT(list != NULL, "book/figures/figures.txt is missing");
	for (char *line = strtok_r(list, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || sscanf(line, "%63s %15s %127s", name,
					     kind, src) != 3)
			continue;
		figures++;
		snprintf(path, sizeof(path), "book/figures/%s", src);
		TK_EXPECT(access(path, R_OK) == 0, "figure %s: its source %s "
			  "does not exist", name, path);
		if (strcmp(kind, "dot") == 0) {
			char *err = NULL;
			char *argv[] = { "dot", "-Tsvg", "-o", "/dev/null",
					 path, NULL };
			int st = bk_run(argv, NULL, &err);

			TK_EXPECT(st == 0, "figure %s: dot cannot draw "
				  "%s:\n%s", name, path, err ? err : "");
			free(err);
		} else if (strcmp(kind, "ladder") == 0) {
			TK_EXPECT(scenario_known(name), "figure %s: the "
				  "scenario program has no scenario %s", name,
				  name);
		} else if (strcmp(kind, "plot") == 0 ||
			   strcmp(kind, "rundot") == 0) {
			TK_EXPECT(access(path, X_OK) == 0, "figure %s: its "
				  "script %s is not executable", name, path);
		} else {
			TK_FAIL("figure %s: unknown kind '%s' in "
				"book/figures/figures.txt (dot, ladder, plot "
				"or rundot)", name, kind);
		}
	}
	free(list);
	TK_EXPECT(figures > 0, "book/figures/figures.txt lists no figure");
}

/* Runs a scenario and draws it; returns the SVG (malloc'd). */
static char *draw_scenario(const char *name)
{
	char pcap[300], notes[300], svg[300], *err = NULL, *text;
	char *scen = tk_path("book-tools/scenario");
	char *ladder = tk_path("book-tools/ladder");
	char *run[] = { scen, (char *)name, pcap, notes, NULL };
	char *draw[] = { ladder, "--all", "--notes", notes, pcap, svg, NULL };
	int st;

	snprintf(pcap, sizeof(pcap), "%s/%s.pcap", scratch, name);
	snprintf(notes, sizeof(notes), "%s/%s.notes", scratch, name);
	snprintf(svg, sizeof(svg), "%s/%s.svg", scratch, name);
	st = bk_run(run, NULL, &err);
	TK_EXPECT(st == 0, "scenario %s failed (status %d):\n%s", name, st,
		  err ? err : "");
	free(err);
	st = bk_run(draw, NULL, &err);
	TK_EXPECT(st == 0, "ladder could not draw scenario %s:\n%s", name,
		  err ? err : "");
	free(err);
	free(scen);
	free(ladder);
	text = bk_slurp(svg);
	TK_EXPECT(text != NULL, "no drawing of scenario %s", name);
	return text;
}

/* The ladder figures are drawn from real runs on a harness network: each
 * scenario must tell its story on the wire. */
static void ladder_figures_come_from_real_runs(void **state)
{
	const char *const handshake[] = { ">SYN</text>", ">SYN, ACK</text>",
					  ">ACK</text>", NULL };
	const char *const close4[] = { ">FIN, ACK</text>", ">ACK</text>",
				       ">FIN, ACK</text>", ">ACK</text>",
				       NULL };
	/* 5.15 as the section tells it: the echo programs, "hello" echoed,
	 * the host crashes and reboots, then "another line" draws the RST */
	const char *const crash[] = {
		">SYN</text>", "&quot;hello\\n&quot;", "&quot;hello\\n&quot;",
		"crashes and reboots", "(no socket)",
		"&quot;another line\\n&quot;", ">RST</text>", "reset by peer",
		NULL };
	/* 5.12: the child's FIN comes before the line, the RST after it */
	const char *const killed[] = {
		"&quot;hello\\n&quot;", "kill -9", ">FIN, ACK</text>",
		"CLOSE_WAIT", "&quot;another line\\n&quot;", ">RST</text>",
		"terminated prematurely", NULL };
	char *svg;

	(void)state;
	svg = draw_scenario("handshake");
	TK_EXPECT(bk_count(svg, "marker-end") == 3 && in_order(svg, handshake),
		  "the handshake figure is not SYN, SYN-ACK, ACK");
	free(svg);
	svg = draw_scenario("close");
	TK_EXPECT(bk_count(svg, "marker-end") == 4 && in_order(svg, close4),
		  "the close figure is not FIN, ACK, FIN, ACK");
	free(svg);
	svg = draw_scenario("crash-reboot");
	TK_EXPECT(in_order(svg, crash), "the crash-reboot figure does not "
		  "show 5.15's story: handshake, \"hello\" echoed, crash and "
		  "reboot, \"another line\", RST");
	TK_EXPECT(strstr(svg, "(again") == NULL, "in 5.15 the client sends "
		  "only after the reboot: nothing should be sent again");
	free(svg);
	svg = draw_scenario("child-killed");
	TK_EXPECT(in_order(svg, killed), "the child-killed figure does not "
		  "show 5.12's story: \"hello\", kill, FIN, \"another line\", "
		  "RST");
	free(svg);
}

static void scenario_refuses_bad_requests(void **state)
{
	char *scen = tk_path("book-tools/scenario"), *err = NULL;
	char out[300];
	char *unknown[] = { scen, "no-such-story", out, NULL };
	char *nowhere[] = { scen, "handshake", "/nonexistent/x.pcap", NULL };

	(void)state;
	snprintf(out, sizeof(out), "%s/x.pcap", scratch);
	TK_EXPECT(bk_run(unknown, NULL, &err) == 1 && err &&
		  strstr(err, "no scenario 'no-such-story'"),
		  "an unknown scenario should be refused by name: %s", err);
	free(err);
	TK_EXPECT(access(out, F_OK) != 0, "a refused scenario wrote %s", out);
	TK_EXPECT(bk_run(nowhere, NULL, &err) == 1 && err &&
		  strstr(err, "/nonexistent/x.pcap"),
		  "an unwritable output should be named: %s", err);
	free(err);
	free(scen);
}

/* ---- the filter on bad input ------------------------------------------ */

/* Writes markdown as the README of a scratch chapter and converts it as
 * chapter 3.  Returns pandoc's status; *err gets its messages. */
static int convert_text(const char *markdown, char **err)
{
	char dir[300], src[320];
	static int n;

	snprintf(dir, sizeof(dir), "%s/bad%d", scratch, ++n);
	mkdir(dir, 0755);
	snprintf(src, sizeof(src), "%s/README.md", dir);
	TK_EXPECT(bk_write(src, markdown) == 0, "cannot write %s", src);
	return convert(src, "ch03", "3", err);
}

/* A C file in the scratch directory; returns its path (static). */
static const char *scratch_source(const char *text)
{
	static char path[300];

	snprintf(path, sizeof(path), "%s/src.c", scratch);
	TK_EXPECT(bk_write(path, text) == 0, "cannot write %s", path);
	return path;
}

/* Converts a chapter that includes code_text (a file's contents) with
 * the given attributes; expects failure with both messages. */
static void expect_failure(const char *markdown, const char *where,
			   const char *what)
{
	char *err = NULL;
	int st = convert_text(markdown, &err);

	TK_EXPECT(st != 0, "the book accepted a chapter it should refuse "
		  "(%s)", what);
	TK_EXPECT(err && strstr(err, where) && strstr(err, what),
		  "the error should name %s and say \"%s\"; it said:\n%s",
		  where, what, err ? err : "(nothing)");
	free(err);
}

static void chapter_with(char *buf, size_t len, const char *block)
{
	snprintf(buf, len, "# Bad {#ch03}\n\nSome text.\n\n%s\n```\n", block);
}

static void missing_include_names_file_and_line(void **state)
{
	char md[512];

	(void)state;
	chapter_with(md, sizeof(md), "```{.c include=\"lib/no-such-file.c\"}");
	expect_failure(md, "README.md:5:", "cannot include "
		       "lib/no-such-file.c: no such file");
}

static void unknown_region_names_file_and_line(void **state)
{
	char md[512], block[400];
	const char *src = scratch_source("/* include one */\nint x;\n"
					 "/* end one */\n");

	(void)state;
	snprintf(block, sizeof(block), "```{.c include=\"%s\" "
		 "region=\"two\"}", src);
	chapter_with(md, sizeof(md), block);
	expect_failure(md, "README.md:5:", "no region 'two'");
}

static void unclosed_region_names_its_marker(void **state)
{
	char md[512], block[400];
	const char *src = scratch_source("int a;\n/* include one */\n"
					 "int x;\n/* end other */\n");

	(void)state;
	snprintf(block, sizeof(block), "```{.c include=\"%s\" "
		 "region=\"one\"}", src);
	chapter_with(md, sizeof(md), block);
	expect_failure(md, "src.c:2:", "region 'one' is never closed");
}

static void long_listing_line_names_it(void **state)
{
	char md[512], block[400], code[300];

	(void)state;
	/* a tab counts 8 columns: 8 + 73 = 81 */
	snprintf(code, sizeof(code), "/* include wide */\nint ok;\n\t%073d\n"
		 "/* end wide */\n", 0);
	snprintf(block, sizeof(block), "```{.c include=\"%s\" "
		 "region=\"wide\"}", scratch_source(code));
	chapter_with(md, sizeof(md), block);
	expect_failure(md, "src.c:3:", "81 columns wide (at most 80)");
}

static void unclosed_starter_block_names_it(void **state)
{
	char md[512], block[400];
	const char *src = scratch_source("int f(void)\n{\n"
					 "\t/* STARTER\n\treturn -1;\n}\n");

	(void)state;
	snprintf(block, sizeof(block), "```{.c include=\"%s\"}", src);
	chapter_with(md, sizeof(md), block);
	expect_failure(md, "src.c:3:", "STARTER block is never closed");
}

static void missing_transcript_names_the_test(void **state)
{
	char md[512];

	(void)state;
	chapter_with(md, sizeof(md), "```{.transcript include=\"chapters/"
		     "03-x/transcripts/none.txt\"}");
	expect_failure(md, "README.md:5:", "transcript chapters/03-x/"
		       "transcripts/none.txt is missing");
}

static void pasted_listing_is_refused(void **state)
{
	char md[512];

	(void)state;
	chapter_with(md, sizeof(md), "```{.c include=\"book/tests/fixtures/"
		     "03-good/sample.c\" region=\"main\"}\nint pasted;");
	expect_failure(md, "README.md:5:", "body must be empty");
}

static void unknown_figure_is_refused(void **state)
{
	(void)state;
	expect_failure("# Bad {#ch03}\n\n![A drawing](fig:no-such)\n",
		       "README.md:3:", "no figure 'no-such'");
}

static void link_to_missing_file_is_refused(void **state)
{
	(void)state;
	expect_failure("# Bad {#ch03}\n\nSee [the code](no-such.c).\n",
		       "README.md:3:", "link to no-such.c: no such file");
}

static void section_of_another_chapter_is_refused(void **state)
{
	(void)state;
	expect_failure("# Bad {#ch03}\n\n## 4.2 Misplaced {#sec-4.2}\n",
		       "README.md:3:", "numbered for another chapter");
}

/* ---- the filter on good input ------------------------------------------ */

/* The fixture's region "main" has lab markers on lines 7, 9 and 10-12:
 * the listing keeps the real numbers of the lines it shows. */
static void listing_keeps_real_line_numbers(void **state)
{
	char *err = NULL, *json, out[300];
	int st = convert("book/tests/fixtures/03-good/README.md", "fixture",
			 "3", &err);

	(void)state;
	TK_EXPECT(st == 0, "the fixture chapter does not convert:\n%s",
		  err ? err : "");
	snprintf(out, sizeof(out), "%s/fixture.json", scratch);
	json = bk_slurp(out);
	TK_EXPECT(json && strstr(json, "[\"lines\",\"5-6,8,13-14\"]"),
		  "listing of sample.c region main should show lines "
		  "5-6,8,13-14 (markers left out)");
	TK_EXPECT(!strstr(json, "BEGIN SOLUTION") && !strstr(json, "STARTER"),
		  "lab markers leaked into the book");
	TK_EXPECT(strstr(json, "[\"path\",\"book/tests/fixtures/03-good/"
			 "transcripts/run.txt\"]") != NULL,
		  "the transcript was not included");
	TK_EXPECT(strstr(json, "{\"t\":\"Code\",\"c\":[[\"\",[],[]],"
			 "\"book/tests/fixtures/03-good/sample.c\"]}") != NULL,
		  "a link to a file of the "
		  "repository should show the file's path");
	free(json);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TK_TEST(every_page_converts),
		TK_TEST(internal_links_resolve),
		TK_TEST(ids_are_unique),
		TK_TEST(figures_have_sources_that_build),
		TK_TEST(ladder_figures_come_from_real_runs),
		TK_TEST(scenario_refuses_bad_requests),
		TK_TEST(listing_keeps_real_line_numbers),
		TK_TEST(missing_include_names_file_and_line),
		TK_TEST(unknown_region_names_file_and_line),
		TK_TEST(unclosed_region_names_its_marker),
		TK_TEST(long_listing_line_names_it),
		TK_TEST(unclosed_starter_block_names_it),
		TK_TEST(missing_transcript_names_the_test),
		TK_TEST(pasted_listing_is_refused),
		TK_TEST(unknown_figure_is_refused),
		TK_TEST(link_to_missing_file_is_refused),
		TK_TEST(section_of_another_chapter_is_refused),
	};

	scratch = bk_setup();
	return TK_RUN("bookcheck", tests);
}
