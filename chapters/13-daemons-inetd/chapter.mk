# Chapter 13: daemon processes and the inetd superserver.
CH13 := 13-daemons-inetd
CH13_PROGRAMS := daytimed ttyopen inetdaytime udpwait sdlaunch actserv
$(foreach p,$(CH13_PROGRAMS),$(eval $(call example,$(CH13),$p)))

$(eval $(call suite,$(CH13),daemons))
$(B)/ch/$(CH13)/tests/daemons: \
  | $(foreach p,$(CH13_PROGRAMS),$(B)/ch/$(CH13)/$p) \
    $(B)/ch/01-introduction/daytimetcpcli $(B)/ch/08-elementary-udp/udpcli

# Lab 13: the student writes lib/daemon.c (daemon_init), which the lab's
# tests link in place of the library's own.
$(eval $(call lab,13,$(CH13),daemon.c,lib,,lib/daemon.o,))
