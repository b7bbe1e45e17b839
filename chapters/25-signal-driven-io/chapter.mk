# Chapter 25: signal-driven I/O.
CH25 := 25-signal-driven-io
CH25_PROGRAMS := sigioone udpburst sigioevents sigrtq
$(foreach p,$(CH25_PROGRAMS),$(eval $(call example,$(CH25),$p)))

$(eval $(call suite,$(CH25),sigio))
$(B)/ch/$(CH25)/tests/sigio: \
  | $(foreach p,$(CH25_PROGRAMS),$(B)/ch/$(CH25)/$p) \
    $(B)/lab-25/ref/sigioserv

# Lab 25: the student writes sigioserv.c, a whole program.
$(eval $(call lab,25,$(CH25),sigioserv.c,chapters/$(CH25)/lab,sigioserv,,))
