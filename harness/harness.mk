# harness/: the library tests link (build/libharness.a) and its own suite.
HARNESS_SRCS   := $(wildcard harness/*.c)
HARNESS_OBJS   := $(patsubst %.c,$(B)/obj/%.o,$(HARNESS_SRCS))
HARNESS_LDLIBS :=

$(B)/libharness.a: $(HARNESS_OBJS)
	@rm -f $@ && ar rcs $@ $^

-include $(HARNESS_OBJS:.o=.d)
