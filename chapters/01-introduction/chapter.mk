# Chapter 1: introduction.
CH01 := 01-introduction

CH01_PROGRAMS := daytimetcpcli0 daytimetcpsrv0 daytimetcpcli daytimetcpsrv \
                 daytimetcpcliv6 daytimetcpsrvv6 daytimetcpcli1read
$(foreach p,$(CH01_PROGRAMS),$(eval $(call example,$(CH01),$(p))))

# The examples' tests, on a network of two hosts (tests/daytime.c).
$(eval $(call suite,$(CH01),daytime))
# The suite runs the examples.
$(B)/ch/$(CH01)/tests/daytime: | $(CH01_PROGRAMS:%=$(B)/ch/$(CH01)/%)

# Lab 1: the student writes daytime.c, a protocol-independent client.
$(eval $(call lab,01,$(CH01),daytime.c,chapters/$(CH01)/lab,daytime,,))

# Rebuild when a header the tests share (tests/ch01test.h) changes.
-include $(wildcard $(B)/obj/chapters/$(CH01)/*.d \
	$(B)/obj/chapters/$(CH01)/*/*.d $(B)/obj/chapters/$(CH01)/*/*/*.d)

# make bench: daytime exchanges per second between two harness hosts,
# through the chapter's iterative server (tests/bench_daytime.c).
CH01_BENCH := $(B)/ch/$(CH01)/tests/bench_daytime
PROGRAMS += $(CH01_BENCH)
$(CH01_BENCH): $(B)/obj/chapters/$(CH01)/tests/bench_daytime.o \
		$(B)/libharness.a $(B)/liblnp.a | $(B)/ch/$(CH01)/daytimetcpsrv
	$(LINK) $^ $(HARNESS_LDLIBS) $(CMOCKA)
.PHONY: bench-ch01-daytime
BENCHES += bench-ch01-daytime
bench-ch01-daytime: $(CH01_BENCH)
	@set -o pipefail; $(CH01_BENCH) 2>&1 | grep '^BENCH'
