# Chapter 30: client/server design alternatives.
CH30 := 30-server-designs
CH30_SERVERS := serv_iter serv_fork serv_prefork serv_prepass serv_thread \
                serv_prethread serv_prethmain serv_epoll serv_uring
CH30_PROGRAMS := $(CH30_SERVERS) loadcli herd
CH30_WEB := $(B)/obj/chapters/$(CH30)/web30.o
$(foreach p,$(filter-out serv_uring,$(CH30_PROGRAMS)),\
  $(eval $(call example,$(CH30),$p)))
$(eval $(call example,$(CH30),serv_uring,-luring))
# every program shares the request and reply (web30.c)
$(foreach p,$(CH30_PROGRAMS),$(B)/ch/$(CH30)/$p): $(CH30_WEB)

$(eval $(call suite,$(CH30),designs))
$(B)/ch/$(CH30)/tests/designs: \
  | $(foreach p,$(CH30_PROGRAMS),$(B)/ch/$(CH30)/$p)

# make bench: every design, and nginx, under the same load (loadcli),
# and wrk against the best (BENCH ch30.*); written by the suite.
.PHONY: bench-ch30
BENCHES += bench-ch30
bench-ch30: $(B)/ch/$(CH30)/tests/designs
	@TK_BENCH=1 $(B)/ch/$(CH30)/tests/designs 2>&1 | grep '^BENCH ch30'

-include $(shell find $(B)/obj/chapters/$(CH30) -name '*.d' 2>/dev/null)
