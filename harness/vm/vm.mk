# harness/vm/: the VM backend (harness/vm/README.md).  Included at the
# end of harness/harness.mk.
#
#   make vm        fetch Debian's cloud kernel, build the base initramfs,
#                  save a booted VM for the tests to restore
#   make test      runs the SCTP suite, which boots the VM by itself
#   make bench     BENCH harness.vm_sctp_first_result <ms> ms

VM_DIR     := $(B)/vm
HN_VM_SRCS := harness/vm/vm.c harness/vm/initrd.c harness/vm/qemu.c \
              harness/vm/outfiles.c harness/vm/qmp.c
HN_VM_OBJS := $(patsubst %.c,$(B)/obj/%.o,$(HN_VM_SRCS))

# The backend is part of the harness library: a prerequisite added here
# joins the $^ of harness.mk's rule for it.
$(B)/libharness.a: $(HN_VM_OBJS)

# The kernel and its modules, from Debian (apt-get download: no root),
# then the initramfs every test shares.  `make clean` removes them.
$(VM_DIR)/vmlinuz: harness/vm/fetch-kernel.sh harness/vm/modules.txt
	@echo "  KERNEL  $@ (apt-get download linux-image-cloud-amd64)"
	@harness/vm/fetch-kernel.sh $(VM_DIR) harness/vm/modules.txt

# The kernel qemu boots: unpacked from vmlinuz when it can be, so that
# the emulated CPU does not decompress it at every boot.
$(VM_DIR)/vmlinux: $(VM_DIR)/vmlinuz harness/vm/unpack-kernel.sh
	@echo "  UNPACK  $@"
	@harness/vm/unpack-kernel.sh $(VM_DIR)

# What a VM restored from the snapshot runs first: it has no C library,
# so static, and without the sanitizers (they do not link statically).
HN_RESUME_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -static
$(VM_DIR)/hn-resume: harness/vm/resume.c
	@mkdir -p $(@D)
	$(if $(V),,@echo "  CC      $@";)$(CC) $(HN_RESUME_CFLAGS) -o $@ $<

$(VM_DIR)/base.cpio: $(VM_DIR)/vmlinux harness/vm/mkbase.sh harness/vm/init \
		     $(VM_DIR)/hn-resume
	@echo "  CPIO    $@"
	@harness/vm/mkbase.sh $(VM_DIR) harness/vm/init $(VM_DIR)/hn-resume

# A booted VM saved for the tests to restore (1-2 s less CPU a run).
# mksnap itself checks whether the one there was made from this qemu,
# kernel and initramfs, so it runs every time: a qemu upgrade (an older
# file date than ours) is seen too.  Tests wait for it (order-only).
MKSNAP := $(B)/harness/vm/mksnap
$(MKSNAP): $(B)/obj/harness/vm/mksnap.o $(HN_VM_OBJS) \
	   $(B)/obj/harness/idle.o $(B)/obj/harness/fdpass.o \
	   $(B)/obj/harness/testkit.o $(B)/liblnp.a
	$(LINK) $^ $(CMOCKA)
VM_READY := vm-snapshot
.PHONY: vm-snapshot
vm-snapshot: $(MKSNAP) $(VM_DIR)/base.cpio
	@$(MKSNAP)

.PHONY: vm
vm: deps $(VM_READY) ## build the test VM (Debian kernel, busybox, snapshot)

# The proof: SCTP between two hosts, run in the VM when the kernel here
# has no SCTP.
VM_SCTP_TEST := $(B)/harness/vm/tests/sctp_streams
TEST_SUITES += $(VM_SCTP_TEST)
$(VM_SCTP_TEST): $(B)/obj/harness/vm/tests/sctp_streams.o \
		 $(B)/libharness.a $(B)/liblnp.a | $(VM_READY)
	$(LINK) $^ $(HARNESS_LDLIBS) $(CMOCKA) -lsctp

# The backend's own suite, and the helper it runs in the VM.  Both link
# only the backend and the testkit, not the rest of the harness.
VM_BACKEND_TEST := $(B)/harness/vm/tests/vm_backend
VM_HELPER := $(B)/harness/vm/tests/vm_helper
TEST_SUITES += $(VM_BACKEND_TEST)
$(VM_BACKEND_TEST): $(B)/obj/harness/vm/tests/vm_backend.o \
		    $(B)/obj/harness/testkit.o $(B)/liblnp.a | $(VM_HELPER)
	$(LINK) $^ $(CMOCKA)
$(VM_HELPER): $(B)/obj/harness/vm/tests/vm_helper.o $(HN_VM_OBJS) \
	      $(B)/obj/harness/idle.o $(B)/obj/harness/fdpass.o \
	      $(B)/obj/harness/testkit.o \
	      $(B)/liblnp.a | $(VM_READY)
	$(LINK) $^ $(CMOCKA)

VM_BENCH := $(B)/harness/vm/bench_first_result
$(VM_BENCH): $(B)/obj/harness/vm/bench_first_result.o
	$(LINK) $^

BENCHES += bench-vm-sctp
.PHONY: bench-vm-sctp
bench-vm-sctp: $(VM_BENCH) $(VM_SCTP_TEST) ## BENCH harness.vm_sctp_first_result
	@$(VM_BENCH) $(VM_SCTP_TEST) 3

-include $(patsubst %.o,%.d,$(HN_VM_OBJS) \
	   $(addprefix $(B)/obj/harness/vm/,tests/sctp_streams.o \
	     tests/vm_backend.o tests/vm_helper.o bench_first_result.o \
	     mksnap.o))
