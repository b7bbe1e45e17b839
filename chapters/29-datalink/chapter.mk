# Chapter 29: datalink access.
CH29 := 29-datalink
CH29_PROGRAMS := pfpacket udpcksum
$(foreach p,$(CH29_PROGRAMS),$(eval $(call example,$(CH29),$p,-lpcap)))

# Lab 29: the student writes sniff.c, a whole program on libpcap.
$(eval $(call lab,29,$(CH29),sniff.c,chapters/$(CH29)/lab,sniff,,-lpcap))

$(eval $(call suite,$(CH29),datalink,-lpcap))
$(B)/ch/$(CH29)/tests/datalink: \
  | $(foreach p,$(CH29_PROGRAMS),$(B)/ch/$(CH29)/$p)
