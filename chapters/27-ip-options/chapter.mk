# Chapter 27: IP options.
CH27 := 27-ip-options
CH27_PROGRAMS := srcrtcli optserv rrserv ip6optcli ip6optsrv
$(foreach p,$(CH27_PROGRAMS),$(eval $(call example,$(CH27),$p)))

$(eval $(call suite,$(CH27),ipopts))
$(B)/ch/$(CH27)/tests/ipopts: \
  | $(foreach p,$(CH27_PROGRAMS),$(B)/ch/$(CH27)/$p) $(B)/lab-27/ref/rrcli

# Lab 27: the student writes rrcli.c, a whole program, run against the
# chapter's rrserv on a chain of routers.
$(eval $(call lab,27,$(CH27),rrcli.c,chapters/$(CH27)/lab,rrcli,,))
$(foreach v,student ref starter,$(B)/lab-27/$v/public $(B)/lab-27/$v/hidden): \
  | $(B)/ch/$(CH27)/rrserv
