# Chapter 26: threads.
CH26 := 26-threads
CH26_PROGRAMS := strclithr tcpservthr tcpservrace rlthreads
$(foreach p,$(CH26_PROGRAMS),$(eval $(call example,$(CH26),$p)))

$(eval $(call suite,$(CH26),threads))
$(B)/ch/$(CH26)/tests/threads: \
  | $(foreach p,$(CH26_PROGRAMS) webthr tcpservrace-tsan,$(B)/ch/$(CH26)/$p) \
    $(B)/ch/05-tcp-client-server/echosrv_v3

# The racy server built with ThreadSanitizer, in every build, so that the
# suite sees TSan report its race (section 26.9).  It cannot share
# objects with an ASan build (SAN=1), so it is compiled whole, with the
# library's sources, in one command.
PROGRAMS += $(B)/ch/$(CH26)/tcpservrace-tsan
$(B)/ch/$(CH26)/tcpservrace-tsan: chapters/$(CH26)/tcpservrace.c \
  chapters/$(CH26)/racehook.h $(LIB_SRCS) lib/lnp.h
	$(if $(V),,@echo "  CC+LD   $@";)mkdir -p $(@D) && $(CC) -std=c11 \
	  -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -Ilib \
	  -fsanitize=thread -o $@ $(filter %.c,$^)

# Lab 26: the student writes webthr.c (its threads, mutex and condition
# variable), linked into the tests and, with the chapter's
# lab/webthr_main.c, into the program webthr.
$(eval $(call lab,26,$(CH26),webthr.c,chapters/$(CH26)/lab,,,))
CH26_MAIN := $(B)/obj/chapters/$(CH26)/lab/webthr_main.o
$(CH26_MAIN): EXTRA_CFLAGS += -Ichapters/$(CH26)/lab
PROGRAMS += $(B)/ch/$(CH26)/webthr
$(B)/ch/$(CH26)/webthr: $(CH26_MAIN) $(B)/obj/chapters/$(CH26)/lab/webthr.o \
  $(B)/liblnp.a
	$(LINK) $^
define ch26_webthr
build-lab-26-$1 build-lab-26-$1-public: $(B)/lab-26/$1/webthr
$(B)/lab-26/$1/webthr: $(CH26_MAIN) $$(LAB_26_$1_OBJS) $(B)/liblnp.a
	$$(LINK) $$^
# the tests watch the student's calls to these (tests/lab26.h)
$(B)/lab-26/$1/public $(B)/lab-26/$1/hidden: LDFLAGS += $(CH26_WRAP)
endef
CH26_WRAP := $(foreach f,pthread_mutex_lock pthread_mutex_unlock \
  pthread_cond_wait pthread_cond_signal pthread_cond_broadcast \
  pthread_create pthread_join,-Wl,--wrap=$f)
$(foreach v,student ref starter $(addprefix mutant/,$(if $(filter 26,$(MUTANT_LAB)),$(MUTANTS))),$(eval $(call ch26_webthr,$v)))

# make TSAN=1 test: this chapter's suite and lab run under ThreadSanitizer.
TSAN_SUITES += $(B)/ch/$(CH26)/tests/threads
TSAN_LABS += 26
TSAN_PROGRAMS += $(foreach p,$(CH26_PROGRAMS) webthr tcpservrace-tsan,$(B)/ch/$(CH26)/$p) \
  $(B)/ch/05-tcp-client-server/echosrv_v3

# make bench: a thread per client against a process per client
# (measured by the suite: five rounds of 400 connections, one line
# each, the best round of each), and six threads against one on a slow
# server.
.PHONY: bench-ch26
BENCHES += bench-ch26
bench-ch26: $(B)/ch/$(CH26)/tests/threads
	@TK_BENCH=1 $(B)/ch/$(CH26)/tests/threads 2>&1 | grep '^BENCH ch26'

# the lab's tests include the lab's header
$(B)/obj/chapters/$(CH26)/tests/lab.o \
$(B)/obj/chapters/$(CH26)/tests/hidden/lab_hidden.o: \
  EXTRA_CFLAGS += -Ichapters/$(CH26)/lab
