# Chapter 30: client/server design alternatives.
CH30 := 30-server-designs
CH30_SERVERS := serv_iter serv_fork serv_prefork serv_prepass serv_thread \
                serv_prethread serv_prethmain serv_epoll serv_uring
CH30_PROGRAMS := $(CH30_SERVERS) loadcli herd
CH30_WEB := $(B)/obj/chapters/$(CH30)/web30.o \
            $(B)/obj/chapters/$(CH30)/webserve.o
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

# Lab 30: the student writes labserv.c, a server in the design of their
# choice, linked with the chapter's request and reply (web30.c) and with
# tests/raceshim.c, which forces the race of section 30.8 when a test
# asks (LAB30_RACE=1).
$(eval $(call lab,30,$(CH30),labserv.c,chapters/$(CH30)/lab,labserv,,))
CH30_SHIM := $(B)/obj/chapters/$(CH30)/tests/raceshim.o
CH30_WRAP := $(foreach f,pthread_create accept accept4 poll select \
  epoll_wait,-Wl,--wrap=$f)
define ch30_labserv
$(B)/lab-30/$1/labserv: $(B)/obj/chapters/$(CH30)/web30.o $(CH30_SHIM)
$(B)/lab-30/$1/labserv: LDFLAGS += $(CH30_WRAP)
$(B)/lab-30/$1/public $(B)/lab-30/$1/hidden: | $(B)/lab-30/$1/labserv
endef
$(foreach v,student ref starter $(addprefix mutant/,$(if $(filter 30,$(MUTANT_LAB)),$(MUTANTS))),$(eval $(call ch30_labserv,$v)))
$(foreach v,student ref starter $(addprefix mutant/,$(if $(filter 30,$(MUTANT_LAB)),$(MUTANTS))),$(B)/lab-30/$v/public): \
  | $(B)/ch/$(CH30)/loadcli
$(B)/obj/chapters/$(CH30)/tests/lab.o \
$(B)/obj/chapters/$(CH30)/tests/hidden/lab_hidden.o: \
  EXTRA_CFLAGS += -Ichapters/$(CH30)/lab -Ichapters/$(CH30) \
  -Ichapters/$(CH30)/tests
# make bench-lab30: also the requests per second of your labserv
# (labs/lab-30), each design you wrote, under the chapter's load client.
bench-lab30: bench-lab30-rps
.PHONY: bench-lab30-rps
bench-lab30-rps: build-lab-30-student
	@TK_BENCH=1 $(B)/lab-30/student/public 2>&1 | grep '^BENCH lab30' \
	  || echo "BENCH lab30.student.rps (no design of yours passes yet)"

# every variant's labserv.c includes the chapter's web30.h
%/labserv.o: EXTRA_CFLAGS += -Ichapters/$(CH30)

# make TSAN=1 test: the suite (its threaded servers and load client) and
# the lab run under ThreadSanitizer.
TSAN_SUITES += $(B)/ch/$(CH30)/tests/designs
TSAN_LABS += 30
TSAN_PROGRAMS += $(foreach p,$(CH30_PROGRAMS),$(B)/ch/$(CH30)/$p)
