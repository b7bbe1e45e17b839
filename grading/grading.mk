# grading/: the grader, its sandbox, the sample class and its tests, the
# Gradescope bundle and the student edition.  See grading/README.md.

GRADE_PY     := $(PY) grading/grade.py
SANDBOX      := $(B)/grading/sandbox
GRADE_FILTER := $(B)/obj/grading/test_filter.o
# JOBS given on the command line (or in the environment) wins; otherwise
# the grader uses every core.
GRADE_JOBS    = $(if $(filter command environment,$(firstword \
                $(origin JOBS))),--jobs $(JOBS))
GRADE_SAN     = $(if $(filter 1,$(SAN)),--san)

PROGRAMS += $(SANDBOX)
$(SANDBOX): $(B)/obj/grading/sandbox.o
	$(LINK) $^

-include $(B)/obj/grading/sandbox.d $(B)/obj/grading/test_filter.d

.PHONY: grade grade-merge grade-selftest gradescope-bundle student-edition

grade: deps $(SANDBOX) ## grade a class: LAB=NN SUBMISSIONS=DIR [JOBS=N OUT=DIR SHARD=I/N]
	@test -n "$(LAB)" -a -n "$(SUBMISSIONS)" || \
	  { echo "usage: make grade LAB=NN SUBMISSIONS=DIR [JOBS=N] [OUT=DIR]"; \
	    exit 2; }
	@$(GRADE_PY) --lab $(LAB) --submissions $(SUBMISSIONS) --build $(B) \
	  $(GRADE_SAN) $(GRADE_JOBS) $(if $(OUT),--out $(OUT)) \
	  $(if $(SHARD),--shard $(SHARD)) $(GRADE_FLAGS)

grade-merge: ## merge shards' reports: OUT=DIR SHARDS="DIR1 DIR2 ..."
	@test -n "$(OUT)" -a -n "$(SHARDS)" || \
	  { echo 'usage: make grade-merge OUT=DIR SHARDS="DIR1 DIR2 ..."'; \
	    exit 2; }
	@$(GRADE_PY) merge --out $(OUT) $(SHARDS)

# ---- the sample class and the grader's own tests --------------------------
# grading/samples/make_class.py writes a class of good, broken and hostile
# submissions of lab 3 from its reference and starter, so it stays in sync.
SAMPLE_CLASS := $(B)/grading/sample-class

$(SAMPLE_CLASS)/.done: grading/samples/make_class.py \
		$(wildcard grading/samples/*.c) lib/readio.c lib/sock_ntop.c \
		chapters/03-sockets-intro/lab/lab.json \
		tools/derive.py
	@rm -rf $(@D) && $(PY) grading/samples/make_class.py $(@D)
	@touch $@

# The grader's tests print TAP, like the cmocka suites, and run in
# `make test`: the sandbox's isolation and limits, the intake of bad
# archives, and the grader on the sample class (the quick cases).
GRADING_TESTS := $(B)/grading/tests/test_sandbox \
                 $(B)/grading/tests/test_grader $(B)/grading/tests/test_edition
TEST_SUITES += $(GRADING_TESTS)
$(GRADING_TESTS): $(B)/grading/tests/%: grading/tests/%.py $(SANDBOX) \
		$(GRADE_FILTER) $(SAMPLE_CLASS)/.done build-lab-03-ref
	@mkdir -p $(@D)
	@printf '#!/bin/sh\nexec $(PY) "%s/grading/tests/%s.py" --build "%s" "$$@"\n' \
	  "$(TOP)" "$*" "$(B)" > $@ && chmod +x $@

grade-selftest: deps $(SANDBOX) $(GRADE_FILTER) $(SAMPLE_CLASS)/.done ## grade the whole hostile sample class and check every status
	@$(PY) grading/tests/test_grader.py --build $(B) --full
	@$(PY) grading/tests/test_edition.py --build $(B) --full

# ---- Gradescope -----------------------------------------------------------
gradescope-bundle: deps ## the Gradescope autograder zip for LAB=NN
	@test -n "$(LAB)" || { echo "usage: make gradescope-bundle LAB=NN"; \
	  exit 2; }
	@$(PY) grading/gradescope/bundle.py --lab $(LAB) \
	  --out $(B)/gradescope/lab-$(LAB)-autograder.zip

# ---- the student edition --------------------------------------------------
# The book's figures are drawn from runs of the reference programs, so
# the edition takes them from this tree's build (book-figures).
student-edition: deps ## export the repository without solutions: OUT=DIR
	@test -n "$(OUT)" || { echo "usage: make student-edition OUT=DIR"; \
	  exit 2; }
	@$(MAKE) -s --no-print-directory book-figures
	@$(PY) grading/student_edition.py --out $(OUT) \
	  --figures $(BOOK)/figures

# ---- benchmark ------------------------------------------------------------
BENCHES += bench-grade
.PHONY: bench-grade
bench-grade: $(SANDBOX) $(GRADE_FILTER) $(ALL_LAB_BUILDS) ## grade a generated class of every lab and the hostile classes; BENCH lines
	@$(PY) grading/bench.py --build $(B) $(GRADE_SAN)
