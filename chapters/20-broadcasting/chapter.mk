# Chapter 20: broadcasting.
CH20 := 20-broadcasting
CH20_PROGRAMS := bcastcli
$(foreach p,$(CH20_PROGRAMS),$(eval $(call example,$(CH20),$p)))

$(eval $(call suite,$(CH20),bcast))
$(B)/ch/$(CH20)/tests/bcast: \
  | $(foreach p,$(CH20_PROGRAMS),$(B)/ch/$(CH20)/$p) \
    $(B)/ch/08-elementary-udp/udpserv
