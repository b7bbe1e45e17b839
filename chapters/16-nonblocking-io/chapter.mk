# Chapter 16: non-blocking I/O.
CH16 := 16-nonblocking-io
CH16_PROGRAMS := nbcli forkcli connnb nbaccept
$(foreach p,$(CH16_PROGRAMS),$(eval $(call example,$(CH16),$p)))

$(eval $(call suite,$(CH16),nonb))
$(B)/ch/$(CH16)/tests/nonb: \
  | $(foreach p,$(CH16_PROGRAMS),$(B)/ch/$(CH16)/$p) \
    $(B)/ch/06-io-multiplexing/selcli $(B)/lab-16/ref/webcli

# Lab 16: the student writes webcli.c, a whole program.
$(eval $(call lab,16,$(CH16),webcli.c,chapters/$(CH16)/lab,webcli,,))

# make bench: the web client's speed-up with 8
# connections at once over 8 one after the other (printed by the
# reference's public tests, which measure it against nginx on a slow
# link).
.PHONY: bench-ch16
BENCHES += bench-ch16
bench-ch16: build-lab-16-ref
	@TK_BENCH=1 $(B)/lab-16/ref/public 2>&1 | grep '^BENCH ch16'
