# Chapter 23: advanced SCTP sockets.  The kernel here may have no SCTP:
# the suites call hn_require("sctp") and run in the harness's VM
# (harness/vm/), which sees the test binary and the programs one level
# up, so the chapter's programs sit next to its tests' directory.
CH23 := 23-advanced-sctp
CH23_PROGRAMS := advsrv sctprecv sctpsend paddrs
$(foreach p,$(CH23_PROGRAMS),$(eval $(call example,$(CH23),$p,-lsctp)))

# failcli is lab 23's reference, built here too for the chapter's
# failover scenario (23.9), as the book shows it.
PROGRAMS += $(B)/ch/$(CH23)/failcli
$(B)/ch/$(CH23)/failcli: $(B)/obj/chapters/$(CH23)/lab/failcli.o \
  $(B)/liblnp.a
	$(LINK) $^ -lsctp

$(eval $(call suite,$(CH23),asctp,-lsctp))
$(B)/ch/$(CH23)/tests/asctp: \
  | $(foreach p,$(CH23_PROGRAMS) failcli,$(B)/ch/$(CH23)/$p) \
    $(VM_READY)

# Lab 23: the student writes failcli.c, a whole program.
$(eval $(call lab,23,$(CH23),failcli.c,chapters/$(CH23)/lab,failcli,,-lsctp))
$(foreach v,student ref starter,$(B)/lab-23/$v/public $(B)/lab-23/$v/hidden): \
  | $(VM_READY)

# make bench: the suite's wall time, VM boot included (the issue's
# budget: 15 s), as BENCH ch23.suite_wall.
.PHONY: bench-ch23
BENCHES += bench-ch23
bench-ch23: $(B)/ch/$(CH23)/tests/asctp
	@t0=$$(date +%s.%N); $< >/dev/null 2>&1 || \
	  { echo "bench-ch23: the suite failed" >&2; exit 1; }; \
	  t1=$$(date +%s.%N); \
	  echo "BENCH ch23.suite_wall $$(echo "$$t1 - $$t0" | bc | \
	    xargs printf '%.2f') s"
