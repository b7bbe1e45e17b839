# book/book.mk - the book: `make book` (web and print editions in
# build/book/), `make book-check` (the full book in headless Chromium and
# the PDF as images), the fast check that `make test` runs, the figure
# tools and the book's benchmarks.  How it works: book/README.md.
#
# Two stages, one file per page, so that touching one chapter rebuilds
# one page of HTML and the PDF, nothing else:
#   1. page Markdown -> build/book-work/j/KEY.json  (filters/include.lua:
#      listings, transcripts, figures, numbering) + aux/KEY.tsv (ids,
#      titles, index entries) + aux/KEY.d (included files, for make);
#      tools/tables.sh joins the aux tables into t/*.tsv, rewriting a
#      table only when it changes;
#   2. JSON -> build/book/KEY.html (filters/render.lua), and all JSON ->
#      build/book-work/book.tex -> build/book/book.pdf (xelatex).

BOOK    := build/book
BOOKW   := build/book-work
BOOK_Q   = $(if $(V),,@echo "  BOOK    $@";)

# ---- pages, in book order ----------------------------------------------
# A chapter is any chapters/NN-slug/README.md; its key is chNN.
BOOK_CHAPTER_SRCS := $(sort $(wildcard chapters/*/README.md))
book_dir = $(notdir $(patsubst %/README.md,%,$1))
book_nn  = $(firstword $(subst -, ,$(call book_dir,$1)))
book_key = ch$(call book_nn,$1)
BOOK_CHAPTER_ONLY := $(foreach s,$(BOOK_CHAPTER_SRCS),$(call book_key,$s))
# A chapter's lab (chapters/NN-slug/lab/LAB.md) is a page of its own,
# labNN, right after the chapter, in both editions.
book_lab_src = $(wildcard $(dir $1)lab/LAB.md)
BOOK_CHAPTER_KEYS := $(foreach s,$(BOOK_CHAPTER_SRCS),$(call book_key,$s) \
  $(if $(call book_lab_src,$s),lab$(call book_nn,$s)))
BOOK_FRONT_KEYS   := index using labs
BOOK_BACK_KEYS    := answers functions glossary topics
BOOK_KEYS := $(BOOK_FRONT_KEYS) $(BOOK_CHAPTER_KEYS) $(BOOK_BACK_KEYS)

BOOK_SRC_index     := book/front/index.md
BOOK_SRC_using     := book/front/using.md
BOOK_SRC_labs      := book/front/labs.md
BOOK_SRC_answers   := book/back/answers.md
BOOK_SRC_functions := book/back/functions.md
BOOK_SRC_glossary  := book/back/glossary.md
BOOK_SRC_topics    := book/back/topics.md
$(foreach s,$(BOOK_CHAPTER_SRCS),$(eval BOOK_SRC_$(call book_key,$s) := $s)\
  $(eval BOOK_NUM_$(call book_key,$s) := $(patsubst 0%,%,$(call book_nn,$s))))
$(foreach s,$(BOOK_CHAPTER_SRCS),$(if $(call book_lab_src,$s),$(eval \
  BOOK_SRC_lab$(call book_nn,$s) := $(call book_lab_src,$s))))

BOOK_JSON := $(foreach k,$(BOOK_KEYS),$(BOOKW)/j/$k.json)
BOOK_HTML := $(foreach k,$(BOOK_KEYS),$(BOOK)/$k.html)
BOOK_TABLES := $(BOOKW)/t/ids.tsv $(BOOKW)/t/nav.tsv

# ---- the edition ---------------------------------------------------------
# "student" in a tree that `make student-edition` exported (it writes
# book/STUDENT-EDITION): listings show each lab's starter where the full
# edition shows its solution (filters/include.lua), and the figures come
# ready-made from the full edition (book/figures/built/), since they are
# drawn from runs of the reference programs.
BOOK_EDITION := $(if $(wildcard book/STUDENT-EDITION),student,full)

# ---- figures (book/figures/figures.txt) --------------------------------
BOOK_FIG_LIST    := book/figures/figures.txt
book_figs = $(shell awk '!/^[[:space:]]*\#/ && $$2 == "$1" { print $$1 }' \
	      $(BOOK_FIG_LIST))
BOOK_DOT_FIGS    := $(call book_figs,dot)
BOOK_LADDER_FIGS := $(call book_figs,ladder)
BOOK_PLOT_FIGS   := $(call book_figs,plot)
BOOK_RUNDOT_FIGS := $(call book_figs,rundot)
BOOK_FIGS        := $(BOOK_DOT_FIGS) $(BOOK_LADDER_FIGS) $(BOOK_PLOT_FIGS) \
		    $(BOOK_RUNDOT_FIGS)
BOOK_FIG_SVG     := $(BOOK_FIGS:%=$(BOOK)/figures/%.svg)
BOOK_FIG_PDF     := $(BOOK_FIGS:%=$(BOOKW)/figures/%.pdf)

# The figure tools, in C: ladder (pcap -> SVG) and the capture scenarios.
# Built under $(B)/book-tools/, not in the published build/book/.
BOOK_TOOLS    := $(B)/book-tools
BOOK_LADDER   := $(BOOK_TOOLS)/ladder
BOOK_SCENARIO := $(BOOK_TOOLS)/scenario
PROGRAMS += $(BOOK_LADDER) $(BOOK_SCENARIO)
$(BOOK_LADDER): $(B)/obj/book/figures/ladder.o
	$(LINK) $^ -lpcap
$(BOOK_SCENARIO): $(B)/obj/book/figures/scenario.o $(B)/libharness.a \
		  $(B)/liblnp.a
	$(LINK) $^ $(HARNESS_LDLIBS) $(CMOCKA)

# ---- the fast check in `make test` ---------------------------------------
# bookcheck: every page converts (includes, regions, transcripts, figures),
# no dead internal links, every figure's source exists and builds; and the
# filter's failures name file and line.  ladder_test: the ladder tool.
BOOK_TEST_OBJS := $(B)/obj/book/tests/bkrun.o $(B)/obj/harness/testkit.o
TEST_SUITES += $(BOOK_TOOLS)/tests/bookcheck $(BOOK_TOOLS)/tests/ladder_test
$(BOOK_TOOLS)/tests/bookcheck: $(B)/obj/book/tests/bookcheck.o \
			       $(BOOK_TEST_OBJS)
	$(LINK) $^ $(CMOCKA)
$(BOOK_TOOLS)/tests/ladder_test: $(B)/obj/book/tests/ladder_test.o \
				 $(BOOK_TEST_OBJS) | $(BOOK_LADDER)
	$(LINK) $^ $(CMOCKA) -lpcap
# xrefs: every "section N.N" and "chapter N" in the text is a link, and a
# chapter not written yet says so (book/tools/xrefs.py).
TEST_SUITES += $(BOOK_TOOLS)/tests/xrefs
$(BOOK_TOOLS)/tests/xrefs: book/tools/xrefs.py
	@mkdir -p $(@D)
	@printf '#!/bin/sh\nexec $(PY) "%s/book/tools/xrefs.py" --root "%s" --tap\n' \
	  "$(TOP)" "$(TOP)" > $@ && chmod +x $@
# answers: every answer block of the appendix is closed, chapters in
# order (book/tools/answers_check.py).
TEST_SUITES += $(BOOK_TOOLS)/tests/answers
$(BOOK_TOOLS)/tests/answers: book/tools/answers_check.py
	@mkdir -p $(@D)
	@printf '#!/bin/sh\nexec $(PY) "%s/book/tools/answers_check.py" --root "%s" --tap\n' \
	  "$(TOP)" "$(TOP)" > $@ && chmod +x $@
-include $(patsubst %,$(B)/obj/book/%.d,figures/ladder figures/scenario \
	   tests/bkrun \
	   tests/bookcheck tests/ladder_test)

# ---- stage 1 -----------------------------------------------------------
BOOK_STAGE1_DEPS := book/pandoc/page.yaml book/filters/include.lua \
		    $(BOOK_FIG_LIST) book/filters/terms.lua book/back/glossary.md

# $(call book_page,KEY)
define book_page
$(BOOKW)/j/$1.json: $(BOOK_SRC_$1) $(BOOK_STAGE1_DEPS)
	@mkdir -p $(BOOKW)/j $(BOOKW)/aux
	$$(BOOK_Q)pandoc -d book/pandoc/page.yaml $(BOOK_SRC_$1) -o $$@ \
	  -M book-key=$1 -M book-chapter=$(BOOK_NUM_$1) \
	  -M book-aux=$(BOOKW)/aux/$1.tsv -M book-deps=$(BOOKW)/aux/$1.d \
	  -M book-target=$$@
-include $(BOOKW)/aux/$1.d

$(BOOK)/$1.html: $(BOOKW)/j/$1.json $(BOOK_TABLES) book/pandoc/html.yaml \
		 book/filters/render.lua book/filters/answers.lua \
		 book/templates/page.html
	@mkdir -p $(BOOK)
	$$(BOOK_Q)pandoc -d book/pandoc/html.yaml $$< -o $$@ \
	  -M book-key=$1 -M book-tables=$(BOOKW)/t \
	  -M book-source=$(BOOK_SRC_$1) $$(BOOK_HTML_OPTS_$1)
endef
$(foreach k,$(BOOK_KEYS),$(eval $(call book_page,$k)))

# The contents and the index pages also read the book-wide tables.
$(BOOK)/index.html: $(BOOKW)/t/toc.tsv
$(BOOK)/functions.html: $(BOOKW)/t/fun.tsv
$(BOOK)/topics.html: $(BOOKW)/t/terms.tsv

# Where the code is, its version and date (tools/version.sh, rewritten
# only when they change): on the title page of both editions.
BOOK_VERSION := $(BOOKW)/t/version.yaml
BOOK_REPO_URL ?=
export BOOK_REPO_URL
BOOK_HTML_OPTS_index := --metadata-file=$(BOOK_VERSION)
$(BOOK)/index.html: $(BOOK_VERSION)

# ---- stage 2: the print edition ----------------------------------------
# pandoc writes the highlighting macros only for documents that contain
# code blocks; ours become raw LaTeX, so take them from a sample.
$(BOOKW)/highlight.tex: book/book.mk
	@mkdir -p $(@D)
	$(BOOK_Q)printf '```c\nint x;\n```\n' | \
	  pandoc -f markdown -t latex -s --highlight-style=tango | \
	  sed -n '/^\\usepackage{fancyvrb}/,/^\\newcommand{\\WarningTok}/p' >$@

book_json = $(foreach k,$1,$(BOOKW)/j/$k.json)
# book.tex is replaced only when it changes (so that touching a chapter
# does not re-typeset the book); book.tex.stamp records that it was
# remade, so that the next `make book` does not remake it again.
$(BOOKW)/book.tex: $(BOOKW)/book.tex.stamp ;
$(BOOKW)/book.tex.stamp: $(BOOK_JSON) $(BOOK_TABLES) $(BOOKW)/t/fun.tsv \
		  $(BOOKW)/t/terms.tsv $(BOOK_VERSION) \
		  $(BOOKW)/highlight.tex book/pandoc/pdf.yaml \
		  book/filters/assemble.lua book/filters/render.lua \
		  book/styles/preamble.tex book/styles/frontmatter.tex
	$(BOOK_Q)pandoc -d book/pandoc/pdf.yaml $(BOOKW)/j/index.json \
	  -o $(BOOKW)/book.tex.new -M book-key=book -M book-tables=$(BOOKW)/t \
	  --metadata-file=$(BOOK_VERSION) \
	  -M book-front="$(call book_json,$(BOOK_FRONT_KEYS:index=))" \
	  -M book-chapters="$(call book_json,$(BOOK_CHAPTER_KEYS))" \
	  -M book-back="$(call book_json,$(BOOK_BACK_KEYS))"
	@cd $(BOOKW) && { cmp -s book.tex.new book.tex && rm -f book.tex.new \
	  || mv book.tex.new book.tex; }
	@touch $@

# The PDF's dates and /ID come from the last commit (SOURCE_DATE_EPOCH),
# so the same sources give the same bytes.
$(BOOK)/book.pdf: $(BOOKW)/book.tex $(BOOK_FIG_PDF) book/tools/latex.sh
	@mkdir -p $(@D)
	$(BOOK_Q)SOURCE_DATE_EPOCH=$$(sed -n "s/^book-epoch: '\(.*\)'/\1/p" \
	  $(BOOK_VERSION)) book/tools/latex.sh $(BOOKW) book $@

# ---- figures -----------------------------------------------------------
ifeq ($(BOOK_EDITION),student)
$(BOOK_FIG_SVG): $(BOOK)/figures/%.svg: book/figures/built/%.svg
	@mkdir -p $(@D)
	@cp $< $@
book/figures/built/%.svg:
	@echo "book: the figure $@ is missing: export the student edition" \
	  "with make student-edition, which builds the figures" >&2; exit 1
else
$(BOOK)/figures/%.svg: book/figures/%.dot
	@mkdir -p $(@D)
	$(BOOK_Q)dot -Tsvg -o $@ $<

# Captures and measurements are cached in $(BOOK_CACHE), which neither
# book-clean nor bench-book removes: they are run again only when a
# source they depend on changes (the scenarios, the plot scripts, the
# harness, lib/ and the programs of chapters 4, 5, 7, 8, 11, 12, 14,
# 15, 16, 17, 24 and 26, and the table chapter 12's suite measured),
# which book-cache.key tells by its content, not by time stamps.
# So the same sources give the same figures, and a full build takes no
# captures.
BOOK_CACHE := $(B)/book-cache
BOOK_CACHE_SRCS = $(sort book/figures/scenario.c \
	$(wildcard book/figures/*-plot.sh book/figures/*-dot.sh \
		   harness/*.c harness/*.h lib/*.c lib/*.h \
		   chapters/0[4578]-*/*.c chapters/1[124567]-*/*.c \
		   chapters/12-*/lab/*.c chapters/12-*/transcripts/reach.txt \
		   chapters/24-*/*.c chapters/24-*/lab/*.c \
		   chapters/26-*/*.c chapters/26-*/*.h))
# chapter 22's and chapter 25's figures run their programs too
BOOK_CACHE_SRCS += $(wildcard chapters/22-*/*.c chapters/22-*/lab/rtt.[ch] \
		   chapters/22-*/netlab.txt chapters/22-*/inetd.conf)
BOOK_CACHE_SRCS += $(wildcard chapters/25-*/*.c)
# and chapter 18's
BOOK_CACHE_SRCS += $(wildcard chapters/18-*/*.c)
# chapter 10's run its suite, in the VM where this kernel has no SCTP
BOOK_CACHE_SRCS += $(wildcard chapters/10-*/*.c chapters/10-*/tests/*.[ch]) \
		   book/figures/sctp-chunks.sh
$(BOOK_CACHE)/holb.plot.svg $(BOOK_CACHE)/lost-echo.plot.svg \
$(BOOK_CACHE)/sctp-endings.run.dot: | $(B)/ch/10-sctp-client-server/tests/sctpecho
$(BOOK_CACHE)/lost-echo.plot.svg: | $(BOOK_LADDER)
# Chapter 13's figure is drawn from the transcript its suite checks.
BOOK_CACHE_SRCS += chapters/13-daemons-inetd/transcripts/ttyopen.txt
# chapter 20's figures run bcastcli on its own network
BOOK_CACHE_SRCS += $(wildcard chapters/20-*/*.c chapters/20-*/netlab.txt)
# chapter 9's run sctpserv and sctpcli, in the harness's VM (harness/vm)
BOOK_CACHE_SRCS += $(wildcard chapters/09-*/*.c harness/vm/*.c)
# Chapter 19's figures are drawn from the transcripts its suite checks
# (in the test VM).
BOOK_CACHE_SRCS += $(addprefix chapters/19-key-management/transcripts/,\
		   add-bytes.txt dump.txt naive.txt matched.txt)
# chapter 21's run its programs (sntpc with lab 21's reference) and
# chronyd on its own network
BOOK_CACHE_SRCS += $(wildcard chapters/21-*/*.c chapters/21-*/*.h \
		   chapters/21-*/lab/sntp.[ch] chapters/21-*/netlab.txt)
# chapter 23's is drawn from the timeline its suite measured in the VM
BOOK_CACHE_SRCS += chapters/23-advanced-sctp/transcripts/failover-timeline.txt

.PHONY: book-cache-check
$(BOOK_CACHE)/book-cache.key: book-cache-check
	@mkdir -p $(@D)
	@cat $(BOOK_CACHE_SRCS) | sha256sum >$@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

# A ladder diagram is drawn from the capture of a scenario of the same
# name, which runs the chapter's own programs (built first); the scenario
# also notes the events that are not packets (a crash, a line typed).
$(BOOK_CACHE)/%.pcap: $(BOOK_CACHE)/book-cache.key | $(PROGRAMS)
	@mkdir -p $(@D)
	$(BOOK_Q)$(BOOK_SCENARIO) $* $@ $(BOOK_CACHE)/$*.notes

.SECONDARY: $(BOOK_LADDER_FIGS:%=$(BOOK_CACHE)/%.pcap) \
	    $(BOOK_PLOT_FIGS:%=$(BOOK_CACHE)/%.plot.svg)

$(BOOK_LADDER_FIGS:%=$(BOOK)/figures/%.svg): \
$(BOOK)/figures/%.svg: $(BOOK_CACHE)/%.pcap $(BOOK_LADDER)
	@mkdir -p $(@D)
	$(BOOK_Q)$(BOOK_LADDER) --all --notes $(BOOK_CACHE)/$*.notes $< $@

# A plot runs the chapter's programs (all built first) and draws what
# they measured.
$(BOOK_CACHE)/%.plot.svg: book/figures/%-plot.sh \
			  $(BOOK_CACHE)/book-cache.key | $(PROGRAMS)
	@mkdir -p $(@D)
	$(BOOK_Q)$< $(B) $@

$(BOOK_PLOT_FIGS:%=$(BOOK)/figures/%.svg): \
$(BOOK)/figures/%.svg: $(BOOK_CACHE)/%.plot.svg
	@mkdir -p $(@D)
	@cp $< $@

# A drawing of measurements: the script runs the chapter's programs and
# writes graphviz source with the numbers they measured (cached), which
# dot draws.
$(BOOK_CACHE)/%.run.dot: book/figures/%-dot.sh \
			 $(BOOK_CACHE)/book-cache.key | $(PROGRAMS)
	@mkdir -p $(@D)
	$(BOOK_Q)$< $(B) $@.tmp && mv $@.tmp $@

.SECONDARY: $(BOOK_RUNDOT_FIGS:%=$(BOOK_CACHE)/%.run.dot)

# Chapter 21's figures run its programs and chronyd on netlab.
$(BOOK_CACHE)/mcast-who-hears.run.dot \
$(BOOK_CACHE)/sntp-timestamps.run.dot \
$(BOOK_CACHE)/multicast-all.run.dot: | $(B)/netlab

# Chapter 27's figures run its programs on netlab; record-route also
# runs lab 27's reference client.
BOOK_CACHE_SRCS += $(wildcard chapters/27-*/*.c chapters/27-*/lab/*.c)
$(BOOK_CACHE)/srr-fate.run.dot: | $(B)/netlab
$(BOOK_CACHE)/record-route.run.dot: | $(B)/netlab build-lab-27-ref
# Chapter 28's: traceroute-probes runs lab 28's reference traceroute;
# routes draws the table its suite measured.
BOOK_CACHE_SRCS += $(wildcard chapters/28-*/*.c chapters/28-*/lab/*.c) \
		   chapters/28-raw-sockets/transcripts/routes.txt
$(BOOK_CACHE)/traceroute-probes.pcap: | build-lab-28-ref
# Chapter 29's figures run pfpacket and udpcksum (against dnsmasq) on
# its network with netlab.
BOOK_CACHE_SRCS += $(wildcard chapters/29-*/*.c chapters/29-*/netlab.txt)
$(BOOK_CACHE)/filter-counters.run.dot $(BOOK_CACHE)/checksum-fate.run.dot \
  $(BOOK_CACHE)/udpcksum-bytes.run.dot: | $(B)/netlab

# Chapter 30's figures: herd runs its program; designs draws the table
# that make bench-ch30 wrote (the benchmark itself is never run here).
BOOK_CACHE_SRCS += $(wildcard chapters/30-*/*.c chapters/30-*/*.h) \
		   chapters/30-server-designs/transcripts/bench.txt

$(BOOK_RUNDOT_FIGS:%=$(BOOK)/figures/%.svg): \
$(BOOK)/figures/%.svg: $(BOOK_CACHE)/%.run.dot
	@mkdir -p $(@D)
	$(BOOK_Q)dot -Tsvg -o $@ $<
endif

$(BOOKW)/figures/%.pdf: $(BOOK)/figures/%.svg
	@mkdir -p $(@D)
	$(BOOK_Q)rsvg-convert -f pdf -o $@ $<

$(BOOK)/book.css: book/styles/book.css
	@mkdir -p $(@D)
	@cp $< $@

# ---- search (book/README.md, "Search") -----------------------------------
# pagefind (npm, pinned in tools/packages-npm.txt, installed into
# build/npm/ by tools/npm-deps.sh) indexes the finished pages; files.js
# carries the same index for pages opened from a file.
BOOK_NPM      := build/npm
BOOK_PAGEFIND := $(BOOK_NPM)/node_modules/.bin/pagefind
BOOK_SEARCH   := $(BOOK)/search.js $(BOOK)/pagefind/files.js

$(BOOK)/search.js: book/styles/search.js
	@mkdir -p $(@D)
	@cp $< $@

$(BOOK)/pagefind/files.js: $(BOOK_HTML) book/tools/search_bundle.py \
			   tools/packages-npm.txt
	@rm -rf $(BOOK)/pagefind
	$(BOOK_Q)$(BOOK_PAGEFIND) --site $(BOOK) --output-subdir pagefind \
	  --silent && $(PY) book/tools/search_bundle.py $(BOOK)/pagefind

# ---- entry points ------------------------------------------------------
.PHONY: book book-stage1 book-stage2 book-deps book-check book-clean

book-deps:
	@$(DEPS) tools/packages-book.txt
	@tools/npm-deps.sh tools/packages-npm.txt $(BOOK_NPM)

# pandoc runs, the scenarios and xelatex are independent: two at a time.
BOOK_JOBS ?= -j2
book: deps book-deps ## build the book: web edition and PDF in build/book/
	@$(MAKE) -s --no-print-directory $(BOOK_JOBS) book-stage1
	@$(MAKE) -s --no-print-directory $(BOOK_JOBS) book-stage2
	@echo "book: $(BOOK)/index.html and $(BOOK)/book.pdf" \
	  "($(words $(BOOK_CHAPTER_ONLY)) chapters)"

book-stage1: $(BOOK_JSON)
	@book/tools/tables.sh $(BOOKW)/t $(BOOKW)/aux $(BOOK_KEYS)
	@book/tools/version.sh $(BOOK_VERSION)

book-stage2: $(BOOK_HTML) $(BOOK)/book.css $(BOOK_SEARCH) $(BOOK_FIG_SVG) \
	     $(BOOK)/book.pdf
	@# pages and figures of chapters or figures that are gone
	@for f in $(BOOK)/*.html $(BOOK)/figures/*.svg; do \
	  case " $(BOOK_HTML) $(BOOK_FIG_SVG) " in *" $$f "*) ;; \
	  *) [ -e "$$f" ] && rm -f "$$f" ;; esac; done; true

book-check: book ## check the built book in headless Chromium and as PDF images
	@rc=0; $(PY) book/tools/book_check.py --book $(BOOK) --work $(BOOKW) \
	  --out build/book-check || rc=1; \
	  $(if $(filter full,$(BOOK_EDITION)),$(PY) \
	  book/tools/edition_check.py --edition build/student-edition \
	  || rc=1;) exit $$rc

# The figures alone (the student edition takes them from the full one).
.PHONY: book-figures
book-figures: deps
	@$(DEPS) tools/packages-book.txt
	@$(MAKE) -s --no-print-directory $(BOOK_JOBS) $(BOOK_FIG_SVG)

book-clean:
	rm -rf $(BOOK) $(BOOKW)

# ---- benchmarks ----------------------------------------------------------
# book.full: `make book` after removing everything it made (pages, PDF,
# figures, captures, the figure tools); book.incremental: `make book`
# again after touching one chapter (the first; the front matter if there
# is none yet).
BENCHES += bench-book
BOOK_TOUCH := $(firstword $(BOOK_CHAPTER_SRCS) $(BOOK_SRC_using))
book_now = date +%s.%N
book_secs = awk -v a="$$1" -v b="$$2" 'BEGIN { printf "%.2f", b - a }'

.PHONY: bench-book
bench-book:
	@rm -rf $(BOOK) $(BOOKW) $(BOOK_LADDER) $(BOOK_SCENARIO) \
	  $(B)/obj/book/figures
	@t0=$$($(book_now)); \
	  $(MAKE) -s --no-print-directory book >/dev/null || exit 1; \
	  t1=$$($(book_now)); \
	  set -- $$t0 $$t1; echo "BENCH book.full $$($(book_secs)) s"
	@touch $(BOOK_TOUCH); t0=$$($(book_now)); \
	  $(MAKE) -s --no-print-directory book >/dev/null || exit 1; \
	  t1=$$($(book_now)); \
	  set -- $$t0 $$t1; echo "BENCH book.incremental $$($(book_secs)) s"
