# Chapter 21: multicasting.  Every program links the chapter's
# multicast helpers (mcast.c); sntpc also the lab's reference SNTP
# functions (lab/sntp.c), as the chapter shows.
CH21 := 21-multicasting
CH21_PROGRAMS := mcastrecv mcastsend saplisten sapsend sntpc
PROGRAMS += $(foreach p,$(CH21_PROGRAMS),$(B)/ch/$(CH21)/$p)
$(foreach p,$(CH21_PROGRAMS),$(B)/ch/$(CH21)/$p): $(B)/ch/$(CH21)/%: \
  $(B)/obj/chapters/$(CH21)/%.o $(B)/obj/chapters/$(CH21)/mcast.o \
  $(B)/liblnp.a
	$(LINK) $(filter %.o %.a,$^)
$(B)/ch/$(CH21)/sntpc: $(B)/obj/chapters/$(CH21)/lab/sntp.o
$(B)/obj/chapters/$(CH21)/%.o: EXTRA_CFLAGS += -Ichapters/$(CH21)

$(eval $(call suite,$(CH21),mcast))
$(B)/ch/$(CH21)/tests/mcast: \
  | $(foreach p,$(CH21_PROGRAMS),$(B)/ch/$(CH21)/$p)

# Lab 21: the student writes sntp.c, functions the tests link (no
# program of its own).
$(eval $(call lab,21,$(CH21),sntp.c,chapters/$(CH21)/lab,,,))
