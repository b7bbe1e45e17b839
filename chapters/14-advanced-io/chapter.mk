# Chapter 14: advanced I/O.
CH14 := 14-advanced-io
CH14_PROGRAMS := conntimeo readtimeo recvflags vecio stdiocli \
                 stdiocli_naive lineserv epollet
$(foreach p,$(CH14_PROGRAMS),$(eval $(call example,$(CH14),$p)))

$(eval $(call suite,$(CH14),advio))
$(B)/ch/$(CH14)/tests/advio: \
  | $(foreach p,$(CH14_PROGRAMS),$(B)/ch/$(CH14)/$p)

# Lab 14: the student writes timeo.c, functions the tests link (no
# program of its own).
$(eval $(call lab,14,$(CH14),timeo.c,chapters/$(CH14)/lab,,,))

