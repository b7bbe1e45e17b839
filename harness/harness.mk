# harness/: the library tests link (build/libharness.a), its own suites,
# its benchmark and the netlab command.
HARNESS_SRCS   := $(filter-out harness/netlab.c,$(wildcard harness/*.c))
HARNESS_OBJS   := $(patsubst %.c,$(B)/obj/%.o,$(HARNESS_SRCS))
HARNESS_LDLIBS := -lmnl -lnftables -lnetfilter_queue -lpcap -lm

$(B)/libharness.a: $(HARNESS_OBJS)
	@rm -f $@ && ar rcs $@ $^

-include $(HARNESS_OBJS:.o=.d)

# ---- the harness's own tests ------------------------------------------------
HN_SUITES  := topology procs faults crash capture peers cleanup netlab
HN_HELPERS := listener victim
HN_TUTIL   := $(B)/obj/harness/tests/tutil.o

define hn_suite
TEST_SUITES += $(B)/harness/tests/$1
$(B)/harness/tests/$1: $(B)/obj/harness/tests/$1.o $(HN_TUTIL) \
		$(B)/libharness.a $(B)/liblnp.a
	$$(LINK) $$^ $$(HARNESS_LDLIBS) $$(CMOCKA)
endef
define hn_helper
PROGRAMS += $(B)/harness/tests/$1
$(B)/harness/tests/$1: $(B)/obj/harness/tests/$1.o $(HN_TUTIL) \
		$(B)/libharness.a $(B)/liblnp.a
	$$(LINK) $$^ $$(HARNESS_LDLIBS) $$(CMOCKA)
endef
$(foreach s,$(filter $(HN_SUITES),$(patsubst harness/tests/%.c,%,$(wildcard harness/tests/*.c))),$(eval $(call hn_suite,$s)))
$(foreach s,$(filter $(HN_HELPERS),$(patsubst harness/tests/%.c,%,$(wildcard harness/tests/*.c))),$(eval $(call hn_helper,$s)))
-include $(wildcard $(B)/obj/harness/tests/*.d)

# The VM backend (harness/vm/, another engineer's) plugs in last: its
# fragment adds HN_VM_OBJS to libharness.a, and then hn_require() calls
# its hn_vm_rerun() when the kernel here lacks a feature.
-include harness/vm/vm.mk
ifneq ($(strip $(HN_VM_OBJS)),)
$(B)/obj/harness/sandbox.o: EXTRA_CFLAGS += -DHN_HAVE_VM
endif

# ---- benchmark and netlab ----------------------------------------------------
HN_BENCH := $(B)/harness/bench/bench
$(HN_BENCH): $(B)/obj/harness/bench/bench.o $(B)/libharness.a $(B)/liblnp.a
	$(LINK) $^ $(HARNESS_LDLIBS) $(CMOCKA)

BENCHES += bench-harness
.PHONY: bench-harness
bench-harness: $(HN_BENCH) ## BENCH harness.two_host_up_down, chain_up_down, crash_to_etimedout
	@$(HN_BENCH)
-include $(B)/obj/harness/bench/bench.d

PROGRAMS += $(B)/netlab
$(B)/netlab: $(B)/obj/harness/netlab.o $(B)/libharness.a $(B)/liblnp.a
	$(LINK) $^ $(HARNESS_LDLIBS) $(CMOCKA)
.PHONY: netlab
netlab: $(B)/netlab ## build netlab: the harness's topologies by hand (build/netlab help)
-include $(B)/obj/harness/netlab.d
