#!/bin/sh
# mkbase.sh VMDIR INIT RESUME
#
# Builds VMDIR/base.cpio, the part of the test VM's initramfs that every
# test shares: a static busybox (with a link for each of its commands),
# the modules fetch-kernel.sh put in VMDIR/modules, INIT as /init and
# RESUME (harness/vm/resume.c, static) as /bin/hn-resume.
# Each run appends its own small archive to it (harness/vm/initrd.c).
set -eu

vm=$1
init=$2
resume=$3

die() {
	echo "harness/vm: $*" >&2
	exit 1
}

bb=$(command -v busybox) || die "busybox is not installed: run" \
	"'sudo apt-get install busybox-static' and make again"
# A dynamic busybox would need a C library before any test brought one.
if ldd "$bb" >/dev/null 2>&1; then
	die "$bb is not the static busybox: run" \
		"'sudo apt-get install busybox-static' and make again"
fi
command -v cpio >/dev/null 2>&1 || die "cpio is not installed: run" \
	"'sudo apt-get install cpio' and make again"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hn-vm-base.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
root=$tmp/root

mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp" \
	"$root/run" "$root/hn" "$root/etc" "$root/usr"
cp "$bb" "$root/bin/busybox"
for cmd in $("$bb" --list); do
	[ "$cmd" = busybox ] || ln -s busybox "$root/bin/$cmd"
done
# The kernel runs /sbin/modprobe to load a module on demand.
ln -s bin "$root/sbin"
cp -R "$vm/modules/lib" "$root/lib"
cp "$resume" "$root/bin/hn-resume"
cp "$init" "$root/init"
chmod 755 "$root/init"

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) >"$tmp/base.cpio"
mv "$tmp/base.cpio" "$vm/base.cpio"
