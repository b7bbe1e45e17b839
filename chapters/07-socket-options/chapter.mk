# Chapter 7: socket options.
CH07 := 07-socket-options
CH07_PROGRAMS := checkopts lingerclose keepalive_cli restartserv \
                 stallserv bufwin reqserv nagle
$(foreach p,$(CH07_PROGRAMS),$(eval $(call example,$(CH07),$p)))

$(eval $(call suite,$(CH07),opts))
$(B)/ch/$(CH07)/tests/opts: \
  | $(foreach p,$(CH07_PROGRAMS),$(B)/ch/$(CH07)/$p)

# Lab 7: the student writes keepalive_serv.c, a whole program.
$(eval $(call lab,07,$(CH07),keepalive_serv.c,chapters/$(CH07)/lab,keepalive_serv,,))

# make bench: the wall time of `make lab-07 REF=1` (the public tests
# against the reference), which must stay within a few seconds.
.PHONY: bench-lab07
BENCHES += bench-lab07
bench-lab07: build-lab-07-ref
	@$(PY) -c 'import subprocess, sys, time; t = time.monotonic(); \
	  r = subprocess.run(["$(PY)", "tools/testrun.py", "--build", "$(B)", \
	    "--lab-run", "07", "--variant", "ref"], stdout=subprocess.DEVNULL); \
	  print("BENCH lab07.ref_wall %.2f s" % (time.monotonic() - t)); \
	  sys.exit(r.returncode)'
