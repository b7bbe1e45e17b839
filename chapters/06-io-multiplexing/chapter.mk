# Chapter 6: I/O multiplexing.
CH06 := 06-io-multiplexing
CH06_PROGRAMS := selcli_naive selcli selserv pollserv epollserv pselserv
$(foreach p,$(CH06_PROGRAMS),$(eval $(call example,$(CH06),$p)))

$(eval $(call suite,$(CH06),mux))
# the suite runs the programs: build them first
$(B)/ch/$(CH06)/tests/mux: | $(foreach p,$(CH06_PROGRAMS),$(B)/ch/$(CH06)/$p)

# Lab 6: the student writes mux_echo.c, a whole program.
$(eval $(call lab,06,$(CH06),mux_echo.c,chapters/$(CH06)/lab,mux_echo,,))

# make bench: the wall time of `make lab-06 REF=1` (the public tests
# against the reference), which must stay within a few seconds.
.PHONY: bench-lab06
BENCHES += bench-lab06
bench-lab06: build-lab-06-ref
	@$(PY) -c 'import subprocess, sys, time; t = time.monotonic(); \
	  r = subprocess.run(["$(PY)", "tools/testrun.py", "--build", "$(B)", \
	    "--lab-run", "06", "--variant", "ref"], stdout=subprocess.DEVNULL); \
	  print("BENCH lab06.ref_wall %.2f s" % (time.monotonic() - t)); \
	  sys.exit(r.returncode)'
