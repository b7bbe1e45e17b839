#!/bin/sh
# npm-deps.sh LIST DIR: installs the pinned npm packages of LIST
# (tools/packages-npm.txt) into DIR/node_modules, once: a stamp file
# records the list that was installed, so a run with nothing to do costs
# nothing.  npm comes with Node.js (Debian: apt-get install npm).
set -eu
list=$1 dir=$2
wanted=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list" | awk '{print $1}')
stamp="$dir/installed.txt"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
	exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
	echo "The book needs npm (it comes with Node.js) to install:" >&2
	echo "  $wanted" >&2
	echo "Install it (Debian: sudo apt-get install npm), then run make" \
		"again." >&2
	exit 1
fi
mkdir -p "$dir"
echo "deps: npm install $wanted (into $dir)"
# shellcheck disable=SC2086
if ! npm install --prefix "$dir" --no-save --no-audit --no-fund \
	--loglevel=error $wanted >"$dir/npm.log" 2>&1; then
	cat "$dir/npm.log" >&2
	echo "npm-deps: npm install failed (log above)" >&2
	exit 1
fi
echo "$wanted" >"$stamp"
