# lib/: the helper library every program links (build/liblnp.a).
LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRCS))

$(B)/liblnp.a: $(LIB_OBJS)
	@rm -f $@ && ar rcs $@ $^

-include $(LIB_OBJS:.o=.d)
-include lib/tests/tests.mk
-include fuzz/fuzz.mk
