# Chapter 4: elementary TCP sockets.
CH04 := 04-elementary-tcp

CH04_PROGRAMS := daytimesrv_fork daytimesrv_noclose tcpconnect backlog
$(foreach p,$(CH04_PROGRAMS),$(eval $(call example,$(CH04),$p)))

# The suite runs the programs (and chapter 1's daytime client).
$(eval $(call suite,$(CH04),tcp))
$(B)/ch/$(CH04)/tests/tcp: | $(foreach p,$(CH04_PROGRAMS),$(B)/ch/$(CH04)/$p) \
                             $(B)/ch/01-introduction/daytimetcpcli

# Lab 4: the student writes connclass.c, a program.
$(eval $(call lab,04,$(CH04),connclass.c,chapters/$(CH04)/lab,connclass,))

# Rebuild when a header changes (tests/ch04test.h ...).
-include $(shell find $(B)/obj/chapters/$(CH04) $(B)/obj/labs/lab-04 \
            $(B)/obj/$(B)/starter-src/lab-04 -name '*.d' 2>/dev/null)
