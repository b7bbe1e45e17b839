# Shared rule templates.  The fragments call these with $(eval $(call ...)).

# Every C file compiles to $(B)/obj/<its path>.o, with dependency tracking.
$(B)/obj/%.o: %.c | $(B)/.buildroot
	@mkdir -p $(@D)
	$(if $(V),,@echo "  CC      $<";)$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -c -o $@ $<

# A marker that lets test binaries find the build root from their own path.
$(B)/.buildroot:
	@mkdir -p $(@D) && echo "$(TOP)" > $@

LINK = $(if $(V),,@echo "  LD      $@";)mkdir -p $(@D) && $(CC) $(LDFLAGS) -o $@

# $(call example,CHAPTERDIR,NAME[,EXTRA_LDLIBS])
#   chapters/CHAPTERDIR/NAME.c  ->  $(B)/ch/CHAPTERDIR/NAME
define example
PROGRAMS += $(B)/ch/$1/$2
$(B)/ch/$1/$2: $(B)/obj/chapters/$1/$2.o $(B)/liblnp.a
	$$(LINK) $$^ $3
endef

# $(call suite,CHAPTERDIR,NAME[,EXTRA_LDLIBS])
#   chapters/CHAPTERDIR/tests/NAME.c  ->  cmocka binary $(B)/ch/CHAPTERDIR/tests/NAME
#   linked with the harness and lib; `make test` runs it.
define suite
TEST_SUITES += $(B)/ch/$1/tests/$2
$(B)/ch/$1/tests/$2: $(B)/obj/chapters/$1/tests/$2.o $(B)/libharness.a $(B)/liblnp.a
	$$(LINK) $$^ $$(HARNESS_LDLIBS) $$(CMOCKA) $3
endef

# $(call lab,NN,CHAPTERDIR,FILES,REFDIR,PROGRAMS,REPLACES,EXTRA_LDLIBS)
#   FILES     the files a student edits (basenames); labs/lab-NN/ holds them
#   REFDIR    where the marked reference versions live (lib or chapters/X/lab)
#   PROGRAMS  which FILES are whole programs: NAME.c -> executable NAME
#             (the others are linked into the lab's test binaries)
#   REPLACES  lib objects the student's files stand in for (lib/readio.o ...)
# Variants: student (labs/lab-NN), ref (REFDIR), starter (derived afresh),
# and, when make is called with MUTANT_LAB=NN MUTANTS="a b", one variant a
# mutant (tools/mutants.py writes $(B)/mutant-src/lab-NN/NAME/ and builds
# build-lab-NN-mutant/NAME).
# Tests: chapters/CH/tests/lab.c (public), chapters/CH/tests/hidden/lab_hidden.c
define lab
LABS += $1
LAB_$1_CHAPTER := $2
LAB_$1_FILES   := $3
LAB_$1_REFDIR  := $4
ALL_LAB_BUILDS += build-lab-$1-ref
$(B)/liblnp-minus-$1.a: $$(filter-out $(addprefix $(B)/obj/,$6),$$(LIB_OBJS))
	@rm -f $$@ && ar rcs $$@ $$^
$(foreach v,student ref starter,$(call lab_variant,$1,$2,$3,$5,$6,$7,$v,$(if $(filter student,$v),labs/lab-$1,$(if $(filter ref,$v),$4,$(B)/starter-src/lab-$1))))
$(foreach mu,$(if $(filter $1,$(MUTANT_LAB)),$(MUTANTS)),$(call lab_variant,$1,$2,$3,$5,$6,$7,mutant/$(mu),$(B)/mutant-src/lab-$1/$(mu)))

$(foreach f,$3,
$(B)/starter-src/lab-$1/$f: $4/$f tools/derive.py
	@mkdir -p $$(@D) && $$(PY) tools/derive.py --file $$< $$@
)
# make bench: the wall time of the lab's public tests against the
# reference (BENCH labNN.ref_wall; at most 2 s unless its issue says).
BENCHES += bench-lab$1
.PHONY: bench-lab$1
bench-lab$1: build-lab-$1-ref
	@$$(PY) tools/testrun.py --build $$(B) --lab-run $1 --variant ref \
	  --bench
.PHONY: lab-$1
lab-$1: deps
	@$$(MAKE) -s --no-print-directory build-lab-$1-$$(if $$(REF),ref,student) \
	  || { echo "lab-$1: the code in $$(if $$(REF),$4,labs/lab-$1)/ did not" \
	  "build; fix the first error above, then run make lab-$1 again" >&2; \
	  exit 2; }
	@$$(PY) tools/testrun.py --build $$(B) --lab-run $1 --variant $$(if $$(REF),ref,student)
endef

# $(call lab_variant,NN,CH,FILES,PROGRAMS,REPLACES,LDLIBS,VARIANT,SRCDIR)
define lab_variant
LAB_$1_$7_OBJS := $(patsubst %.c,$(B)/obj/$8/%.o,$(filter-out $(addsuffix .c,$4),$(filter %.c,$3)))
$(patsubst %.c,$(B)/obj/$8/%.o,$(filter %.c,$3)): EXTRA_CFLAGS += -Ichapters/$2/lab
.PHONY: build-lab-$1-$7 build-lab-$1-$7-public
build-lab-$1-$7: $(addprefix $(B)/lab-$1/$7/,$4 public) $(if $(wildcard chapters/$2/tests/hidden/lab_hidden.c),$(B)/lab-$1/$7/hidden)
build-lab-$1-$7-public: $(addprefix $(B)/lab-$1/$7/,$4 public)
$(foreach p,$4,
$(B)/lab-$1/$7/$p: $(B)/obj/$8/$p.o $(B)/liblnp.a
	$$(LINK) $$^ $6
)
$(B)/lab-$1/$7/public: $(B)/obj/chapters/$2/tests/lab.o $$(LAB_$1_$7_OBJS) $(B)/libharness.a $(B)/liblnp-minus-$1.a
	$$(LINK) $$^ $$(HARNESS_LDLIBS) $$(CMOCKA) $6
$(B)/lab-$1/$7/hidden: $(B)/obj/chapters/$2/tests/hidden/lab_hidden.o $$(LAB_$1_$7_OBJS) $(B)/libharness.a $(B)/liblnp-minus-$1.a
	$$(LINK) $$^ $$(HARNESS_LDLIBS) $$(CMOCKA) $6

endef
