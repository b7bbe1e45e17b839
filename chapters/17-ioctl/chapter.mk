# Chapter 17: ioctl operations.
CH17 := 17-ioctl
CH17_PROGRAMS := ifconf ifaddrs arpget
$(foreach p,$(CH17_PROGRAMS),$(eval $(call example,$(CH17),$p)))

$(eval $(call suite,$(CH17),ioctl,-ljson-c))
$(B)/ch/$(CH17)/tests/ioctl: \
  | $(foreach p,$(CH17_PROGRAMS),$(B)/ch/$(CH17)/$p) $(B)/lab-17/ref/iflist

# Lab 17: the student writes iflist.c, a whole program; the tests parse
# `ip -j addr` with json-c to compare it field by field.
$(eval $(call lab,17,$(CH17),iflist.c,chapters/$(CH17)/lab,iflist,,-ljson-c))
