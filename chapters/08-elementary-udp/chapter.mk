# Chapter 8: elementary UDP sockets.
CH08 := 08-elementary-udp
CH08_PROGRAMS := udpserv udpcli udpcli_connect udptcpserv udpflood udpsink \
                 udpwhichaddr
$(foreach p,$(CH08_PROGRAMS),$(eval $(call example,$(CH08),$p)))

$(eval $(call suite,$(CH08),udp))
$(B)/ch/$(CH08)/tests/udp: \
  | $(foreach p,$(CH08_PROGRAMS),$(B)/ch/$(CH08)/$p)

# Lab 8: the student writes udpcli_retry.c, a whole program.
$(eval $(call lab,08,$(CH08),udpcli_retry.c,chapters/$(CH08)/lab,udpcli_retry,,))

