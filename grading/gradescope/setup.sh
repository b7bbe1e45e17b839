#!/bin/sh
# Gradescope runs this once, as root, when the autograder image is built.
# It installs the workbook's Debian/Ubuntu packages and builds, once, the
# parts of lab @LAB@ that every submission is linked against.
set -eu
root=${AUTOGRADER_ROOT:-/autograder}
repo=$root/source/repo
export DEBIAN_FRONTEND=noninteractive
packages=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$repo/tools/packages.txt" |
	awk '{print $1}' | grep -v '^libclang-rt' || true)
# shellcheck disable=SC2086
missing=$(for p in $packages; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q "install ok installed" || echo "$p"; done)
if [ -n "$missing" ] && [ "$(id -u)" -eq 0 ]; then
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi
make -C "$repo" -s build-lab-@LAB@-ref build/grading/sandbox \
	build/obj/grading/test_filter.o
