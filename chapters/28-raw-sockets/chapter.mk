# Chapter 28: raw sockets.
CH28 := 28-raw-sockets
CH28_PROGRAMS := naiveping tracerr
$(foreach p,$(CH28_PROGRAMS),$(eval $(call example,$(CH28),$p)))

$(eval $(call suite,$(CH28),raw,-lm))
$(B)/ch/$(CH28)/tests/raw: \
  | $(foreach p,$(CH28_PROGRAMS),$(B)/ch/$(CH28)/$p) \
    $(B)/lab-28/ref/ping $(B)/lab-28/ref/traceroute

# Lab 28: the student writes ping.c and traceroute.c, two whole
# programs, run on a chain of routers and held against iputils.
$(eval $(call lab,28,$(CH28),ping.c traceroute.c,chapters/$(CH28)/lab,ping traceroute,,))
