# lib/tests/: unit tests of every lib/ function (cmocka), one binary a
# test file, all run by `make test`.  inject_test is linked with the
# linker's --wrap, so that its read(), write(), fork(), malloc() and
# accept() go through the test's own stand-ins, which can fail on cue.

LIBTEST_NAMES := sock_ntop_test readio_test errors_test wrappers_test \
                 signal_test
LIBTEST_WRAPS := -Wl,--wrap=read,--wrap=write,--wrap=fork,--wrap=malloc \
                 -Wl,--wrap=accept
LIBTEST_OBJS  := $(B)/obj/lib/tests/child.o

# $(call libtest,NAME[,EXTRA_LDFLAGS]): lib/tests/NAME.c -> $(B)/lib/tests/NAME
define libtest
TEST_SUITES += $(B)/lib/tests/$1
$(B)/lib/tests/$1: $(B)/obj/lib/tests/$1.o $(LIBTEST_OBJS) \
                   $(B)/libharness.a $(B)/liblnp.a
	$$(LINK) $$^ $$(HARNESS_LDLIBS) $$(CMOCKA) -pthread $2
endef

$(foreach t,$(LIBTEST_NAMES),$(eval $(call libtest,$t)))
$(eval $(call libtest,inject_test,$(LIBTEST_WRAPS)))

-include $(patsubst %,$(B)/obj/lib/tests/%.d,\
           $(LIBTEST_NAMES) inject_test child)
