# Chapter 18: routing sockets (rtnetlink on Linux).
CH18 := 18-routing-sockets
CH18_PROGRAMS := afroute ifnames rtdump rtroute rtmon
$(foreach p,$(CH18_PROGRAMS),$(eval $(call example,$(CH18),$p)))

$(eval $(call suite,$(CH18),rtnetlink,-ljson-c))
$(B)/ch/$(CH18)/tests/rtnetlink: \
  | $(foreach p,$(CH18_PROGRAMS),$(B)/ch/$(CH18)/$p) $(B)/lab-18/ref/routeget

# Lab 18: the student writes routeget.c and rtwatch.c, whole programs;
# the tests parse `ip -j route get` with json-c (harness/tkjson.h) to
# compare routeget with it, and change routes and links under rtwatch.
$(eval $(call lab,18,$(CH18),routeget.c rtwatch.c,chapters/$(CH18)/lab,routeget rtwatch,,-ljson-c))
