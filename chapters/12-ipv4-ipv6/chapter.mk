# Chapter 12: IPv4/IPv6 interoperability.
CH12 := 12-ipv4-ipv6
CH12_PROGRAMS := halfport twoserv whocli
$(foreach p,$(CH12_PROGRAMS),$(eval $(call example,$(CH12),$p)))

$(eval $(call suite,$(CH12),dual))
$(B)/ch/$(CH12)/tests/dual: \
  | $(foreach p,$(CH12_PROGRAMS),$(B)/ch/$(CH12)/$p) $(B)/lab-12/ref/whoserv

# Lab 12: the student writes whoserv.c, a whole program (the dual-stack
# server of sections 12.2 and 12.4).
$(eval $(call lab,12,$(CH12),whoserv.c,chapters/$(CH12)/lab,whoserv,,))
