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

.PHONY: grade grade-merge

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

