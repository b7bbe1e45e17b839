# Chapter 22: advanced UDP sockets.
CH22 := 22-advanced-udp
CH22_PROGRAMS := udpdst udpask
$(foreach p,$(CH22_PROGRAMS),$(eval $(call example,$(CH22),$p)))

# rttcmp uses the lab's reference estimator (rtt.c), as the chapter shows.
PROGRAMS += $(B)/ch/$(CH22)/rttcmp
$(B)/ch/$(CH22)/rttcmp: $(B)/obj/chapters/$(CH22)/rttcmp.o \
  $(B)/obj/chapters/$(CH22)/lab/rtt.o $(B)/liblnp.a
	$(LINK) $^ -lm
$(B)/obj/chapters/$(CH22)/rttcmp.o: EXTRA_CFLAGS += -Ichapters/$(CH22)

$(eval $(call suite,$(CH22),audp,-lm))
$(B)/ch/$(CH22)/tests/audp: \
  | $(foreach p,$(CH22_PROGRAMS) rttcmp,$(B)/ch/$(CH22)/$p)

# Lab 22: the student writes rtt.c, functions the tests link (no
# program of its own).
$(eval $(call lab,22,$(CH22),rtt.c,chapters/$(CH22)/lab,,,-lm))
