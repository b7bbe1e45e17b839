# The workbook's one entry point.  `make help` lists the targets.
#
# Everything is built out of tree under build/ (build/san/ for SAN=1,
# build/tsan/ for TSAN=1).
# Each part of the tree adds its own rules from a fragment:
#   lib/lib.mk, harness/harness.mk, chapters/*/chapter.mk, book/book.mk,
#   grading/grading.mk.  tools/rules.mk holds the shared rule templates.

.DEFAULT_GOAL := help
SHELL := /bin/bash
PY    := /usr/bin/python3
TOP   := $(CURDIR)

ifeq ($(SAN),1)
B        := build/san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined
else ifeq ($(TSAN),1)
# ThreadSanitizer: `make TSAN=1 test` builds and runs only the suites and
# labs that use threads (TSAN_SUITES, TSAN_LABS), since TSan cannot be
# mixed with ASan and the other chapters have nothing for it to watch.
B        := build/tsan
SANFLAGS := -fsanitize=thread -fno-omit-frame-pointer
else
B        := build
SANFLAGS :=
endif

CC       ?= cc
# parallel builds and test suites
JOBS     ?= 2
CFLAGS   := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 \
            -MMD -MP -Ilib -Iharness $(SANFLAGS)
LDFLAGS  := $(SANFLAGS)
CMOCKA   := -lcmocka

# Collected by the fragments.
PROGRAMS    :=   # every example program
TEST_SUITES :=   # every cmocka binary that `make test` runs (not labs)
TSAN_SUITES :=   # the suites that use threads (`make TSAN=1 test`)
TSAN_LABS   :=   # the labs whose programs use threads
LABS        :=   # every lab number (03, 05, ...)
BENCHES     :=   # every benchmark target
FUZZERS     :=   # every fuzz target

include tools/rules.mk
include lib/lib.mk
-include harness/harness.mk
-include $(sort $(wildcard chapters/*/chapter.mk))
-include book/book.mk
-include grading/grading.mk

# Header dependencies of every object built so far (written by -MMD).
-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

DEPS := tools/deps.sh

# The build tools test themselves (a TAP script counts like a suite).
TEST_SUITES += tools/tests/tools_test.py

.PHONY: help deps all test check check-labs bench fuzz clean

help: ## list the targets, one line each
	@echo "Targets (run from the top of the repository):"
	@grep -hE '^[a-zA-Z0-9_%./-]+:.*## ' $(MAKEFILE_LIST) | \
	  sed -E 's/^([^:]+):.*## (.*)/  \1|\2/' | \
	  awk -F'|' '{ printf "  %-24s %s\n", $$1, $$2 }' | sed 's/^  //'
	@printf "  %-24s %s\n" "lab-NN" "build your labs/lab-NN/ and run its public tests" \
	  "lab-NN REF=1" "the same tests against the reference solution"
	@echo "Options: SAN=1 (ASan+UBSan build), TSAN=1 (ThreadSanitizer, threaded suites), JOBS=N (test parallelism), V=1 (verbose)"
	@echo "Labs here: $(LABS)"

deps: ## check (and, as root, install) the Debian packages needed
	@$(DEPS)

all: deps ## build the library, the harness, every example and test
	@$(MAKE) -s --no-print-directory -j$(JOBS) build-all

# With TSAN=1 only the threaded suites and labs (and the programs they
# run, TSAN_PROGRAMS) are built and run.
ifeq ($(TSAN),1)
TEST_SUITES := $(TSAN_SUITES)
LABS        := $(TSAN_LABS)
build-all: $(TSAN_PROGRAMS) $(TSAN_SUITES) \
  $(foreach l,$(TSAN_LABS),build-lab-$l-ref)
else
build-all: $(PROGRAMS) $(TEST_SUITES) $(ALL_LAB_BUILDS)
endif

test: deps ## build and run everything; ends with "N passed, N failed"
	@$(MAKE) -s --no-print-directory -j$(JOBS) build-all
	@$(PY) tools/testrun.py --build $(B) -j $(JOBS) \
	   --suites $(TEST_SUITES) --labs $(LABS) $(TEST_EXTRA)

check: test ## same as test

check-labs: deps ## the lab contract: reference passes, starter fails, every mutant is caught
	@$(MAKE) -s --no-print-directory -j$(JOBS) $(ALL_LAB_BUILDS)
	@$(PY) tools/testrun.py --build $(B) -j $(JOBS) --labs $(LABS)

mutants: deps ## LAB=NN: each mistake of the lab's mutants, the test that catches it, what the student reads
	@test -n "$(LAB)" || { echo "make mutants LAB=NN (labs here: $(LABS))" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory -j$(JOBS) build-lab-$(LAB)-ref
	@$(PY) tools/mutants.py --build $(B) -j $(JOBS) --table $(LAB)

# `make bench`: the whole mutant check of every lab (target: at most 60 s
# on 2 cores) and how many mutants are caught.
BENCHES += bench-mutants
.PHONY: mutants bench-mutants
bench-mutants: $(ALL_LAB_BUILDS)
	@$(PY) tools/mutants.py --build $(B) -j $(JOBS) --bench $(LABS)

derive-starters: ## re-derive labs/lab-NN/ from the reference solutions
	@for l in $(LABS); do $(PY) tools/derive.py --write $$l || exit 1; done

bench: deps ## run every benchmark; prints BENCH <name> <value> <unit>
	@$(MAKE) --no-print-directory $(BENCHES)

fuzz: deps ## run each fuzz target for a bounded time (clang + libFuzzer)
	@$(MAKE) --no-print-directory $(FUZZERS)

clean: ## remove build/
	rm -rf build
