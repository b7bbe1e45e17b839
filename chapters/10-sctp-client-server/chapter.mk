# Chapter 10: the SCTP client/server example (runs in the VM backend on
# a kernel without SCTP).
CH10 := 10-sctp-client-server
CH10_PROGRAMS := sctpserv sctpcli holbserv holbcli
$(foreach p,$(CH10_PROGRAMS),$(eval $(call example,$(CH10),$p)))

$(eval $(call suite,$(CH10),sctpecho))
$(B)/ch/$(CH10)/tests/sctpecho: \
  | $(foreach p,$(CH10_PROGRAMS),$(B)/ch/$(CH10)/$p)

# Lab 10: the student writes streamecho.c, a per-stream echo server.
$(eval $(call lab,10,$(CH10),streamecho.c,chapters/$(CH10)/lab,streamecho,,))
