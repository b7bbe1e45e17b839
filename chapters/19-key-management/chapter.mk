# Chapter 19: key management sockets (PF_KEY, XFRM netlink).
CH19 := 19-key-management
CH19_PROGRAMS := keyprobe xfrmadd
$(foreach p,$(CH19_PROGRAMS),$(eval $(call example,$(CH19),$p)))

# keyhost runs here (what this kernel has); keys runs in the VM
# (hn_require("pf_key")), one boot for the whole suite.
$(eval $(call suite,$(CH19),keyhost))
$(B)/ch/$(CH19)/tests/keyhost: \
  | $(foreach p,$(CH19_PROGRAMS),$(B)/ch/$(CH19)/$p)
$(eval $(call suite,$(CH19),keys))
$(B)/ch/$(CH19)/tests/keys: \
  | $(foreach p,$(CH19_PROGRAMS) pfkey pfkey_naive,$(B)/ch/$(CH19)/$p)

# Lab 19: the student writes pfkey.c, a whole program; its tests run in
# the VM (the kernel here has no PF_KEY).
$(eval $(call lab,19,$(CH19),pfkey.c,chapters/$(CH19)/lab,pfkey,,))

# The VM sees the programs next to a suite and one level up: the lab's
# pfkey is copied next to the chapter's programs, and pfkey_naive, the
# "watch it break" version of section 19.6, is made from it by sed: it
# takes the first message it reads for its answer.
PROGRAMS += $(B)/ch/$(CH19)/pfkey $(B)/ch/$(CH19)/pfkey_naive
$(B)/ch/$(CH19)/pfkey: $(B)/lab-19/ref/pfkey
	@mkdir -p $(@D) && cp $< $@
$(B)/ch/$(CH19)/pfkey_naive.c: chapters/$(CH19)/lab/pfkey.c
	@mkdir -p $(@D) && sed '/if (m->sadb_msg_pid != req->sadb_msg_pid ||/i\
	return true;    /* pfkey_naive: the first message is the answer */' \
	  $< >$@
$(B)/ch/$(CH19)/pfkey_naive: $(B)/ch/$(CH19)/pfkey_naive.c $(B)/liblnp.a
	$(LINK) $(CFLAGS) $^
