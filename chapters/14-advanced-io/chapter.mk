# Chapter 14: advanced I/O.
CH14 := 14-advanced-io
CH14_PROGRAMS := conntimeo readtimeo recvflags vecio stdiocli \
                 stdiocli_naive lineserv epollet
$(foreach p,$(CH14_PROGRAMS),$(eval $(call example,$(CH14),$p)))

$(eval $(call suite,$(CH14),advio))
$(B)/ch/$(CH14)/tests/advio: \
  | $(foreach p,$(CH14_PROGRAMS),$(B)/ch/$(CH14)/$p)

# Lab 14: the student writes timeo.c, functions the tests link (no
# program of its own).
$(eval $(call lab,14,$(CH14),timeo.c,chapters/$(CH14)/lab,,,))

# make bench: the wall time of `make lab-14 REF=1` (the public tests
# against the reference), which must stay within a few seconds.
.PHONY: bench-lab14
BENCHES += bench-lab14
bench-lab14: build-lab-14-ref
	@$(PY) -c 'import subprocess, sys, time; t = time.monotonic(); \
	  r = subprocess.run(["$(PY)", "tools/testrun.py", "--build", "$(B)", \
	    "--lab-run", "14", "--variant", "ref"], stdout=subprocess.DEVNULL); \
	  print("BENCH lab14.ref_wall %.2f s" % (time.monotonic() - t)); \
	  sys.exit(r.returncode)'
