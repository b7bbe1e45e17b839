# Chapter 5: the TCP echo client and server, and where they break.
CH05 := 05-tcp-client-server

CH05_PROGRAMS := echosrv_v1 echosrv_wait1 echosrv_v2 echosrv_v3 echocli \
                 echocli5 echocli_split abortconn sumsrv_naive
$(foreach p,$(CH05_PROGRAMS),$(eval $(call example,$(CH05),$p)))

# The suite runs the programs.
$(eval $(call suite,$(CH05),echo))
$(B)/ch/$(CH05)/tests/echo: | $(foreach p,$(CH05_PROGRAMS),$(B)/ch/$(CH05)/$p)

# Lab 5: the student writes echosrv.c (a program) and sumsrv.c (the sum
# service's functions, linked into the tests).
$(eval $(call lab,05,$(CH05),echosrv.c sumsrv.c,chapters/$(CH05)/lab,echosrv,))
# a hidden test uses the chapter's echo client
$(foreach v,student ref starter,$(B)/lab-05/$v/hidden): | $(B)/ch/$(CH05)/echocli

# The sum server a reader talks to with nc: sumsrv_main.c around
# sum_serve(), linked with the reference (a chapter program, which the
# suite runs) and with each lab variant's sumsrv.c (build/lab-05/student/
# sumsrv is the student's own).
CH05_SUMMAIN := $(B)/obj/chapters/$(CH05)/sumsrv_main.o
$(CH05_SUMMAIN): EXTRA_CFLAGS += -Ichapters/$(CH05)/lab
PROGRAMS += $(B)/ch/$(CH05)/sumsrv
$(B)/ch/$(CH05)/sumsrv: $(CH05_SUMMAIN) \
  $(B)/obj/chapters/$(CH05)/lab/sumsrv.o $(B)/liblnp.a
	$(LINK) $^
$(B)/ch/$(CH05)/tests/echo: | $(B)/ch/$(CH05)/sumsrv
define ch05_sumsrv
build-lab-05-$1: $(B)/lab-05/$1/sumsrv
$(B)/lab-05/$1/sumsrv: $(CH05_SUMMAIN) $$(LAB_05_$1_OBJS) $(B)/liblnp.a
	$$(LINK) $$^
endef
$(foreach v,student ref starter,$(eval $(call ch05_sumsrv,$v)))

# `make fuzz`: lab 5's sum_reply() (the reference) against an independent
# reading of the protocol (tests/fuzz_sum.c), under ASan and UBSan, for
# FUZZ_TIME seconds; fails on a crash, a sanitizer report or a wrong reply.
FUZZ_TIME ?= 20
CH05_FUZZ := $(B)/fuzz/sum_reply
FUZZERS += fuzz-sum_reply
$(CH05_FUZZ): chapters/$(CH05)/tests/fuzz_sum.c chapters/$(CH05)/lab/sumsrv.c \
              chapters/$(CH05)/lab/sumsrv.h lib/readio.c lib/lnp.h
	@mkdir -p $(@D)
	$(if $(V),,@echo "  FUZZCC  $@";)clang -std=c11 -D_GNU_SOURCE -g -O1 \
	  -Wall -Wextra -Werror -Ilib -Ichapters/$(CH05)/lab \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer -o $@ $(filter %.c,$^)
.PHONY: fuzz-sum_reply
fuzz-sum_reply: $(CH05_FUZZ)
	@d=$(B)/fuzz/sum_reply; mkdir -p $$d-corpus $$d-crash; \
	  for seed in '3 4' '-10 +4' ' 1\t2 ' '99999999999999999999 0' \
	    '9223372036854775807 1' '1 2 3' 'x y' '1.5 2' \
	    '99999999999999999999 x'; do \
	    printf '%b' "$$seed" > \
	      $$d-corpus/seed-$$(printf '%b' "$$seed" | cksum | cut -d' ' -f1); \
	  done; \
	  echo "  FUZZ    sum_reply for $(FUZZ_TIME) s"; \
	  $(CH05_FUZZ) -max_total_time=$(FUZZ_TIME) -max_len=512 \
	    -timeout=10 -artifact_prefix=$$d-crash/ $$d-corpus \
	    >$$d.log 2>&1; status=$$?; \
	  if [ $$status -ne 0 ] || \
	     grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' \
	       $$d.log; then tail -n 30 $$d.log; \
	    echo "fuzz-sum_reply FAILED: input in $$d-crash/, log $$d.log"; \
	    exit 1; fi; \
	  grep -E '^Done' $$d.log | sed 's/^/  FUZZ    sum_reply: /'

# Rebuild when a header changes (tests/ch05test.h, lab/sumsrv.h ...).
-include $(shell find $(B)/obj/chapters/$(CH05) $(B)/obj/labs/lab-05 \
            $(B)/obj/$(B)/starter-src/lab-05 -name '*.d' 2>/dev/null)
