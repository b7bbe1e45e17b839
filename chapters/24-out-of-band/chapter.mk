# Chapter 24: out-of-band data.
CH24 := 24-out-of-band
CH24_PROGRAMS := oobsend oobsig oobsel oobmark
$(foreach p,$(CH24_PROGRAMS),$(eval $(call example,$(CH24),$p)))

$(eval $(call suite,$(CH24),oob))
$(B)/ch/$(CH24)/tests/oob: \
  | $(foreach p,$(CH24_PROGRAMS),$(B)/ch/$(CH24)/$p) \
    $(B)/lab-24/ref/hbcli $(B)/lab-24/ref/hbserv

# Lab 24: the student writes the heartbeat of hbcli.c and hbserv.c, two
# whole programs.  The reference programs are the chapter's too (the
# figures and the "Try it yourself" of 24.6 run them), so make all
# builds them with the examples.
$(eval $(call lab,24,$(CH24),hbcli.c hbserv.c,chapters/$(CH24)/lab,\
  hbcli hbserv,,))
PROGRAMS += $(B)/lab-24/ref/hbcli $(B)/lab-24/ref/hbserv
