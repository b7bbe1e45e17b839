# Chapter 3: sockets introduction.
CH03 := 03-sockets-intro
CH03_PROGRAMS := byteorder addrconv sockntop partial linebench
$(foreach p,$(CH03_PROGRAMS),$(eval $(call example,$(CH03),$p)))

# The examples suite runs each program (lib/tests/child.o runs a child
# and collects its output) and checks the transcripts the chapter shows.
$(eval $(call suite,$(CH03),examples))
$(B)/ch/$(CH03)/tests/examples: $(B)/obj/lib/tests/child.o
$(B)/ch/$(CH03)/tests/examples: | \
  $(foreach p,$(CH03_PROGRAMS),$(B)/ch/$(CH03)/$p)

# Lab 3: the student writes lib/readio.c and lib/sock_ntop.c.  The tests
# use a peer thread (lib/tests/testpeer.h): link with -pthread.
CH03_LAB_FILES := readio.c sock_ntop.c
CH03_LAB_REPLACES := lib/readio.o lib/sock_ntop.o
$(eval $(call lab,03,$(CH03),$(CH03_LAB_FILES),lib,,$(CH03_LAB_REPLACES),\
  -pthread))

# make bench: readline against a read() per byte, lines per second.
BENCHES += bench-ch03-readline
.PHONY: bench-ch03-readline
bench-ch03-readline: $(B)/ch/$(CH03)/linebench
	@$(B)/ch/$(CH03)/linebench
