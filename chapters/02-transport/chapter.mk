# Chapter 2: the transport layer.
CH02 := 02-transport

$(eval $(call example,$(CH02),tcpstate))

# The chapter's claims, measured on harness networks (tests/transport.c).
$(eval $(call suite,$(CH02),transport,-lpcap))
$(B)/ch/$(CH02)/tests/transport: | $(B)/ch/$(CH02)/tcpstate

# Lab 2: the student writes capscan.c, which reads captures with libpcap.
$(eval $(call lab,02,$(CH02),capscan.c,chapters/$(CH02)/lab,capscan,,-lpcap))

# Rebuild when a header the tests share (tests/ch02test.h) changes.
-include $(wildcard $(B)/obj/chapters/$(CH02)/*.d \
	$(B)/obj/chapters/$(CH02)/*/*.d $(B)/obj/chapters/$(CH02)/*/*/*.d)

