#!/bin/sh
# fetch-kernel.sh OUTDIR MODULES_LIST
#
# Gets the test VM's kernel from Debian: downloads the current
# linux-image-cloud-amd64 package with `apt-get download` (no root
# needed, nothing installed on this machine) and extracts into OUTDIR:
#   vmlinuz                     the kernel
#   modules/lib/modules/REL/    the modules named in MODULES_LIST and all
#                               they depend on, decompressed, with the
#                               modules.dep and modules.alias that busybox
#                               modprobe reads
# OUTDIR/vmlinuz is written last, so make sees a whole kernel or none.
set -eu

out=$1
list=$2
meta=linux-image-cloud-amd64

die() {
	echo "harness/vm: $*" >&2
	exit 1
}

for tool in apt-get apt-cache dpkg-deb busybox; do
	command -v "$tool" >/dev/null 2>&1 || case $tool in
	busybox) die "busybox is not installed: run" \
		"'sudo apt-get install busybox-static' and make again" ;;
	*) die "$tool is missing: the VM kernel comes from Debian's apt" ;;
	esac
done

# The metapackage names the kernel of the day (linux-image-6.1.0-NN-...).
pkg=$(apt-cache depends "$meta" 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1)
[ -n "$pkg" ] || die "apt does not know the package $meta: run" \
	"'sudo apt-get update' (Debian main must be in the sources) and" \
	"make again"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hn-vm-kernel.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

if ! (cd "$tmp" && apt-get download -q "$pkg" >download.log 2>&1); then
	die "could not download $pkg ($meta) with apt-get: check the" \
		"network and run 'sudo apt-get update', then make again" \
		"($(tail -n 1 "$tmp/download.log"))"
fi
dpkg-deb -x "$tmp"/*.deb "$tmp/pkg"
rel=$(ls "$tmp/pkg/lib/modules")
tree=$tmp/pkg/lib/modules/$rel
stage=$tmp/modules/lib/modules/$rel

# Every module file, once, as "name path" (names use _ where files may
# use -: crc32c-intel.ko is module crc32c_intel).
find "$tree/kernel" -name '*.ko*' | sed -n \
	's@^\(.*/\([^/]*\)\.ko\(\.[a-z]*\)\{0,1\}\)$@\2 \1@p' |
	awk '{ gsub("-", "_", $1); print }' >"$tmp/index"

# Copies module $1 (a file), decompressed, into the staged tree; prints
# the names it depends on.
stage_module() {
	rel_path=${1#"$tree"/}
	dest=$stage/${rel_path%.xz}
	dest=${dest%.zst}
	dest=${dest%.gz}
	[ -e "$dest" ] && return 0
	mkdir -p "$(dirname "$dest")"
	case $1 in
	*.xz) xz -dc "$1" >"$dest" ;;
	*.zst) zstd -qdc "$1" >"$dest" ;;
	*.gz) gzip -dc "$1" >"$dest" ;;
	*) cp "$1" "$dest" ;;
	esac
	# The depends= field of the module's .modinfo section.
	tr '\0' '\n' <"$dest" | sed -n 's/^depends=//p' | head -n 1 |
		tr ',' ' '
}

# Resolves the list (globs allowed) to files, then follows depends=
# until nothing new turns up.
wanted=$(sed -e 's/#.*//' "$list" | awk 'NF { print $1 }')
todo=""
for w in $wanted; do
	found=$(awk -v pat="$w" '
		{ n = pat; gsub("-", "_", n)
		  if (n ~ /\*$/) { p = substr(n, 1, length(n) - 1)
				   if (index($1, p) == 1) print $2 }
		  else if ($1 == n) print $2 }' "$tmp/index")
	[ -n "$found" ] || die "no module '$w' in $pkg (harness/vm/modules.txt)"
	todo="$todo $found"
done
while [ -n "$todo" ]; do
	next=""
	for f in $todo; do
		for dep in $(stage_module "$f"); do
			next="$next $(awk -v n="$dep" '$1 == n { print $2 }' \
				"$tmp/index")"
		done
	done
	todo=$next
done

cp "$tree/modules.builtin" "$tree/modules.order" "$stage/" 2>/dev/null || :
busybox depmod -b "$tmp/modules" "$rel"

rm -rf "$out/modules" "$out/vmlinuz"
mkdir -p "$out"
mv "$tmp/modules" "$out/modules"
echo "$rel" >"$out/release"
echo "$pkg" >"$out/package"
mv "$tmp/pkg/boot/vmlinuz-$rel" "$out/vmlinuz"
touch "$out/vmlinuz"            # the package's date is older than ours
echo "harness/vm: kernel $rel from $pkg, $(find "$out/modules" \
	-name '*.ko' | wc -l) modules"
