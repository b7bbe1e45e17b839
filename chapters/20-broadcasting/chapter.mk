# Chapter 20: broadcasting.
CH20 := 20-broadcasting
CH20_PROGRAMS := bcastcli
$(foreach p,$(CH20_PROGRAMS),$(eval $(call example,$(CH20),$p)))

$(eval $(call suite,$(CH20),bcast))
$(B)/ch/$(CH20)/tests/bcast: \
  | $(foreach p,$(CH20_PROGRAMS),$(B)/ch/$(CH20)/$p) \
    $(B)/ch/08-elementary-udp/udpserv

# Lab 20: the student writes whoisthere.c, a whole program.  Its tests
# run chapter 8's echo server.
$(eval $(call lab,20,$(CH20),whoisthere.c,chapters/$(CH20)/lab,whoisthere,,))
$(foreach v,student ref starter,$(B)/lab-20/$v/public $(B)/lab-20/$v/hidden): \
  | $(B)/ch/08-elementary-udp/udpserv
