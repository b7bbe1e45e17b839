/*
 * mksnap.c - saves a booted test VM for the tests to restore (make vm
 * runs it after the kernel and base initramfs are built).  Does nothing
 * when the snapshot there is up to date.  See hn_vm_snapshot() in vm.c
 * and harness/vm/README.md.
 */
#include "vm.h"

int main(void)
{
	/* a snapshot that cannot be made only makes the tests slower:
	 * hn_vm_snapshot() has said why; the build goes on */
	hn_vm_snapshot();
	return 0;
}
