# Chapter 9: elementary SCTP sockets.  The kernel here may have no SCTP:
# the suites call hn_require("sctp") and run in the harness's VM
# (harness/vm/), which sees the test binary and the programs one level
# up, so the chapter's programs sit next to its tests' directory.
CH09 := 09-sctp-sockets
CH09_PROGRAMS := sctpserv sctpcli
$(foreach p,$(CH09_PROGRAMS),$(eval $(call example,$(CH09),$p,-lsctp)))

$(eval $(call suite,$(CH09),sctp,-lsctp))
$(B)/ch/$(CH09)/tests/sctp: \
  | $(foreach p,$(CH09_PROGRAMS),$(B)/ch/$(CH09)/$p) $(VM_READY)

# Lab 9: the student writes assocsrv.c, a whole program.  Its tests run
# in the VM, which sees the test binary and assocsrv next to it.
$(eval $(call lab,09,$(CH09),assocsrv.c,chapters/$(CH09)/lab,assocsrv,,-lsctp))
$(foreach v,student ref starter,$(B)/lab-09/$v/public $(B)/lab-09/$v/hidden): \
  | $(VM_READY)

# make bench: the suite's wall time, VM boot included (the issue's
# budget: 15 s), as BENCH ch09.suite_wall.
.PHONY: bench-ch09
BENCHES += bench-ch09
bench-ch09: $(B)/ch/$(CH09)/tests/sctp
	@t0=$$(date +%s.%N); $< >/dev/null 2>&1 || \
	  { echo "bench-ch09: the suite failed" >&2; exit 1; }; \
	  t1=$$(date +%s.%N); \
	  echo "BENCH ch09.suite_wall $$(echo "$$t1 - $$t0" | bc | \
	    xargs printf '%.2f') s"
