#!/bin/sh
# Checks that the Debian packages in tools/packages.txt are installed.
# `deps.sh LIST` checks another list instead (tools/packages-book.txt:
# what only `make book` needs).
# As root it installs what is missing (apt-get update once, then install);
# otherwise it prints the one command to run, and fails.
set -eu
here=$(dirname "$0")
list=${1:-$here/packages.txt}
wanted=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list" | \
	awk '{print $1}')

# One dpkg-query for all of them (fast); a package that is missing or
# half-installed lacks "install ok installed" in its status.
status=$(dpkg-query -W -f='${Package} ${Status};' $wanted 2>/dev/null || true)
missing=""
for p in $wanted; do
	case "$status" in
	"$p install ok installed;"*|*";$p install ok installed;"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null
	exit 0
fi
echo "The workbook needs Debian packages that are not installed. Run:" >&2
echo "  sudo apt-get install$missing" >&2
echo "then run make again." >&2
exit 1
