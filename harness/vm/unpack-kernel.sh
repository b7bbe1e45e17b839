#!/bin/sh
# unpack-kernel.sh VMDIR
#
# Writes VMDIR/vmlinux, the kernel qemu boots: the ELF image unpacked
# from VMDIR/vmlinuz (a bzImage), when it has a PVH entry point (a Xen
# ELF note, type 0x12).  qemu then loads it as it is and jumps to that
# entry: the kernel is not decompressed by the emulated CPU first, which
# costs about a quarter of a second of every boot under TCG.  When the
# image cannot be unpacked (a compression this script does not know, a
# tool missing, no PVH note), vmlinux is a copy of vmlinuz, which qemu
# boots the usual way, and the script says so.
set -eu

vm=$1
in=$vm/vmlinuz
tmp=$vm/vmlinux.tmp
trap 'rm -f "$tmp" "$tmp.z"' EXIT
trap 'exit 130' INT TERM HUP

fallback() {
	echo "harness/vm: booting the compressed kernel: $*" >&2
	cp "$in" "$tmp"
	mv "$tmp" "$vm/vmlinux"
	exit 0
}

# The bzImage header (Documentation/arch/x86/boot.rst): "HdrS" at
# 0x202; setup_sects at 0x1f1, then payload_offset and payload_length
# at 0x248, little endian, the offset counted from the end of the setup
# sectors.
u8() { od -An -tu1 -j "$1" -N 1 "$in" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N 4 --endian=little "$in" | tr -d ' '; }
[ "$(od -An -c -j 514 -N 4 "$in" 2>/dev/null | tr -d ' ')" = HdrS ] ||
	fallback "$in is not a bzImage (no boot header)"
sects=$(u8 497)
[ "$sects" -eq 0 ] && sects=4
offset=$(( (sects + 1) * 512 + $(u32 584) ))
length=$(u32 588)
tail -c +$((offset + 1)) "$in" | head -c "$length" >"$tmp.z"

magic=$(od -An -tx1 -N 4 "$tmp.z" | tr -d ' ')
case $magic in
02214c18) tool="lz4 -dc" ;;
1f8b08*) tool="gzip -dc" ;;
28b52ffd) tool="zstd -qdc" ;;
fd377a58) tool="xz -dc" ;;
*) fallback "its payload's format ($magic) is not one this script" \
	"unpacks" ;;
esac
command -v "${tool%% *}" >/dev/null 2>&1 ||
	fallback "${tool%% *} is not installed"
$tool <"$tmp.z" >"$tmp" 2>/dev/null || [ -s "$tmp" ] ||
	fallback "$tool failed on its payload"
[ "$(od -An -c -N 4 "$tmp" | tr -d ' ')" = "177ELF" ] ||
	fallback "its payload is not an ELF image"
readelf -n "$tmp" 2>/dev/null | grep -q "Unknown note type: (0x00000012)" ||
	fallback "the image has no PVH entry point"
mv "$tmp" "$vm/vmlinux"
