# Chapter 11: name and address conversions.
CH11 := 11-names-addresses
CH11_PROGRAMS := gai gni daytimecli naivecli daytimesrv udpcli
$(foreach p,$(CH11_PROGRAMS),$(eval $(call example,$(CH11),$p)))

$(eval $(call suite,$(CH11),names))
$(B)/ch/$(CH11)/tests/names: \
  | $(foreach p,$(CH11_PROGRAMS),$(B)/ch/$(CH11)/$p)

# Lab 11: the student writes lib/names.c, the protocol-independent
# helpers; the tests call them in hosts whose names a real dnsmasq
# serves.
$(eval $(call lab,11,$(CH11),names.c,lib,,lib/names.o,))
