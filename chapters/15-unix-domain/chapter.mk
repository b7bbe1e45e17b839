# Chapter 15: Unix domain protocols.
CH15 := 15-unix-domain
CH15_PROGRAMS := unixaddr unixstrserv unixstrcli unixdgserv unixdgcli \
                 sockpair openfile mycat mycat_naive credserv credcli \
                 dgdead dgqueue
$(foreach p,$(CH15_PROGRAMS),$(eval $(call example,$(CH15),$p)))

$(eval $(call suite,$(CH15),unix))
$(B)/ch/$(CH15)/tests/unix: \
  | $(foreach p,$(CH15_PROGRAMS),$(B)/ch/$(CH15)/$p)

# Lab 15: the student writes fdpass.c, functions the tests link (no
# program of its own).
$(eval $(call lab,15,$(CH15),fdpass.c,chapters/$(CH15)/lab,,,))

