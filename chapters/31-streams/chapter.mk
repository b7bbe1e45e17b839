# Chapter 31: STREAMS, which Linux does not have (text; no lab).
CH31 := 31-streams
CH31_PROGRAMS := nostreams
$(foreach p,$(CH31_PROGRAMS),$(eval $(call example,$(CH31),$p)))

$(eval $(call suite,$(CH31),streams))
$(B)/ch/$(CH31)/tests/streams: \
  | $(foreach p,$(CH31_PROGRAMS),$(B)/ch/$(CH31)/$p)
