# fuzz/: libFuzzer targets, built with clang and run by `make fuzz`.
#
#   fuzz/NAME.c           the target (LLVMFuzzerTestOneInput)
#   fuzz/corpus/NAME/     its committed seed corpus (fuzz/seeds.py)
#   $(B)/fuzz/NAME        the fuzzer;  $(B)/fuzz/NAME-corpus/ what it found
#   $(B)/fuzz/NAME.log    its output;  $(B)/fuzz/NAME-crash/ a failing input
#
# `make fuzz-NAME` runs one for FUZZ_TIME seconds and fails on any crash,
# sanitizer report (ASan, UBSan, leaks) or failed check.  New inputs go to
# the build tree, never into the committed seeds.

FUZZ_CC    := clang
FUZZ_TIME  ?= 20
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror -Ilib \
              -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_RUN   := -max_total_time=$(FUZZ_TIME) -max_len=8192 -timeout=10 \
              -rss_limit_mb=2048 -print_final_stats=1
# A report the fuzzer might survive still fails the run.
FUZZ_BAD   := ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:

# $(call fuzzer,NAME,LIB_SOURCES)
define fuzzer
FUZZERS += fuzz-$1
$(B)/fuzz/$1: fuzz/$1.c $2 lib/lnp.h
	@mkdir -p $$(@D)
	$(if $(V),,@echo "  FUZZCC  $$@";)$(FUZZ_CC) $(FUZZ_FLAGS) \
	  -o $$@ fuzz/$1.c $2
.PHONY: fuzz-$1
fuzz-$1: $(B)/fuzz/$1
	@mkdir -p $(B)/fuzz/$1-corpus $(B)/fuzz/$1-crash
	@echo "  FUZZ    $1 for $(FUZZ_TIME) s"
	@cd $(B)/fuzz && ./$1 $(FUZZ_RUN) -artifact_prefix=$1-crash/ \
	  $1-corpus $(TOP)/fuzz/corpus/$1 >$1.log 2>&1; \
	status=$$$$?; \
	if [ $$$$status -ne 0 ] || grep -Eq '$(FUZZ_BAD)' $1.log; then \
	  tail -n 40 $1.log; \
	  echo "fuzz-$1 FAILED (exit $$$$status): input kept in" \
	       "$(B)/fuzz/$1-crash/, log in $(B)/fuzz/$1.log"; \
	  exit 1; \
	fi; \
	grep -E '^stat::number_of_executed_units|^Done' $1.log | tail -n 1 | \
	  sed 's/^/  FUZZ    $1: /'
endef

$(eval $(call fuzzer,readline,lib/readio.c))
$(eval $(call fuzzer,sockaddr,lib/sock_ntop.c))
