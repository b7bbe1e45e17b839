# Chapter 8: elementary UDP sockets.
CH08 := 08-elementary-udp
CH08_PROGRAMS := udpserv udpcli udpcli_connect udptcpserv udpflood udpsink \
                 udpwhichaddr
$(foreach p,$(CH08_PROGRAMS),$(eval $(call example,$(CH08),$p)))

$(eval $(call suite,$(CH08),udp))
$(B)/ch/$(CH08)/tests/udp: \
  | $(foreach p,$(CH08_PROGRAMS),$(B)/ch/$(CH08)/$p)

# Lab 8: the student writes udpcli_retry.c, a whole program.
$(eval $(call lab,08,$(CH08),udpcli_retry.c,chapters/$(CH08)/lab,udpcli_retry,,))

# make bench: the wall time of `make lab-08 REF=1` (the public tests
# against the reference), which must stay within a few seconds.
.PHONY: bench-lab08
BENCHES += bench-lab08
bench-lab08: build-lab-08-ref
	@$(PY) -c 'import subprocess, sys, time; t = time.monotonic(); \
	  r = subprocess.run(["$(PY)", "tools/testrun.py", "--build", "$(B)", \
	    "--lab-run", "08", "--variant", "ref"], stdout=subprocess.DEVNULL); \
	  print("BENCH lab08.ref_wall %.2f s" % (time.monotonic() - t)); \
	  sys.exit(r.returncode)'
