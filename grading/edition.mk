# The student edition's grading/grading.mk (written by
# grading/student_edition.py; the instructor's grader is not exported).
#
# There are no reference solutions here, so:
# - a lab whose files live in lib/ builds lib/ from YOUR copy in
#   labs/lab-NN/: once your lab 3 works, the chapters' programs use it;
# - `make test` checks what a student can check: every lab's files
#   compile, their public tests run (counted as progress), and every
#   chapter suite runs, except those that wait for a lab you have not
#   finished yet (they use its functions).  See EDITION.md.
TEST_EXTRA += --edition student

define edition_lib_file
$(B)/obj/lib/$2.o: labs/lab-$1/$2.c
	@mkdir -p $$(@D)
	$$(if $$(V),,@echo "  CC      $$< (your lab $1)";)$$(CC) $$(CFLAGS) \
	  -Ichapters/$$(LAB_$1_CHAPTER)/lab -c -o $$@ $$<
endef
$(foreach l,$(LABS),$(if $(filter lib,$(LAB_$l_REFDIR)),$(foreach \
  f,$(filter %.c,$(LAB_$l_FILES)),$(eval $(call \
  edition_lib_file,$l,$(f:.c=))))))
