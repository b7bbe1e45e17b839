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

# `make bench`: the wall time of `make lab-05 REF=1`, scenarios included
# (target: at most 3 s on a 2-core machine).
BENCHES += bench-lab05
.PHONY: bench-lab05
bench-lab05: build-lab-05-ref
	@start=$$EPOCHREALTIME; \
	  $(MAKE) -s --no-print-directory lab-05 REF=1 >/dev/null 2>&1; \
	  rc=$$?; end=$$EPOCHREALTIME; \
	  awk -v s="$$start" -v e="$$end" \
	    'BEGIN { printf "BENCH lab05.ref_wall %.2f s\n", e - s }'; \
	  exit $$rc

# Rebuild when a header changes (tests/ch05test.h, lab/sumsrv.h ...).
-include $(shell find $(B)/obj/chapters/$(CH05) $(B)/obj/labs/lab-05 \
            $(B)/obj/$(B)/starter-src/lab-05 -name '*.d' 2>/dev/null)
