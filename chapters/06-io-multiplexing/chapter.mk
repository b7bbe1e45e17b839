# Chapter 6: I/O multiplexing.
CH06 := 06-io-multiplexing
CH06_PROGRAMS := selcli_naive selcli selserv pollserv epollserv pselserv
$(foreach p,$(CH06_PROGRAMS),$(eval $(call example,$(CH06),$p)))

$(eval $(call suite,$(CH06),mux))
# the suite runs the programs: build them first
$(B)/ch/$(CH06)/tests/mux: | $(foreach p,$(CH06_PROGRAMS),$(B)/ch/$(CH06)/$p)

# Lab 6: the student writes mux_echo.c, a whole program.
$(eval $(call lab,06,$(CH06),mux_echo.c,chapters/$(CH06)/lab,mux_echo,,))

