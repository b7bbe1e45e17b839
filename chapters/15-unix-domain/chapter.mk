# Chapter 15: Unix domain protocols.
CH15 := 15-unix-domain
CH15_PROGRAMS := unixaddr unixstrserv unixstrcli unixdgserv unixdgcli \
                 sockpair openfile mycat mycat_naive credserv credcli \
                 dgdead dgqueue
$(foreach p,$(CH15_PROGRAMS),$(eval $(call example,$(CH15),$p)))

$(eval $(call suite,$(CH15),unix))
$(B)/ch/$(CH15)/tests/unix: \
  | $(foreach p,$(CH15_PROGRAMS),$(B)/ch/$(CH15)/$p)

# Lab 15: the student writes fdpass.c, functions the tests link (no
# program of its own).
$(eval $(call lab,15,$(CH15),fdpass.c,chapters/$(CH15)/lab,,,))

# make bench: the wall time of `make lab-15 REF=1` (the public tests
# against the reference), which must stay within a few seconds.
.PHONY: bench-lab15
BENCHES += bench-lab15
bench-lab15: build-lab-15-ref
	@$(PY) -c 'import subprocess, sys, time; t = time.monotonic(); \
	  r = subprocess.run(["$(PY)", "tools/testrun.py", "--build", "$(B)", \
	    "--lab-run", "15", "--variant", "ref"], stdout=subprocess.DEVNULL); \
	  print("BENCH lab15.ref_wall %.2f s" % (time.monotonic() - t)); \
	  sys.exit(r.returncode)'
