# Chapter 7: socket options.
CH07 := 07-socket-options
CH07_PROGRAMS := checkopts lingerclose keepalive_cli restartserv \
                 stallserv bufwin reqserv nagle
$(foreach p,$(CH07_PROGRAMS),$(eval $(call example,$(CH07),$p)))

$(eval $(call suite,$(CH07),opts))
$(B)/ch/$(CH07)/tests/opts: \
  | $(foreach p,$(CH07_PROGRAMS),$(B)/ch/$(CH07)/$p)

# Lab 7: the student writes keepalive_serv.c, a whole program.
$(eval $(call lab,07,$(CH07),keepalive_serv.c,chapters/$(CH07)/lab,keepalive_serv,,))

